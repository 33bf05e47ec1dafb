// The picture of a small network learning a 2-D classification, in the manner of TensorFlow
// Playground: each input and hidden neuron as a tiny map of its own output over the plane, the
// weights as lines whose colour is their sign and whose width is their size, the network's
// decision over the plane with the training and test points on it, and the two losses over time.

/// One state of a playground, as numbers; `draw` turns it into a picture.
public struct PlaygroundPicture: Sendable {
    /// A point of the data set, in the plane's coordinates, with its class (0 or 1).
    public struct LabelledPoint: Sendable {
        public var x: Double
        public var y: Double
        public var label: Int
        public init(x: Double, y: Double, label: Int) {
            self.x = x
            self.y = y
            self.label = label
        }
    }

    /// Names of the input features, one column of maps.
    public var inputNames: [String]
    /// One map per input feature, then per hidden neuron, layer by layer: `mapSize`² values,
    /// row by row from the top of the plane.
    public var inputMaps: [[Double]]
    public var hiddenMaps: [[[Double]]]
    /// `weights[l][j][i]`: from neuron i of column l to neuron j of column l + 1; the last
    /// entry goes to the single output.
    public var weights: [[[Double]]]
    public var mapSize: Int
    /// The probability of class 1 over the plane, `outputSize`² values from the top row.
    public var output: [Double]
    public var outputSize: Int
    /// The plane spans -extent...extent on both axes.
    public var extent: Double
    public var trainPoints: [LabelledPoint]
    public var testPoints: [LabelledPoint]
    public var trainLoss: [Double]
    public var testLoss: [Double]
    /// One line over the picture: step count, losses.
    public var caption: String

    public init(
        inputNames: [String], inputMaps: [[Double]], hiddenMaps: [[[Double]]], weights: [[[Double]]], mapSize: Int,
        output: [Double], outputSize: Int, extent: Double, trainPoints: [LabelledPoint], testPoints: [LabelledPoint],
        trainLoss: [Double], testLoss: [Double], caption: String
    ) {
        self.inputNames = inputNames
        self.inputMaps = inputMaps
        self.hiddenMaps = hiddenMaps
        self.weights = weights
        self.mapSize = mapSize
        self.output = output
        self.outputSize = outputSize
        self.extent = extent
        self.trainPoints = trainPoints
        self.testPoints = testPoints
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.caption = caption
    }

    public static let size = Size(width: 900, height: 420)
    static let classColors = [Color(hex: 0xE08214), Color(hex: 0x2166AC)]

    /// The picture as PNG bytes: indexed when its colours fit a palette (the maps and weight lines
    /// are drawn in `shades` steps a sign, so a small network's picture does), truecolour otherwise.
    public func png(scale: Double = 1) throws -> [UInt8] {
        try DrawingClock.measure {
            let canvas = try PNGCanvas(size: PlaygroundPicture.size, scale: scale)
            draw(on: canvas)
            return try canvas.png(indexed: true)
        }
    }

    public func draw(on canvas: Canvas) {
        canvas.rect(Rect(x: 0, y: 0, width: canvas.size.width, height: canvas.size.height), fill: .white, stroke: nil)
        canvas.text(caption, at: Point(12, 22), style: TextStyle(size: 13, weight: .bold))
        drawNetwork(on: canvas, in: Rect(x: 12, y: 40, width: 560, height: 370))
        drawBoundary(on: canvas, in: Rect(x: 610, y: 40, width: 270, height: 270))
        drawLosses(on: canvas, in: Rect(x: 610, y: 330, width: 270, height: 75))
    }

    /// Shades of each sign a map is drawn with: the eye tells no more apart in a small square,
    /// and few colours keep the picture an indexed PNG of a few tens of kilobytes (in every
    /// shade, the picture was a truecolour PNG of several hundred).
    static let shades = 10

    /// A map of signed values, coloured by sign and scaled by the largest size in it, in
    /// `shades` steps a sign.
    func mapImage(_ values: [Double], size: Int) -> RasterImage {
        let largest = max(values.map { Swift.abs($0) }.filter(\.isFinite).max() ?? 1, 1e-9)
        let steps = Double(PlaygroundPicture.shades)
        var rgba = [UInt8](repeating: 255, count: size * size * 4)
        for index in 0..<min(values.count, size * size) {
            let level = values[index].isFinite ? (values[index] / largest * steps).rounded() / steps : 0
            let color = Colormap.signed.color(at: 0.5 + 0.5 * level)
            let (red, green, blue) = color.bytes
            rgba[index * 4] = red
            rgba[index * 4 + 1] = green
            rgba[index * 4 + 2] = blue
        }
        return RasterImage(width: size, height: size, rgba: rgba)
    }

    func drawNetwork(on canvas: Canvas, in area: Rect) {
        let columns = [inputMaps] + hiddenMaps
        let node = 30.0
        let columnCount = Double(columns.count)
        let spacingX = columns.count > 1 ? (area.width - node - 40) / (columnCount - 1 + 0.6) : 0
        func centre(_ column: Int, _ row: Int) -> Point {
            let count = Double(columns[column].count)
            let spacingY = min(44, (area.height - 20) / max(count, 1))
            let top = area.y + 18 + (area.height - 20 - spacingY * count) / 2
            return Point(area.x + 40 + Double(column) * spacingX + node / 2, top + spacingY * (Double(row) + 0.5))
        }
        let outputPoint = Point(area.x + area.width - 6, area.y + area.height / 2)
        let largest = max(weights.flatMap { $0.flatMap { $0 } }.map { Swift.abs($0) }.filter(\.isFinite).max() ?? 1, 1e-9)
        for (layer, matrix) in weights.enumerated() {
            for (target, row) in matrix.enumerated() {
                for (source, weight) in row.enumerated() where layer < columns.count && source < columns[layer].count {
                    let start = centre(layer, source)
                    let end = layer + 1 < columns.count && target < columns[layer + 1].count ? centre(layer + 1, target) : outputPoint
                    // In the maps' shades too: lines of every possible colour, blended at their
                    // edges, made the picture too many colours for an indexed PNG.
                    let steps = Double(PlaygroundPicture.shades)
                    let color = Colormap.signed.color(at: 0.5 + 0.5 * (weight / largest * steps).rounded() / steps)
                    canvas.line(
                        from: Point(start.x + node / 2, start.y), to: Point(end.x - node / 2, end.y),
                        stroke: Stroke(color, width: 0.4 + 4 * Swift.abs(weight) / largest))
                }
            }
        }
        let label = TextStyle(size: 10, color: .mutedInk, anchor: .end, baseline: .middle)
        for (column, maps) in columns.enumerated() {
            let heading = column == 0 ? "inputs" : "layer \(column)"
            let first = centre(column, 0)
            canvas.text(heading, at: Point(first.x, area.y + 6), style: TextStyle(size: 10, color: .mutedInk, anchor: .middle))
            for (row, values) in maps.enumerated() {
                let point = centre(column, row)
                let rect = Rect(x: point.x - node / 2, y: point.y - node / 2, width: node, height: node)
                canvas.image(mapImage(values, size: mapSize), in: rect, smooth: false)
                canvas.rect(rect, fill: nil, stroke: Stroke(.axis, width: 0.5))
                if column == 0, row < inputNames.count {
                    canvas.text(inputNames[row], at: Point(rect.x - 4, point.y), style: label)
                }
            }
        }
    }

    func drawBoundary(on canvas: Canvas, in area: Rect) {
        canvas.image(mapImage(output.map { 2 * $0 - 1 }, size: outputSize), in: area, smooth: false)
        canvas.rect(area, fill: nil, stroke: Stroke(.axis, width: 0.8))
        func place(_ point: LabelledPoint) -> Point {
            Point(area.x + (point.x + extent) / (2 * extent) * area.width, area.y + (extent - point.y) / (2 * extent) * area.height)
        }
        canvas.pushClip(area)
        for point in trainPoints {
            canvas.circle(center: place(point), radius: 3, fill: PlaygroundPicture.classColors[point.label & 1], stroke: Stroke(.white, width: 1))
        }
        for point in testPoints {
            canvas.circle(center: place(point), radius: 3, fill: PlaygroundPicture.classColors[point.label & 1], stroke: Stroke(.ink, width: 1))
        }
        canvas.popClip()
        canvas.text(
            "output: train points ringed white, test points black", at: Point(area.x, area.y - 6),
            style: TextStyle(size: 10, color: .mutedInk))
    }

    func drawLosses(on canvas: Canvas, in area: Rect) {
        canvas.rect(area, fill: Color(hex: 0xFAFAFA), stroke: Stroke(.grid, width: 1))
        let all = (trainLoss + testLoss).filter(\.isFinite)
        let top = max(all.max() ?? 1, 1e-9)
        let count = max(trainLoss.count, testLoss.count)
        func curve(_ values: [Double]) -> [Point] {
            guard values.count > 1 else { return [] }
            // At most one point a pixel: the curve keeps its shape and stays cheap to draw.
            let stride = max(1, values.count / Int(area.width))
            return Swift.stride(from: 0, to: values.count, by: stride).compactMap { index in
                let value = values[index]
                guard value.isFinite else { return nil }
                return Point(
                    area.x + Double(index) / Double(max(count - 1, 1)) * area.width, area.y + area.height * (1 - value / top))
            }
        }
        canvas.polyline(curve(trainLoss), stroke: Stroke(.ink, width: 1.5))
        canvas.polyline(curve(testLoss), stroke: Stroke(Color(hex: 0x888888), width: 1.5, dash: [4, 3]))
        let last = { (values: [Double]) in values.last.map { formatNumber($0) } ?? "–" }
        canvas.text(
            "loss: train \(last(trainLoss)) (solid), test \(last(testLoss)) (dashed)", at: Point(area.x, area.y - 5),
            style: TextStyle(size: 10, color: .mutedInk))
    }

    func formatNumber(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let scaled = (value * 1000).rounded() / 1000
        return String(scaled)
    }
}

extension PlaygroundPicture {
    /// PNG bytes as the base64 text an `image/png` output holds.
    public static func base64(_ bytes: [UInt8]) -> String { Base64.encode(bytes) }
}
