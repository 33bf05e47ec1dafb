#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plot area with numeric x and y axes, laid out inside a given area so that tick labels
/// and axis titles never leave it or overlap.
struct Axes {
    /// Where data is drawn.
    let plot: Rect
    let x: Scale
    let y: Scale
    let xTicks: [Tick]
    let yTicks: [Tick]
    let xLabel: String?
    let yLabel: String?
    /// The area the axes were laid out in, labels included.
    let area: Rect

    /// Lays out axes for data intervals `x` and `y` inside `area`.
    init(
        in area: Rect, x: Scale, y: Scale, xLabel: String? = nil, yLabel: String? = nil,
        compact: Bool = false, on canvas: any Canvas
    ) {
        self.area = area
        self.xLabel = xLabel
        self.yLabel = yLabel
        let tickStyle = Theme.tickLabel
        let labelRoom = Theme.axisLabel.size + 8
        let yCount = max(2, Int(area.height / (compact ? 45 : 60)))
        let yTicks = y.ticks(count: yCount)
        let yTickWidth = yTicks.map { canvas.textWidth($0.label, style: tickStyle) }.max() ?? 0
        let left = (yTickWidth + 9 + (yLabel != nil ? labelRoom : 0)).rounded(.up)
        let bottom = (tickStyle.size + 9 + (xLabel != nil ? labelRoom : 0)).rounded(.up)
        let provisional = area.inset(top: 6, left: left, bottom: bottom, right: 14)

        // Fewer x ticks until neighbouring labels keep a clear gap.
        var xCount = max(2, Int(provisional.width / (compact ? 60 : 80)))
        var xTicks = x.ticks(count: xCount)
        var xScale = x.with(start: provisional.x, end: provisional.maxX)
        while xCount > 2 && !Axes.labelsFit(xTicks, scale: xScale, canvas: canvas) {
            xCount -= 1
            xTicks = x.ticks(count: xCount)
        }
        let widestX = xTicks.map { canvas.textWidth($0.label, style: tickStyle) }.max() ?? 0
        let right = max(14, (widestX / 2 + 2).rounded(.up))
        // Whole-pixel edges keep one-pixel lines crisp in the PNG.
        let plot = Rect(
            x: (area.x + left).rounded(), y: (area.y + 6).rounded(),
            width: max(1, (area.width - left - right).rounded()),
            height: max(1, (area.height - 6 - bottom).rounded()))
        xScale = x.with(start: plot.x, end: plot.maxX)
        self.plot = plot
        self.x = xScale
        self.y = y.with(start: plot.maxY, end: plot.y)
        self.xTicks = xTicks
        self.yTicks = yTicks
    }

    private static func labelsFit(_ ticks: [Tick], scale: Scale, canvas: any Canvas) -> Bool {
        var previousEnd = -Double.infinity
        for tick in ticks {
            let w = canvas.textWidth(tick.label, style: Theme.tickLabel)
            let centre = scale.map(tick.value)
            if centre - w / 2 < previousEnd + 10 { return false }
            previousEnd = centre + w / 2
        }
        return true
    }

    func point(_ xValue: Double, _ yValue: Double) -> Point {
        Point(x.map(xValue), y.map(yValue))
    }

    /// Light grid lines, drawn before the data.
    func drawGrid(on canvas: any Canvas) {
        let stroke = Stroke(.grid)
        for tick in yTicks {
            let py = Axes.crisp(y.map(tick.value))
            canvas.line(from: Point(plot.x, py), to: Point(plot.maxX, py), stroke: stroke)
        }
        for tick in xTicks {
            let px = Axes.crisp(x.map(tick.value))
            canvas.line(from: Point(px, plot.y), to: Point(px, plot.maxY), stroke: stroke)
        }
    }

    /// Axis lines, ticks and labels, drawn after the data so they stay on top.
    func drawFrame(on canvas: any Canvas) {
        let axisStroke = Stroke(.axis)
        let left = plot.x - 0.5
        let bottom = plot.maxY + 0.5
        canvas.line(from: Point(left, plot.y), to: Point(left, bottom), stroke: axisStroke)
        canvas.line(from: Point(left, bottom), to: Point(plot.maxX, bottom), stroke: axisStroke)
        var yStyle = Theme.tickLabel
        yStyle.anchor = .end
        yStyle.baseline = .middle
        for tick in yTicks {
            let py = Axes.crisp(y.map(tick.value))
            canvas.line(from: Point(left - 4, py), to: Point(left, py), stroke: axisStroke)
            canvas.text(tick.label, at: Point(left - 6, py), style: yStyle)
        }
        var xStyle = Theme.tickLabel
        xStyle.anchor = .middle
        xStyle.baseline = .top
        for tick in xTicks {
            let px = Axes.crisp(x.map(tick.value))
            canvas.line(from: Point(px, bottom), to: Point(px, bottom + 4), stroke: axisStroke)
            canvas.text(tick.label, at: Point(px, bottom + 6), style: xStyle)
        }
        if let xLabel {
            var style = Theme.axisLabel
            style.baseline = .bottom
            canvas.text(
                fit(xLabel, width: plot.width, style: style, canvas: canvas), at: Point(plot.midX, area.maxY),
                style: style)
        }
        if let yLabel {
            var style = Theme.axisLabel
            style.baseline = .top
            style.rotation = -90
            canvas.text(
                fit(yLabel, width: plot.height, style: style, canvas: canvas), at: Point(area.x, plot.midY),
                style: style)
        }
    }

    /// A centred grey message in place of data, such as "No data".
    func drawMessage(_ message: String, on canvas: any Canvas) {
        canvas.text(
            fit(message, width: plot.width - 8, style: Theme.message, canvas: canvas),
            at: Point(plot.midX, plot.midY), style: Theme.message)
    }

    /// Half-pixel positions, where a one-pixel line covers whole device pixels.
    static func crisp(_ v: Double) -> Double { v.rounded(.down) + 0.5 }
}
