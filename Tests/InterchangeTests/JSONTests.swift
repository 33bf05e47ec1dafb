import Testing

@testable import Interchange

@Suite struct JSONTests {
    @Test func roundTripsNestedValues() throws {
        let value: JSON = [
            "a": [1, 2.5, "three", nil, true, false],
            "b": ["nested": ["deeper": -7]],
            "text": "quote \" backslash \\ newline \n tab \t bell \u{07} é 🙂",
        ]
        #expect(try JSON.parse(value.serialized()) == value)
    }

    @Test func printsCompactSortedAndEscaped() {
        let value: JSON = ["b": 1, "a": "x\n\u{01}", "c": [true, nil], "d": 2.0]
        #expect(value.text == #"{"a":"x\n\u0001","b":1,"c":[true,null],"d":2.0}"#)
    }

    @Test func keepsIntegersApartFromDoubles() throws {
        #expect(try JSON.parse("42") == .int(42))
        #expect(try JSON.parse("-3") == .int(-3))
        #expect(try JSON.parse("1.5e3") == .double(1500))
        #expect(try JSON.parse("0.25") == .double(0.25))
        #expect(JSON.double(.infinity).text == "null")
    }

    @Test func decodesUnicodeEscapesAndSurrogatePairs() throws {
        #expect(try JSON.parse(#""\u00e9\ud83d\ude42\/""#) == .string("é🙂/"))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "01x", "{\"a\":1} extra",
        "\"bad \\q escape\"", "\"raw \n newline\"", "-", "[1 2]", ".5",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func rejectsDeepNestingWithoutCrashing() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(throws: JSONParseError.self) { try JSON.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }
}
