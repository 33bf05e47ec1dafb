import CCairo

/// Why cairo could not make or read a picture.
public enum RenderError: Error, Equatable, Sendable {
    /// cairo reported a failure; the text is cairo's own description.
    case cairo(String)
    /// zlib could not compress the pixels; the number is zlib's status code.
    case compression(Int32)
}

/// The font charts are set in; DejaVu Sans is what the PNG backend finds through fontconfig,
/// and the SVG names it first so browsers that have it lay text out the same way.
enum ChartFont {
    static let family = "DejaVu Sans"
    static let svgFamily = "DejaVu Sans, Verdana, Arial, sans-serif"

    static func select(_ cr: OpaquePointer, size: Double, weight: FontWeight) {
        cairo.select_font_face(
            cr, family, CAIRO_FONT_SLANT_NORMAL,
            weight == .bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo.set_font_size(cr, size)
    }
}

func cairoCheck(_ status: cairo_status_t) throws {
    if status != CAIRO_STATUS_SUCCESS {
        throw RenderError.cairo(String(cString: cairo.status_to_string(status)!))
    }
}

/// Measures text with cairo, so the SVG backend lays text out exactly as the PNG one does.
final class TextMeasurer {
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private var cache: [String: Double] = [:]

    init() {
        surface = cairo.image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)!
        cr = cairo.create(surface)!
    }

    deinit {
        cairo.destroy(cr)
        cairo.surface_destroy(surface)
    }

    func width(_ string: String, size: Double, weight: FontWeight) -> Double {
        let key = "\(size)|\(weight == .bold ? "b" : "n")|\(string)"
        if let known = cache[key] { return known }
        ChartFont.select(cr, size: size, weight: weight)
        var extents = cairo_text_extents_t()
        cairo.text_extents(cr, string, &extents)
        cache[key] = extents.x_advance
        return extents.x_advance
    }
}

/// Collects the bytes cairo hands to a PNG write callback.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// Encodes an image surface as PNG in memory.
func pngBytes(of surface: OpaquePointer) throws -> [UInt8] {
    let sink = ByteSink()
    let box = Unmanaged.passRetained(sink)
    defer { box.release() }
    let status = cairo.surface_write_to_png_stream(
        surface,
        { closure, data, length in
            let sink = Unmanaged<ByteSink>.fromOpaque(closure!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, box.toOpaque())
    try cairoCheck(status)
    return sink.bytes
}

/// Makes a cairo image surface holding `image`, premultiplying alpha as cairo wants.
func makeSurface(_ image: RasterImage) throws -> OpaquePointer {
    let surface = cairo.image_surface_create(CAIRO_FORMAT_ARGB32, Int32(image.width), Int32(image.height))!
    try cairoCheck(cairo.surface_status(surface))
    cairo.surface_flush(surface)
    let stride = Int(cairo.image_surface_get_stride(surface))
    let data = cairo.image_surface_get_data(surface)!
    data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * image.height) { words in
        for row in 0..<image.height {
            for col in 0..<image.width {
                let i = (row * image.width + col) * 4
                let a = UInt32(image.rgba[i + 3])
                let r = UInt32(image.rgba[i]) * a / 255
                let g = UInt32(image.rgba[i + 1]) * a / 255
                let b = UInt32(image.rgba[i + 2]) * a / 255
                words[row * stride / 4 + col] = a << 24 | r << 16 | g << 8 | b
            }
        }
    }
    cairo.surface_mark_dirty(surface)
    return surface
}
