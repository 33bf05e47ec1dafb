/// One named line of (x, y) values.
public struct Series: Sendable, Equatable {
    public var name: String
    /// Positions along x; `nil` means 0, 1, 2, ...
    public var x: [Double]?
    public var y: [Double]
    public var dashed: Bool

    public init(_ name: String, x: [Double]? = nil, y: [Double], dashed: Bool = false) {
        self.name = name
        self.x = x
        self.y = y
        self.dashed = dashed
    }

    /// Number of (x, y) pairs; extra values on either side are ignored.
    public var count: Int { x.map { min($0.count, y.count) } ?? y.count }

    func xValue(_ i: Int) -> Double { x?[i] ?? Double(i) }
}

/// A labelled point drawn on top of a chart, such as "lowest loss".
public struct Annotation: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var label: String
    public init(x: Double, y: Double, label: String) {
        self.x = x
        self.y = y
        self.label = label
    }
}

/// The drawable runs of a series: values a scale cannot show split the line into runs.
struct CleanedSeries {
    var runs: [[(x: Double, y: Double)]] = []
    var skipped = 0
    var count: Int { runs.reduce(0) { $0 + $1.count } }

    init(_ series: Series, x xScale: AxisScale, y yScale: AxisScale) {
        let xCheck = Scale(kind: xScale, lower: 1, upper: 2)
        let yCheck = Scale(kind: yScale, lower: 1, upper: 2)
        var run: [(x: Double, y: Double)] = []
        for i in 0..<series.count {
            let px = series.xValue(i)
            let py = series.y[i]
            if xCheck.accepts(px) && yCheck.accepts(py) {
                run.append((px, py))
            } else {
                skipped += 1
                if !run.isEmpty { runs.append(run) }
                run = []
            }
        }
        if !run.isEmpty { runs.append(run) }
    }
}

/// Thins a line to at most four points per pixel column (first, lowest, highest, last, in
/// order), so a 100,000-point curve draws quickly and keeps every spike it had.
func downsampleMinMax(_ points: [Point]) -> [Point] {
    guard points.count > 4 else { return points }
    var out: [Point] = []
    out.reserveCapacity(2048)
    var i = 0
    while i < points.count {
        let column = points[i].x.rounded(.down)
        var j = i
        var low = i
        var high = i
        while j + 1 < points.count && points[j + 1].x.rounded(.down) == column {
            j += 1
            if points[j].y < points[low].y { low = j }
            if points[j].y > points[high].y { high = j }
        }
        for k in [i, min(low, high), max(low, high), j] where out.last != points[k] {
            out.append(points[k])
        }
        i = j + 1
    }
    return out
}
