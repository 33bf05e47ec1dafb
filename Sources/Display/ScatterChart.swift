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

    /// Past this many points, markers become plain dots drawn as one path per class.
    static let denseLimit = 1500
    /// Past this many points, each class draws one dot in each 2×2 pixel cell.
    static let thinningLimit = 20_000

    func classOf(_ i: Int) -> Int {
        guard let labels, i < labels.count else { return 0 }
        return labels[i]
    }

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
    func draw(on canvas: any Canvas, regions: ClassRegions?, extraNotes: [String] = []) {
        let check = Scale(kind: .linear, lower: 0, upper: 1)
        let drawable = (0..<count).filter { check.accepts(x[$0]) && check.accepts(y[$0]) }
        let skipped = count - drawable.count
        var notes = extraNotes
        if skipped > 0 { notes.append("\(NumberFormat.grouped(skipped)) point\(skipped == 1 ? "" : "s") not drawn (not finite)") }
        if x.count != y.count { notes.append("x has \(x.count) values and y \(y.count); extra ones ignored") }
        var area = ChartDecoration(title: title, notes: notes).draw(on: canvas)

        let classes = self.classes
        let dense = drawable.count > ScatterChart.denseLimit
        let legend = Legend(
            entries: classes.map { c in
                let shape = dense ? (c % 2 == 0 ? MarkerShape.circle : .square) : MarkerShape.of(c)
                return .init(name: className(c), swatch: .marker(shape, CategoricalPalette.color(c)))
            })
        // The colour bar of a shaded boundary sits beside the plot, the legend after it.
        let barRoom = regions?.shaded == true ? 66.0 : 0
        area = area.inset(right: legend.width(on: canvas) + barRoom)
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
            let rect = Rect(x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y)
            canvas.image(
                regions.image(width: max(1, Int(rect.width.rounded())), height: max(1, Int(rect.height.rounded()))),
                in: rect, smooth: false)
        } else {
            axes.drawGrid(on: canvas)
        }
        if drawable.isEmpty {
            axes.drawMessage(count == 0 ? "No points to plot" : "No finite points to plot", on: canvas)
        }
        canvas.pushClip(axes.plot.inset(top: -6, left: -6, bottom: -6, right: -6))
        if dense {
            // Thousands of points: one dot path per class, circles and squares alternating so
            // neighbouring classes still differ in shape, not only in colour.
            // Past `thinningLimit` points, a class's points in the same 2×2 pixel cell are drawn once:
            // the picture is the same, and the work stays linear in the points, where drawing
            // a million overlapping dots costs the renderer far more than a million.
            var byClass: [Int: [Point]] = [:]
            var drawn = Set<Int>()
            let thin = drawable.count > ScatterChart.thinningLimit
            for i in drawable {
                let point = axes.point(x[i], y[i]), c = classOf(i)
                if thin {
                    // Cells of one dot radius: dots closer than that overlap almost wholly.
                    let key = (Int(point.x / 2) & 0xFFFF) | (Int(point.y / 2) & 0xFFFF) << 16 | c << 32
                    guard drawn.insert(key).inserted else { continue }
                }
                byClass[c, default: []].append(point)
            }
            for c in byClass.keys.sorted() {
                canvas.dots(byClass[c]!, radius: 2, color: CategoricalPalette.color(c).withAlpha(0.75), square: c % 2 != 0)
            }
        } else {
            // Smaller dots as the cloud grows; a white rim keeps overlapping points apart.
            let radius = drawable.count > 500 ? 3.5 : 4.5
            let rim = Stroke(.white, width: 0.8)
            for i in drawable {
                let c = classOf(i)
                MarkerShape.of(c).draw(
                    at: axes.point(x[i], y[i]), radius: radius, fill: CategoricalPalette.color(c).withAlpha(0.9),
                    stroke: rim, on: canvas)
            }
        }
        canvas.popClip()
        axes.drawFrame(on: canvas)
        if !legend.isEmpty {
            legend.draw(at: Point(axes.plot.maxX + 4 + barRoom, axes.plot.y), height: axes.plot.height, on: canvas)
        }
        if let regions, regions.shaded {
            regions.drawColorBar(
                in: Rect(x: (axes.plot.maxX + 12).rounded(), y: axes.plot.y, width: 12, height: axes.plot.height), on: canvas)
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

    /// Whether paler colours show where the model is unsure (TensorFlow Playground's picture);
    /// otherwise each region is one flat colour and the boundary between them a dark line, as
    /// a model that answers with a step (a perceptron) sees the plane.
    var shaded = true

    /// Steps of confidence the shading is cut into: they draw contour bands and keep the PNG small.
    static let levels = 6.0

    /// The colour of a point where the model gives `probabilities`, and the class it picks.
    func color(for probabilities: [Double]) -> (best: Int, color: Color) {
        var best = 0
        var bestP = -Double.infinity
        var total = 0.0
        for (k, raw) in probabilities.enumerated() {
            let p = raw.isFinite ? max(0, raw) : 0
            total += p
            if p > bestP {
                bestP = p
                best = k
            }
        }
        guard total > 0, !probabilities.isEmpty else { return (-1, Color(hex: 0xEEEEEE)) }
        guard shaded else { return (best, Color.white.mixed(with: CategoricalPalette.color(best), 0.38)) }
        let chance = 1 / Double(max(2, probabilities.count))
        let confidence = max(0, min(1, (bestP / total - chance) / (1 - chance)))
        let step = (confidence * ClassRegions.levels).rounded(.up) / ClassRegions.levels
        return (best, Color.white.mixed(with: CategoricalPalette.color(best), 0.08 + 0.42 * step))
    }

    /// The regions at `width`×`height` pixels: each pixel takes the colour of the likeliest
    /// class, paler where the model is unsure when shaded, with a line where the class changes
    /// when not.
    func image(width: Int, height: Int) -> RasterImage {
        let classes = probabilities.first?.count ?? 0
        var picked = [(best: Int, color: Color)]()
        picked.reserveCapacity(width * height)
        for r in 0..<height {
            for c in 0..<width {
                // Bilinear interpolation between cell centres.
                let gy = max(0, min(Double(rows - 1), (Double(r) + 0.5) / Double(height) * Double(rows) - 0.5))
                let gx = max(0, min(Double(columns - 1), (Double(c) + 0.5) / Double(width) * Double(columns) - 0.5))
                let r0 = Int(gy)
                let c0 = Int(gx)
                let r1 = min(rows - 1, r0 + 1)
                let c1 = min(columns - 1, c0 + 1)
                let fy = gy - Double(r0)
                let fx = gx - Double(c0)
                let mixed = (0..<classes).map { k -> Double in
                    func at(_ rr: Int, _ cc: Int) -> Double {
                        let row = probabilities[rr * columns + cc]
                        return k < row.count && row[k].isFinite ? max(0, row[k]) : 0
                    }
                    return (at(r0, c0) * (1 - fx) + at(r0, c1) * fx) * (1 - fy) + (at(r1, c0) * (1 - fx) + at(r1, c1) * fx) * fy
                }
                picked.append(color(for: mixed))
            }
        }
        return RasterImage(width: width, height: height) { r, c in
            let here = picked[r * width + c]
            if !shaded && here.best >= 0 {
                let right = c + 1 < width ? picked[r * width + c + 1].best : here.best
                let below = r + 1 < height ? picked[(r + 1) * width + c].best : here.best
                if right != here.best || below != here.best { return .ink }
            }
            return here.color
        }
    }

    /// The colour bar of the shading: for two classes the probability of class 1 (class 0's
    /// colour below 0.5, class 1's above); for more, the confidence in the likeliest class.
    func drawColorBar(in bar: Rect, on canvas: any Canvas) {
        let classes = max(2, probabilities.first?.count ?? 2)
        let steps = 120
        let two = classes == 2
        let image = RasterImage(width: 1, height: steps) { r, _ in
            let t = 1 - (Double(r) + 0.5) / Double(steps)
            if two { return color(for: [1 - t, t]).color }
            // Confidence t of the likeliest class, shown in a neutral ink.
            let step = (t * ClassRegions.levels).rounded(.up) / ClassRegions.levels
            return Color.white.mixed(with: .mutedInk, 0.08 + 0.42 * step)
        }
        canvas.image(image, in: bar, smooth: false)
        canvas.rect(bar, fill: nil, stroke: Stroke(.axis, width: 0.5))
        let low = two ? 0.0 : 1 / Double(classes)
        let ticks: [Double] = two ? [0, 0.5, 1] : [low, 1]
        var style = Theme.tickLabel
        style.baseline = .middle
        for v in ticks {
            let y = Axes.crisp(bar.maxY - (v - low) / (1 - low) * bar.height)
            canvas.line(from: Point(bar.maxX, y), to: Point(bar.maxX + 3, y), stroke: Stroke(.axis))
            canvas.text(NumberFormat.general(v, significant: 2), at: Point(bar.maxX + 5, y), style: style)
        }
        var label = Theme.tickLabel
        label.anchor = .middle
        label.baseline = .top
        label.rotation = -90
        canvas.text(
            two ? "probability of class 1" : "confidence", at: Point(bar.maxX + 30, bar.midY), style: label)
    }
}

/// A 2-input classifier's decision regions under its training points.
public struct DecisionBoundary: Chart, Sendable {
    public var scatter: ScatterChart
    /// Nil when the probabilities do not fill the grid; the points are then drawn alone.
    let regions: ClassRegions?
    let problem: String?

    /// - Parameters:
    ///   - probabilities: for each grid cell, row by row from the top (largest y) down and left
    ///     to right, the model's probability for each class; `columns * rows` cells.
    ///   - xRange, yRange: the part of the plane the grid covers.
    ///   - scatter: the data points, coloured by their true class.
    public init(
        probabilities: [[Double]], columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        scatter: ScatterChart, shaded: Bool = true
    ) {
        self.scatter = scatter
        let usable = columns > 0 && rows > 0 && probabilities.count == columns * rows
            && xRange.lowerBound.isFinite && xRange.upperBound.isFinite && yRange.lowerBound.isFinite
            && yRange.upperBound.isFinite && xRange.upperBound > xRange.lowerBound && yRange.upperBound > yRange.lowerBound
        if usable {
            var regions = ClassRegions(xRange: xRange, yRange: yRange, columns: columns, rows: rows, probabilities: probabilities)
            regions.shaded = shaded
            self.regions = regions
            problem = nil
        } else {
            regions = nil
            problem = "regions not drawn: \(probabilities.count) cells given for a \(columns)×\(rows) grid over x \(NumberFormat.general(xRange.lowerBound))…\(NumberFormat.general(xRange.upperBound)), y \(NumberFormat.general(yRange.lowerBound))…\(NumberFormat.general(yRange.upperBound))"
        }
    }

    public var size: Size { scatter.size }

    public var summary: String {
        guard let regions else { return "<DecisionBoundary: \(problem ?? "no regions"), \(scatter.count) points>" }
        return "<DecisionBoundary: \(regions.columns)×\(regions.rows) grid, \(regions.probabilities.first?.count ?? 0) classes, \(scatter.count) points>"
    }

    public func draw(on canvas: any Canvas) {
        scatter.draw(on: canvas, regions: regions, extraNotes: problem.map { [$0] } ?? [])
    }
}
