import Testing

@testable import Display

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
