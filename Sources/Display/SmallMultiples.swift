#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One small plot among several.
public struct Panel: Sendable, Equatable {
    public var title: String
    public var series: [Series]
    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }
}

/// Several small line plots side by side with one shared legend: activation functions and
/// their derivatives, or one curve per layer.
public struct SmallMultiples: Chart, Sendable {
    public var panels: [Panel]
    public var columns: Int
    public var title: String?
    public var size: Size

    public init(_ panels: [Panel], columns: Int? = nil, title: String? = nil, size: Size? = nil) {
        self.panels = panels
        let columns = max(1, columns ?? min(3, max(1, panels.count)))
        self.columns = columns
        self.title = title
        let rows = max(1, (panels.count + columns - 1) / columns)
        self.size = size ?? Size(width: Double(columns) * 250 + 20, height: Double(rows) * 210 + 90)
    }

    public var summary: String {
        "<SmallMultiples\(title.map { " \"\($0)\"" } ?? ""): \(panels.count) panels (\(panels.map(\.title).joined(separator: ", ")))>"
    }

    /// Names of all series, in first-seen order; each name keeps one colour in every panel.
    var seriesNames: [String] {
        var names: [String] = []
        for panel in panels {
            for s in panel.series where !names.contains(s.name) { names.append(s.name) }
        }
        return names
    }

    public func draw(on canvas: any Canvas) {
        var area = ChartDecoration(title: title).draw(on: canvas)
        guard !panels.isEmpty else {
            canvas.text("No panels to show", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let names = seriesNames
        // The legend runs along the top, so every panel keeps the full width.
        if names.count > 1 {
            var x = area.x
            let y = area.y + 8
            for (i, name) in names.enumerated() {
                let stroke = style(i)
                canvas.line(from: Point(x, y), to: Point(x + 22, y), stroke: stroke)
                canvas.text(name, at: Point(x + 28, y), style: Theme.legend)
                x += 28 + canvas.textWidth(name, style: Theme.legend) + 22
            }
            area = area.inset(top: 24)
        }
        let rows = (panels.count + columns - 1) / columns
        let cellWidth = area.width / Double(columns)
        let cellHeight = area.height / Double(rows)
        for (index, panel) in panels.enumerated() {
            let cell = Rect(
                x: area.x + Double(index % columns) * cellWidth, y: area.y + Double(index / columns) * cellHeight,
                width: cellWidth, height: cellHeight
            ).inset(top: 4, left: 2, bottom: 6, right: 8)
            drawPanel(panel, in: cell, names: names, on: canvas)
        }
    }

    private func style(_ index: Int) -> Stroke {
        Stroke(CategoricalPalette.color(index), width: 2, dash: index % 2 == 1 ? [5, 3] : [])
    }

    private func drawPanel(_ panel: Panel, in cell: Rect, names: [String], on canvas: any Canvas) {
        canvas.text(
            fit(panel.title, width: cell.width, style: Theme.panelTitle, canvas: canvas),
            at: Point(cell.midX, cell.y + Theme.panelTitle.size), style: Theme.panelTitle)
        let cleaned = panel.series.map { CleanedSeries($0, x: .linear, y: .linear) }
        let xs = cleaned.flatMap { $0.runs.flatMap { $0.map(\.x) } }
        let ys = cleaned.flatMap { $0.runs.flatMap { $0.map(\.y) } }
        let axes = Axes(
            in: cell.inset(top: Theme.panelTitle.size + 6), x: .covering(xs.min(), xs.max(), kind: .linear, padding: 0),
            y: .covering(ys.min(), ys.max(), kind: .linear, padding: 0.06), compact: true, on: canvas)
        axes.drawGrid(on: canvas)
        // Zero lines help to read where a function crosses, as most of these do.
        if axes.y.lower < 0 && axes.y.upper > 0 {
            let y = Axes.crisp(axes.y.map(0))
            canvas.line(from: Point(axes.plot.x, y), to: Point(axes.plot.maxX, y), stroke: Stroke(.axis, width: 0.75))
        }
        if axes.x.lower < 0 && axes.x.upper > 0 {
            let x = Axes.crisp(axes.x.map(0))
            canvas.line(from: Point(x, axes.plot.y), to: Point(x, axes.plot.maxY), stroke: Stroke(.axis, width: 0.75))
        }
        if xs.isEmpty { axes.drawMessage("No data", on: canvas) }
        for (s, c) in zip(panel.series, cleaned) {
            let stroke = style(names.firstIndex(of: s.name) ?? 0)
            for run in c.runs {
                let points = run.map { axes.point($0.x, $0.y) }
                if points.count == 1 {
                    canvas.circle(center: points[0], radius: 2.5, fill: stroke.color, stroke: nil)
                } else {
                    canvas.polyline(points.count > 2 * Int(axes.plot.width) ? downsampleMinMax(points) : points, stroke: stroke)
                }
            }
        }
        axes.drawFrame(on: canvas)
    }
}

extension SmallMultiples {
    /// The usual activation functions and their derivatives over -4...4, computed here in
    /// plain arithmetic so a learner can compare them before any model exists.
    public static func activationFunctions(samples: Int = 161) -> SmallMultiples {
        let n = max(2, samples)
        let xs = (0..<n).map { -4 + 8 * Double($0) / Double(n - 1) }
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        func panel(_ name: String, _ f: (Double) -> Double, _ df: (Double) -> Double) -> Panel {
            Panel(title: name, series: [Series("f(x)", x: xs, y: xs.map(f)), Series("f′(x)", x: xs, y: xs.map(df), dashed: true)])
        }
        let gelu: (Double) -> Double = { x in 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }
        let geluDerivative: (Double) -> Double = { x in
            0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-x * x / 2) / (2 * Double.pi).squareRoot()
        }
        return SmallMultiples(
            [
                panel("sigmoid", sigmoid, { sigmoid($0) * (1 - sigmoid($0)) }),
                panel("tanh", tanh, { 1 - tanh($0) * tanh($0) }),
                panel("relu", { max(0, $0) }, { $0 > 0 ? 1 : 0 }),
                panel("leaky relu (0.1)", { $0 > 0 ? $0 : 0.1 * $0 }, { $0 > 0 ? 1 : 0.1 }),
                panel("gelu", gelu, geluDerivative),
                panel("softplus", { log1p(exp($0)) }, sigmoid),
            ], title: "Activation functions and their derivatives")
    }
}

extension LineChart {
    /// Loss after a short run at each learning rate, on a log axis, with the lowest marked.
    public static func learningRateSweep(learningRates: [Double], losses: [Double], title: String = "Learning-rate sweep")
        -> LineChart
    {
        let pairs = zip(learningRates, losses).filter { $0.0.isFinite && $0.0 > 0 && $0.1.isFinite }
        var annotations: [Annotation] = []
        if let best = pairs.min(by: { $0.1 < $1.1 }) {
            annotations.append(
                Annotation(x: best.0, y: best.1, label: "lowest loss \(NumberFormat.general(best.1, significant: 3)) at lr \(NumberFormat.general(best.0, significant: 3))"))
        }
        return LineChart(
            [Series("loss", x: learningRates, y: losses)], title: title, xLabel: "learning rate (log scale)",
            yLabel: "loss after a short run", xScale: .log, annotations: annotations)
    }
}
