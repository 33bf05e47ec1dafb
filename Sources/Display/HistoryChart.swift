/// A training history whose measures have different units, loss and accuracy, as panels side
/// by side: one per measure, each with its own labelled y axis, the training values solid and
/// the validation values dashed. On one axis a loss near 2 flattens an accuracy near 1, and
/// neither axis could say what it counts.
public struct HistoryChart: Chart, Sendable {
    /// One panel: the measure's name (its y axis label) and its series, training first.
    public struct Measure: Sendable, Equatable {
        public var name: String
        public var training: [Double]?
        public var validation: [Double]?
        public init(name: String, training: [Double]?, validation: [Double]?) {
            self.name = name
            self.training = training
            self.validation = validation
        }
    }

    public var measures: [Measure]
    public var title: String?
    public var xLabel: String
    /// A log y axis for the loss panel (the panels whose name mentions "loss").
    public var logLoss: Bool
    public var firstEpoch: Int
    public var size: Size

    public init(
        measures: [Measure], title: String? = nil, xLabel: String = "epoch", logLoss: Bool = false, firstEpoch: Int = 1,
        size: Size? = nil
    ) {
        self.measures = measures
        self.title = title
        self.xLabel = xLabel
        self.logLoss = logLoss
        self.firstEpoch = firstEpoch
        let panels = max(1, measures.count)
        self.size = size ?? Size(width: min(1000, 130 + Double(panels) * 300), height: 340)
    }

    /// The measures of named per-epoch series as `Visualize.series(of:)` names them: `loss`
    /// and `val_loss` make the panel "loss", `accuracy` and `val_accuracy` the panel
    /// "accuracy", in the order the names first appear.
    public init(history: [(name: String, values: [Double])], title: String? = nil, xLabel: String = "epoch", logLoss: Bool = false) {
        var measures: [Measure] = []
        for (name, values) in history {
            let isValidation = name.hasPrefix("val_")
            let base = isValidation ? String(name.dropFirst(4)) : name
            var index = measures.firstIndex { $0.name == base }
            if index == nil {
                measures.append(Measure(name: base, training: nil, validation: nil))
                index = measures.count - 1
            }
            if isValidation { measures[index!].validation = values } else { measures[index!].training = values }
        }
        self.init(measures: measures, title: title, xLabel: xLabel, logLoss: logLoss)
    }

    /// Whether named series hold measures of more than one kind (a loss and something else),
    /// which one y axis could not label.
    public static func needsPanels(_ history: [(name: String, values: [Double])]) -> Bool {
        let isLoss = history.map { $0.name.lowercased().contains("loss") }
        return isLoss.contains(true) && isLoss.contains(false)
    }

    /// The line chart of one panel: "training" and "validation" against the epoch.
    func panel(_ measure: Measure) -> LineChart {
        var series: [Series] = []
        func epochs(_ values: [Double]) -> [Double] { values.indices.map { Double($0 + firstEpoch) } }
        if let training = measure.training { series.append(Series("training", x: epochs(training), y: training)) }
        if let validation = measure.validation {
            series.append(Series("validation", x: epochs(validation), y: validation, dashed: true))
        }
        let isLoss = measure.name.lowercased().contains("loss")
        var chart = LineChart(series, xLabel: xLabel, yLabel: measure.name, yScale: isLoss && logLoss ? .log : .linear)
        chart.wholeXTicks = true
        return chart
    }

    public var summary: String {
        let panels = measures.map(panel)
        let total = panels.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.count } }
        let count = panels.reduce(0) { $0 + $1.series.count }
        var lines = [
            "<HistoryChart\(title.map { " \"\($0)\"" } ?? ""): \(measures.count) panels (\(measures.map(\.name).joined(separator: ", "))), \(count) series, \(total) points>"
        ]
        for (measure, chart) in zip(measures, panels) {
            // Each series summarised as the line chart does, under its history name.
            for line in chart.summary.split(separator: "\n").dropFirst() {
                var text = String(line)
                if text.hasPrefix("  training:") {
                    text = "  " + measure.name + String(text.dropFirst(10))
                } else if text.hasPrefix("  validation:") {
                    text = "  val_" + measure.name + String(text.dropFirst(12))
                }
                lines.append(text)
            }
        }
        return lines.joined(separator: "\n")
    }

    public func draw(on canvas: any Canvas) {
        let area = ChartDecoration(title: title).draw(on: canvas)
        guard !measures.isEmpty else {
            canvas.text("No data to plot", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let gap = 16.0
        let width = (area.width - gap * Double(measures.count - 1)) / Double(measures.count)
        for (i, measure) in measures.enumerated() {
            let cell = Rect(x: area.x + Double(i) * (width + gap), y: area.y, width: width, height: area.height)
            // The panels share one legend (training solid, validation dashed): the last one shows it.
            var chart = panel(measure)
            chart.showsLegend = i == measures.count - 1
            chart.drawPlot(in: cell, on: canvas)
        }
    }
}
