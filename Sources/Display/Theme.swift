/// Type sizes and spacing every chart shares, so a notebook of charts looks like one family.
enum Theme {
    static let title = TextStyle(size: 15, weight: .bold, anchor: .middle, baseline: .top)
    static let panelTitle = TextStyle(size: 12.5, weight: .bold, anchor: .middle, baseline: .bottom)
    static let axisLabel = TextStyle(size: 12, color: .ink, anchor: .middle)
    static let tickLabel = TextStyle(size: 11, color: .mutedInk)
    static let legend = TextStyle(size: 12, color: .ink, baseline: .middle)
    static let note = TextStyle(size: 10.5, color: .mutedInk, baseline: .bottom)
    static let message = TextStyle(size: 13, color: .mutedInk, anchor: .middle, baseline: .middle)
    static let background = Color.white
    static let outerMargin = 10.0
}

/// The parts every chart has around its plot: white background, title and footnotes.
struct ChartDecoration {
    var title: String?
    /// Footnotes, such as how many values could not be drawn.
    var notes: [String] = []

    /// Draws the background, title and notes; returns the area left for the plot.
    func draw(on canvas: any Canvas) -> Rect {
        let size = canvas.size
        // A white ground keeps dark text readable in dark notebook themes.
        canvas.rect(Rect(x: 0, y: 0, width: size.width, height: size.height), fill: Theme.background, stroke: nil)
        var area = Rect(x: 0, y: 0, width: size.width, height: size.height)
            .inset(top: Theme.outerMargin, left: Theme.outerMargin, bottom: Theme.outerMargin, right: Theme.outerMargin)
        if let title, !title.isEmpty {
            let fitted = fit(title, width: area.width, style: Theme.title, canvas: canvas)
            canvas.text(fitted, at: Point(size.width / 2, area.y), style: Theme.title)
            area = area.inset(top: Theme.title.size + 12)
        }
        if !notes.isEmpty {
            let text = notes.joined(separator: "; ")
            canvas.text(
                fit(text, width: area.width, style: Theme.note, canvas: canvas), at: Point(area.x, area.maxY),
                style: Theme.note)
            area = area.inset(bottom: Theme.note.size + 8)
        }
        return area
    }
}

/// `text`, shortened with an ellipsis if it is wider than `width`.
func fit(_ text: String, width: Double, style: TextStyle, canvas: any Canvas) -> String {
    if canvas.textWidth(text, style: style) <= width { return text }
    // No glyph is narrower than about a quarter of the font size: cut very long text to what
    // could possibly fit before measuring character by character.
    var characters = Array(text.prefix(Int(max(0, width) / (0.25 * style.size)) + 1))
    while !characters.isEmpty {
        characters.removeLast()
        let candidate = String(characters) + "…"
        if canvas.textWidth(candidate, style: style) <= width { return candidate }
    }
    return ""
}

/// Shapes that tell classes apart without relying on colour alone.
public enum MarkerShape: Sendable, CaseIterable {
    case circle, square, triangle, diamond

    /// The shape of the `index`-th class, cycling.
    static func of(_ index: Int) -> MarkerShape {
        allCases[((index % allCases.count) + allCases.count) % allCases.count]
    }

    func draw(at p: Point, radius r: Double, fill: Color?, stroke: Stroke?, on canvas: any Canvas) {
        switch self {
        case .circle:
            canvas.circle(center: p, radius: r, fill: fill, stroke: stroke)
        case .square:
            let s = r * 0.9
            canvas.rect(Rect(x: p.x - s, y: p.y - s, width: 2 * s, height: 2 * s), fill: fill, stroke: stroke)
        case .triangle:
            let s = r * 1.2
            canvas.path(
                .polygon([Point(p.x, p.y - s), Point(p.x + s * 0.95, p.y + s * 0.65), Point(p.x - s * 0.95, p.y + s * 0.65)]),
                fill: fill, stroke: stroke)
        case .diamond:
            let s = r * 1.25
            canvas.path(
                .polygon([Point(p.x, p.y - s), Point(p.x + s, p.y), Point(p.x, p.y + s), Point(p.x - s, p.y)]),
                fill: fill, stroke: stroke)
        }
    }
}
