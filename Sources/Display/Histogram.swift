#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How values spread: counts in equal-width bins, for weights, activations and gradients.
public struct Histogram: Chart, Sendable {
    public var values: [Double]
    /// Number of bins; `nil` picks one from the number of values.
    public var bins: Int?
    public var title: String?
    public var xLabel: String?
    public var size: Size

    public init(
        _ values: [Double], bins: Int? = nil, title: String? = nil, xLabel: String? = nil,
        size: Size = Size(width: 640, height: 400)
    ) {
        self.values = values
        self.bins = bins
        self.title = title
        self.xLabel = xLabel
        self.size = size
    }

    /// Bin edges and counts of the plottable values.
    struct Binned: Equatable {
        var lower: Double
        var width: Double
        var counts: [Int]
    }

    var finite: [Double] { values.filter { $0.isFinite && abs($0) <= Scale.largestPlottable } }

    func binned() -> Binned? {
        let data = finite
        guard let low = data.min(), let high = data.max() else { return nil }
        // Square-root rule, kept between 5 and 60 bins so bars stay visible and meaningful.
        let count = max(1, min(200, bins ?? max(5, min(60, Int(Double(data.count).squareRoot().rounded())))))
        if high - low <= 1e-12 * max(abs(low), abs(high)) {
            let half = low == 0 ? 0.5 : abs(low) * 0.05
            var counts = [Int](repeating: 0, count: 1)
            counts[0] = data.count
            return Binned(lower: low - half, width: 2 * half, counts: counts)
        }
        let width = (high - low) / Double(count)
        var counts = [Int](repeating: 0, count: count)
        for v in data {
            counts[min(count - 1, max(0, Int((v - low) / width)))] += 1
        }
        return Binned(lower: low, width: width, counts: counts)
    }

    public var summary: String {
        let data = finite
        guard !data.isEmpty, let b = binned() else { return "<Histogram: no finite values of \(values.count)>" }
        let mean = data.reduce(0, +) / Double(data.count)
        let sd = (data.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(data.count)).squareRoot()
        return "<Histogram: \(data.count) values in \(b.counts.count) bins, min \(NumberFormat.general(data.min()!)), max \(NumberFormat.general(data.max()!)), mean \(NumberFormat.general(mean)), std \(NumberFormat.general(sd))>"
    }

    public func draw(on canvas: any Canvas) {
        let data = finite
        var notes: [String] = []
        let skipped = values.count - data.count
        if skipped > 0 { notes.append("\(NumberFormat.grouped(skipped)) value\(skipped == 1 ? "" : "s") not counted (not finite)") }
        let b = binned()
        let maxCount = Double(b?.counts.max() ?? 1)
        var xScale: Scale =
            b.map { .covering($0.lower, $0.lower + $0.width * Double($0.counts.count), kind: .linear, padding: 0.02) }
            ?? .covering(nil, nil, kind: .linear)
        if let b, let low = data.min(), let high = data.max(), high - low <= 1e-12 * max(abs(low), abs(high)) {
            // One value repeated: a narrow bar in a wider axis reads as "all here".
            xScale = .covering(b.lower - 4 * b.width, b.lower + 5 * b.width, kind: .linear, padding: 0)
            notes.append("all \(data.count) values equal \(NumberFormat.general(low))")
        }
        let area = ChartDecoration(title: title, notes: notes).draw(on: canvas)
        let axes = Axes(
            in: area, x: xScale, y: .covering(0, maxCount, kind: .linear, padding: 0.05, includeZero: true),
            xLabel: xLabel, yLabel: "count", on: canvas)
        axes.drawGrid(on: canvas)
        guard let b else {
            axes.drawMessage(values.isEmpty ? "No values to count" : "No finite values to count", on: canvas)
            axes.drawFrame(on: canvas)
            return
        }
        let fill = CategoricalPalette.color(0).withAlpha(0.85)
        for (i, count) in b.counts.enumerated() where count > 0 {
            let left = axes.x.map(b.lower + Double(i) * b.width)
            let right = axes.x.map(b.lower + Double(i + 1) * b.width)
            let top = axes.y.map(Double(count))
            let bar = Rect(x: left, y: top, width: max(0.5, right - left), height: axes.plot.maxY - top)
            // A white edge separates neighbouring bars only when they are wide enough to spare it.
            canvas.rect(bar, fill: fill, stroke: right - left > 4 ? Stroke(.white, width: 0.75) : nil)
        }
        axes.drawFrame(on: canvas)
    }
}
