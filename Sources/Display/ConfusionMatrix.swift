/// Counts of true class (rows) against predicted class (columns), with the counts written in.
public struct ConfusionMatrix: Chart, Sendable {
    public var counts: [[Int]]
    public var classNames: [String]
    public var title: String?
    public var size: Size

    public init(_ counts: [[Int]], classNames: [String] = [], title: String? = "Confusion matrix", size: Size? = nil) {
        self.counts = counts
        self.classNames = classNames
        self.title = title
        let n = Double(max(1, counts.count))
        // Square-ish, growing with the number of classes up to a sensible page width.
        self.size = size ?? Size(width: min(760, max(420, 140 + 52 * n)), height: min(700, max(380, 120 + 48 * n)))
    }

    /// Builds the matrix from true and predicted labels (0-based), `classes` wide.
    public init(trueLabels: [Int], predicted: [Int], classes: Int? = nil, classNames: [String] = []) {
        let n = classes ?? max((trueLabels.max() ?? -1), (predicted.max() ?? -1)) + 1
        var counts = [[Int]](repeating: [Int](repeating: 0, count: max(0, n)), count: max(0, n))
        for (t, p) in zip(trueLabels, predicted) where t >= 0 && t < n && p >= 0 && p < n {
            counts[t][p] += 1
        }
        self.init(counts, classNames: classNames)
    }

    var classes: Int { counts.count }
    var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    var correct: Int { (0..<classes).reduce(0) { $0 + ($1 < counts[$1].count ? counts[$1][$1] : 0) } }

    func name(_ i: Int) -> String { i < classNames.count ? classNames[i] : String(i) }

    var accuracyText: String {
        guard total > 0 else { return "no predictions" }
        return "accuracy \(NumberFormat.fixed(100 * Double(correct) / Double(total), decimals: 1))% (\(NumberFormat.grouped(correct)) of \(NumberFormat.grouped(total)))"
    }

    public var summary: String {
        var table = self.table()
        table.caption = nil
        table.footer = nil
        return "<ConfusionMatrix: \(classes) classes, \(accuracyText)>\n" + table.plainText()
    }

    public func draw(on canvas: any Canvas) {
        let area = ChartDecoration(title: title, notes: [accuracyText]).draw(on: canvas)
        let highest = Double(counts.flatMap { $0 }.max() ?? 0)
        let colormap = Colormap.blues
        let grid = MatrixGrid(
            rows: classes, columns: classes, rowLabels: (0..<classes).map(name), columnLabels: (0..<classes).map(name),
            xLabel: "predicted", yLabel: "true", colorBar: Scale.covering(0, max(1, highest), kind: .linear, padding: 0))
        grid.draw(in: area, on: canvas, showValues: true) { r, c in
            let v = c < counts[r].count ? counts[r][c] : 0
            return (colormap.color(at: Double(v) / max(1, highest)), String(v))
        } colorAt: { colormap.color(at: $0) }
    }
}
