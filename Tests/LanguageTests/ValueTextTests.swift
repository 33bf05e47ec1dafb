import Kernel
import Testing

@testable import Language

/// A long collection as a cell's result is summarised as a long tensor is; printed, it is
/// written in full, asking for an interrupt as it goes.
@Suite struct ValueTextTests {
    struct Stop: Error {}

    static let millions = Value.array((0..<3_000_000).map { .int($0) })

    @Test func aHugeArrayShowsItsEnds() {
        #expect(ValueText.shown(Self.millions, check: {}) == "[0, 1, 2, ..., 2999997, 2999998, 2999999]")
        let outcome = Interpreter().execute("range(0, 3000000)", context: TranscriptContext())
        guard case .ok(let bundle?) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(bundle.text("text/plain") == "[0, 1, 2, ..., 2999997, 2999998, 2999999]")
    }

    @Test func smallValuesShowAsPrintWritesThem() {
        let small = Value.array([.int(1), .string("a\"b"), .tuple([.float(0.5), .bool(true)]), .array([])])
        #expect(ValueText.shown(small, check: {}) == "[1, \"a\\\"b\", (0.5, true), []]")
        #expect(ValueText.shown(small, check: {}) == small.text)
        #expect(ValueText.shown(.string("plain"), check: {}) == "plain")
    }

    @Test func nestedCollectionsAndDictionariesAreSummarisedAtEachLevel() {
        let rows = Value.array((0..<200).map { row in .array((0..<10).map { .int(row * 10 + $0) }) })
        let shown = ValueText.shown(rows, check: {})
        #expect(shown.hasPrefix("[[0, 1, 2, ..., 7, 8, 9], [10, 11, 12, ..., 17, 18, 19], [20, 21, 22, ..., 27, 28, 29], ..., [1970"))
        var dictionary = ScriptDictionary()
        for key in 0..<5000 { dictionary[.int(key)] = .int(key * 2) }
        #expect(ValueText.shown(.dictionary(dictionary), check: {}) == "[0: 0, 1: 2, 2: 4, ..., 4997: 9994, 4998: 9996, 4999: 9998]")
        // A thousand items or fewer show in full, as a small tensor does.
        let thousand = Value.array((0..<1000).map { .int($0) })
        #expect(ValueText.shown(thousand, check: {}) == thousand.text)
    }

    @Test func aLongStringShowsItsEnds() {
        let long = String(repeating: "ab", count: 100_000)
        let shown = ValueText.shown(.string(long), check: {})
        #expect(shown.hasPrefix(String(repeating: "ab", count: 1000) + " ... (196000 more bytes) ... ab"))
        #expect(shown.count < 5000)
        // Printed, it is whole.
        #expect(ValueText.full(.string(long), check: {}) == long)
    }

    @Test func writingInFullAsksForAnInterruptAsItGoes() {
        var asked = 0
        #expect(throws: Stop.self) {
            _ = try ValueText.full(Self.millions, check: {
                asked += 1
                if asked == 3 { throw Stop() }
            })
        }
        // Stopped at the third question: a few thousand items written, not three million.
        #expect(asked == 3)
        var questions = 0
        let text = ValueText.full(Self.millions, check: { questions += 1 })
        #expect(text.hasSuffix(", 2999999]"))
        #expect(questions == 3_000_001 / ValueText.checkInterval)
    }
}
