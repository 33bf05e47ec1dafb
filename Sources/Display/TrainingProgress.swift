/// The state of a training run as one output: a progress bar, the epoch table and the loss
/// curve. The kernel shows the first state and replaces it in place (`update_display_data`
/// with one `display_id`) as the run goes on; the last state stays in the notebook.
public struct TrainingProgress: MIMERepresentable, Sendable {
    /// Epochs finished so far.
    public var epoch: Int
    /// Epochs the run will do.
    public var epochs: Int
    /// Batches done in the epoch under way, and how many it has; nil between epochs.
    public var batch: Int?
    public var batches: Int?
    /// Per-epoch metrics, such as `("train loss", [...])`, `("validation loss", [...])`.
    public var metrics: [(name: String, values: [Double])]
    /// Seconds each finished epoch took.
    public var epochSeconds: [Double]
    public var finished: Bool
    /// Why a finished run stopped before its last epoch ("interrupted"); nil when it ran to the end.
    public var stopReason: String?
    /// The number of the first epoch shown, for a run that continues an earlier one.
    public var firstEpoch: Int
    /// The loss of every batch so far: the curve drawn while fewer than two epochs are done.
    public var stepLosses: [Double]

    public init(
        epoch: Int, epochs: Int, batch: Int? = nil, batches: Int? = nil, metrics: [(name: String, values: [Double])] = [],
        epochSeconds: [Double] = [], finished: Bool = false, stopReason: String? = nil, firstEpoch: Int = 1,
        stepLosses: [Double] = []
    ) {
        self.epoch = epoch
        self.epochs = epochs
        self.batch = batch
        self.batches = batches
        self.metrics = metrics
        self.epochSeconds = epochSeconds
        self.finished = finished
        self.stopReason = stopReason
        self.firstEpoch = firstEpoch
        self.stepLosses = stepLosses
    }

    /// Epoch rows shown at most; a longer run shows its first and latest epochs.
    static let tableRowLimit = 15

    /// Share of the run done, 0...1, counting the batches of the epoch under way.
    public var fraction: Double {
        guard epochs > 0 else { return finished ? 1 : 0 }
        var done = Double(epoch)
        if let batch, let batches, batches > 0, !finished { done += Double(batch) / Double(batches) }
        return max(0, min(1, done / Double(epochs)))
    }

    var statusLine: String {
        var parts = [
            finished
                ? "\(stopReason ?? "done"): \(epoch)/\(epochs) epochs" : "epoch \(min(epoch + 1, max(epochs, 1)))/\(epochs)"
        ]
        if !finished, let batch, let batches { parts.append("batch \(batch)/\(batches)") }
        for metric in metrics {
            if let last = metric.values.last { parts.append("\(metric.name) \(NumberFormat.general(last))") }
        }
        let total = epochSeconds.reduce(0, +)
        if showsTime && total > 0 { parts.append(NumberFormat.fixed(total, decimals: 1) + " s") }
        return parts.joined(separator: " · ")
    }

    /// Whether the state shows how long the epochs took: while the run goes on, not once it
    /// is finished. The finished state is the one a saved notebook keeps, and wall times would
    /// make every re-run of an unchanged notebook differ.
    var showsTime: Bool { !finished }

    /// An epoch's time as "12 ms" below a second (a fast epoch is not "0.00 s"), else "1.25 s".
    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? NumberFormat.fixed(max(0, seconds) * 1000, decimals: 0) + " ms" : NumberFormat.fixed(seconds, decimals: 2) + " s"
    }

    /// A text bar of `width` cells.
    func textBar(width: Int = 30) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
            + NumberFormat.fixed(fraction * 100, decimals: 0) + "%"
    }

    public func table() -> RecordTable {
        var table = RecordTable(history: metrics, caption: nil, firstEpoch: firstEpoch)
        if showsTime && !epochSeconds.isEmpty {
            table.columns.append("time")
            for i in table.rows.indices {
                table.rows[i].append(i < epochSeconds.count ? .text(TrainingProgress.duration(epochSeconds[i])) : .empty)
            }
        }
        // A long run keeps its first epochs and its latest ones, so the output stays short.
        if table.rows.count > TrainingProgress.tableRowLimit {
            let width = table.columns.count
            table.rows = Array(table.rows.prefix(2)) + [Array(repeating: .ellipsis, count: width)]
                + Array(table.rows.suffix(TrainingProgress.tableRowLimit - 3))
        }
        return table
    }

    /// The loss curves so far: every metric whose name mentions "loss", per epoch; the loss of
    /// every batch instead while fewer than two epochs are done.
    public func lossChart() -> LineChart {
        let size = Size(width: 560, height: 300)
        let losses = metrics.filter { $0.name.lowercased().contains("loss") }
        if !losses.contains(where: { $0.values.count > 1 }) && stepLosses.count > 1 {
            var chart = LineChart(
                [Series("batch loss", x: stepLosses.indices.map { Double($0 + 1) }, y: stepLosses)], xLabel: "step",
                yLabel: "loss", size: size)
            chart.wholeXTicks = true
            return chart
        }
        return LineChart(history: losses, firstEpoch: firstEpoch, size: size)
    }

    public func mimeBundle() -> MIMEBundle {
        var text = textBar() + "  " + statusLine
        if !metrics.isEmpty { text += "\n" + table().plainText() }
        let percent = NumberFormat.fixed(fraction * 100, decimals: 1)
        var html = "<div style=\"max-width:600px\">\n"
        // The bar is a block of its own, the full width of the box, and the status line a
        // block below it that wraps: side by side, a long status line left the bar no width.
        // Two nested boxes rather than <progress>: notebook sanitisers keep plain divs.
        html += "<div style=\"height:10px;margin:2px 0 4px 0;border-radius:5px;background:rgba(128,128,128,0.25);overflow:hidden\">"
        html += "<div style=\"width:\(percent)%;height:100%;background:\(finished ? (stopReason == nil ? "#009e73" : "#e69f00") : "#0072b2")\"></div></div>\n"
        html += "<div style=\"font-variant-numeric:tabular-nums;margin:0 0 6px 0\">\(XMLText.escape(statusLine))</div>\n"
        if !metrics.isEmpty { html += table().html() }
        let chart = lossChart()
        // The finished state is the one a saved notebook keeps: its curve is drawn at 1x, a
        // third of the bytes of the 2x picture the run shows while it goes on.
        if chart.series.contains(where: { $0.count > 1 }), let png = try? chart.png(scale: finished ? 1 : 2) {
            html += "<img alt=\"loss curve\" width=\"\(Int(chart.size.width))\" height=\"\(Int(chart.size.height))\" src=\"data:image/png;base64,\(Base64.encode(png))\"/>\n"
        }
        html += "</div>\n"
        return MIMEBundle(plainText: text, data: ["text/html": html])
    }
}

/// Decides when a live display should be redrawn: at most once per `interval` seconds, and
/// always for the final state, so a fast loop does not flood the notebook with updates.
public struct UpdateThrottle: Sendable {
    public let interval: Double
    private var lastPublished: Double?

    public init(interval: Double = 0.25) {
        self.interval = interval
    }

    /// Whether to publish now; `now` is any monotonic clock in seconds.
    public mutating func shouldPublish(now: Double, final: Bool = false) -> Bool {
        if final || lastPublished == nil || now - lastPublished! >= interval {
            lastPublished = now
            return true
        }
        return false
    }
}

extension LineChart {
    /// Per-epoch metrics against the epoch number (from 1), the later ones dashed.
    public init(
        history: [(name: String, values: [Double])], title: String? = nil, yLabel: String? = "loss",
        xLabel: String = "epoch", yScale: AxisScale = .linear, firstEpoch: Int = 1, size: Size = Size(width: 640, height: 400)
    ) {
        self.init(
            history.enumerated().map { i, metric in
                Series(metric.name, x: metric.values.indices.map { Double($0 + firstEpoch) }, y: metric.values, dashed: i > 0)
            }, title: title, xLabel: xLabel, yLabel: yLabel, yScale: yScale, size: size)
        wholeXTicks = true
    }
}
