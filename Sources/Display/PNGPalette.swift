/// At most 256 colours for a picture and each pixel's index into them, so it can be stored as
/// an indexed PNG: a byte a pixel instead of three, which zlib then packs about three times
/// smaller than the same chart in truecolour.
///
/// A chart has few colours: its background, grid, text and series, and the shades that
/// antialiasing blends at their edges. When the picture has 256 colours or fewer the palette is
/// exact. When it has more, the 255 most frequent are kept and every other colour is replaced
/// by the nearest kept one; that is done only when those others cover a small share of the
/// pixels (edge shades, which move to a shade next to them) or each of them has a kept colour
/// close by (the shades of a smooth field, as a decision boundary's), never for a picture made
/// of many distant colours such as a grid of photographs, which stays truecolour (`nil`).
struct PNGPalette {
    /// The colours as `0xRRGGBB`, in order of first use.
    let colors: [UInt32]
    /// One index into `colors` per pixel, row after row.
    let indices: [UInt8]

    /// The share of pixels whose colour may be replaced by the nearest kept one, whatever the
    /// distance.
    static let replaceableShare = 0.05
    /// Beyond that share, how far a replaced colour may move: a squared RGB distance, about
    /// 12 levels of 255 in each channel, below what the eye tells apart in a smooth field.
    static let nearDistance = 3 * 12 * 12

    /// - Parameters:
    ///   - pixels: rows of 32-bit words `0x__RRGGBB` (cairo's RGB24 layout), `stride` bytes apart.
    init?(width: Int, height: Int, stride: Int, pixels: UnsafePointer<UInt8>) {
        let rowWords = stride / 4
        var counts: [UInt32: Int] = [:]
        pixels.withMemoryRebound(to: UInt32.self, capacity: rowWords * height) { words in
            for y in 0..<height {
                let row = words + y * rowWords
                var x = 0
                // Runs of one colour are the common case: count each run with one lookup.
                while x < width {
                    let color = row[x] & 0xFF_FFFF
                    var end = x + 1
                    while end < width && row[end] & 0xFF_FFFF == color { end += 1 }
                    counts[color, default: 0] += end - x
                    x = end
                }
            }
        }
        var index: [UInt32: UInt8] = [:]
        var colors: [UInt32] = []
        if counts.count <= 256 {
            colors = counts.keys.sorted()
        } else {
            let byFrequency = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let kept = byFrequency.prefix(255)
            let replaced = byFrequency.dropFirst(255).reduce(0) { $0 + $1.value }
            let anyDistance = Double(replaced) <= PNGPalette.replaceableShare * Double(width * height)
            colors = kept.map(\.key).sorted()
            for (i, color) in colors.enumerated() { index[color] = UInt8(i) }
            for (color, _) in byFrequency.dropFirst(255) {
                let (position, distance) = PNGPalette.nearest(color, among: colors)
                if !anyDistance && distance > PNGPalette.nearDistance { return nil }
                index[color] = UInt8(position)
            }
        }
        for (i, color) in colors.enumerated() where index[color] == nil { index[color] = UInt8(i) }

        var indices = [UInt8](repeating: 0, count: width * height)
        pixels.withMemoryRebound(to: UInt32.self, capacity: rowWords * height) { words in
            for y in 0..<height {
                let row = words + y * rowWords
                var lastColor = UInt32.max
                var lastIndex: UInt8 = 0
                for x in 0..<width {
                    let color = row[x] & 0xFF_FFFF
                    if color != lastColor {
                        lastColor = color
                        lastIndex = index[color]!
                    }
                    indices[y * width + x] = lastIndex
                }
            }
        }
        self.colors = colors
        self.indices = indices
    }

    /// The position in `colors` of the colour closest to `color`, and its squared RGB distance.
    static func nearest(_ color: UInt32, among colors: [UInt32]) -> (position: Int, distance: Int) {
        func channels(_ c: UInt32) -> (Int, Int, Int) { (Int(c >> 16 & 0xFF), Int(c >> 8 & 0xFF), Int(c & 0xFF)) }
        let (r, g, b) = channels(color)
        var best = 0
        var bestDistance = Int.max
        for (i, candidate) in colors.enumerated() {
            let (cr, cg, cb) = channels(candidate)
            let distance = (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb)
            if distance < bestDistance {
                best = i
                bestDistance = distance
            }
        }
        return (best, bestDistance)
    }
}
