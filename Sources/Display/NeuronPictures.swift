import Interchange
import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every neuron of one layer drawn on its own, as TensorFlow Playground draws its hidden units:
/// for each neuron, its output at every point of the input plane, in small pictures side by
/// side. Colours share one scale centred on 0 (orange below, blue above), with a colour bar.
public struct NeuronPictures: Chart, Sendable {
    /// For each neuron, its outputs over the grid, row by row from the top (largest y) down.
    public var outputs: [[Double]]
    public var columns: Int
    public var rows: Int
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var names: [String]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var size: Size

    public init(
        outputs: [[Double]], columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        names: [String] = [], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil
    ) {
        self.outputs = outputs
        self.columns = columns
        self.rows = rows
        self.xRange = xRange
        self.yRange = yRange
        self.names = names
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        let perRow = NeuronPictures.panelsPerRow(outputs.count)
        let panelRows = max(1, (outputs.count + perRow - 1) / perRow)
        self.size = Size(width: Double(perRow) * 170 + 150, height: Double(panelRows) * 150 + 90)
    }

    /// How many colour bands the range of outputs is cut into (even, so 0 is a band edge).
    public static let bands = 12

    static func panelsPerRow(_ count: Int) -> Int { count <= 4 ? max(1, count) : (count <= 8 ? 4 : 5) }

    func name(_ i: Int) -> String { i < names.count ? names[i] : "neuron \(i)" }

    var largest: Double { outputs.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0 }

    public var summary: String {
        let ranges = outputs.map { o -> String in
            let f = o.filter(\.isFinite)
            guard let lo = f.min(), let hi = f.max() else { return "no finite values" }
            return "\(NumberFormat.general(lo, significant: 3))…\(NumberFormat.general(hi, significant: 3))"
        }
        return "<NeuronPictures\(title.map { " \"\($0)\"" } ?? ""): \(outputs.count) neuron\(outputs.count == 1 ? "" : "s") over a \(columns)×\(rows) grid (\(ranges.joined(separator: ", ")))>"
    }

    public func draw(on canvas: any Canvas) {
        var area = ChartDecoration(title: title, notes: []).draw(on: canvas)
        guard !outputs.isEmpty, columns > 0, rows > 0 else {
            canvas.text("No neurons to show", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let limit = largest > 0 ? largest : 1
        let colorScale = Scale.covering(-limit, limit, kind: .linear, padding: 0)
        // Values in bands, as the decision boundary shades them: the pictures read as contours,
        // and few colours keep the PNG small.
        let bands = NeuronPictures.bands
        func bandColor(_ t: Double) -> Color {
            let band = min(bands - 1, max(0, Int(t * Double(bands))))
            return Colormap.signed.color(at: (Double(band) + 0.5) / Double(bands))
        }
        func color(_ v: Double) -> Color {
            guard v.isFinite else { return Color(hex: 0xDDDDDD) }
            return bandColor((v - colorScale.lower) / (colorScale.upper - colorScale.lower))
        }
        func value(_ values: [Double], _ gx: Double, _ gy: Double) -> Double {
            let c0 = max(0, min(columns - 1, Int(gx)))
            let r0 = max(0, min(rows - 1, Int(gy)))
            let c1 = min(columns - 1, c0 + 1)
            let r1 = min(rows - 1, r0 + 1)
            let fx = max(0, min(1, gx - Double(c0)))
            let fy = max(0, min(1, gy - Double(r0)))
            func at(_ r: Int, _ c: Int) -> Double { r * columns + c < values.count ? values[r * columns + c] : .nan }
            return (at(r0, c0) * (1 - fx) + at(r0, c1) * fx) * (1 - fy) + (at(r1, c0) * (1 - fx) + at(r1, c1) * fx) * fy
        }
        area = area.inset(right: 80)
        let perRow = NeuronPictures.panelsPerRow(outputs.count)
        let panelRows = (outputs.count + perRow - 1) / perRow
        let cellWidth = area.width / Double(perRow)
        let cellHeight = area.height / Double(panelRows)
        var lastPlot = Rect(x: area.x, y: area.y, width: 1, height: 1)
        var firstPlot: Rect?
        for (index, values) in outputs.enumerated() {
            let row = index / perRow
            let column = index % perRow
            let cell = Rect(
                x: area.x + Double(column) * cellWidth, y: area.y + Double(row) * cellHeight, width: cellWidth,
                height: cellHeight
            ).inset(top: 2, left: 2, bottom: 4, right: 6)
            canvas.text(
                fit(name(index), width: cell.width, style: Theme.panelTitle, canvas: canvas),
                at: Point(cell.midX, cell.y + Theme.panelTitle.size), style: Theme.panelTitle)
            let axes = Axes(
                in: cell.inset(top: Theme.panelTitle.size + 6),
                x: .covering(xRange.lowerBound, xRange.upperBound, kind: .linear, padding: 0),
                y: .covering(yRange.lowerBound, yRange.upperBound, kind: .linear, padding: 0),
                xLabel: row == panelRows - 1 ? xLabel : nil, yLabel: column == 0 ? yLabel : nil, compact: true, on: canvas)
            let topLeft = axes.point(xRange.lowerBound, yRange.upperBound)
            let bottomRight = axes.point(xRange.upperBound, yRange.lowerBound)
            let rect = Rect(x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y)
            let width = max(1, Int(rect.width.rounded()))
            let height = max(1, Int(rect.height.rounded()))
            // Each pixel between the grid's cell centres, interpolated.
            let image = RasterImage(width: width, height: height) { r, c in
                let gy = (Double(r) + 0.5) / Double(height) * Double(rows) - 0.5
                let gx = (Double(c) + 0.5) / Double(width) * Double(columns) - 0.5
                return color(value(values, gx, gy))
            }
            canvas.image(image, in: rect, smooth: false)
            axes.drawFrame(on: canvas)
            if firstPlot == nil { firstPlot = axes.plot }
            lastPlot = axes.plot
        }
        // One colour bar for every panel, beside them all.
        let top = firstPlot?.y ?? area.y
        let bar = Rect(x: (area.maxX + 20).rounded(), y: top, width: 14, height: max(40, lastPlot.maxY - top))
        canvas.image(
            RasterImage(width: 1, height: 240) { r, _ in bandColor(1 - (Double(r) + 0.5) / 240) }, in: bar, smooth: false)
        ColorBarScale.draw(colorScale, along: bar, on: canvas, pixelsPerTick: 60)
    }
}

extension Visualize {
    /// The outputs of each neuron of one layer of a model with 2 inputs, over the plane around
    /// the points `x`: for a `Sequential`, the output of its layer `layer` (after that layer's
    /// activation), the layers before it run first. The model runs in evaluation mode without
    /// gradients, and its mode is restored.
    public static func neurons(
        _ model: Layer, _ x: Tensor, layer: Int = 0, resolution: Int = 60, title: String? = nil, xLabel: String? = nil,
        yLabel: String? = nil
    ) throws -> MIMEBundle {
        guard (2...200).contains(resolution) else {
            throw VisualizeError("neurons needs a resolution between 2 and 200, got \(resolution)")
        }
        guard x.rank == 2 && x.shape[1] == 2 else {
            throw VisualizeError("neurons needs points x of shape [n, 2] for a model with 2 inputs, got \(formatShape(x.shape))")
        }
        let chain: [Layer]
        if let sequential = model as? Sequential {
            chain = sequential.layers
        } else {
            chain = [model]
        }
        let index = layer < 0 ? chain.count + layer : layer
        guard chain.indices.contains(index) else {
            throw VisualizeError("neurons: layer \(layer) is out of range for a model of \(chain.count) layer\(chain.count == 1 ? "" : "s")")
        }
        let flat = x.detach().toDoubles().filter(\.isFinite)
        guard !flat.isEmpty else { throw VisualizeError("neurons needs at least one point with finite coordinates in x") }
        let (xs, ys) = try columns(x, "neurons")
        let xRange = PlaneGrid.paddedRange(of: xs.filter(\.isFinite))
        let yRange = PlaneGrid.paddedRange(of: ys.filter(\.isFinite))
        let n = resolution
        let grid = PlaneGrid.centres(x: xRange, y: yRange, resolution: n)
        let dtype = model.parameters().first?.dtype ?? .float32
        let wasTraining = model.isTraining
        model.eval()
        defer { model.setTraining(wasTraining) }
        var output: Tensor
        do {
            output = try withNoGrad {
                var t = try Tensor(shape: [n * n, 2], scalars: grid, dtype: dtype)
                for part in chain[0...index] { t = try part(t) }
                return t
            }
        } catch {
            throw VisualizeError("neurons: the model could not be evaluated on points with 2 features: \(error)")
        }
        if output.rank == 1 { output = try output.reshape([n * n, 1]) }
        guard output.rank == 2 && output.shape[0] == n * n else {
            throw VisualizeError("neurons: layer \(layer) gave \(formatShape(output.shape)) for \(n * n) points; it needs one number per neuron")
        }
        let k = output.shape[1]
        guard k <= 64 else { throw VisualizeError("neurons draws up to 64 neurons; layer \(layer) has \(k)") }
        let values = output.toDoubles()
        let perNeuron = (0..<k).map { j in (0..<(n * n)).map { values[$0 * k + j] } }
        let names = (0..<k).map { "neuron \($0)" }
        return NeuronPictures(
            outputs: perNeuron, columns: n, rows: n, xRange: xRange, yRange: yRange, names: names,
            title: title ?? "Layer \(index): each neuron's output over the inputs", xLabel: xLabel ?? "x[.., 0]",
            yLabel: yLabel ?? "x[.., 1]"
        ).mimeBundle()
    }
}
