/// A fully connected network as a picture: neurons as circles while layers are small, a box
/// with the count when large; each weight an edge, blue when positive and orange when
/// negative, as thick as its size.
public struct NetworkDiagram: Chart, Sendable {
    public var layerSizes: [Int]
    /// `weights[l][i][j]`: from neuron `i` of layer `l` to neuron `j` of layer `l + 1`
    /// (the `[in, out]` matrix of `x @ W`). Missing or misshapen matrices draw grey edges.
    public var weights: [[[Double]]]
    /// Names under the layers; "input", "hidden 1", ..., "output" where missing.
    public var layerNames: [String]
    public var title: String?
    public var size: Size

    /// Layers with more neurons than this are drawn as a box.
    public static let circleLimit = 12

    public init(layerSizes: [Int], weights: [[[Double]]] = [], layerNames: [String] = [], title: String? = nil, size: Size? = nil) {
        self.layerSizes = layerSizes.map { max(0, $0) }
        self.weights = weights
        self.layerNames = layerNames
        self.title = title
        let tallest = min(NetworkDiagram.circleLimit, layerSizes.max() ?? 1)
        self.size = size ?? Size(width: max(360, Double(layerSizes.count) * 150 + 40), height: max(300, Double(tallest) * 40 + 130))
    }

    func name(_ l: Int) -> String {
        if l < layerNames.count { return layerNames[l] }
        if l == 0 { return "input" }
        if l == layerSizes.count - 1 { return "output" }
        return "hidden \(l)"
    }

    var parameterCount: Int {
        zip(layerSizes, layerSizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    }

    public var summary: String {
        "<NetworkDiagram: \(layerSizes.map(String.init).joined(separator: " → ")), \(NumberFormat.grouped(parameterCount)) parameters with biases>"
    }

    /// The weight from `i` to `j` after layer `l`, if it was given.
    func weight(_ l: Int, _ i: Int, _ j: Int) -> Double? {
        guard l < weights.count, i < weights[l].count, j < weights[l][i].count, weights[l][i][j].isFinite else { return nil }
        return weights[l][i][j]
    }

    public func draw(on canvas: any Canvas) {
        let area = ChartDecoration(title: title, notes: [summaryLine]).draw(on: canvas)
        guard !layerSizes.isEmpty else {
            canvas.text("No layers to draw", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let labelRoom = 36.0
        let body = area.inset(top: 6, bottom: labelRoom)
        let spacing = body.width / Double(layerSizes.count)
        let tallest = max(1, layerSizes.filter { $0 <= NetworkDiagram.circleLimit }.max() ?? 1)
        let radius = min(14, max(5, body.height / (3.2 * Double(tallest))))
        let columnX = (0..<layerSizes.count).map { body.x + spacing * (Double($0) + 0.5) }

        // Neuron centres, or nil for a layer drawn as a box.
        let centres: [[Point]?] = layerSizes.enumerated().map { l, n in
            guard n > 0 && n <= NetworkDiagram.circleLimit else { return nil }
            let step = min(3.2 * radius, body.height / Double(max(1, n)))
            return (0..<n).map { Point(columnX[l], body.midY + (Double($0) - Double(n - 1) / 2) * step) }
        }
        let boxHeight = min(body.height, 3.2 * radius * Double(NetworkDiagram.circleLimit) * 0.8)
        func box(_ l: Int) -> Rect {
            Rect(x: columnX[l] - 30, y: body.midY - boxHeight / 2, width: 60, height: boxHeight)
        }

        let largest = weights.flatMap { $0.flatMap { $0 } }.filter(\.isFinite).map(abs).max() ?? 0
        for l in 0..<(layerSizes.count - 1) {
            if let from = centres[l], let to = centres[l + 1] {
                // Weak edges first, so the strong ones stay on top.
                var edges: [(Point, Point, Double?)] = []
                for (i, a) in from.enumerated() {
                    for (j, b) in to.enumerated() { edges.append((a, b, weight(l, i, j))) }
                }
                edges.sort { abs($0.2 ?? 0) < abs($1.2 ?? 0) }
                for (a, b, w) in edges {
                    canvas.line(from: Point(a.x + radius, a.y), to: Point(b.x - radius, b.y), stroke: edgeStroke(w, largest: largest))
                }
            } else {
                // A box on either side: one band stands for all the weights between them.
                let left = centres[l].map { pts in Rect(x: columnX[l], y: pts.first!.y, width: 0, height: pts.last!.y - pts.first!.y) } ?? box(l)
                let right = centres[l + 1].map { pts in Rect(x: columnX[l + 1], y: pts.first!.y, width: 0, height: pts.last!.y - pts.first!.y) } ?? box(l + 1)
                canvas.path(
                    .polygon([Point(left.maxX, left.y), Point(right.x, right.y), Point(right.x, right.maxY), Point(left.maxX, left.maxY)]),
                    fill: Color(hex: 0x9AA5B1, alpha: 0.25), stroke: nil)
                var style = Theme.tickLabel
                style.anchor = .middle
                style.baseline = .middle
                canvas.text(
                    "\(NumberFormat.grouped(layerSizes[l] * layerSizes[l + 1])) weights",
                    at: Point((left.maxX + right.x) / 2, body.midY), style: style)
            }
        }
        for l in 0..<layerSizes.count {
            if let points = centres[l] {
                for p in points {
                    canvas.circle(center: p, radius: radius, fill: .white, stroke: Stroke(.ink, width: 1.5))
                }
            } else {
                let rect = box(l)
                canvas.rect(rect, fill: Color(hex: 0xF4F6F8), stroke: Stroke(.ink, width: 1.5))
                var style = Theme.legend
                style.anchor = .middle
                style.weight = .bold
                canvas.text(NumberFormat.grouped(layerSizes[l]), at: Point(rect.midX, rect.midY - 8), style: style)
                style.weight = .normal
                style.size = 11
                style.color = .mutedInk
                canvas.text("units", at: Point(rect.midX, rect.midY + 10), style: style)
            }
            var style = Theme.axisLabel
            style.baseline = .top
            canvas.text(fit(name(l), width: spacing - 6, style: style, canvas: canvas), at: Point(columnX[l], body.maxY + 8), style: style)
            var sizeStyle = Theme.tickLabel
            sizeStyle.anchor = .middle
            sizeStyle.baseline = .top
            canvas.text("\(layerSizes[l])", at: Point(columnX[l], body.maxY + 24), style: sizeStyle)
        }
    }

    private var summaryLine: String {
        weights.isEmpty ? "\(NumberFormat.grouped(parameterCount)) parameters" : "blue: positive weight, orange: negative; thicker: larger"
    }

    private func edgeStroke(_ w: Double?, largest: Double) -> Stroke {
        guard let w, largest > 0 else { return Stroke(Color(hex: 0xB0B0B0, alpha: 0.6), width: 0.75) }
        let strength = abs(w) / largest
        let color = w >= 0 ? Color(hex: 0x2166AC) : Color(hex: 0xD55E00)
        return Stroke(color.withAlpha(0.25 + 0.65 * strength), width: 0.5 + 3.5 * strength)
    }
}
