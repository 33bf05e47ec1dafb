/// The frame and labelled ticks of a vertical colour bar, beside a picture whose colours stand
/// for numbers (heatmaps, loss surfaces, neuron maps). The bar's own colours are the caller's.
enum ColorBarScale {
    /// Frames `bar` and labels `scale` along its right edge, one tick about every
    /// `pixelsPerTick` points, the scale's low end at the bottom.
    static func draw(_ scale: Scale, along bar: Rect, on canvas: any Canvas, pixelsPerTick: Double) {
        canvas.rect(bar, fill: nil, stroke: Stroke(.axis, width: 0.5))
        let mapped = scale.with(start: bar.maxY, end: bar.y)
        var style = Theme.tickLabel
        style.baseline = .middle
        for tick in mapped.ticks(count: max(2, Int(bar.height / pixelsPerTick))) {
            let y = Axes.crisp(mapped.map(tick.value))
            canvas.line(from: Point(bar.maxX, y), to: Point(bar.maxX + 3, y), stroke: Stroke(.axis))
            canvas.text(tick.label, at: Point(bar.maxX + 6, y), style: style)
        }
    }
}
