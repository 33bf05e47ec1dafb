/// Lines of several series against a shared x axis, with a legend, for loss curves,
/// training histories and functions.
public struct LineChart: Chart, Sendable {
    public var series: [Series]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Points marked and labelled on top of the lines.
    public var annotations: [Annotation]
    /// Ticks on the x axis only at whole numbers (epochs, steps).
    public var wholeXTicks = false
    /// Whether several series get a legend; panels that share one (`HistoryChart`) show it once.
    public var showsLegend = true
    public var size: Size

    public init(
        _ series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
        xScale: AxisScale = .linear, yScale: AxisScale = .linear, annotations: [Annotation] = [],
        size: Size = Size(width: 640, height: 400)
    ) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.annotations = annotations
        self.size = size
    }

    /// Series with this many points or fewer also get a dot at each point.
    static let markerLimit = 30

    public var summary: String {
        let total = series.reduce(0) { $0 + $1.count }
        var lines = ["<LineChart\(title.map { " \"\($0)\"" } ?? ""): \(series.count) series, \(total) points>"]
        for s in series {
            let finite = (0..<s.count).map { s.y[$0] }.filter(\.isFinite)
            guard let first = finite.first, let last = finite.last, let low = finite.min() else {
                lines.append("  \(s.name): no finite values")
                continue
            }
            lines.append(
                "  \(s.name): \(s.count) points, first \(NumberFormat.general(first)), last \(NumberFormat.general(last)), min \(NumberFormat.general(low))"
            )
        }
        return lines.joined(separator: "\n")
    }

    public func draw(on canvas: any Canvas) {
        let cleaned = series.map { CleanedSeries($0, x: xScale, y: yScale) }
        let skipped = cleaned.reduce(0) { $0 + $1.skipped }
        var notes: [String] = []
        if skipped > 0 {
            let reason = (xScale == .log || yScale == .log) ? "not finite or not positive on a log axis" : "not finite"
            notes.append("\(NumberFormat.grouped(skipped)) point\(skipped == 1 ? "" : "s") not drawn (\(reason))")
        }
        drawPlot(in: ChartDecoration(title: title, notes: notes).draw(on: canvas), cleaned: cleaned, on: canvas)
    }

    /// The axes, lines, annotations and legend inside `area`: the chart without its ground,
    /// title and notes, so that several can share one picture (`HistoryChart`).
    func drawPlot(in area: Rect, on canvas: any Canvas) {
        drawPlot(in: area, cleaned: series.map { CleanedSeries($0, x: xScale, y: yScale) }, on: canvas)
    }

    private func drawPlot(in area: Rect, cleaned: [CleanedSeries], on canvas: any Canvas) {
        var area = area
        let xs = cleaned.flatMap { $0.runs.flatMap { $0.map(\.x) } }
        let ys = cleaned.flatMap { $0.runs.flatMap { $0.map(\.y) } }
        let legend = Legend(
            entries: series.count > 1 && showsLegend
                ? series.enumerated().map { i, s in .init(name: s.name, swatch: .line(stroke(i))) } : [])
        let legendWidth = legend.width(on: canvas)
        area = area.inset(right: legendWidth)
        var xAxis = Scale.covering(xs.min(), xs.max(), kind: xScale, padding: 0.02)
        xAxis.wholeTicks = wholeXTicks
        let axes = Axes(
            in: area, x: xAxis,
            y: .covering(ys.min(), ys.max(), kind: yScale), xLabel: xLabel, yLabel: yLabel, on: canvas)
        axes.drawGrid(on: canvas)
        if xs.isEmpty {
            axes.drawMessage(series.isEmpty ? "No data to plot" : "No finite values to plot", on: canvas)
        }
        canvas.pushClip(axes.plot.inset(top: -4, left: -4, bottom: -4, right: -4))
        for (i, c) in cleaned.enumerated() {
            var style = stroke(i)
            // Dense lines read better thin: a 2-pixel pen turns 10,000 noisy steps into a band.
            if c.count > Int(axes.plot.width) { style.width = 1.2 }
            let showMarkers = c.count <= LineChart.markerLimit
            for run in c.runs {
                let points = run.map { axes.point($0.x, $0.y) }
                if points.count > 1 {
                    canvas.polyline(points.count > 2 * Int(axes.plot.width) ? downsampleMinMax(points) : points, stroke: style)
                }
                if showMarkers || points.count == 1 {
                    for p in points { canvas.circle(center: p, radius: 3, fill: style.color, stroke: nil) }
                }
            }
        }
        for note in annotations where axes.x.accepts(note.x) && axes.y.accepts(note.y) {
            let p = axes.point(note.x, note.y)
            // The label sits at the top of the plot, joined to its point by a dashed guide, so
            // it stays clear of the lines, which rarely run along the top edge.
            let labelY = axes.plot.y + Theme.tickLabel.size + 2
            canvas.line(from: Point(Axes.crisp(p.x), labelY + 4), to: Point(Axes.crisp(p.x), p.y - 6), stroke: Stroke(.mutedInk, width: 1, dash: [3, 3]))
            canvas.circle(center: p, radius: 5, fill: nil, stroke: Stroke(.ink, width: 1.5))
            var style = Theme.tickLabel
            style.color = .ink
            style.anchor = p.x > axes.plot.midX ? .end : .start
            let at = Point(p.x + (style.anchor == .end ? 4 : -4), labelY)
            let width = canvas.textWidth(note.label, style: style)
            let left = style.anchor == .end ? at.x - width : at.x
            canvas.rect(
                Rect(x: left - 3, y: at.y - style.size - 1, width: width + 6, height: style.size + 5),
                fill: Color.white.withAlpha(0.85), stroke: nil)
            canvas.text(note.label, at: at, style: style)
        }
        canvas.popClip()
        axes.drawFrame(on: canvas)
        if !legend.isEmpty {
            legend.draw(at: Point(axes.plot.maxX + 4, axes.plot.y), height: axes.plot.height, on: canvas)
        }
    }

    private func stroke(_ index: Int) -> Stroke {
        Stroke(CategoricalPalette.color(index), width: 2, dash: series[index].dashed ? [6, 4] : [])
    }
}
