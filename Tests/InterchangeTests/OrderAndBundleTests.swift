import Testing

@testable import Interchange

@Suite struct KeyOrderTests {
    let value: JSON = [
        "zeta": ["y": 1, "x": 2, "w": 3],
        "alpha": ["y": 1, "x": 2],
        "mid": 0,
    ]

    @Test func ordersEachObjectByItsPathAndSortsWhatIsLeft() {
        let text = String(
            decoding: value.serialized { path in
                switch path {
                case []: ["zeta", "missing", "alpha"]
                case ["zeta"]: ["y"]
                default: nil
                }
            }, as: UTF8.self)
        // Listed keys first in the given order (absent ones skipped), the rest sorted after;
        // objects the closure does not order are sorted.
        #expect(text == #"{"zeta":{"y":1,"w":3,"x":2},"alpha":{"x":2,"y":1},"mid":0}"#)
    }

    @Test func withoutAnOrderItPrintsAsTheSortedForm() {
        #expect(value.serialized { _ in nil } == value.serialized())
    }

    @Test func quotesAsTheWriterDoes() {
        #expect(JSON.quoted("a\"b\\c\nd\re\tf\u{01}é") == #""a\"b\\c\nd\re\tf\u0001é""#)
        #expect(JSON.quoted("x") == JSON.string("x").text)
    }
}

@Suite struct Base64Tests {
    @Test func roundTripsEveryLengthOfTail() {
        for count in 0..<7 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 97 + 200) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
    }

    @Test func refusesTextThatIsNotBase64() {
        #expect(Base64.decode("Zm9v!") == nil)
        #expect(Base64.decode("Zg=a") == nil)
    }
}

@Suite struct MIMEBundleTests {
    @Test func textFormsBecomeJSONStringsWithPlainTextAlways() {
        let bundle = MIMEBundle(
            plainText: "a chart", data: ["image/svg+xml": "<svg/>"], metadata: ["image/png": ["width": 640]])
        #expect(bundle.data == ["text/plain": "a chart", "image/svg+xml": "<svg/>"])
        #expect(bundle.metadata == ["image/png": ["width": 640]])
        #expect(bundle.text("image/svg+xml") == "<svg/>")
        #expect(bundle.plainText == "a chart")
        #expect(bundle.mimeTypes == ["image/svg+xml", "text/plain"])
    }

    @Test func readsPNGBytesAndLeavesJSONContentAlone() {
        var bundle = MIMEBundle.plainText("p")
        bundle.data["image/png"] = .string(Base64.encode([0x89, 0x50, 0x4E, 0x47]))
        bundle.data["application/json"] = ["k": 1]
        #expect(bundle.pngBytes == [0x89, 0x50, 0x4E, 0x47])
        #expect(bundle.text("application/json") == nil)
        bundle.setText(nil, for: "image/png")
        #expect(bundle.pngBytes == nil)
    }
}
