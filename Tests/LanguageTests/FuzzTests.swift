import Foundation
import Kernel
import Tensors
import Testing

@testable import Language

/// The fuzz test: over 100,000 random and mutated inputs through the parser, the evaluator and
/// the front-end hooks, each with a small time and memory bound. Every input must end with a
/// result or an error: a crash or a hang fails the run (a crash ends the test process).
///
/// The inputs are the corpus's cells and the teaching notebooks' code cells, mutated (characters
/// inserted, deleted, swapped or replaced, tokens spliced in from other programs, pieces
/// duplicated, cut short), and soups of random tokens. A fixed seed makes every run try the same
/// inputs; `FUZZ_SEED=n` tries others, `FUZZ_SCALE=10` ten times as many, and `FUZZ_TRACE=file`
/// writes each input to the file before running it, so the one that crashed is there afterwards.
@Suite(.serialized) struct FuzzTests {
    /// A small, fast, seedable generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    // MARK: Seeds

    /// Programs to mutate: every corpus cell, every notebook code cell, and a few of our own.
    static func seedPrograms() -> [String] {
        var programs: [String] = []
        let corpus = CorpusTests.root
        for file in CorpusTests.files {
            if let source = try? String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8) {
                programs += Interpreter.cells(of: source)
            }
        }
        programs += notebookCells()
        programs += [
            "let x = [1, 2, 3]\nvar s = 0\nfor v in x { s += v }\ns",
            "func f(a, b = 2) { return a * b }\nf(3) + f(1, b: 4)",
            "var i = 0\nwhile i < 10 { i += 1; if i == 5 { break } }\ni",
            "let (a, b) = (1, \"two\")\nprint(\"\\(a) and \\(b)\")",
            "[1, 2, 3].map { x in x * 2 }.filter { y in y > 2 }",
            "let t = (1, (2, 3))\nt.1.0",
        ]
        return programs
    }

    /// The code cells of notebooks/*.ipynb, when the notebooks are there.
    static func notebookCells() -> [String] {
        let folder = CorpusTests.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("notebooks")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var cells: [String] = []
        for name in names.sorted() where name.hasSuffix(".ipynb") {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                let notebook = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let list = notebook["cells"] as? [[String: Any]]
            else { continue }
            for cell in list where cell["cell_type"] as? String == "code" {
                if let lines = cell["source"] as? [String] {
                    cells.append(lines.joined())
                } else if let text = cell["source"] as? String {
                    cells.append(text)
                }
            }
        }
        return cells
    }

    /// Every token of the seed programs, as written, plus the language's symbols and keywords.
    static func vocabulary(_ programs: [String]) -> [String] {
        var words = Set<String>()
        for program in programs {
            let file = SourceFile(name: "seed", text: program)
            var lexer = Lexer(file: file)
            while let token = try? lexer.next(), token.kind != .end {
                words.insert(file.text(SourceSpan(file: file, start: token.start, end: token.end)))
            }
        }
        words.formUnion([
            "let", "var", "func", "return", "if", "else", "for", "in", "while", "break", "continue", "true", "false",
            "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "?", "..", "...", "..<", "&&", "||", "==", "!=", "<=",
            ">=", "+=", "-=", "*=", "/=", "%=", "->", "+", "-", "*", "/", "%", "@", "=", "<", ">", "!", "\n", "\"",
            "\\(", "/*", "*/", "//", "_", "x", "f", "0", "1", "-1", "2.5", "1e308", "9223372036854775807", "%who",
            "%reset", "%time", "%seed 3", "print", "len", "range", "map",
        ])
        return words.sorted()
    }

    // MARK: Inputs

    /// Characters a mutation inserts: the language's own, and some it must reject well.
    static let alphabet: [Character] = Array(
        "abcxyz_019 \n\t(){}[]<>.,:;\"\\=+-*/%@!?&|'#`$^~éλ€\u{0}\u{7F}\u{301}\u{1F600}")

    static func mutate(_ program: String, _ random: inout Generator, _ programs: [String], _ vocabulary: [String]) -> String {
        var characters = Array(program)
        // Often one small change, so that many inputs still parse and run.
        let rounds = random.chance(50) ? 1 : 1 + random.below(random.chance(20) ? 8 : 3)
        for _ in 0..<rounds {
            let position = random.below(characters.count + 1)
            switch random.below(9) {
            case 0:  // insert a character
                characters.insert(random.pick(alphabet), at: position)
            case 1:  // delete a few characters
                if !characters.isEmpty {
                    let start = min(position, characters.count - 1)
                    characters.removeSubrange(start..<min(characters.count, start + 1 + random.below(3)))
                }
            case 2:  // swap two neighbours
                if position + 1 < characters.count { characters.swapAt(position, position + 1) }
            case 3:  // replace a character
                if position < characters.count { characters[position] = random.pick(alphabet) }
            case 4:  // splice in a token
                characters.insert(contentsOf: " " + random.pick(vocabulary) + " ", at: position)
            case 5:  // splice in a piece of another program
                let other = Array(random.pick(programs))
                if !other.isEmpty {
                    let start = random.below(other.count)
                    let end = min(other.count, start + 1 + random.below(40))
                    characters.insert(contentsOf: other[start..<end], at: position)
                }
            case 6:  // duplicate a piece
                if !characters.isEmpty {
                    let start = min(position, characters.count - 1)
                    let end = min(characters.count, start + 1 + random.below(30))
                    characters.insert(contentsOf: Array(characters[start..<end]), at: end)
                }
            case 7:  // cut the program short
                if random.chance(30) { characters.removeSubrange(position...) }
            default:  // replace a number by a bigger or odd one
                if let digit = characters.indices.filter({ characters[$0].isNumber }).randomElement(using: &random) {
                    characters.insert(contentsOf: random.pick(["0", "9", "00", "-", ".5", "e9", "_"]), at: digit)
                }
            }
        }
        return String(characters)
    }

    static func soup(_ random: inout Generator, _ vocabulary: [String]) -> String {
        var text = ""
        for _ in 0..<(1 + random.below(24)) {
            text += random.pick(vocabulary)
            text += random.chance(80) ? " " : random.pick(["", "\n", "\n  "])
        }
        return text
    }

    // MARK: The run

    struct Tally {
        var inputs = 0
        var parsedOnly = 0
        var outcomes: [String: Int] = [:]
        var slowest: (seconds: Double, input: String) = (0, "")

        mutating func record(_ outcome: ExecutionOutcome) {
            inputs += 1
            switch outcome {
            case .ok: outcomes["ok", default: 0] += 1
            case .error(let error): outcomes[error.name, default: 0] += 1
            }
        }

        var summary: String {
            let parts = outcomes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
            return "fuzz: \(inputs) inputs (\(inputs - parsedOnly) run, \(parsedOnly) parsed and completed only): "
                + parts.joined(separator: ", ")
        }
    }

    static var scale: Int { Int(ProcessInfo.processInfo.environment["FUZZ_SCALE"] ?? "") ?? 1 }
    /// `FUZZ_DIVISOR=10` runs a tenth of the inputs, for a quick look while working.
    static var divisor: Int { max(1, Int(ProcessInfo.processInfo.environment["FUZZ_DIVISOR"] ?? "") ?? 1) }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["FUZZ_SEED"] ?? "") ?? 20_240_601 }

    @Test func hundredThousandInputsEndWithAResultOrAnError() throws {
        // Small bounds: 64 MB of tensors, a limit of this test's own.
        try TensorMemory.withLimit(64 << 20) { try fuzz() }
    }

    func fuzz() throws {
        let programs = FuzzTests.seedPrograms()
        try #require(programs.count > 50, "too few seed programs")
        let vocabulary = FuzzTests.vocabulary(programs)
        var random = Generator(state: FuzzTests.seed)
        let trace = ProcessInfo.processInfo.environment["FUZZ_TRACE"]

        // Small bounds: 64 MB of tensors, a few milliseconds per input, shallow recursion.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tensorcell-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let runCount = 60_000 * FuzzTests.scale / FuzzTests.divisor
        let parseCount = 45_000 * FuzzTests.scale / FuzzTests.divisor
        let batch = 500
        var tally = FuzzTests.Tally()
        let started = Date()

        var done = 0
        while done < runCount {
            // A fresh interpreter per batch, so what one input binds meets the next few only.
            let interpreter = Interpreter(directory: directory.path)
            interpreter.evaluator.maxCallDepth = 200
            var inputs: [String] = []
            for _ in 0..<min(batch, runCount - done) {
                inputs.append(
                    random.chance(85)
                        ? FuzzTests.mutate(random.pick(programs), &random, programs, vocabulary)
                        : FuzzTests.soup(&random, vocabulary))
            }
            let outcomes = interpreter.runtime.languageThread.run { () -> [(ExecutionOutcome, Double)] in
                var results: [(ExecutionOutcome, Double)] = []
                for input in inputs {
                    if let trace { try? input.write(toFile: trace, atomically: false, encoding: .utf8) }
                    let context = TranscriptContext()
                    interpreter.runtime.context = context
                    let before = Runtime.now()
                    interpreter.runtime.deadline = before + 0.004
                    interpreter.evaluator.maxCallDepth = 200
                    let outcome = interpreter.runCell(input, name: "fuzz")
                    results.append((outcome, Runtime.now() - before))
                }
                return results
            }
            for (index, (outcome, seconds)) in outcomes.enumerated() {
                tally.record(outcome)
                if seconds > tally.slowest.seconds { tally.slowest = (seconds, inputs[index]) }
                if case .error(let error) = outcome {
                    // Every error names its kind and says something.
                    #expect(!error.name.isEmpty && !error.value.isEmpty, "an empty error for:\n\(inputs[index])")
                }
            }
            done += inputs.count
        }

        // Parsing, completeness, completion and inspection only: cheap, so many more inputs.
        let hooks = Interpreter(directory: directory.path)
        _ = hooks.transcript(["let xs = [1, 2, 3]\nlet word = \"text\"\nfunc f(a, b = 1) { a }\nlet pair = (1, 2)"])
        for _ in 0..<parseCount {
            let input =
                random.chance(80)
                ? FuzzTests.mutate(random.pick(programs), &random, programs, vocabulary)
                : FuzzTests.soup(&random, vocabulary)
            if let trace { try? input.write(toFile: trace, atomically: false, encoding: .utf8) }
            let file = SourceFile(name: "fuzz", text: input)
            let outcome: ExecutionOutcome
            do {
                var parser = try Parser(file: file)
                _ = try parser.parseProgram()
                outcome = .ok(nil)
            } catch let failure as LanguageError {
                outcome = .error(ExecutionError(name: failure.kind.name, value: failure.message))
                // The traceback quotes the source: it must not fail on any span.
                #expect(!failure.traceback(colors: false).isEmpty)
            } catch {
                outcome = .error(ExecutionError(name: "unexpected", value: "\(error)"))
                Issue.record("the parser threw \(error) for:\n\(input)")
            }
            tally.record(outcome)
            tally.parsedOnly += 1
            _ = hooks.isComplete(input)
            let cursor = random.below(input.unicodeScalars.count + 1)
            let completion = hooks.complete(input, cursor: cursor)
            #expect(completion.cursorStart <= completion.cursorEnd && completion.cursorEnd <= input.unicodeScalars.count)
            _ = hooks.inspect(input, cursor: cursor, detailLevel: 0)
        }

        let elapsed = Date().timeIntervalSince(started)
        print(tally.summary)
        print("fuzz: \(String(format: "%.1f", elapsed)) s; slowest input \(String(format: "%.3f", tally.slowest.seconds)) s:\n\(tally.slowest.input)")
        #expect(tally.inputs >= 100_000 * FuzzTests.scale / FuzzTests.divisor)
        #expect(tally.outcomes["unexpected"] == nil)
        // No input may run much past its bound (a check that was missed somewhere loops freely).
        // A hang detector, not a speed test: each input has a 4 ms deadline.
        #expect(tally.slowest.seconds < 30, "an input ran \(tally.slowest.seconds) s:\n\(tally.slowest.input)")
    }
}

extension FuzzTests.Generator: RandomNumberGenerator {}
