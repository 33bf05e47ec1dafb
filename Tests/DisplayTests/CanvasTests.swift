import Testing

@testable import Display

@Test func pngCanvasPixelsSurviveEncodingExactly() throws {
    let canvas = try PNGCanvas(size: Size(width: 40, height: 20))
    canvas.rect(Rect(x: 0, y: 0, width: 40, height: 20), fill: .white, stroke: nil)
    canvas.rect(Rect(x: 10, y: 5, width: 10, height: 10), fill: Color(hex: 0x0072B2), stroke: nil)
    canvas.rect(Rect(x: 20, y: 5, width: 10, height: 10), fill: Color(hex: 0xE69F00), stroke: nil)
    let bitmap = try Bitmap(png: canvas.png())
    #expect(bitmap.width == 40 && bitmap.height == 20)
    #expect(bitmap.pixel(x: 15, y: 10) == (0x00, 0x72, 0xB2, 255))
    #expect(bitmap.pixel(x: 25, y: 10) == (0xE6, 0x9F, 0x00, 255))
    #expect(bitmap.pixel(x: 5, y: 10) == (255, 255, 255, 255))
    #expect(bitmap.pixel(x: 15, y: 2) == (255, 255, 255, 255))
}

@Test func rasterImagesAreScaledWithoutSmoothingWhenAsked() throws {
    let canvas = try PNGCanvas(size: Size(width: 20, height: 10))
    let image = RasterImage(width: 2, height: 1) { _, c in c == 0 ? .black : .white }
    canvas.image(image, in: Rect(x: 0, y: 0, width: 20, height: 10), smooth: false)
    let bitmap = try Bitmap(png: canvas.png())
    #expect(bitmap.pixel(x: 9, y: 5) == (0, 0, 0, 255))
    #expect(bitmap.pixel(x: 10, y: 5) == (255, 255, 255, 255))
}

@Test func svgCanvasWritesCompactDeterministicMarkup() {
    let canvas = SVGCanvas(size: Size(width: 100, height: 50))
    canvas.line(from: Point(0, 0.5), to: Point(10.126, 0.5), stroke: Stroke(.ink))
    canvas.rect(Rect(x: 1, y: 2, width: 3, height: 4), fill: Color(hex: 0xFF0000, alpha: 0.5), stroke: nil)
    canvas.text("a<b", at: Point(5, 5), style: TextStyle(size: 10, anchor: .end, rotation: -90))
    canvas.pushClip(Rect(x: 1.5, y: 2, width: 3, height: 4))
    canvas.circle(center: Point(1, 1), radius: 2, fill: nil, stroke: Stroke(.black, width: 2, dash: [3, 1]))
    let svg = canvas.svg()
    #expect(
        svg == """
            <svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50" font-family="DejaVu Sans, Verdana, Arial, sans-serif">
            <line x1="0" y1="0.5" x2="10.13" y2="0.5" stroke="#222222"/>
            <rect x="1" y="2" width="3" height="4" fill="#ff0000" fill-opacity="0.5"/>
            <text x="5" y="5" font-size="10" text-anchor="end" fill="#222222" transform="rotate(-90 5 5)">a&lt;b</text>
            <clipPath id="clip-1_5-2-3-4"><rect x="1.5" y="2" width="3" height="4"/></clipPath>
            <g clip-path="url(#clip-1_5-2-3-4)">
            <circle cx="1" cy="1" r="2" fill="none" stroke="#000000" stroke-width="2" stroke-dasharray="3 1"/>
            </g>
            </svg>

            """)
}

@Test func textIsMeasuredTheSameByBothBackends() throws {
    let svg = SVGCanvas(size: Size(width: 10, height: 10))
    let png = try PNGCanvas(size: Size(width: 10, height: 10))
    for text in ["loss", "validation accuracy", "0.001", "Ünïcödé"] {
        let width = svg.textWidth(text, size: 12, weight: .normal)
        #expect(width > 0)
        #expect(width == png.textWidth(text, size: 12, weight: .normal))
        #expect(svg.textWidth(text, size: 12, weight: .bold) > width)
    }
}
