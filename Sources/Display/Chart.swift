/// A picture drawn onto a `Canvas`; rendered the same way to SVG and to PNG.
public protocol Chart: MIMERepresentable {
    /// Size in CSS pixels.
    var size: Size { get }
    /// Draws the whole picture, background included.
    func draw(on canvas: any Canvas)
    /// A one-line description for `text/plain`, such as `<LineChart: 2 series, 100 points>`.
    var summary: String { get }
}

extension Chart {
    /// The chart as an SVG document.
    public func svg() -> String {
        DrawingClock.measure {
            let canvas = SVGCanvas(size: size)
            draw(on: canvas)
            return canvas.svg()
        }
    }

    /// The chart as PNG bytes, `scale` device pixels per CSS pixel.
    ///
    /// Scale 1 is the default: the PNG is the fallback for where SVG is not shown (GitHub,
    /// untrusted notebooks), and at 1 a 10,000-point chart renders in a few milliseconds;
    /// scale 2 is sharper on high-density screens and about three times slower.
    public func png(scale: Double = 1) throws -> [UInt8] {
        try DrawingClock.measure {
            let canvas = try PNGCanvas(size: size, scale: scale)
            draw(on: canvas)
            // A drawing its caller stopped is not encoded: the caller drops it (see mimeBundle).
            if DrawingCancellation.isRequested { return [] }
            return try canvas.png()
        }
    }

    /// The PNG (at 2x, shown at the chart's CSS size), the SVG when it is small, and a text
    /// description. If cairo cannot make the PNG the bundle carries the SVG, whatever its size.
    public func mimeBundle() -> MIMEBundle {
        mimeBundle(pngScale: 2)
    }

    /// The bundle with a PNG of `pngScale` device pixels per CSS pixel, and its display size
    /// in the PNG's metadata, so a 2x picture shows at the chart's size, sharp on HiDPI screens.
    ///
    /// Front ends that show SVG prefer it, and it is sharp at any size; but a chart of many
    /// marks makes a large SVG, which a saved notebook would carry beside the PNG for nothing
    /// much. So the SVG goes in only below `svgLimit` bytes.
    public func mimeBundle(pngScale: Double) -> MIMEBundle {
        let svg = svg()
        var bundle = MIMEBundle(plainText: summary)
        // A drawing its caller stopped is unfinished: the caller throws, and nothing is shown.
        if DrawingCancellation.isRequested { return bundle }
        if let png = try? png(scale: pngScale) {
            if DrawingCancellation.isRequested { return MIMEBundle(plainText: summary) }
            bundle.data["image/png"] = .string(Base64.encode(png))
            bundle.metadata["image/png"] = [
                "width": .int(Int(size.width.rounded())), "height": .int(Int(size.height.rounded())),
            ]
            if svg.utf8.count < ChartBundle.svgLimit { bundle.setText(svg, for: "image/svg+xml") }
        } else {
            bundle.setText(svg, for: "image/svg+xml")
        }
        return bundle
    }
}

/// How a chart goes into a notebook.
public enum ChartBundle {
    /// The largest SVG, in bytes, a chart's bundle carries beside its PNG.
    public static let svgLimit = 8 * 1024
}
