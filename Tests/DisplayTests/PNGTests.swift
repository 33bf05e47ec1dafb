import Testing

@testable import Display
@testable import tensorcell_gallery

private let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// Width and height from the IHDR chunk, which follows the signature.
private func pngDimensions(_ png: [UInt8]) -> (Int, Int) {
    func be32(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}

/// How many pixels are close to `color`.
private func count(_ bitmap: Bitmap, near color: Color, in columns: Range<Int>? = nil) -> Int {
    let (r, g, b) = color.bytes
    var n = 0
    for y in 0..<bitmap.height {
        for x in columns ?? 0..<bitmap.width {
            let p = bitmap.pixel(x: x, y: y)
            if abs(Int(p.red) - Int(r)) < 24 && abs(Int(p.green) - Int(g)) < 24 && abs(Int(p.blue) - Int(b)) < 24 {
                n += 1
            }
        }
    }
    return n
}

@Test(arguments: Gallery.charts.map(\.name))
func everyChartIsAValidPNGOfItsSize(name: String) throws {
    let chart = try #require(Gallery.charts.first { $0.name == name }?.chart)
    let png = try chart.png(scale: 1)
    #expect(Array(png.prefix(8)) == pngSignature)
    let (w, h) = pngDimensions(png)
    #expect(w == Int(chart.size.width.rounded()))
    #expect(h == Int(chart.size.height.rounded()))
    let bitmap = try Bitmap(png: png)
    #expect(bitmap.width == w && bitmap.height == h)
    // The corner is background: opaque white.
    let corner = bitmap.pixel(x: 1, y: 1)
    #expect(corner.red == 255 && corner.green == 255 && corner.blue == 255 && corner.alpha == 255)
}

@Test func scaleTwoDoublesThePixels() throws {
    let chart = Gallery.lossCurves
    let (w, h) = pngDimensions(try chart.png(scale: 2))
    #expect(w == 2 * Int(chart.size.width) && h == 2 * Int(chart.size.height))
}

@Test func aLineIsDrawnInItsColourAcrossThePlot() throws {
    let chart = LineChart([Series("flat", y: [1, 1, 1, 1])], size: Size(width: 300, height: 200))
    let bitmap = try Bitmap(png: chart.png(scale: 1))
    let blue = CategoricalPalette.color(0)
    // The middle third of the picture is inside the plot; the line must cross every column.
    for x in 100..<200 {
        #expect(count(bitmap, near: blue, in: x..<x + 1) > 0, "no line pixel in column \(x)")
    }
    let empty = try Bitmap(png: LineChart([], size: Size(width: 300, height: 200)).png(scale: 1))
    #expect(count(empty, near: blue) == 0)
}

@Test func scatterDrawsEachClassInItsColour() throws {
    let chart = ScatterChart(x: [0, 1, 2, 3], y: [0, 1, 0, 1], labels: [0, 0, 1, 1], size: Size(width: 300, height: 240))
    let bitmap = try Bitmap(png: chart.png(scale: 1))
    #expect(count(bitmap, near: CategoricalPalette.color(0)) > 40)
    #expect(count(bitmap, near: CategoricalPalette.color(1)) > 40)
    #expect(count(bitmap, near: CategoricalPalette.color(2)) == 0)
}

@Test func heatmapCellsTakeColoursFromTheColormap() throws {
    let chart = Heatmap([[0, 1], [1, 0]], showValues: false, size: Size(width: 300, height: 260))
    let bitmap = try Bitmap(png: chart.png(scale: 1))
    #expect(count(bitmap, near: Colormap.viridis.color(at: 0)) > 500)
    #expect(count(bitmap, near: Colormap.viridis.color(at: 1)) > 500)
}

@Test func bitmapRejectsBytesThatAreNotPNG() {
    #expect(throws: RenderError.self) { try Bitmap(png: Array("definitely not a png".utf8)) }
}

@Test(arguments: Gallery.charts.map(\.name))
func everyChartStaysWithinTheSizeBudget(name: String) throws {
    let chart = try #require(Gallery.charts.first { $0.name == name }?.chart)
    #expect(chart.svg().utf8.count < 200 * 1024)
    #expect(try chart.png().count < 150 * 1024)
}

@Test func denseScattersDrawEveryClass() throws {
    let bitmap = try Bitmap(png: Gallery.blobs.png())
    for c in 0..<4 {
        #expect(count(bitmap, near: CategoricalPalette.color(c).mixed(with: .white, 0.2)) > 200, "class \(c) missing")
    }
}

@Test func truecolourAndIndexedEncodingsOfOnePictureHaveTheSamePixels() throws {
    // Few colours (a diagonal's antialiased shades among them), so the palette is exact.
    let canvas = try PNGCanvas(size: Size(width: 120, height: 80))
    canvas.rect(Rect(x: 0, y: 0, width: 120, height: 80), fill: .white, stroke: nil)
    canvas.rect(Rect(x: 10, y: 10, width: 40, height: 30), fill: Color(hex: 0xE08214), stroke: nil)
    canvas.line(from: Point(0, 80), to: Point(120, 0), stroke: Stroke(Color(hex: 0x2166AC), width: 2))
    let indexedBytes = try canvas.png()
    #expect(indexedBytes[25] == 3)  // IHDR colour type: indexed
    let indexed = try Bitmap(png: indexedBytes)
    let truecolour = try canvas.png(indexed: false)
    #expect(truecolour[25] == 2)  // IHDR colour type: truecolour
    let decoded = try Bitmap(png: truecolour)
    #expect(decoded.width == indexed.width && decoded.height == indexed.height)
    var differing = 0
    for y in 0..<decoded.height {
        for x in 0..<decoded.width {
            let a = decoded.pixel(x: x, y: y), b = indexed.pixel(x: x, y: y)
            if a.red != b.red || a.green != b.green || a.blue != b.blue { differing += 1 }
        }
    }
    #expect(differing == 0)
}

@Test func drawingAChartAddsItsTimeToTheDrawingClock() throws {
    let before = DrawingClock.seconds
    _ = try Gallery.lossCurves.png()
    let afterPNG = DrawingClock.seconds
    #expect(afterPNG > before)
    _ = Gallery.lossCurves.svg()
    #expect(DrawingClock.seconds > afterPNG)
}
