/// Points coloured and shaped by class, for looking at a data set before training on it.
public struct ScatterChart: Chart, Sendable {
    public var x: [Double]
    public var y: [Double]
    /// Class of each point, 0-based; `nil` draws every point in one colour.
    public var labels: [Int]?
    /// Names for classes 0, 1, ...; "class 0", "class 1", ... where missing.
    public var classNames: [String]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var size: Size

    public init(
        x: [Double], y: [Double], labels: [Int]? = nil, classNames: [String] = [], title: String? = nil,
        xLabel: String? = nil, yLabel: String? = nil, size: Size = Size(width: 560, height: 440)
    ) {
        self.x = x
        self.y = y
        self.labels = labels
        self.classNames = classNames
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.size = size
    }

    /// Points given as rows `[x, y]`, as a two-column tensor holds them.
    public init(points: [[Double]], labels: [Int]? = nil, classNames: [String] = [], title: String? = nil) {
        self.init(
            x: points.map { $0.first ?? .nan }, y: points.map { $0.count > 1 ? $0[1] : .nan }, labels: labels,
            classNames: classNames, title: title)
    }

    var count: Int { min(x.count, y.count) }

    /// The distinct classes present, ascending.
    var classes: [Int] {
        guard let labels else { return [] }
        return Array(Set(labels.prefix(count))).sorted()
    }

    func className(_ c: Int) -> String {
        c >= 0 && c < classNames.count ? classNames[c] : "class \(c)"
    }

    public var summary: String {
        var s = "<ScatterChart\(title.map { " \"\($0)\"" } ?? ""): \(count) points"
        if let labels {
            let counts = classes.map { c in "\(className(c)): \(labels.prefix(count).filter { $0 == c }.count)" }
            s += ", \(classes.count) classes (\(counts.joined(separator: ", ")))"
        }
        return s + ">"
    }

    public func draw(on canvas: any Canvas) {
        draw(on: canvas, regions: nil)
    }

    /// Draws the chart, with `regions` (a decision boundary) painted under the points.
    func draw(on canvas: any Canvas, regions: ClassRegions?) {
        let check = Scale(kind: .linear, lower: 0, upper: 1)
        let drawable = (0..<count).filter { check.accepts(x[$0]) && check.accepts(y[$0]) }
        let skipped = count - drawable.count
        var notes: [String] = []
        if skipped > 0 { notes.append("\(NumberFormat.grouped(skipped)) point\(skipped == 1 ? "" : "s") not drawn (not finite)") }
        if x.count != y.count { notes.append("x has \(x.count) values and y \(y.count); extra ones ignored") }
        var area = ChartDecoration(title: title, notes: notes).draw(on: canvas)

        let classes = self.classes
        let legend = Legend(
            entries: classes.map { c in
                .init(name: className(c), swatch: .marker(MarkerShape.of(c), CategoricalPalette.color(c)))
            })
        area = area.inset(right: legend.width(on: canvas))
        var xs = drawable.map { x[$0] }
        var ys = drawable.map { y[$0] }
        if let regions {
            xs += [regions.xRange.lowerBound, regions.xRange.upperBound]
            ys += [regions.yRange.lowerBound, regions.yRange.upperBound]
        }
        let padding = regions == nil ? 0.05 : 0
        let axes = Axes(
            in: area, x: .covering(xs.min(), xs.max(), kind: .linear, padding: padding),
            y: .covering(ys.min(), ys.max(), kind: .linear, padding: padding), xLabel: xLabel, yLabel: yLabel,
            on: canvas)
        if let regions {
            let topLeft = axes.point(regions.xRange.lowerBound, regions.yRange.upperBound)
            let bottomRight = axes.point(regions.xRange.upperBound, regions.yRange.lowerBound)
            canvas.image(
                regions.image(),
                in: Rect(x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y),
                smooth: true)
        } else {
            axes.drawGrid(on: canvas)
        }
        if drawable.isEmpty {
            axes.drawMessage(count == 0 ? "No points to plot" : "No finite points to plot", on: canvas)
        }
        // Small dense clouds need smaller dots; a white rim keeps overlapping points apart.
        let radius = drawable.count > 2000 ? 2.5 : (drawable.count > 500 ? 3.5 : 4.5)
        let rim = Stroke(.white, width: drawable.count > 2000 ? 0.5 : 0.8)
        canvas.pushClip(axes.plot.inset(top: -6, left: -6, bottom: -6, right: -6))
        for i in drawable {
            let c = labels.map { i < $0.count ? $0[i] : 0 } ?? 0
            MarkerShape.of(c).draw(
                at: axes.point(x[i], y[i]), radius: radius, fill: CategoricalPalette.color(c).withAlpha(0.9),
                stroke: rim, on: canvas)
        }
        canvas.popClip()
        axes.drawFrame(on: canvas)
        if !legend.isEmpty {
            legend.draw(at: Point(axes.plot.maxX + 4, axes.plot.y), height: axes.plot.height, on: canvas)
        }
    }
}

/// Class probabilities over a regular grid of the input plane: what a 2-input classifier
/// predicts everywhere, for drawing its decision boundary.
struct ClassRegions: Sendable {
    let xRange: ClosedRange<Double>
    let yRange: ClosedRange<Double>
    let columns: Int
    let rows: Int
    /// Row-major from the top row (largest y) down; one probability per class.
    let probabilities: [[Double]]

    /// Each cell tinted by its classes' colours in proportion to their probability, faded
    /// toward white where the model is unsure, as TensorFlow Playground shows it.
    func image() -> RasterImage {
        RasterImage(width: columns, height: rows) { r, c in
            let p = probabilities[r * columns + c]
            var color = Color(red: 0, green: 0, blue: 0)
            var total = 0.0
            var top = 0.0
            for (k, pk) in p.enumerated() where pk.isFinite && pk > 0 {
                let cc = CategoricalPalette.color(k)
                color.red += cc.red * pk
                color.green += cc.green * pk
                color.blue += cc.blue * pk
                total += pk
                top = max(top, pk)
            }
            guard total > 0 else { return Color(hex: 0xEEEEEE) }
            color = Color(red: color.red / total, green: color.green / total, blue: color.blue / total)
            let confidence = p.count > 1 ? (top / total - 1 / Double(p.count)) / (1 - 1 / Double(p.count)) : 1
            return Color.white.mixed(with: color, 0.12 + 0.38 * max(0, min(1, confidence)))
        }
    }
}

/// A 2-input classifier's decision regions under its training points.
public struct DecisionBoundary: Chart, Sendable {
    public var scatter: ScatterChart
    let regions: ClassRegions

    /// - Parameters:
    ///   - probabilities: for each grid cell, row by row from the top (largest y) down and left
    ///     to right, the model's probability for each class; `columns * rows` cells.
    ///   - xRange, yRange: the part of the plane the grid covers.
    ///   - scatter: the data points, coloured by their true class.
    public init(
        probabilities: [[Double]], columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        scatter: ScatterChart
    ) {
        precondition(columns > 0 && rows > 0 && probabilities.count == columns * rows, "grid size mismatch")
        self.scatter = scatter
        self.regions = ClassRegions(
            xRange: xRange, yRange: yRange, columns: columns, rows: rows, probabilities: probabilities)
    }

    public var size: Size { scatter.size }

    public var summary: String {
        "<DecisionBoundary: \(regions.columns)×\(regions.rows) grid, \(regions.probabilities.first?.count ?? 0) classes, \(scatter.count) points>"
    }

    public func draw(on canvas: any Canvas) {
        scatter.draw(on: canvas, regions: regions)
    }
}
