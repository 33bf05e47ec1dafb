import Foundation
import Kernel
import Synchronization
import Tensors
import Testing

@testable import Language

/// A context whose interrupt flag another thread raises, as the kernel's control thread does.
final class InterruptibleContext: ExecutionContext, @unchecked Sendable {
    let requested = Atomic<Bool>(false)
    let output = Mutex<String>("")

    func write(_ text: String, to stream: Kernel.OutputStream) { output.withLock { $0 += text } }
    func display(_ bundle: MimeBundle, id: String?) {}
    func updateDisplay(_ bundle: MimeBundle, id: String) {}
    func clearOutput(wait: Bool) {}
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        throw ExecutionError(name: "StdinNotImplementedError", value: "no input here")
    }
    var isInterruptRequested: Bool { requested.load(ordering: .acquiring) }
}

/// Runs cells in one interpreter and returns each one's outcome.
func runCells(_ interpreter: Interpreter, _ cells: String...) -> [ExecutionOutcome] {
    cells.map { interpreter.execute($0, context: TranscriptContext()) }
}

func plainResult(_ outcome: ExecutionOutcome) -> String? {
    if case .ok(let bundle?) = outcome, case .string(let text) = bundle.data["text/plain"] { return text }
    return nil
}

func errorKind(_ outcome: ExecutionOutcome) -> String? {
    if case .error(let error) = outcome { return error.name }
    return nil
}

@Suite struct InterruptTests {
    @Test func anEndlessLoopStopsSoonAfterTheRequestAndKeepsTheVariables() throws {
        let interpreter = Interpreter()
        let context = InterruptibleContext()
        #expect(interpreter.execute("let before = 41\nvar counter = 0", context: context) == .ok(nil))
        let requestedAt = Mutex<Double>(0)
        let thread = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            requestedAt.withLock { $0 = Runtime.now() }
            context.requested.store(true, ordering: .releasing)
        }
        thread.start()
        let outcome = interpreter.execute("while true {\n  counter += 1\n}", context: context)
        let stoppedAt = Runtime.now()
        let delay = stoppedAt - requestedAt.withLock { $0 }
        guard case .error(let error) = outcome else {
            Issue.record("the loop ended without an error: \(outcome)")
            return
        }
        #expect(error.name == "KeyboardInterrupt")
        // The loop checks at every iteration, so it stops within microseconds; the bound is loose
        // because a loaded test machine may not schedule this thread for a while. The latency
        // itself is measured by the kernel benchmark.
        #expect(delay >= 0 && delay < 1, "stopped \(delay) s after the request")

        context.requested.store(false, ordering: .releasing)
        let after = interpreter.execute("before + 1", context: context)
        #expect(plainResult(after) == "42")
        // The loop ran, and what it did before the interrupt is kept.
        let counted = interpreter.execute("counter > 0", context: context)
        #expect(plainResult(counted) == "true")
    }

    @Test func anEmptyEndlessLoopStopsToo() {
        let interpreter = Interpreter()
        let context = InterruptibleContext()
        let thread = Thread {
            Thread.sleep(forTimeInterval: 0.2)
            context.requested.store(true, ordering: .releasing)
        }
        thread.start()
        let started = Runtime.now()
        let outcome = interpreter.execute("while true {}", context: context)
        #expect(errorKind(outcome) == "KeyboardInterrupt")
        #expect(Runtime.now() - started < 0.3 + 1)
    }

    @Test func recursionAndLongForLoopsStopToo() {
        for code in ["for i in 0..<1_000_000_000 { }", "func f(n) { f(n) + 1 }\nwhile true { f(0) }",
                     "var xs = [1]\nwhile true { xs = xs.map { x in x + 1 } }"] {
            let interpreter = Interpreter()
            let context = InterruptibleContext()
            let thread = Thread {
                Thread.sleep(forTimeInterval: 0.1)
                context.requested.store(true, ordering: .releasing)
            }
            thread.start()
            let started = Runtime.now()
            let outcome = interpreter.execute(code, context: context)
            let name = errorKind(outcome)
            #expect(name == "KeyboardInterrupt" || name == "RecursionError", "\(code): \(outcome)")
            #expect(Runtime.now() - started < 5, "\(code)")
        }
    }
}

@Suite struct StateTests {
    @Test func stateLivesAcrossCells() {
        let interpreter = Interpreter()
        let outcomes = runCells(interpreter, "var total = 1", "func add(n) { total += n }", "add(2)\nadd(3)", "total")
        #expect(plainResult(outcomes[3]) == "6")
    }

    @Test func errorsNeverLoseVariables() {
        let interpreter = Interpreter()
        let outcomes = runCells(
            interpreter,
            "let a = 1\nvar b = [1]",
            "b.append(2)\nlet c = 3\nundefinedName",  // NameError after bindings in the same cell
            "let d = (",  // SyntaxError: nothing of the cell runs
            "func boom() { return 1 + \"x\" * 2 }\nlet e = 5\nboom()",  // TypeError inside a call
            "func deep(n) { deep(n + 1) }\ndeep(0)",  // RecursionError
            "b[10]",  // ValueError
            "(a, b, c, e)")
        #expect(errorKind(outcomes[1]) == "NameError")
        #expect(errorKind(outcomes[2]) == "SyntaxError")
        #expect(errorKind(outcomes[3]) == "TypeError")
        #expect(errorKind(outcomes[4]) == "RecursionError")
        #expect(errorKind(outcomes[5]) == "ValueError")
        #expect(plainResult(outcomes[6]) == "(1, [1, 2], 3, 5)")
        #expect(plainResult(runCells(interpreter, "d")[0]) == nil)
    }

    @Test func aSyntaxErrorRunsNothingOfItsCell() {
        let interpreter = Interpreter()
        let outcomes = runCells(interpreter, "var n = 1", "n = 2\nlet x = (", "n")
        #expect(plainResult(outcomes[2]) == "1")
    }

    @Test func errorsPointAtTheirPlace() throws {
        let interpreter = Interpreter()
        let outcomes = runCells(interpreter, "let xs = [1, 2]\nlet y = xs[5] + 1")
        guard case .error(let error) = outcomes[0] else {
            Issue.record("no error")
            return
        }
        let lines = error.traceback.map(stripANSI)
        #expect(lines[0] == "ValueError: index 5 is out of range for 2 items (valid: 0..<2)")
        #expect(lines[1] == " --> cell 1, line 2")
        #expect(lines[3] == "2 | let y = xs[5] + 1")
        #expect(lines[4] == "  |         ^^^^^")
        // The traceback is coloured; evalue is plain.
        #expect(error.traceback[0].contains("\u{1B}["))
        #expect(!error.value.contains("\u{1B}"))
    }

    @Test func resetForgetsEverything() {
        let interpreter = Interpreter()
        let outcomes = runCells(interpreter, "let a = 1", "%reset", "a")
        #expect(errorKind(outcomes[2]) == "NameError")
    }

    @Test func timeReportsAWallTime() {
        let interpreter = Interpreter()
        let context = TranscriptContext()
        let outcome = interpreter.execute("%time\nvar s = 0\nfor i in 0..<100 { s += i }\ns", context: context)
        #expect(plainResult(outcome) == "4950")
        #expect(context.text.hasPrefix("Wall time: "))
        #expect(context.text.hasSuffix(" ms\n") || context.text.hasSuffix(" µs\n") || context.text.hasSuffix(" s\n"))
    }

    @Test func evaluateGivesAnExpressionsValueWithoutOutput() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let x = 20")
        #expect(plainResult(interpreter.evaluate("x * 2 + 2")) == "42")
        #expect(errorKind(interpreter.evaluate("print(1)\nx")) == "SyntaxError")
        #expect(errorKind(interpreter.evaluate("nope")) == "NameError")
    }
}

@Suite struct CompletionTests {
    func complete(_ interpreter: Interpreter, _ code: String, cursor: Int? = nil) -> Completion {
        interpreter.complete(code, cursor: cursor ?? code.unicodeScalars.count)
    }

    @Test func builtinsAndKeywords() {
        let interpreter = Interpreter()
        let completion = complete(interpreter, "pri")
        #expect(completion.matches.contains("print"))
        #expect(completion.cursorStart == 0)
        #expect(completion.cursorEnd == 3)
        #expect(complete(interpreter, "whi").matches.contains("while"))
        #expect(complete(interpreter, "le").matches.contains("len"))
        #expect(complete(interpreter, "le").matches.contains("let"))
    }

    @Test func variables() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let learningRate = 0.1\nlet learner = 2")
        let completion = complete(interpreter, "let y = 2 * lea")
        #expect(completion.matches.contains("learningRate"))
        #expect(completion.matches.contains("learner"))
        #expect(completion.cursorStart == 12)
        #expect(completion.cursorEnd == 15)
    }

    @Test func aCursorInTheMiddleOfTheCode() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let alpha = 1")
        // Completing `al|pha + 1` with the cursor after "al".
        let completion = complete(interpreter, "al + 1", cursor: 2)
        #expect(completion.matches.contains("alpha"))
        #expect(completion.cursorStart == 0)
        #expect(completion.cursorEnd == 2)
    }

    @Test func membersAfterADot() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let xs = [1, 2]\nlet word = \"hi\"\nlet pair = (1, 2)")
        let completion = complete(interpreter, "xs.")
        #expect(completion.matches.contains("append"))
        #expect(completion.matches.contains("count"))
        #expect(!completion.matches.contains("print"))
        #expect(completion.cursorStart == 3)
        #expect(completion.cursorEnd == 3)
        let filtered = complete(interpreter, "print(xs.ma")
        #expect(filtered.matches == ["map", "max"])
        #expect(filtered.cursorStart == 9)
        #expect(filtered.cursorEnd == 11)
        #expect(complete(interpreter, "word.up").matches == ["uppercased"])
        #expect(complete(interpreter, "pair.").matches.contains("0"))
        // Nothing is known after a dot on an unknown name.
        #expect(complete(interpreter, "nothing.").matches.isEmpty)
    }

    @Test func argumentLabelsInsideACall() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "func area(width, height = 1) { width * height }")
        let labels = complete(interpreter, "print(1, sep")
        #expect(labels.matches.first == "separator: ")
        #expect(labels.cursorStart == 9)
        #expect(labels.cursorEnd == 12)
        let user = complete(interpreter, "area(2, he")
        #expect(user.matches.first == "height: ")
        // Inside a nested call, the inner call's labels.
        let nested = complete(interpreter, "area(range(0, 5, st")
        #expect(nested.matches.prefix(2).contains("step: "))
        #expect(!nested.matches.contains("height: "))
        // After a closed call, no labels.
        #expect(!complete(interpreter, "area(2) + he").matches.contains("height: "))
    }

    @Test func completionTypesAreReported() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let printed = 1")
        let completion = complete(interpreter, "print")
        guard case .array(let types)? = completion.metadata["_jupyter_types_experimental"] else {
            Issue.record("no types")
            return
        }
        #expect(types.count == completion.matches.count)
        let kinds = Dictionary(uniqueKeysWithValues: types.compactMap { item -> (String, String)? in
            guard case .string(let text)? = item["text"], case .string(let type)? = item["type"] else { return nil }
            return (text, type)
        })
        #expect(kinds["print"] == "function")
        #expect(kinds["printed"] == "instance")
    }
}

@Suite struct InspectionTests {
    func inspect(_ interpreter: Interpreter, _ code: String, cursor: Int? = nil) -> String? {
        guard let bundle = interpreter.inspect(code, cursor: cursor ?? code.unicodeScalars.count, detailLevel: 0),
            case .string(let text)? = bundle.data["text/plain"]
        else { return nil }
        return text
    }

    @Test func aBuiltinsSignatureAndDoc() throws {
        let interpreter = Interpreter()
        let text = try #require(inspect(interpreter, "print"))
        #expect(text.hasPrefix("print(_ items..., separator: \" \", terminator: \"\\n\")"))
        #expect(text.contains("stdout") || text.contains("Writes") || text.count > 40)
        // Just after `(`, the function before it.
        let open = try #require(inspect(interpreter, "range("))
        #expect(open.hasPrefix("range("))
        // The cursor inside the name.
        let inside = try #require(inspect(interpreter, "len(xs)", cursor: 1))
        #expect(inside.hasPrefix("len("))
    }

    @Test func aVariablesKindAndValue() throws {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let xs = [1, 2, 3]\nlet rate = 0.5\nfunc f(a, b = 2) { a }")
        let array = try #require(inspect(interpreter, "xs"))
        #expect(array.hasPrefix("xs: Array"))
        #expect(array.contains("[1, 2, 3]"))
        let number = try #require(inspect(interpreter, "rate"))
        #expect(number.hasPrefix("rate: Float"))
        let function = try #require(inspect(interpreter, "f"))
        #expect(function.contains("func f(a, b = 2)"))
    }

    @Test func aTensorsShapeDtypeAndElements() throws {
        let interpreter = Interpreter()
        // Bound directly: the tensor builtins live in their own file.
        let tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], dtype: .float32)
        tensor.requiresGrad = true
        interpreter.globals.names["w"] = Binding(value: .tensor(tensor), mutable: false)
        let text = try #require(inspect(interpreter, "w"))
        #expect(text.hasPrefix("w: Tensor"))
        #expect(text.contains("shape: [2, 3]"))
        #expect(text.contains("dtype: float32"))
        #expect(text.contains("elements: 6"))
        #expect(text.contains("requiresGrad: true"))
        // %who shows its shape and count too.
        let context = TranscriptContext()
        context.record(interpreter.execute("%who", context: context))
        #expect(context.text.contains("w     Tensor  [2, 3]  6") || context.text.contains("[2, 3]"), "\(context.text)")
    }

    @Test func membersAndKeywords() throws {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let xs = [1, 2, 3]")
        let method = try #require(inspect(interpreter, "xs.map"))
        #expect(method.hasPrefix("Array.map("))
        let property = try #require(inspect(interpreter, "xs.count"))
        #expect(property.hasPrefix("Array.count"))
        #expect(property.contains("3"))
        #expect(try #require(inspect(interpreter, "while")).contains("keyword"))
        #expect(inspect(interpreter, "unknownThing") == nil)
        #expect(inspect(interpreter, "   ") == nil)
    }
}

@Suite struct CompletenessTests {
    let interpreter = Interpreter()

    @Test(arguments: [
        "1 + 2", "let x = 3", "print(\"hi\")", "for i in 0..<3 {\n  print(i)\n}", "", "   \n", "%who",
        "%time", "func f(a) { a }", "[1,\n 2]", "// just a comment", "/* closed */",
    ])
    func complete(_ code: String) {
        #expect(interpreter.isComplete(code) == .complete, "\(code)")
    }

    @Test(arguments: [
        ("for i in 0..<3 {", 1), ("print(1,", 1), ("let x = [", 1), ("f(g(", 2), ("if a {\n  if b {", 2),
        ("let y = 1 +", 1), ("/* still open", 1), ("func f(a) {\n  return a", 1), ("xs.map { x in", 1),
    ])
    func incomplete(_ code: String, depth: Int) {
        #expect(interpreter.isComplete(code) == .incomplete(indent: String(repeating: "    ", count: depth)), "\(code)")
    }

    @Test(arguments: [
        "let = 3", ")", "(]", "1 2", "\"unterminated", "let x = 'a'", "let 5 = x", "}", "else { }", "1 + * 2",
    ])
    func invalid(_ code: String) {
        #expect(interpreter.isComplete(code) == .invalid, "\(code)")
    }
}

/// Inputs no learner writes, but a paste or a generator might: each ends with a result or an
/// error through every hook, never a crash.
@Suite struct HostileInputTests {
    static let inputs: [String] = [
        String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
        String(repeating: "[", count: 5000),
        String(repeating: "-", count: 5000) + "1",
        String(repeating: "!", count: 5000) + "true",
        "1" + String(repeating: " + 1", count: 5000),
        "x" + String(repeating: ".a", count: 5000),
        "print" + String(repeating: "(1)", count: 5000),
        "if true {} " + String(repeating: "else if true {} ", count: 3000),
        String(repeating: "if true { ", count: 3000) + String(repeating: "}", count: 3000),
        String(repeating: "{ ", count: 3000),
        String(repeating: "/*", count: 5000),
        "let " + String(repeating: "(", count: 3000) + "a" + String(repeating: ")", count: 3000) + " = 1",
        "let x: " + String(repeating: "[", count: 3000) + "Int" + String(repeating: "]", count: 3000) + " = 1",
        "\"" + String(repeating: "\\(", count: 300) + "1" + String(repeating: ")", count: 300) + "\"",
        "\"\\(\"\\(\"\\(\"\\(1)\")\")\")\"",
        String(repeating: "x = 1; ", count: 5000),
        String(repeating: "\n", count: 10000) + "nope",
        "\u{0}\u{1}\u{7F}",
        "let é = 1\né + 1",
        "\u{1F600}",
        "x\u{301}",
    ]

    @Test(arguments: 0..<HostileInputTests.inputs.count)
    func endsWithAResultOrAnError(_ index: Int) {
        let code = HostileInputTests.inputs[index]
        let interpreter = Interpreter()
        let started = Runtime.now()
        let outcome = interpreter.execute(code, context: TranscriptContext())
        if case .error(let error) = outcome { #expect(!error.value.isEmpty) }
        _ = interpreter.isComplete(code)
        let end = code.unicodeScalars.count
        for cursor in [0, end / 2, end] {
            let completion = interpreter.complete(code, cursor: cursor)
            #expect(completion.cursorStart <= completion.cursorEnd)
            _ = interpreter.inspect(code, cursor: cursor, detailLevel: 0)
        }
        #expect(Runtime.now() - started < 10, "input \(index) is slow")
    }

    @Test func nestingWithinTheLimitsRuns() {
        let interpreter = Interpreter()
        let parens = String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)
        #expect(plainResult(interpreter.execute(parens, context: TranscriptContext())) == "1")
        let sum = "0" + String(repeating: " + 1", count: 1500)
        #expect(plainResult(interpreter.execute(sum, context: TranscriptContext())) == "1500")
        let blocks = "var n = 0\n" + String(repeating: "if true { ", count: 30) + "n = 1" + String(repeating: " }", count: 30) + "\nn"
        #expect(plainResult(interpreter.execute(blocks, context: TranscriptContext())) == "1")
    }
}
