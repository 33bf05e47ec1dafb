import CCairo

/// Pixels read back from a PNG, to check what a renderer drew.
public struct Bitmap: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major, 8-bit RGBA, alpha not premultiplied.
    public let rgba: [UInt8]

    /// Decodes PNG bytes with cairo.
    public init(png: [UInt8]) throws {
        guard png.count > 8 else { throw RenderError.cairo("not a PNG: too short") }
        final class Source {
            let bytes: [UInt8]
            var offset = 0
            init(_ bytes: [UInt8]) { self.bytes = bytes }
        }
        let source = Unmanaged.passRetained(Source(png))
        defer { source.release() }
        let surface = cairo.image_surface_create_from_png_stream(
            { closure, data, length in
                let source = Unmanaged<Source>.fromOpaque(closure!).takeUnretainedValue()
                let wanted = Int(length)
                guard source.offset + wanted <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
                source.bytes.withUnsafeBufferPointer { buffer in
                    data!.update(from: buffer.baseAddress! + source.offset, count: wanted)
                }
                source.offset += wanted
                return CAIRO_STATUS_SUCCESS
            }, source.toOpaque())!
        defer { cairo.surface_destroy(surface) }
        try cairoCheck(cairo.surface_status(surface))
        cairo.surface_flush(surface)
        let width = Int(cairo.image_surface_get_width(surface))
        let height = Int(cairo.image_surface_get_height(surface))
        self.width = width
        self.height = height
        let stride = Int(cairo.image_surface_get_stride(surface))
        let format = cairo.image_surface_get_format(surface)
        let data = cairo.image_surface_get_data(surface)!
        var out = [UInt8](repeating: 0, count: width * height * 4)
        data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
            for row in 0..<height {
                for col in 0..<width {
                    let w = words[row * stride / 4 + col]
                    let a = format == CAIRO_FORMAT_RGB24 ? 255 : (w >> 24) & 0xFF
                    func channel(_ shift: UInt32) -> UInt8 {
                        let v = (w >> shift) & 0xFF
                        return UInt8(a == 0 ? 0 : min(255, v * 255 / a))
                    }
                    let i = (row * width + col) * 4
                    out[i] = channel(16)
                    out[i + 1] = channel(8)
                    out[i + 2] = channel(0)
                    out[i + 3] = UInt8(a)
                }
            }
        }
        rgba = out
    }

    /// The pixel at column `x`, row `y`.
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
    }
}

