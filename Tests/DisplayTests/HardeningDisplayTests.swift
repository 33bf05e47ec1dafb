import Synchronization
import Testing

@testable import Display

/// Log axes over the whole range of doubles: subnormals and values near the largest double once
/// padded the axis to 0 or infinity, whose logarithm no tick can be placed by.
@Test(arguments: [(1e-320, 5.0), (1e-300, 1e300), (5e-324, 1.7976931348623157e308), (1e307, 1.7976931348623157e308)])
func logAxesCoverExtremeValues(_ low: Double, _ high: Double) {
    let scale = Scale.covering(low, high, kind: .log)
    #expect(scale.lower > 0 && scale.upper.isFinite)
    let ticks = scale.ticks(count: 6)
    #expect(!ticks.isEmpty && ticks.allSatisfy { $0.value.isFinite && $0.value > 0 })
}

@Test func markdownTablesShowDataAsText() {
    let table = RecordTable(
        columns: ["name", "val_loss"],
        rows: [[.text("<img src=x onerror=alert(1)>"), .number(1)], [.text("**b** _i_ `c` [l](j:x) a\\*"), .number(2)]])
    let markdown = table.markdown()
    #expect(!markdown.contains("<img"))
    #expect(markdown.contains("&lt;img src=x onerror=alert(1)&gt;"))
    #expect(markdown.contains("\\*\\*b\\*\\* \\_i\\_ \\`c\\` [l]\\(j:x) a\\\\\\*"))
    #expect(MarkdownText.escape("Tensor [4, 2]") == "Tensor [4, 2]")
    // Underscores inside a word and backslashes before a space stay as they are.
    #expect(markdown.contains("| name | val_loss |"))
    #expect(MarkdownText.escape("true \\ predicted") == "true \\ predicted")
}

@Test func aMillionPointScatterDrawsOneDotACell() {
    var x: [Double] = [], y: [Double] = []
    for i in 0..<1_000_000 {
        x.append(Double(i % 1000) / 1000)
        y.append(Double(i / 1000) / 1000)
    }
    let svg = ScatterChart(x: x, y: y).svg()
    // At most one dot per pixel of the plot area, far fewer than the points.
    let dots = svg.components(separatedBy: "h0").count - 1
    #expect(dots > 5_000 && dots < 100_000, "\(dots) dots")
}

/// How often a drawing asked whether to stop, and the answer it gets.
private final class StopQuestions: Sendable {
    let asked = Mutex(0)
    let stopAfter: Int
    init(stopAfter: Int) { self.stopAfter = stopAfter }
    func ask() -> Bool {
        asked.withLock { count in
            count += 1
            return count > stopAfter
        }
    }
}

@Test func aStoppedScatterStopsDrawingAndShowsNothing() {
    var x: [Double] = [], y: [Double] = []
    for i in 0..<1_000_000 {
        x.append(Double(i % 1000) / 1000)
        y.append(Double(i / 1000) / 1000)
    }
    let chart = ScatterChart(x: x, y: y)
    let questions = StopQuestions(stopAfter: 100)
    let (svg, bundle) = DrawingCancellation.whileChecking({ questions.ask() }) { (chart.svg(), chart.mimeBundle()) }
    // The drawing asked as it went and stopped once told to: far fewer dots than the whole
    // picture's, and the bundle carries no picture at all.
    #expect(questions.asked.withLock { $0 } > 100)
    let dots = svg.components(separatedBy: "h0").count - 1
    #expect(dots < 5_000, "\(dots) dots")
    #expect(bundle.data["image/png"] == nil && bundle.data["image/svg+xml"] == nil)
    // Unasked, the same chart draws whole.
    #expect(chart.mimeBundle().data["image/png"] != nil)
}
