import Foundation
import Testing

@testable import Language

/// The corpus: small programs under Corpus/ (`name.tc`), each with what a notebook would show
/// written beside it (`name.out`). Every file runs in a fresh interpreter, its cells split at
/// `// %%` lines, and its transcript must equal the expected one.
///
/// `UPDATE_CORPUS=1 swift test --filter CorpusTests` rewrites the .out files from the current
/// behaviour; read the diff before committing it.
@Suite struct CorpusTests {
    /// The Corpus folder beside this file, found from the source path (it is not bundled).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    /// Every .tc file under Corpus/, as paths relative to it, in order.
    static let files: [String] = {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        let base = root.standardizedFileURL.path + "/"
        for case let url as URL in enumerator where url.pathExtension == "tc" {
            let path = url.standardizedFileURL.path
            found.append(path.hasPrefix(base) ? String(path.dropFirst(base.count)) : url.lastPathComponent)
        }
        return found.sorted()
    }()

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_CORPUS"] == "1" }

    @Test func theCorpusIsThere() {
        #expect(CorpusTests.files.count >= 10, "no corpus found under \(CorpusTests.root.path)")
    }

    @Test(arguments: CorpusTests.files)
    func program(_ relativePath: String) throws {
        let source = try String(contentsOf: CorpusTests.root.appendingPathComponent(relativePath), encoding: .utf8)
        let actual = CorpusTests.normalise(CorpusTests.transcript(of: source))
        let expectedURL = CorpusTests.root.appendingPathComponent(
            String(relativePath.dropLast(".tc".count)) + ".out")
        if CorpusTests.updating {
            let previous = try? String(contentsOf: expectedURL, encoding: .utf8)
            if previous != actual { try actual.write(to: expectedURL, atomically: true, encoding: .utf8) }
            return
        }
        guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
            Issue.record("\(relativePath) has no .out beside it: run with UPDATE_CORPUS=1 to write it, then read it")
            return
        }
        if CorpusTests.normalise(expected) != actual {
            Issue.record(
                """
                \(relativePath): the transcript differs from \(expectedURL.lastPathComponent) \
                (- expected, + actual; UPDATE_CORPUS=1 rewrites it):
                \(CorpusTests.diff(CorpusTests.normalise(expected), actual))
                """)
        }
    }

    /// What a notebook would show for the file's cells, run in a fresh interpreter whose
    /// notebook folder is a new empty one (programs that save files write them there).
    static func transcript(of source: String) -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("tensorcell-corpus-\(getpid())-\(UInt64.random(in: 0...UInt64.max))").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return Interpreter(directory: folder).transcript(Interpreter.cells(of: source)).text
    }

    /// The transcript without what varies from run to run: `%time`'s durations.
    static func normalise(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Wall time: ") {
                lines.append("Wall time: <duration>")
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A line diff (longest common subsequence), with a few lines of context around changes.
    static func diff(_ expected: String, _ actual: String, context: Int = 3) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var common = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [(mark: Character, text: String)] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count && j < b.count && a[i] == b[j] {
                lines.append((" ", a[i]))
                i += 1
                j += 1
            } else if j < b.count && (i == a.count || common[i][j + 1] >= common[i + 1][j]) {
                lines.append(("+", b[j]))
                j += 1
            } else {
                lines.append(("-", a[i]))
                i += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var shown: [String] = []
        var last = -1
        for index in lines.indices {
            guard changed.contains(where: { abs($0 - index) <= context }) else { continue }
            if last >= 0 && index > last + 1 { shown.append("   ...") }
            shown.append("\(lines[index].mark)  \(lines[index].text)")
            last = index
        }
        return shown.joined(separator: "\n")
    }
}
