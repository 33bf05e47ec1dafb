import Foundation
import Testing

@testable import Language

/// The reference in docs/language.md is generated from the library; every builtin must be
/// documented there with an example that runs.
@Suite struct ReferenceTests {
    @Test func everyBuiltinHasADocAndAnExample() {
        let library = Interpreter.standardLibrary()
        for builtin in library.allBuiltins {
            #expect(!builtin.doc.isEmpty, "\(builtin.name) has no doc")
            #expect(!builtin.example.isEmpty, "\(builtin.name) has no example")
        }
    }

    @Test func everyExampleRunsWithoutError() {
        let library = Interpreter.standardLibrary()
        // Examples that write files (save, saveCSV) write them in a folder of their own.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensorcell-examples-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for builtin in library.allBuiltins where !builtin.example.isEmpty {
            let (text, failed) = Interpreter(directory: folder).transcript([builtin.example])
            #expect(!failed, "the example of \(builtin.name) fails:\n\(builtin.example)\n\(text)")
        }
    }

    @Test func docsLanguageIncludesTheCurrentReference() throws {
        let path = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let docs = try String(contentsOfFile: "/" + path + "/docs/language.md", encoding: .utf8)
        let reference = Interpreter.standardLibrary().referenceMarkdown()
        let start = "<!-- reference:start -->\n"
        let end = "<!-- reference:end -->"
        guard let from = docs.range(of: start), let to = docs.range(of: end) else {
            Issue.record("docs/language.md has no reference markers")
            return
        }
        #expect(
            String(docs[from.upperBound..<to.lowerBound]) == reference,
            "docs/language.md's reference is out of date: run `make reference`")
    }
}
