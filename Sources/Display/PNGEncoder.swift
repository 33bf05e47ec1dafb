import CZlib

/// Writes opaque RGB pixels as a PNG file.
///
/// A picture of few colours, as charts are, is written indexed (`PNGPalette`): a byte a pixel,
/// about three times smaller than truecolour. Others are written in truecolour: cairo's own PNG
/// writer compresses hard and slowly (about 15 ms for a 640×400 chart); flat colours on white,
/// which the `Sub` and `Up` filters turn into runs of zeros, zlib's run-length strategy packs
/// quickly and nearly as small.
enum PNGEncoder {
    /// - Parameters:
    ///   - pixels: rows of 32-bit words `0x__RRGGBB` (cairo's RGB24 layout), `stride` bytes apart.
    ///   - indexed: false for a picture known to hold many colours (smooth colour maps), which
    ///     skips the palette attempt that would only give up.
    static func encode(
        width: Int, height: Int, stride: Int, pixels: UnsafePointer<UInt8>, indexed: Bool = true
    ) throws -> [UInt8] {
        if indexed, let palette = PNGPalette(width: width, height: height, stride: stride, pixels: pixels) {
            return try encodeIndexed(width: width, height: height, palette: palette)
        }
        return try encodeTruecolour(width: width, height: height, stride: stride, pixels: pixels)
    }

    /// An indexed PNG: the palette, then one byte a pixel. Rows are left unfiltered, as the PNG
    /// specification advises for indexed pictures, and runs of one index compress well.
    ///
    /// zlib's level 9: saved notebooks hold these pictures, and level 9 makes them about 14%
    /// smaller than level 6 (7.3 KB against 8.5 KB for the 10,000-point line chart). It costs
    /// time: about 10 ms against 4 ms for that chart at 1x, 28 ms against 9 ms at 2x (level 7 or 8
    /// gains nothing over 6; the saving is in the long match search of level 9).
    static func encodeIndexed(width: Int, height: Int, palette: PNGPalette) throws -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: (width + 1) * height)
        for y in 0..<height {
            raw[y * (width + 1)] = 0  // filter: none
            raw.replaceSubrange(
                y * (width + 1) + 1..<(y + 1) * (width + 1), with: palette.indices[y * width..<(y + 1) * width])
        }
        var colors: [UInt8] = []
        for color in palette.colors {
            colors += [UInt8(color >> 16 & 0xFF), UInt8(color >> 8 & 0xFF), UInt8(color & 0xFF)]
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 3, 0, 0, 0]  // 8 bits, indexed colour, deflate, adaptive filters, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("PLTE", colors, to: &png)
        appendChunk("IDAT", try deflate(raw, level: 9, strategy: Z_DEFAULT_STRATEGY), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    static func encodeTruecolour(width: Int, height: Int, stride: Int, pixels: UnsafePointer<UInt8>) throws -> [UInt8] {
        let rowBytes = 1 + width * 3
        let count = width * 3
        var raw = [UInt8](repeating: 0, count: rowBytes * height)
        // Scratch rows, reached through pointers so the loops below run without bounds checks:
        // the current and previous row of bytes, and the row under each filter.
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 4 * count)
        scratch.initialize(repeating: 0, count: 4 * count)
        defer { scratch.deallocate() }
        var current = scratch, previous = scratch + count
        let subs = scratch + 2 * count, ups = scratch + 3 * count
        pixels.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
            raw.withUnsafeMutableBufferPointer { buffer in
                let out = buffer.baseAddress!
                for y in 0..<height {
                    let row = words + y * (stride / 4)
                    for x in 0..<width {
                        let w = row[x]
                        current[3 * x] = UInt8(truncatingIfNeeded: w >> 16)
                        current[3 * x + 1] = UInt8(truncatingIfNeeded: w >> 8)
                        current[3 * x + 2] = UInt8(truncatingIfNeeded: w)
                    }
                    // Sub (difference to the left) suits flat runs of colour; Up (difference to
                    // the row above) suits pictures scaled up from few pixels, such as heatmaps.
                    // Take the one with the smaller sum of magnitudes, the usual heuristic. The
                    // previous row is all zeros for the first row.
                    var subCost = 0
                    var upCost = 0
                    for i in 0..<count {
                        let s = current[i] &- (i >= 3 ? current[i - 3] : 0)
                        let u = current[i] &- previous[i]
                        subs[i] = s
                        ups[i] = u
                        subCost &+= Int(Int8(bitPattern: s).magnitude)
                        upCost &+= Int(Int8(bitPattern: u).magnitude)
                    }
                    let useUp = upCost < subCost
                    let o = y * rowBytes
                    out[o] = useUp ? 2 : 1
                    (out + o + 1).update(from: useUp ? ups : subs, count: count)
                    swap(&current, &previous)
                }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits, truecolour, deflate, adaptive filters, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", try deflate(raw, level: 6, strategy: Z_RLE), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    private static func deflate(_ input: [UInt8], level: Int32, strategy: Int32) throws -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15, 8, strategy, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw RenderError.compression(status) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let produced: Int = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                status = CZlib.deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw RenderError.compression(status) }
        return Array(output.prefix(produced))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        png += bigEndian(UInt32(data.count))
        var crc = crc32(0, typeBytes, uInt(typeBytes.count))
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        png += typeBytes
        png += data
        png += bigEndian(UInt32(truncatingIfNeeded: crc))
    }
}
