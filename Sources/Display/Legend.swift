/// A key of names to colours, drawn to the right of a plot.
struct Legend {
    enum Swatch {
        case line(Stroke)
        case marker(MarkerShape, Color)
        case box(Color)
    }
    struct Entry {
        let name: String
        let swatch: Swatch
    }

    let entries: [Entry]
    static let swatchWidth = 22.0
    static let rowHeight = 20.0
    static let maxTextWidth = 150.0

    var isEmpty: Bool { entries.isEmpty }

    /// Width the legend needs, including the gap to the plot.
    func width(on canvas: any Canvas) -> Double {
        guard !entries.isEmpty else { return 0 }
        let widest = entries.map { canvas.textWidth($0.name, style: Theme.legend) }.max() ?? 0
        return 14 + Legend.swatchWidth + 6 + min(widest, Legend.maxTextWidth)
    }

    /// Draws the entries top-down from `origin`, as many as fit in `height`.
    func draw(at origin: Point, height: Double, on canvas: any Canvas) {
        let fitting = max(1, Int(height / Legend.rowHeight))
        let shown = entries.count <= fitting ? entries : Array(entries.prefix(fitting - 1))
        var y = origin.y + Legend.rowHeight / 2
        let x = origin.x + 14
        for entry in shown {
            switch entry.swatch {
            case .line(let stroke):
                canvas.line(from: Point(x, y), to: Point(x + Legend.swatchWidth, y), stroke: Stroke(stroke.color, width: max(2, stroke.width), dash: stroke.dash))
            case .marker(let shape, let color):
                shape.draw(at: Point(x + Legend.swatchWidth / 2, y), radius: 4.5, fill: color, stroke: nil, on: canvas)
            case .box(let color):
                canvas.rect(Rect(x: x + 5, y: y - 6, width: 12, height: 12), fill: color, stroke: nil)
            }
            let name = fit(entry.name, width: Legend.maxTextWidth, style: Theme.legend, canvas: canvas)
            canvas.text(name, at: Point(x + Legend.swatchWidth + 6, y), style: Theme.legend)
            y += Legend.rowHeight
        }
        if shown.count < entries.count {
            var more = Theme.legend
            more.color = .mutedInk
            canvas.text("… \(entries.count - shown.count) more", at: Point(x, y), style: more)
        }
    }
}
