import CCairo

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Draws onto a cairo image surface and encodes it as PNG.
public final class PNGCanvas: Canvas {
    public let size: Size
    /// Device pixels per canvas unit; 2 gives sharp pictures on high-density screens.
    public let scale: Double
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let measurer = TextMeasurer()

    public init(size: Size, scale: Double = 1) throws {
        self.size = size
        self.scale = scale
        let w = Int32(max(1, (size.width * scale).rounded()))
        let h = Int32(max(1, (size.height * scale).rounded()))
        surface = cairo.image_surface_create(CAIRO_FORMAT_RGB24, w, h)!
        cr = cairo.create(surface)!
        try cairoCheck(cairo.status(cr))
        cairo.scale(cr, scale, scale)
        cairo.set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo.set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    }

    deinit {
        cairo.destroy(cr)
        cairo.surface_destroy(surface)
    }

    /// The picture drawn so far, as PNG bytes.
    ///
    /// - Parameter indexed: false for a picture of smooth colour maps, too many colours for a
    ///   palette, so the encoder does not try one.
    public func png(indexed: Bool = true) throws -> [UInt8] {
        cairo.surface_flush(surface)
        try cairoCheck(cairo.surface_status(surface))
        return try PNGEncoder.encode(
            width: Int(cairo.image_surface_get_width(surface)), height: Int(cairo.image_surface_get_height(surface)),
            stride: Int(cairo.image_surface_get_stride(surface)), pixels: cairo.image_surface_get_data(surface)!,
            indexed: indexed)
    }

    private func setColor(_ c: Color) {
        cairo.set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private func apply(_ stroke: Stroke) {
        setColor(stroke.color)
        cairo.set_line_width(cr, stroke.width)
        if stroke.dash.isEmpty {
            cairo.set_dash(cr, nil, 0, 0)
        } else {
            cairo.set_dash(cr, stroke.dash, Int32(stroke.dash.count), 0)
        }
    }

    /// Fills and strokes the current path.
    private func paint(fill: Color?, stroke: Stroke?) {
        if let fill {
            setColor(fill)
            if stroke != nil { cairo.fill_preserve(cr) } else { cairo.fill(cr) }
        }
        if let stroke {
            apply(stroke)
            cairo.stroke(cr)
        }
        cairo.new_path(cr)
    }

    public func line(from: Point, to: Point, stroke: Stroke) {
        cairo.move_to(cr, from.x, from.y)
        cairo.line_to(cr, to.x, to.y)
        paint(fill: nil, stroke: stroke)
    }

    /// Points per stroked piece of a long polyline.
    static let polylineChunk = 64

    public func polyline(_ points: [Point], stroke: Stroke) {
        guard points.count > 1 else { return }
        // cairo's stroker slows down sharply on one long self-crossing path (a noisy loss
        // curve); short pieces with round ends look the same and draw several times faster.
        let chunked = points.count > PNGCanvas.polylineChunk && stroke.dash.isEmpty
        if chunked {
            cairo.set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
            // Bevels cost less than round joins, and at this density nobody sees the corners.
            cairo.set_line_join(cr, CAIRO_LINE_JOIN_BEVEL)
            cairo.set_antialias(cr, CAIRO_ANTIALIAS_FAST)
        }
        var start = 0
        while start < points.count - 1 {
            if chunked && DrawingCancellation.isRequested { break }
            let end = chunked ? min(points.count - 1, start + PNGCanvas.polylineChunk) : points.count - 1
            cairo.move_to(cr, points[start].x, points[start].y)
            for p in points[(start + 1)...end] { cairo.line_to(cr, p.x, p.y) }
            paint(fill: nil, stroke: stroke)
            start = end
        }
        if chunked {
            cairo.set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
            cairo.set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            cairo.set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
        }
    }

    public func rect(_ rect: Rect, fill: Color?, stroke: Stroke?) {
        cairo.rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        paint(fill: fill, stroke: stroke)
    }

    public func circle(center: Point, radius: Double, fill: Color?, stroke: Stroke?) {
        cairo.new_sub_path(cr)
        cairo.arc(cr, center.x, center.y, radius, 0, 2 * Double.pi)
        paint(fill: fill, stroke: stroke)
    }

    public func path(_ path: Path, fill: Color?, stroke: Stroke?) {
        for element in path.elements {
            switch element {
            case .move(let p): cairo.move_to(cr, p.x, p.y)
            case .line(let p): cairo.line_to(cr, p.x, p.y)
            case .close: cairo.close_path(cr)
            }
        }
        paint(fill: fill, stroke: stroke)
    }

    public func dots(_ centres: [Point], radius: Double, color: Color, square: Bool) {
        guard !centres.isEmpty else { return }
        if square {
            // cairo gives a closed zero-length path no square cap; rectangles are as quick.
            for (step, p) in centres.enumerated() {
                if DrawingCancellation.stops(at: step) { break }
                cairo.rectangle(cr, p.x - radius, p.y - radius, 2 * radius, 2 * radius)
            }
            paint(fill: color, stroke: nil)
            return
        }
        // A zero-length closed path with a round cap is a dot as wide as the stroke.
        for (step, p) in centres.enumerated() {
            if DrawingCancellation.stops(at: step) { break }
            cairo.move_to(cr, p.x, p.y)
            cairo.close_path(cr)
        }
        cairo.set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        paint(fill: nil, stroke: Stroke(color, width: 2 * radius))
        cairo.set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    }

    public func text(_ string: String, at point: Point, style: TextStyle) {
        guard !string.isEmpty else { return }
        ChartFont.select(cr, size: style.size, weight: style.weight)
        let width = measurer.width(string, size: style.size, weight: style.weight)
        let dx: Double
        switch style.anchor {
        case .start: dx = 0
        case .middle: dx = -width / 2
        case .end: dx = -width
        }
        cairo.save(cr)
        cairo.translate(cr, point.x, point.y)
        if style.rotation != 0 { cairo.rotate(cr, style.rotation * Double.pi / 180) }
        cairo.move_to(cr, dx, style.baseline.shift * style.size)
        setColor(style.color)
        cairo.show_text(cr, string)
        cairo.new_path(cr)
        cairo.restore(cr)
    }

    public func image(_ image: RasterImage, in rect: Rect, smooth: Bool) {
        guard let source = try? makeSurface(image) else { return }
        defer { cairo.surface_destroy(source) }
        cairo.save(cr)
        cairo.rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo.clip(cr)
        cairo.translate(cr, rect.x, rect.y)
        cairo.scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
        cairo.set_source_surface(cr, source, 0, 0)
        cairo.pattern_set_filter(cairo.get_source(cr), smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST)
        cairo.pattern_set_extend(cairo.get_source(cr), CAIRO_EXTEND_PAD)
        cairo.paint(cr)
        cairo.restore(cr)
    }

    public func pushClip(_ rect: Rect) {
        cairo.save(cr)
        cairo.rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo.clip(cr)
    }

    public func popClip() {
        cairo.restore(cr)
    }

    public func textWidth(_ string: String, size: Double, weight: FontWeight) -> Double {
        measurer.width(string, size: size, weight: weight)
    }
}
