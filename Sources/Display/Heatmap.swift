/// A matrix as coloured cells with a colour bar: attention weights, correlations, a weight matrix.
public struct Heatmap: Chart, Sendable {
    public var values: [[Double]]
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var colormap: Colormap
    /// Write each cell's value in it; `nil` does so when cells are large enough to read.
    public var showValues: Bool?
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var size: Size

    public init(
        _ values: [[Double]], rowLabels: [String] = [], columnLabels: [String] = [], colormap: Colormap = .viridis,
        showValues: Bool? = nil, title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
        size: Size? = nil
    ) {
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.colormap = colormap
        self.showValues = showValues
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.size = size ?? Heatmap.fittedSize(rows: values.count, columns: values.map(\.count).max() ?? 0, titled: title != nil)
    }

    /// 600 points wide, and as tall as square cells need, so a wide matrix leaves no blank
    /// band under it: the room around the cells (labels, colour bar, title) plus the cells.
    static func fittedSize(rows: Int, columns: Int, titled: Bool) -> Size {
        let width = 600.0
        guard rows > 0 && columns > 0 else { return Size(width: width, height: 480) }
        let cell = (width - 140) / Double(columns)
        let around = 2 * Theme.outerMargin + 40 + (titled ? Theme.title.size + 12 : 0)
        return Size(width: width, height: max(200, min(480, (cell * Double(rows) + around).rounded())))
    }

    var rows: Int { values.count }
    var columns: Int { values.map(\.count).max() ?? 0 }

    public var summary: String {
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return "<Heatmap: \(rows)×\(columns), no finite values>" }
        return "<Heatmap\(title.map { " \"\($0)\"" } ?? ""): \(rows)×\(columns), values from \(NumberFormat.general(low)) to \(NumberFormat.general(high))>"
    }

    public func draw(on canvas: any Canvas) {
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let missing = rows * columns - finite.count
        var notes: [String] = []
        if missing > 0 { notes.append("\(NumberFormat.grouped(missing)) cell\(missing == 1 ? "" : "s") not finite or missing (grey)") }
        let area = ChartDecoration(title: title, notes: notes).draw(on: canvas)
        // A diverging map is centred on zero, so white means 0 and the sides compare.
        let largest = finite.map(abs).max()
        let scale =
            colormap == .signed && largest.map({ $0 > 0 }) == true
            ? Scale.covering(-largest!, largest!, kind: .linear, padding: 0)
            : Scale.covering(finite.min(), finite.max(), kind: .linear, padding: 0)
        let grid = MatrixGrid(
            rows: rows, columns: columns, rowLabels: rowLabels, columnLabels: columnLabels, xLabel: xLabel,
            yLabel: yLabel, colorBar: scale)
        grid.draw(in: area, on: canvas, showValues: showValues) { r, c in
            let v = c < values[r].count ? values[r][c] : .nan
            guard v.isFinite else { return (Color(hex: 0xDDDDDD), "") }
            let t = (v - scale.lower) / (scale.upper - scale.lower)
            return (colormap.color(at: t), NumberFormat.general(v, significant: 3))
        } colorAt: { colormap.color(at: $0) }
    }
}

/// The layout shared by heatmaps and confusion matrices: labelled cells, axis titles and a
/// colour bar, fitted into an area.
struct MatrixGrid {
    let rows: Int
    let columns: Int
    let rowLabels: [String]
    let columnLabels: [String]
    let xLabel: String?
    let yLabel: String?
    /// Value interval of the colour bar; `nil` draws none.
    let colorBar: Scale?

    /// Cells this many or fewer are drawn one by one; more become one picture, which keeps
    /// a 200×200 matrix a small file.
    static let vectorCellLimit = 2500

    func draw(
        in area: Rect, on canvas: any Canvas, showValues: Bool?,
        cell: (Int, Int) -> (Color, String), colorAt: (Double) -> Color
    ) {
        guard rows > 0 && columns > 0 else {
            canvas.text("No values to show", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let labelStyle = Theme.tickLabel
        let labelRoom = Theme.axisLabel.size + 8
        // Without names, rows and columns are numbered, so a cell can still be found.
        let rowLabels = self.rowLabels.isEmpty ? (0..<rows).map(String.init) : self.rowLabels
        let columnLabels = self.columnLabels.isEmpty ? (0..<columns).map(String.init) : self.columnLabels
        let rowLabelWidth = rowLabels.prefix(rows).map { canvas.textWidth($0, style: labelStyle) }.max() ?? 0
        let columnLabelWidth = columnLabels.prefix(columns).map { canvas.textWidth($0, style: labelStyle) }.max() ?? 0
        let barRoom = colorBar == nil ? 0.0 : 70
        let left = (yLabel != nil ? labelRoom : 0) + (rowLabels.isEmpty ? 0 : rowLabelWidth + 8)
        let available = area.inset(left: left, right: barRoom)
        // Column labels turn sideways when they would not fit under their cells.
        let cellGuess = min(available.width / Double(columns), available.height / Double(rows))
        // Numbered columns thin out instead; names turn so that each can be shown.
        let rotate = !self.columnLabels.isEmpty && columnLabelWidth > cellGuess - 4
        let columnRoom = columnLabels.isEmpty ? 0 : (rotate ? min(columnLabelWidth, 90) * 0.71 + 14 : labelStyle.size + 10)
        let bottom = columnRoom + (xLabel != nil ? labelRoom : 0)
        let plotArea = available.inset(bottom: bottom)
        let cellSize = max(1, min(plotArea.width / Double(columns), plotArea.height / Double(rows)))
        // Labels, cells and colour bar move together to the middle of the free width.
        let shift = ((plotArea.width - cellSize * Double(columns)) / 2).rounded()
        let plot = Rect(
            x: plotArea.x + shift, y: plotArea.y.rounded(), width: cellSize * Double(columns), height: cellSize * Double(rows))

        let writeValues = showValues ?? (cellSize >= 30 && rows * columns <= 400)
        if rows * columns <= MatrixGrid.vectorCellLimit {
            for r in 0..<rows {
                for c in 0..<columns {
                    let (color, text) = cell(r, c)
                    let rect = Rect(x: plot.x + Double(c) * cellSize, y: plot.y + Double(r) * cellSize, width: cellSize, height: cellSize)
                    canvas.rect(rect, fill: color, stroke: cellSize >= 12 ? Stroke(.white, width: 1) : nil)
                    if writeValues && !text.isEmpty {
                        var style = Theme.tickLabel
                        style.size = min(12, max(8, cellSize / 3.2))
                        style.anchor = .middle
                        style.baseline = .middle
                        style.color = color.contrastingText
                        canvas.text(fit(text, width: cellSize - 2, style: style, canvas: canvas), at: Point(rect.midX, rect.midY), style: style)
                    }
                }
            }
        } else {
            canvas.image(RasterImage(width: columns, height: rows) { r, c in cell(r, c).0 }, in: plot, smooth: false)
        }

        var rowStyle = labelStyle
        rowStyle.anchor = .end
        rowStyle.baseline = .middle
        // Every label when they fit, else every 2nd, 5th, 10th, ... so the shown ones are round.
        func every(_ room: Double) -> Int {
            let needed = Int((room / cellSize).rounded(.up))
            return [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000].first { $0 >= needed } ?? needed
        }
        let rowEvery = every(labelStyle.size * (self.rowLabels.isEmpty ? 2 : 1.2))
        let columnEvery = every(rotate ? labelStyle.size * 1.2 : columnLabelWidth + 8)
        for r in stride(from: 0, to: min(rows, rowLabels.count), by: rowEvery) {
            canvas.text(rowLabels[r], at: Point(plot.x - 6, plot.y + (Double(r) + 0.5) * cellSize), style: rowStyle)
        }
        var columnStyle = labelStyle
        if rotate {
            columnStyle.anchor = .end
            columnStyle.baseline = .middle
            columnStyle.rotation = -45
        } else {
            columnStyle.anchor = .middle
            columnStyle.baseline = .top
        }
        for c in stride(from: 0, to: min(columns, columnLabels.count), by: columnEvery) {
            let x = plot.x + (Double(c) + 0.5) * cellSize
            let label = rotate ? fit(columnLabels[c], width: 90, style: columnStyle, canvas: canvas) : columnLabels[c]
            canvas.text(label, at: Point(x, plot.maxY + (rotate ? 8 : 6)), style: columnStyle)
        }
        if let xLabel {
            var style = Theme.axisLabel
            style.baseline = .bottom
            canvas.text(xLabel, at: Point(plot.midX, plot.maxY + bottom), style: style)
        }
        if let yLabel {
            var style = Theme.axisLabel
            style.baseline = .top
            style.rotation = -90
            canvas.text(yLabel, at: Point(area.x + shift, plot.midY), style: style)
        }
        if let colorBar {
            MatrixGrid.drawColorBar(colorBar, beside: plot, on: canvas, colorAt: colorAt)
        }
    }

    /// A vertical colour bar with its ticks to the right of `plot`, as high as it; about 70
    /// points wide with its labels.
    static func drawColorBar(_ scale: Scale, beside plot: Rect, on canvas: any Canvas, colorAt: (Double) -> Color) {
        let bar = Rect(x: (plot.maxX + 16).rounded(), y: plot.y, width: 14, height: plot.height)
        let steps = 64
        canvas.image(RasterImage(width: 1, height: steps) { r, _ in colorAt(1 - (Double(r) + 0.5) / Double(steps)) }, in: bar, smooth: true)
        ColorBarScale.draw(scale, along: bar, on: canvas, pixelsPerTick: 70)
    }
}
