import CCairo

/// Writes SVG markup; the same drawing always gives byte-identical text (no ids from counters
/// or clocks, numbers rounded to two decimals).
public final class SVGCanvas: Canvas {
    public let size: Size
    private var body = ""
    private var openClips = 0
    private let measurer = TextMeasurer()

    public init(size: Size) {
        self.size = size
        body.reserveCapacity(16_384)
    }

    /// The complete SVG document.
    public func svg() -> String {
        let w = NumberFormat.coordinate(size.width)
        let h = NumberFormat.coordinate(size.height)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" "
        out += "viewBox=\"0 0 \(w) \(h)\" font-family=\"\(ChartFont.svgFamily)\">\n"
        out += body
        out += String(repeating: "</g>\n", count: openClips)
        out += "</svg>\n"
        return out
    }

    private func n(_ v: Double) -> String { NumberFormat.coordinate(v) }

    private func paint(fill: Color?, stroke: Stroke?) -> String {
        var s = ""
        if let fill {
            s += " fill=\"\(fill.hexString)\""
            if fill.alpha < 1 { s += " fill-opacity=\"\(NumberFormat.fixed(fill.alpha, decimals: 3))\"" }
        } else {
            s += " fill=\"none\""
        }
        if let stroke { s += strokeAttributes(stroke) }
        return s
    }

    private func strokeAttributes(_ stroke: Stroke) -> String {
        var s = " stroke=\"\(stroke.color.hexString)\""
        if stroke.width != 1 { s += " stroke-width=\"\(n(stroke.width))\"" }
        if stroke.color.alpha < 1 {
            s += " stroke-opacity=\"\(NumberFormat.fixed(stroke.color.alpha, decimals: 3))\""
        }
        if !stroke.dash.isEmpty { s += " stroke-dasharray=\"\(stroke.dash.map(n).joined(separator: " "))\"" }
        return s
    }

    public func line(from: Point, to: Point, stroke: Stroke) {
        body += "<line x1=\"\(n(from.x))\" y1=\"\(n(from.y))\" x2=\"\(n(to.x))\" y2=\"\(n(to.y))\"\(strokeAttributes(stroke))/>\n"
    }

    public func polyline(_ points: [Point], stroke: Stroke) {
        guard !points.isEmpty else { return }
        body += "<polyline fill=\"none\"\(strokeAttributes(stroke)) stroke-linejoin=\"round\" points=\""
        for (i, p) in points.enumerated() {
            if DrawingCancellation.stops(at: i) { break }
            if i > 0 { body += " " }
            body += n(p.x)
            body += ","
            body += n(p.y)
        }
        body += "\"/>\n"
    }

    public func rect(_ rect: Rect, fill: Color?, stroke: Stroke?) {
        body += "<rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\"\(paint(fill: fill, stroke: stroke))/>\n"
    }

    public func circle(center: Point, radius: Double, fill: Color?, stroke: Stroke?) {
        body += "<circle cx=\"\(n(center.x))\" cy=\"\(n(center.y))\" r=\"\(n(radius))\"\(paint(fill: fill, stroke: stroke))/>\n"
    }

    public func path(_ path: Path, fill: Color?, stroke: Stroke?) {
        var d = ""
        for element in path.elements {
            switch element {
            case .move(let p): d += "M\(n(p.x)) \(n(p.y))"
            case .line(let p): d += "L\(n(p.x)) \(n(p.y))"
            case .close: d += "Z"
            }
        }
        body += "<path d=\"\(d)\"\(paint(fill: fill, stroke: stroke))/>\n"
    }

    public func dots(_ centres: [Point], radius: Double, color: Color, square: Bool) {
        guard !centres.isEmpty else { return }
        // A zero-length segment with a round or square cap is a dot as wide as the stroke.
        var d = ""
        d.reserveCapacity(centres.count * 14)
        for (step, p) in centres.enumerated() {
            if DrawingCancellation.stops(at: step) { break }
            d += "M"
            d += n((p.x * 10).rounded() / 10)
            d += " "
            d += n((p.y * 10).rounded() / 10)
            d += "h0"
        }
        var s = "<path fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(n(2 * radius))\""
        if color.alpha < 1 { s += " stroke-opacity=\"\(NumberFormat.fixed(color.alpha, decimals: 3))\"" }
        s += " stroke-linecap=\"\(square ? "square" : "round")\" d=\"\(d)\"/>\n"
        body += s
    }

    public func text(_ string: String, at point: Point, style: TextStyle) {
        guard !string.isEmpty else { return }
        let y = point.y + style.baseline.shift * style.size
        var s = "<text x=\"\(n(point.x))\" y=\"\(n(y))\" font-size=\"\(n(style.size))\""
        if style.weight == .bold { s += " font-weight=\"bold\"" }
        switch style.anchor {
        case .start: break
        case .middle: s += " text-anchor=\"middle\""
        case .end: s += " text-anchor=\"end\""
        }
        s += " fill=\"\(style.color.hexString)\""
        if style.color.alpha < 1 { s += " fill-opacity=\"\(NumberFormat.fixed(style.color.alpha, decimals: 3))\"" }
        if style.rotation != 0 {
            s += " transform=\"rotate(\(n(style.rotation)) \(n(point.x)) \(n(point.y)))\""
        }
        body += s + ">" + XMLText.escape(string) + "</text>\n"
    }

    public func image(_ image: RasterImage, in rect: Rect, smooth: Bool) {
        guard let surface = try? makeSurface(image) else { return }
        defer { cairo.surface_destroy(surface) }
        guard let png = try? pngBytes(of: surface) else { return }
        let rendering = smooth ? "" : " image-rendering=\"pixelated\" style=\"image-rendering:pixelated\""
        body += "<image x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" preserveAspectRatio=\"none\"\(rendering) href=\"data:image/png;base64,\(Base64.encode(png))\"/>\n"
    }

    public func pushClip(_ rect: Rect) {
        // The id is made of the rectangle itself: two charts on one page that share an id
        // then also share the same clip, so inlining many SVGs in one notebook stays correct.
        let id = "clip-\(n(rect.x))-\(n(rect.y))-\(n(rect.width))-\(n(rect.height))"
            .replacingDots()
        body += "<clipPath id=\"\(id)\"><rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\"/></clipPath>\n"
        body += "<g clip-path=\"url(#\(id))\">\n"
        openClips += 1
    }

    public func popClip() {
        guard openClips > 0 else { return }
        body += "</g>\n"
        openClips -= 1
    }

    public func textWidth(_ string: String, size: Double, weight: FontWeight) -> Double {
        measurer.width(string, size: size, weight: weight)
    }
}

extension String {
    /// Dots are legal in XML ids but confuse CSS selectors; use `_` instead.
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}

/// Escaping for text and attribute values in XML and HTML.
enum XMLText {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
