import Interchange
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A function of two parameters, such as a loss over a grid of weights and biases, as colour
/// bands seen from above (each band a range of values, so their edges are contour lines), with
/// a colour bar, and the path that gradient descent took drawn over it.
public struct LossSurface: Chart, Sendable {
    /// `values[i][j]` is the value at `x[j]`, `y[i]`.
    public var values: [[Double]]
    public var x: [Double]
    public var y: [Double]
    /// The points visited, in order, as (x, y).
    public var path: [(x: Double, y: Double)]
    /// Colour by the logarithm of the values (all must be positive; otherwise linear).
    public var logScale: Bool
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var size: Size
    /// How many colour bands the values are cut into.
    public static let bands = 14
    /// Paths of up to this many points get a dot per point.
    public static let dotLimit = 60

    public init(
        values: [[Double]], x: [Double], y: [Double], path: [(x: Double, y: Double)] = [], logScale: Bool = true,
        title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, size: Size = Size(width: 560, height: 460)
    ) {
        self.values = values
        self.x = x
        self.y = y
        self.path = path
        self.logScale = logScale
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.size = size
    }

    var finiteValues: [Double] { values.flatMap { $0 }.filter(\.isFinite) }

    /// Whether colours follow the logarithm: asked for, no finite value negative and one at
    /// least positive. Zeros (a minimum that lies on the grid) take the lowest band.
    var usesLog: Bool { logScale && finiteValues.allSatisfy { $0 >= 0 } && finiteValues.contains { $0 > 0 } }

    /// The lowest value on the grid and where it is.
    var lowest: (x: Double, y: Double, value: Double)? {
        var best: (x: Double, y: Double, value: Double)?
        for (i, row) in values.enumerated() where i < y.count {
            for (j, v) in row.enumerated() where j < x.count && v.isFinite {
                if best == nil || v < best!.value { best = (x[j], y[i], v) }
            }
        }
        return best
    }

    public var summary: String {
        var text = "<LossSurface\(title.map { " \"\($0)\"" } ?? ""): \(x.count)×\(y.count) grid"
        if let low = finiteValues.min(), let high = finiteValues.max() {
            text += ", values from \(NumberFormat.general(low)) to \(NumberFormat.general(high))"
        }
        if let lowest {
            text += ", lowest at (\(NumberFormat.general(lowest.x, significant: 3)), \(NumberFormat.general(lowest.y, significant: 3)))"
        }
        if let first = path.first, let last = path.last {
            text += "; path of \(path.count) points from (\(NumberFormat.general(first.x, significant: 3)), \(NumberFormat.general(first.y, significant: 3))) to (\(NumberFormat.general(last.x, significant: 3)), \(NumberFormat.general(last.y, significant: 3)))"
        }
        return text + ">"
    }

    /// The value at a point of the grid's plane, interpolated between the four nearest grid
    /// points (the grid's x and y ascending).
    func value(atX px: Double, y py: Double) -> Double {
        func locate(_ axis: [Double], _ v: Double) -> (Int, Double) {
            guard axis.count > 1 else { return (0, 0) }
            var hi = 1
            while hi < axis.count - 1 && axis[hi] < v { hi += 1 }
            let lo = hi - 1
            let span = axis[hi] - axis[lo]
            let f = span > 0 ? max(0, min(1, (v - axis[lo]) / span)) : 0
            return (lo, f)
        }
        let (c0, fx) = locate(x, px)
        let (r0, fy) = locate(y, py)
        let c1 = min(x.count - 1, c0 + 1)
        let r1 = min(y.count - 1, r0 + 1)
        func at(_ r: Int, _ c: Int) -> Double { r < values.count && c < values[r].count ? values[r][c] : .nan }
        return (at(r0, c0) * (1 - fx) + at(r0, c1) * fx) * (1 - fy) + (at(r1, c0) * (1 - fx) + at(r1, c1) * fx) * fy
    }

    public func draw(on canvas: any Canvas) {
        let finite = finiteValues
        var notes: [String] = []
        let outside = path.filter { p in
            !(p.x.isFinite && p.y.isFinite) || p.x < (x.min() ?? 0) || p.x > (x.max() ?? 0) || p.y < (y.min() ?? 0)
                || p.y > (y.max() ?? 0)
        }.count
        if outside > 0 { notes.append("\(outside) of the path's \(path.count) points lie outside the grid and are not drawn") }
        if finite.count < x.count * y.count { notes.append("grey: values not finite") }
        var area = ChartDecoration(title: title, notes: notes).draw(on: canvas)
        guard x.count >= 2, y.count >= 2, let low = finite.min(), let high = finite.max() else {
            canvas.text("No grid of values to draw", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let log = usesLog
        let lowestShown = log ? finite.filter { $0 > 0 }.min()! : low
        let scale = Scale.covering(lowestShown, high, kind: log ? .log : .linear, padding: 0)
        func position(_ v: Double) -> Double {
            if log && v <= 0 { return 0 }
            let t = log ? (log10(v) - log10(scale.lower)) / (log10(scale.upper) - log10(scale.lower))
                : (v - scale.lower) / (scale.upper - scale.lower)
            return t.isFinite ? max(0, min(1, t)) : 0
        }
        func band(_ t: Double) -> Int { min(LossSurface.bands - 1, Int(t * Double(LossSurface.bands))) }
        func bandColor(_ b: Int) -> Color { Colormap.viridis.color(at: (Double(b) + 0.5) / Double(LossSurface.bands)) }

        area = area.inset(right: 78)
        let axes = Axes(
            in: area, x: .covering(x.min(), x.max(), kind: .linear, padding: 0),
            y: .covering(y.min(), y.max(), kind: .linear, padding: 0), xLabel: xLabel, yLabel: yLabel, on: canvas)
        let plot = axes.plot
        let width = max(1, Int(plot.width.rounded()))
        let height = max(1, Int(plot.height.rounded()))
        // Bands per pixel first, then each pixel whose band differs from its right or lower
        // neighbour darkened: the band edges become contour lines.
        var bands = [Int](repeating: -1, count: width * height)
        for r in 0..<height {
            let py = axes.y.lower + (axes.y.upper - axes.y.lower) * (1 - (Double(r) + 0.5) / Double(height))
            for c in 0..<width {
                let px = axes.x.lower + (axes.x.upper - axes.x.lower) * (Double(c) + 0.5) / Double(width)
                let v = value(atX: px, y: py)
                bands[r * width + c] = v.isFinite ? band(position(v)) : -1
            }
        }
        let image = RasterImage(width: width, height: height) { r, c in
            let b = bands[r * width + c]
            guard b >= 0 else { return Color(hex: 0xDDDDDD) }
            let right = c + 1 < width ? bands[r * width + c + 1] : b
            let below = r + 1 < height ? bands[(r + 1) * width + c] : b
            let color = bandColor(b)
            return right != b || below != b ? color.mixed(with: .ink, 0.35) : color
        }
        canvas.image(image, in: Rect(x: plot.x, y: plot.y, width: Double(width), height: Double(height)), smooth: false)

        canvas.pushClip(plot)
        if let lowest {
            let p = axes.point(lowest.x, lowest.y)
            let cross = Stroke(.white, width: 2)
            canvas.line(from: Point(p.x - 6, p.y - 6), to: Point(p.x + 6, p.y + 6), stroke: cross)
            canvas.line(from: Point(p.x - 6, p.y + 6), to: Point(p.x + 6, p.y - 6), stroke: cross)
        }
        let drawn = path.filter { $0.x.isFinite && $0.y.isFinite }.map { axes.point($0.x, $0.y) }
        if drawn.count > 1 {
            canvas.polyline(drawn, stroke: Stroke(.ink, width: 4))
            canvas.polyline(drawn, stroke: Stroke(.white, width: 2))
        }
        // A dot per step while they stay apart; a long path is drawn as its line.
        if drawn.count <= LossSurface.dotLimit {
            for p in drawn { canvas.circle(center: p, radius: 2.5, fill: .white, stroke: Stroke(.ink, width: 1)) }
        }
        if let first = drawn.first {
            canvas.circle(center: first, radius: 5.5, fill: CategoricalPalette.color(1), stroke: Stroke(.white, width: 1.5))
        }
        if let last = drawn.last, drawn.count > 1 {
            canvas.circle(center: last, radius: 5.5, fill: CategoricalPalette.color(0), stroke: Stroke(.white, width: 1.5))
        }
        canvas.popClip()
        axes.drawFrame(on: canvas)

        // The colour bar, in bands as the picture.
        let bar = Rect(x: (plot.maxX + 18).rounded(), y: plot.y, width: 14, height: plot.height)
        canvas.image(
            RasterImage(width: 1, height: 256) { r, _ in bandColor(band(1 - (Double(r) + 0.5) / 256)) }, in: bar, smooth: false)
        ColorBarScale.draw(scale, along: bar, on: canvas, pixelsPerTick: 60)
        // What the marks mean, under the plot's title line.
        var key = Theme.note
        key.baseline = .top
        let keyText = "orange: start · blue: end · white ×: lowest grid point"
        canvas.text(fit(keyText, width: plot.width, style: key, canvas: canvas), at: Point(plot.x, plot.maxY + 2 + Theme.tickLabel.size + 6 + (xLabel != nil ? Theme.axisLabel.size + 8 : 0)), style: key)
    }
}

extension Visualize {
    /// A loss over a grid of two parameters with a descent path over it.
    ///
    /// - Parameters:
    ///   - values: [len(y), len(x)]; `values[i, j]` is the loss at `x[j]`, `y[i]`.
    ///   - x, y: the grid's coordinates, ascending.
    ///   - path: [k, 2] points (x, y) in the order visited, or nil.
    public static func lossSurface(
        _ values: Tensor, x: [Double], y: [Double], path: Tensor?, logScale: Bool = true, title: String? = nil,
        xLabel: String? = nil, yLabel: String? = nil
    ) throws -> MIMEBundle {
        guard values.rank == 2 else {
            throw VisualizeError("lossSurface needs values of shape [len(y), len(x)], got \(formatShape(values.shape))")
        }
        guard x.count >= 2 && y.count >= 2 else {
            throw VisualizeError("lossSurface needs at least 2 values of x and 2 of y, got \(x.count) and \(y.count)")
        }
        guard values.shape == [y.count, x.count] else {
            throw VisualizeError(
                "lossSurface: values have shape \(formatShape(values.shape)), but x has \(x.count) values and y \(y.count), so [\(y.count), \(x.count)] was expected (a row for each y)"
            )
        }
        for (name, axis) in [("x", x), ("y", y)] {
            guard axis.allSatisfy(\.isFinite), zip(axis, axis.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw VisualizeError("lossSurface needs \(name) finite and ascending")
            }
        }
        var points: [(x: Double, y: Double)] = []
        if let path {
            guard path.rank == 2 && path.shape[1] == 2 else {
                throw VisualizeError("lossSurface needs a path of shape [k, 2], one (x, y) point a row, got \(formatShape(path.shape))")
            }
            let flat = path.detach().toDoubles()
            points = (0..<path.shape[0]).map { (flat[2 * $0], flat[2 * $0 + 1]) }
        }
        let flat = values.detach().toDoubles()
        let rows = (0..<y.count).map { i in Array(flat[(i * x.count)..<((i + 1) * x.count)]) }
        return LossSurface(
            values: rows, x: x, y: y, path: points, logScale: logScale, title: title ?? "Loss surface", xLabel: xLabel,
            yLabel: yLabel
        ).mimeBundle()
    }
}
