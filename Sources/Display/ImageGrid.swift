/// Small greyscale pictures in a grid, each with a caption: digits from a data set, with their
/// labels or predictions. With the `signed` colour map (weights, filters) the values are
/// centred on zero, white is 0, and a colour bar gives the sign and the scale.
public struct ImageGrid: Chart, Sendable {
    /// Each image row-major, `width * height` values; any range, scaled together.
    public var images: [[Double]]
    public var width: Int
    public var height: Int
    /// Caption under each image; fewer captions than images leaves the rest bare.
    public var labels: [String]
    /// Indices whose captions are drawn as mistakes (bold, in a warning colour).
    public var flagged: Set<Int>
    public var columns: Int
    public var title: String?
    public var colormap: Colormap
    public var size: Size

    /// Height of the caption line under each image.
    static let captionHeight = 18.0
    static let gap = 8.0
    /// Width kept at the right for the colour bar of a signed grid.
    static let colorBarRoom = 70.0

    public init(
        images: [[Double]], width: Int, height: Int, labels: [String] = [], flagged: Set<Int> = [],
        columns: Int? = nil, title: String? = nil, colormap: Colormap = .greys, cellSize: Double? = nil
    ) {
        self.images = images
        self.width = max(1, width)
        self.height = max(1, height)
        self.labels = labels
        self.flagged = flagged
        self.title = title
        self.colormap = colormap
        let count = max(1, images.count)
        let columns = max(1, columns ?? min(count, 10))
        self.columns = columns
        let rows = (count + columns - 1) / columns
        // Whole screen pixels per image pixel keep the picture crisp.
        let side = max(self.width, self.height)
        let cell = max(8, min(400, cellSize ?? Double(max(1, 64 / side)) * Double(side)))
        let captions = labels.isEmpty ? 0 : ImageGrid.captionHeight
        let titleRoom = title == nil ? 0 : Theme.title.size + 12
        let barRoom = colormap == .signed ? ImageGrid.colorBarRoom : 0
        self.size = Size(
            width: max(240, Double(columns) * (cell + ImageGrid.gap) - ImageGrid.gap + 2 * Theme.outerMargin) + barRoom,
            height: Double(rows) * (cell * Double(self.height) / Double(max(self.width, self.height)) + captions + ImageGrid.gap)
                + titleRoom + 2 * Theme.outerMargin)
    }

    /// Images given as rows of pixels, `[image][row][column]`; sized by the first image.
    public init(matrices: [[[Double]]], labels: [String] = [], flagged: Set<Int> = [], columns: Int? = nil, title: String? = nil) {
        let height = matrices.first?.count ?? 1
        let width = matrices.first?.first?.count ?? 1
        self.init(
            images: matrices.map { $0.flatMap { $0 } }, width: width, height: height, labels: labels, flagged: flagged,
            columns: columns, title: title)
    }

    public var summary: String {
        "<ImageGrid: \(images.count) images of \(width)×\(height)\(labels.isEmpty ? "" : ", labels " + labels.prefix(10).joined(separator: " ") + (labels.count > 10 ? " …" : ""))>"
    }

    public func draw(on canvas: any Canvas) {
        let pixels = images.flatMap { $0.prefix(width * height) }.filter(\.isFinite)
        let wrongSize = images.filter { $0.count != width * height }.count
        var notes: [String] = []
        if wrongSize > 0 { notes.append("\(wrongSize) image\(wrongSize == 1 ? "" : "s") not \(width)×\(height) values (padded or cut)") }
        let signed = colormap == .signed
        let area = ChartDecoration(title: title, notes: notes).draw(on: canvas)
            .inset(right: signed ? ImageGrid.colorBarRoom : 0)
        guard !images.isEmpty else {
            canvas.text("No images to show", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        // Signed values are centred on zero, so white means 0 and the two signs compare.
        let largest = pixels.map(abs).max() ?? 0
        let low = signed ? -largest : pixels.min() ?? 0
        let high = signed ? largest : pixels.max() ?? 1
        let span = high - low > 0 ? high - low : 1
        let rows = (images.count + columns - 1) / columns
        let captions = labels.isEmpty ? 0 : ImageGrid.captionHeight
        let aspect = Double(height) / Double(width)
        let cellWidth = min(
            (area.width - Double(columns - 1) * ImageGrid.gap) / Double(columns),
            ((area.height - Double(rows) * (captions + ImageGrid.gap)) / Double(rows)) / aspect)
        let cellHeight = cellWidth * aspect
        let gridWidth = Double(columns) * (cellWidth + ImageGrid.gap) - ImageGrid.gap
        let left = (area.x + (area.width - gridWidth) / 2).rounded()
        for (i, image) in images.enumerated() {
            let row = i / columns
            let column = i % columns
            let rect = Rect(
                x: left + Double(column) * (cellWidth + ImageGrid.gap),
                y: area.y + Double(row) * (cellHeight + captions + ImageGrid.gap), width: cellWidth, height: cellHeight)
            let raster = RasterImage(width: width, height: height) { r, c in
                let k = r * width + c
                let v = k < image.count ? image[k] : .nan
                return v.isFinite ? colormap.color(at: (v - low) / span) : Color(hex: 0xFF00FF, alpha: 0.3)
            }
            canvas.image(raster, in: rect, smooth: false)
            canvas.rect(rect, fill: nil, stroke: Stroke(Color(hex: 0xCCCCCC), width: 0.5))
            if i < labels.count {
                var style = Theme.tickLabel
                style.anchor = .middle
                style.baseline = .top
                style.color = .ink
                if flagged.contains(i) {
                    style.color = Color(hex: 0xC03A00)
                    style.weight = .bold
                }
                canvas.text(fit(labels[i], width: cellWidth + ImageGrid.gap - 2, style: style, canvas: canvas), at: Point(rect.midX, rect.maxY + 3), style: style)
            }
        }
        if signed {
            let gridHeight = Double(rows) * (cellHeight + captions + ImageGrid.gap) - ImageGrid.gap - captions
            let beside = Rect(x: left + gridWidth, y: area.y, width: 0, height: max(cellHeight, gridHeight))
            MatrixGrid.drawColorBar(
                Scale.covering(low, high > low ? high : low + 1, kind: .linear, padding: 0), beside: beside, on: canvas,
                colorAt: { colormap.color(at: $0) })
        }
    }
}
