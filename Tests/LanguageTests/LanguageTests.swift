import Kernel
import Testing

@testable import Language

/// Records what a cell publishes, answering input with a fixed line.
final class RecordingContext: ExecutionContext {
    var events: [String] = []
    var interrupt = false

    func write(_ text: String, to stream: OutputStream) { events.append("\(stream.rawValue):\(text)") }
    func display(_ bundle: MimeBundle, id: String?) {
        events.append("display[\(id ?? "")]:\(bundle.data["text/plain"]?.stringValue ?? "")")
    }
    func updateDisplay(_ bundle: MimeBundle, id: String) {
        events.append("update[\(id)]:\(bundle.data["text/plain"]?.stringValue ?? "")")
    }
    func clearOutput(wait: Bool) { events.append("clear") }
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        events.append("input:\(prompt)")
        return "typed"
    }
    var isInterruptRequested: Bool { interrupt }
}

@Suite struct InterimLanguageTests {
    let interpreter = Interpreter()

    func run(_ code: String, _ context: RecordingContext = RecordingContext()) -> ExecutionOutcome {
        interpreter.execute(code, context: context)
    }

    @Test(arguments: [
        ("1 + 2 * 3", "7"), ("(1 + 2) * 3", "9"), ("10 / 4", "2.5"), ("-2 * -3", "6"), ("8 - 2 - 1", "5"),
        ("\"ab\" + \"cd\"", "abcd"), ("1_000 * 2", "2000"), ("1.5e2", "150"), ("let a = 2\na * a", "4"),
    ])
    func evaluatesExpressions(_ code: String, _ expected: String) {
        #expect(run(code) == .ok(.plainText(expected)))
    }

    @Test func keepsVariablesAcrossCellsAndGuardsConstants() {
        #expect(run("var n = 1\nlet k = 10") == .ok(nil))
        #expect(run("n = n + k\nn") == .ok(.plainText("11")))
        guard case .error(let error) = run("k = 2") else {
            Issue.record("assigning a let must fail")
            return
        }
        #expect(error.name == "TypeError")
    }

    @Test func trailingSemicolonHidesTheValue() {
        #expect(run("1 + 1;") == .ok(nil))
        #expect(run("1; 2") == .ok(.plainText("2")))
    }

    @Test func publishesThroughTheContext() {
        let context = RecordingContext()
        _ = run(
            "print(\"a\", 1)\neprint(\"b\")\ndisplay(3, id: \"d\")\nupdateDisplay(4, id: \"d\")\nclearOutput()\nprint(input(\"? \"))",
            context)
        #expect(
            context.events == [
                "stdout:a 1\n", "stderr:b\n", "display[d]:3", "update[d]:4", "clear", "input:? ", "stdout:typed\n",
            ])
    }

    @Test func reportsErrorsWithTheirKind() {
        for (code, name) in [
            ("nope", "NameError"), ("1 +", "SyntaxError"), ("1 / 0", "ZeroDivisionError"), ("1 + \"a\"", "TypeError"),
            ("frobnicate(1)", "NameError"), ("\"open", "SyntaxError"), ("1 $ 2", "SyntaxError"), ("let", "SyntaxError"),
            ("let 5 = 1", "SyntaxError"), ("var x 1", "SyntaxError"),
        ] {
            guard case .error(let error) = run(code) else {
                Issue.record("\(code) must fail")
                continue
            }
            #expect(error.name == name, "\(code)")
            #expect(error.traceback.last == "\(name): \(error.value)")
        }
    }

    @Test func reportsDeepNestingInsteadOfOverflowingTheStack() {
        for code in [String(repeating: "(", count: 100_000) + "1", String(repeating: "-", count: 100_000) + "1"] {
            guard case .error(let error) = run(code) else {
                Issue.record("must fail")
                continue
            }
            #expect(error.name == "SyntaxError" && error.value == "expression nested too deeply")
        }
        #expect(
            run(String(repeating: "(", count: 50) + "1" + String(repeating: ")", count: 50)) == .ok(.plainText("1")))
    }

    @Test func pointsAtTheErrorInItsLine() {
        guard case .error(let error) = run("let a = 1\nlet b = a + missing") else {
            Issue.record("must fail")
            return
        }
        #expect(
            error.traceback == [
                "line 2: let b = a + missing", "                    ^", "NameError: name 'missing' is not defined",
            ])
    }

    @Test func sleepStopsWhenInterrupted() {
        let context = RecordingContext()
        context.interrupt = true
        #expect(run("sleep(1000)\nprint(1)", context) == .error(.keyboardInterrupt))
        #expect(context.events.isEmpty)
    }

    @Test func completesInspectsAndJudgesCompleteness() {
        _ = run("let learningRate = 1")
        let completion = interpreter.complete("print(lea", cursor: 9)
        #expect(completion == Completion(matches: ["learningRate"], cursorStart: 6, cursorEnd: 9))
        #expect(interpreter.complete("", cursor: 0).matches.contains("print"))
        #expect(
            interpreter.inspect("learningRate", cursor: 2, detailLevel: 0) == .plainText("let learningRate: Number = 1")
        )
        #expect(
            interpreter.inspect("sleep(1)", cursor: 5, detailLevel: 0)?.data["text/plain"]?.stringValue?.hasPrefix(
                "sleep(") == true)
        #expect(interpreter.inspect("unknown", cursor: 1, detailLevel: 0) == nil)
        #expect(interpreter.isComplete("print(1") == .incomplete(indent: "    "))
        #expect(interpreter.isComplete("1 +") == .incomplete(indent: ""))
        #expect(interpreter.isComplete("print(1))") == .invalid)
        #expect(interpreter.isComplete("print(1)") == .complete)
    }

    @Test func evaluatesUserExpressionsQuietly() {
        _ = run("let base = 4")
        #expect(interpreter.evaluate("base * 2") == .ok(.plainText("8")))
        guard case .error(let error) = interpreter.evaluate("print(1) print(2)") else {
            Issue.record("must fail")
            return
        }
        #expect(error.name == "SyntaxError")
    }
}
