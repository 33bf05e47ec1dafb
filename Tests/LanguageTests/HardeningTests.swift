import Foundation
import Kernel
import NeuralNetworks
import Tensors
import Testing

@testable import Language

/// The outcome's error as "Kind: message", or nil when the cell succeeded.
private func failure(_ outcome: ExecutionOutcome) -> String? {
    if case .error(let error) = outcome { return "\(error.name): \(error.value)" }
    return nil
}

/// Inputs that once ended the kernel process: each must now be an error (or a result), and the
/// session must go on with its variables.
@Suite struct CrashReproducerTests {
    @Test(arguments: [
        "len(0...9223372036854775807)",
        "(0...9223372036854775807).count",
        "len(-9223372036854775807...9223372036854775807)",
    ])
    func rangeCountsThatOverflowAreErrors(_ code: String) {
        let interpreter = Interpreter()
        let outcome = interpreter.execute(code, context: TranscriptContext())
        #expect(failure(outcome)?.hasPrefix("ValueError") == true, "\(outcome)")
    }

    @Test func rangeBuiltinWithEndsNearTheIntLimits() {
        let interpreter = Interpreter()
        let outcome = interpreter.execute("range(-9223372036854775807, 9223372036854775807)", context: TranscriptContext())
        #expect(failure(outcome)?.contains("too long") == true, "\(outcome)")
        #expect(plainResult(interpreter.execute("range(9223372036854775806, 9223372036854775807)", context: TranscriptContext())) == "[9223372036854775806]")
        #expect(plainResult(interpreter.execute("len(range(0, 10, step: 9223372036854775807))", context: TranscriptContext())) == "1")
    }

    @Test func closedRangesToIntMaxIndexArraysAndTensors() {
        let interpreter = Interpreter()
        #expect(failure(interpreter.execute("[1, 2, 3][0...9223372036854775807]", context: TranscriptContext()))?.hasPrefix("ValueError") == true)
        // Tensor slices clip their bounds, as NumPy does.
        #expect(plainResult(interpreter.execute("zeros([3])[0...9223372036854775807].shape", context: TranscriptContext())) == "[3]")
    }

    @Test(arguments: ["arange(-1e308)", "arange(0, -1e300)", "arange(1e308, 0, step: 1e-9)", "arange(-1e308, 1e308, step: 1e-300)"])
    func arangeWithHugeBounds(_ code: String) {
        let interpreter = Interpreter()
        let outcome = interpreter.execute(code + ".shape", context: TranscriptContext())
        // Either an empty tensor (the range runs backwards) or an error: never a trap.
        if let message = failure(outcome) {
            #expect(message.hasPrefix("ValueError"))
        } else {
            #expect(plainResult(outcome) == "[0]")
        }
    }

    @Test(arguments: [
        "plot([1e-320, 5], logScale: true)",
        "plot([1e-300, 1e300], logScale: true)",
        "plot([5e-324, 1.7976931348623157e308], logScale: true)",
        "learningRateSweep(rates: [1e-320, 1], losses: [1, 2])",
    ])
    func logAxesWithExtremeValues(_ code: String) {
        let outcome = Interpreter().execute(code, context: TranscriptContext())
        #expect(failure(outcome) == nil, "\(outcome)")
    }

    @Test func saturatedIntegersBecomeArrays() {
        let interpreter = Interpreter()
        #expect(plainResult(interpreter.execute("tensor([1e30]).int().toArray()", context: TranscriptContext())) == "[9223372036854775807]")
        #expect(plainResult(interpreter.execute("tensor([-1e30]).int().toArray()", context: TranscriptContext())) == "[-9223372036854775808]")
    }

    @Test func aSequentialCannotContainItself() {
        let interpreter = Interpreter()
        let outcomes = runCells(
            interpreter, "let s = Sequential([Dense(2, 2, seed: 0)])\nlet t = Sequential([])", "s.append(s)", "t.append(s)",
            "s.append(t)", "s", "print(s)", "summary(s)", "diagram(s)", "s.parameters.count",
            "s(zeros([1, 2])).shape")
        #expect(failure(outcomes[1])?.contains("cannot contain itself") == true)
        #expect(failure(outcomes[2]) == nil)
        #expect(failure(outcomes[3])?.contains("cannot contain itself") == true)
        for outcome in outcomes[4...] where failure(outcome) != nil {
            // The model stayed acyclic, so showing, saving and calling it work.
            #expect(failure(outcome)?.hasPrefix("IOError") == true || failure(outcome)?.hasPrefix("NameError") == true, "\(outcome)")
        }
    }
}

/// Strings and arrays count against the memory limit, as tensors do.
@Suite struct MemoryLimitTests {
    /// A limit of 256 MB, as a small hub might leave, so the doubling stops early. The limit is
    /// this test's own: tests running beside it keep the process's.
    func withSmallLimit(_ body: () -> Void) {
        TensorMemory.withLimit(256 << 20) { body() }
    }

    @Test func doublingAStringFortyTimesIsAMemoryError() { withSmallLimit {
        let interpreter = Interpreter()
        let outcome = interpreter.execute("var s = \"ab\"\nfor _ in 0..<40 { s = s + s }", context: TranscriptContext())
        #expect(failure(outcome)?.hasPrefix("MemoryError") == true, "\(outcome)")
        #expect(plainResult(interpreter.execute("s.count > 1000", context: TranscriptContext())) == "true")
    } }

    @Test func doublingAnArrayFortyTimesIsAMemoryError() { withSmallLimit {
        let interpreter = Interpreter()
        let outcome = interpreter.execute("var a = [1, 2]\nfor _ in 0..<40 { a = a + a }", context: TranscriptContext())
        #expect(failure(outcome)?.hasPrefix("MemoryError") == true, "\(outcome)")
    } }

    @Test func aTensorLargerThanTheLimitIsAMemoryError() {
        let outcome = Interpreter().execute("zeros([1500000000, 1000])", context: TranscriptContext())
        #expect(failure(outcome)?.hasPrefix("MemoryError") == true, "\(outcome)")
    }
}

/// The notebook's folder: nothing outside it can be read or written, links included.
@Suite struct SandboxTests {
    let root: String
    let folder: String
    let outside: String

    init() throws {
        root = NSTemporaryDirectory() + "tensorcell-sandbox-\(UUID().uuidString)"
        folder = root + "/notebook"
        outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "root:x:0:0\nsecret:y:1:1\n".write(toFile: outside + "/secret.csv", atomically: true, encoding: .utf8)
        try "a,b\n1,2\n".write(toFile: folder + "/inside.csv", atomically: true, encoding: .utf8)
        try "{\"cells\": []}".write(toFile: folder + "/analysis.ipynb", atomically: true, encoding: .utf8)
        try "my notes".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        let links = FileManager.default
        try links.createSymbolicLink(atPath: folder + "/link.csv", withDestinationPath: outside + "/secret.csv")
        try links.createSymbolicLink(atPath: folder + "/linkdir", withDestinationPath: outside)
        try links.createSymbolicLink(atPath: folder + "/dangling.csv", withDestinationPath: outside + "/created.csv")
        try links.createSymbolicLink(atPath: folder + "/model.safetensors", withDestinationPath: outside + "/model.safetensors")
        try links.createSymbolicLink(atPath: folder + "/up.idx", withDestinationPath: outside + "/up.idx")
    }

    func run(_ code: String) -> ExecutionOutcome {
        Interpreter(directory: folder).execute(
            "let model = Sequential([Dense(2, 1, seed: 0)])\nlet x = tensor([[1, 2], [3, 4]])\nlet y = tensor([0, 1])\n" + code,
            context: TranscriptContext())
    }

    @Test(arguments: [
        "loadCSV(\"link.csv\", delimiter: \":\")", "loadCSV(\"linkdir/secret.csv\", delimiter: \":\")",
        "load(model, \"linkdir/model.safetensors\")",
    ])
    func readsThroughLinksAreRefusedWithoutQuotingTheTarget(_ code: String) {
        let message = failure(run(code))
        #expect(message?.contains("symbolic link") == true, "\(String(describing: message))")
        #expect(message?.contains("root") == false)
    }

    @Test(arguments: [
        "save(model, \"model.safetensors\")", "saveCSV(x, y, \"dangling.csv\")", "saveCSV(x, y, \"linkdir/new.csv\")",
        "saveIDX(x, \"up.idx\")", "save(model, \"linkdir/model.safetensors\")",
    ])
    func writesThroughLinksAreRefused(_ code: String) throws {
        let message = failure(run(code))
        #expect(message != nil)
        let created = try FileManager.default.contentsOfDirectory(atPath: outside)
        #expect(created == ["secret.csv"], "a file appeared outside: \(created)")
    }

    @Test(arguments: [
        ("save(model, \"notes.txt\")", "notes.txt"), ("saveCSV(x, y, \"analysis.ipynb\")", "analysis.ipynb"),
        ("saveIDX(x, \"analysis.ipynb\")", "analysis.ipynb"), ("save(model, \"analysis.ipynb\")", "analysis.ipynb"),
    ])
    func writesOnlyUnderTheirOwnSuffixes(_ code: String, _ file: String) throws {
        let before = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        #expect(failure(run(code))?.hasPrefix("ValueError") == true)
        #expect(try String(contentsOfFile: folder + "/" + file, encoding: .utf8) == before)
    }

    @Test func aNulInANameIsRefused() {
        // The cell's text holds the NUL itself, as a front end can send it.
        #expect(failure(run("saveCSV(x, y, \"a.csv\u{0}.ipynb\")"))?.contains("NUL") == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/a.csv"))
    }

    @Test func fifosAndDevicesAreNotRead() throws {
        #expect(mkfifo(folder + "/pipe.csv", 0o600) == 0)
        let message = failure(run("loadCSV(\"pipe.csv\")"))
        #expect(message?.contains("FIFO") == true, "\(String(describing: message))")
    }

    @Test func filesInsideStillWorkAndSavesReplaceAtomically() throws {
        #expect(failure(run("saveCSV(x, y, \"data/pairs.csv\")\nlet (a, b) = loadCSV(\"data/pairs.csv\")\nprint(a.shape)")) == nil)
        #expect(failure(run("saveCSV(x, y, \"./pairs.tsv\")")) == nil)
        #expect(try String(contentsOfFile: folder + "/pairs.tsv", encoding: .utf8).hasPrefix("x0\tx1\ty\n"))
        #expect(failure(run("save(model, \"m.safetensors\")\nload(model, \"m.safetensors\")")) == nil)
        #expect(failure(run("saveIDX(x, \"m.idx\")\nloadIDX(\"m.idx\")")) == nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func aFailedWriteLeavesTheOldFile() throws {
        try FileManager.default.createDirectory(atPath: folder + "/locked", withIntermediateDirectories: true)
        try "old".write(toFile: folder + "/locked/t.csv", atomically: true, encoding: .utf8)
        chmod(folder + "/locked", 0o500)
        defer { chmod(folder + "/locked", 0o700) }
        guard getuid() != 0 else { return }  // root writes anyway
        #expect(failure(run("saveCSV(x, y, \"locked/t.csv\")"))?.hasPrefix("IOError") == true)
        #expect(try String(contentsOfFile: folder + "/locked/t.csv", encoding: .utf8) == "old")
    }
}

@Suite struct WaitTests {
    @Test func aHugeTensorShowsOnlyTheElementsItPrints() throws {
        // 300 million elements are never read whole: the text shows six, and reading all would
        // take seconds and gigabytes.
        do {
            let interpreter = Interpreter()
            let outcome = interpreter.execute(
                "let big = zeros([300000000])\nbig[299999999] = 7\nbig", context: TranscriptContext())
            let text = plainResult(outcome)
            #expect(
                text?.hasPrefix("tensor([0., 0., 0., ..., 0., 0., 7.], shape: [300000000])") == true,
                "\(String(describing: text))")
        }
    }

    @Test func completingALongChainIsLinear() {
        let interpreter = Interpreter()
        _ = interpreter.execute("let x = zeros([2])", context: TranscriptContext())
        let code = String(repeating: "x.", count: 500_000)
        let completion = interpreter.complete(code, cursor: code.unicodeScalars.count)
        #expect(completion.matches.isEmpty)
    }
}
