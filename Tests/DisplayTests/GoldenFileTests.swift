// Golden-file tests: every chart and table kind in `Gallery` is rendered and compared byte for
// byte with the files under Golden/. After an intended change to the output, regenerate them
// with `UPDATE_GOLDEN=1 swift test --filter DisplayTests`, look at the gallery, and commit the
// new files together with the change.

import Foundation
import Testing

@testable import Display
@testable import tensorcell_gallery

enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// `text` with embedded base64 pictures cut out: their bytes depend on the zlib build, and
    /// the PNG tests check pixels instead.
    static func withoutEmbeddedImages(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "base64,") {
            out += rest[..<marker.upperBound]
            out += "…"
            rest = rest[marker.upperBound...]
            if let end = rest.firstIndex(of: "\"") { rest = rest[end...] } else { rest = "" }
        }
        return out + rest
    }

    /// Compares `actual` with the golden file `name`, or rewrites it when updating.
    static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = withoutEmbeddedImages(text)
        let url = folder.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name); run with UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let a = Array(expected.split(separator: "\n", omittingEmptySubsequences: false))
            let b = Array(actual.split(separator: "\n", omittingEmptySubsequences: false))
            let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record(
                "\(name) differs from its golden file at line \(line + 1):\n- \(line < a.count ? String(a[line]) : "<end>")\n+ \(line < b.count ? String(b[line]) : "<end>")",
                sourceLocation: sourceLocation)
        }
    }
}

@Test(arguments: Gallery.charts.map(\.name))
func chartMatchesGoldenFiles(name: String) throws {
    let chart = try #require(Gallery.charts.first { $0.name == name }?.chart)
    try Golden.check(chart.svg(), "\(name).svg")
    try Golden.check(chart.summary + "\n", "\(name).txt")
}

@Test(arguments: Gallery.tables.map(\.name))
func tableMatchesGoldenFiles(name: String) throws {
    let table = try #require(Gallery.tables.first { $0.name == name }?.table)
    let bundle = table.mimeBundle()
    try Golden.check(try #require(bundle.text("text/html")), "\(name).html")
    try Golden.check(bundle.plainText + "\n", "\(name).txt")
    // Progress displays have no Markdown form; tables do (see tablesBundleHTMLMarkdownAndText).
    if let markdown = bundle.text("text/markdown") { try Golden.check(markdown + "\n", "\(name).md") }
}

@Test func renderingTwiceGivesIdenticalBytes() throws {
    for (name, chart) in Gallery.charts {
        #expect(chart.svg() == chart.svg(), "\(name) SVG is not deterministic")
    }
    let chart = Gallery.lossCurves
    #expect(try chart.png() == chart.png())
}
