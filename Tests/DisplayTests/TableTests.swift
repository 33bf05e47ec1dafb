import Testing
import Tensors

@testable import Display
@testable import tensorcell_gallery

@Test func plainTextAlignsNumbersRightAndTextLeft() {
    let table = RecordTable(columns: ["name", "count"], rows: [[.text("a"), .integer(5)], [.text("long name"), .integer(12345)]])
    #expect(
        table.plainText() == """
            name        count
            ─────────  ──────
            a               5
            long name  12,345
            """)
}

@Test func markdownEscapesPipesAndMarksAlignment() {
    let table = RecordTable(columns: ["a|b", "n"], rows: [[.text("x|y"), .number(0.5)]])
    #expect(table.markdown() == "| a\\|b | n |\n|:---|---:|\n| x\\|y | 0.5 |")
}

@Test func htmlEscapesText() {
    let html = RecordTable(columns: ["<b>"], rows: [[.text("1 < 2 & 3")]], caption: "\"quoted\"").html()
    #expect(html.contains("&lt;b&gt;"))
    #expect(html.contains("1 &lt; 2 &amp; 3"))
    #expect(html.contains("&quot;quoted&quot;"))
    #expect(!html.contains("<b>"))
}

@Test func largeTensorsAreSummarisedWithTheirEnds() {
    let table = TensorTable(values: (0..<2000).map(Double.init), shape: [100, 20]).table()
    #expect(table.caption == "Tensor [100, 20] float32 (summarised)")
    #expect(table.columns == ["", "0", "1", "2", "…", "17", "18", "19"])
    #expect(table.rows.count == 7)
    #expect(table.rows[3].allSatisfy { $0 == .ellipsis })
    #expect(table.rows[6].first == .text("99"))
    #expect(table.rows[6].last == .number(1999))
}

@Test func smallTensorsShowEveryValue() {
    let table = TensorTable(values: [1, 2, 3, 4, 5, 6], shape: [2, 3], dtype: "int32").table()
    #expect(table.rows == [[.text("0"), .integer(1), .integer(2), .integer(3)], [.text("1"), .integer(4), .integer(5), .integer(6)]])
}

@Test func tensorsThatDoNotFillTheirShapeSaySo() {
    let table = TensorTable(values: [1, 2, 3], shape: [2, 2]).table()
    #expect(table.rows == [[.text("3 values do not fill shape [2, 2]")]])
}

@Test func scalarsAndEmptyTensorsHaveTables() {
    #expect(TensorTable(values: [3], shape: []).table().rows == [[.number(3)]])
    #expect(TensorTable(values: [], shape: [0, 4]).table().caption == "Tensor [0, 4] float32 (empty)")
}

@Test func modelSummaryTotalsTrainableAndFrozenParameters() {
    let summary = Gallery.modelSummary
    #expect(summary.totalParameters == 754)
    #expect(summary.trainableParameters == 354)
    let table = summary.table()
    #expect(table.footer == "Total params: 754 (2.9 KB) · Trainable: 354 · Frozen: 400")
    #expect(table.rows[0] == [.text("dense (Dense)"), .text("(None, 16)"), .integer(48)])
    #expect(ModelSummary.shapeText([nil]) == "(None,)")
}

@Test func historyTablesLeaveBlanksForShorterMetrics() {
    let table = RecordTable(history: [("loss", [3, 2, 1]), ("val_loss", [4])])
    #expect(table.columns == ["epoch", "loss", "val_loss"])
    #expect(table.rows[2] == [.integer(3), .number(1), .empty])
}

@Test func trainingProgressCountsBatchesOfTheEpochUnderWay() {
    let progress = TrainingProgress(epoch: 1, epochs: 4, batch: 5, batches: 10, metrics: [("train loss", [0.5])])
    #expect(progress.fraction == 0.375)
    #expect(progress.textBar(width: 8) == "[███·····] 38%")
    let bundle = progress.mimeBundle()
    #expect(bundle.plainText.hasPrefix("[███████████···················] 38%  epoch 2/4 · batch 5/10 · train loss 0.5"))
    #expect(bundle.text("text/html")!.contains("width:37.5%"))
    // One epoch is not yet a curve: no picture.
    #expect(!bundle.text("text/html")!.contains("<img"))
    var later = progress
    later.metrics = [("train loss", [0.5, 0.3])]
    #expect(later.mimeBundle().text("text/html")!.contains("<img alt=\"loss curve\""))
}

@Test func throttleLetsThroughAFewUpdatesASecondAndTheLast() {
    var throttle = UpdateThrottle(interval: 0.25)
    let published = stride(from: 0.0, to: 1.0, by: 0.01).filter { throttle.shouldPublish(now: $0) }
    #expect(published.count == 4)
    let last = throttle.shouldPublish(now: 1.0, final: true)
    let evenSooner = throttle.shouldPublish(now: 1.001, final: true)
    let tooSoon = throttle.shouldPublish(now: 1.002)
    #expect(last && evenSooner && !tooSoon)
}

@Test func aTensorsColumnsCanBeNamed() throws {
    let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let text = try Visualize.table(t, columns: ["x1", "x2", "answer"]).plainText
    let header = try #require(text.split(separator: "\n").dropFirst().first)
    #expect(header.contains("x1") && header.contains("x2") && header.contains("answer"), "\(text)")
    #expect(!header.contains(" 0 "))
    // Summarised columns keep the names of the ends they show.
    let wide = try Tensor.zeros([2, 20])
    let names = (0..<20).map { "c\($0)" }
    let table = TensorTable(values: Array(repeating: 0, count: 40), shape: [2, 20])
    var named = table
    named.columnNames = names
    #expect(named.table().columns == ["", "c0", "c1", "c2", "…", "c17", "c18", "c19"])
    #expect(throws: VisualizeError.self) { try Visualize.table(wide, columns: ["a", "b"]) }
    #expect(throws: VisualizeError.self) { try Visualize.table(try Tensor.scalar(1), columns: ["a"]) }
}
