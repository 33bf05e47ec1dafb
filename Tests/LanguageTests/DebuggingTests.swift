import Foundation
import Kernel
import Synchronization
import Testing

@testable import Language

/// A debugger session attached to an interpreter, with the events it published.
final class DebugHarness: @unchecked Sendable {
    /// The events a session published, in order.
    final class EventLog: @unchecked Sendable {
        let entries = Mutex<[(name: String, body: JSON)]>([])
    }

    let interpreter = Interpreter()
    let log = EventLog()
    let session: DebugSession
    let outcome = Mutex<ExecutionOutcome?>(nil)

    init() {
        let log = log
        session = DebugSession(hashSeed: 0xC0FFEE, tmpFilePrefix: "/cells/") { name, body in
            log.entries.withLock { $0.append((name, body)) }
        }
        interpreter.debugger.prepare(session)
        interpreter.debugger.attach(session)
    }

    /// Runs a cell on its own thread, as the shell thread would, without waiting for it.
    func start(_ code: String) {
        Thread { [self] in
            let result = interpreter.execute(code, context: TranscriptContext())
            outcome.withLock { $0 = result }
        }.start()
    }

    /// Waits until the cell stops for the `count`-th time; the stop's reason.
    func waitForStop(_ count: Int) -> String? {
        for _ in 0..<2000 {
            let stops = log.entries.withLock { $0.filter { $0.name == "stopped" } }
            if stops.count >= count && session.isStopped { return stops[count - 1].body["reason"]?.stringValue }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    func waitForOutcome() -> ExecutionOutcome? {
        for _ in 0..<2000 {
            if let done = outcome.withLock({ $0 }) { return done }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    func frames() -> [DebugFrame] {
        guard case .success(.frames(let frames))? = session.ask(.stackTrace) else { return [] }
        return frames
    }

    /// The variables of a frame's scope ("Locals" or "Globals") by name.
    func variables(frame: Int, scope: String) -> [String: DebugVariable] {
        guard case .success(.scopes(let scopes))? = session.ask(.scopes(frame: frame)),
            let reference = scopes.first(where: { $0.name == scope })?.reference,
            case .success(.variables(let variables))? = session.ask(.variables(reference: reference))
        else { return [:] }
        return Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) })
    }
}

@Suite struct DebuggingTests {
    let cell = """
        func square(_ x) {
            let y = x * x
            return y
        }
        var w = tensor([[0.5, 1.0], [-0.25, 2.0]], requiresGrad: true)
        var total = 0
        for i in 1..<4 {
            let s = square(i)
            total = total + s
        }
        total
        """

    @Test func stopsAtABreakpointInALoopStepsIntoAFunctionAndShowsVariables() throws {
        let harness = DebugHarness()
        let path = harness.session.path(for: cell)
        _ = harness.session.setBreakpoints([8], in: path)
        harness.start(cell)
        #expect(harness.waitForStop(1) == "breakpoint")
        var frames = harness.frames()
        #expect(frames.map(\.line) == [8])
        #expect(frames.first?.path == path)
        #expect(harness.variables(frame: 1, scope: "Locals")["i"]?.value == "1")
        let w = try #require(harness.variables(frame: 1, scope: "Globals")["w"])
        #expect(w.type == "Tensor")
        #expect(w.value == "[2, 2] float32  0.5000, 1.0000, -0.2500, 2.0000")
        guard case .success(.variables(let rows))? = harness.session.ask(.variables(reference: w.reference)) else {
            Issue.record("w does not expand")
            return
        }
        #expect(rows.map(\.name) == ["shape", "dtype", "requiresGrad", "0", "1"])
        #expect(rows[4].value.hasPrefix("[2] float32  -0.2500, 2.0000"))
        #expect(rows[4].evaluateName == "w[1]")

        harness.session.resume(.stepIn)
        #expect(harness.waitForStop(2) == "step")
        frames = harness.frames()
        #expect(frames.map(\.name) == ["square", "cell 1"])
        #expect(frames.map(\.line) == [2, 8])
        #expect(harness.session.ask(.evaluate("x * 10 + 2", frame: 1)) == .success(
            .value(DebugVariable(name: "x * 10 + 2", value: "12", type: "Int", evaluateName: "x * 10 + 2", reference: 0))))

        harness.session.resume(.next)
        #expect(harness.waitForStop(3) == "step")
        #expect(harness.frames().map(\.line) == [3, 8])
        #expect(harness.variables(frame: 1, scope: "Locals")["y"]?.value == "1")

        harness.session.resume(.stepOut)
        #expect(harness.waitForStop(4) == "step")
        #expect(harness.frames().map(\.line) == [9])

        harness.session.resume(.run)
        #expect(harness.waitForStop(5) == "breakpoint")
        #expect(harness.variables(frame: 1, scope: "Locals")["i"]?.value == "2")
        _ = harness.session.setBreakpoints([], in: path)
        harness.session.resume(.run)
        let outcome = harness.waitForOutcome()
        #expect(outcome.flatMap(plainResult) == "14")
    }

    @Test func stopsOnAnErrorWithTheErrorAndEndsTheCellWithIt() {
        let harness = DebugHarness()
        harness.session.setErrorFilters(["errors"])
        harness.start("let a = ones(2, 3)\nlet b = a @ ones(4, 5)\n")
        #expect(harness.waitForStop(1) == "exception")
        let stopped = harness.log.entries.withLock { $0.last { $0.name == "stopped" } }
        #expect(stopped?.body["text"] == "ShapeError")
        #expect(harness.frames().map(\.line) == [2])
        #expect(harness.variables(frame: 1, scope: "Globals")["a"] != nil)
        harness.session.resume(.run)
        #expect(harness.waitForOutcome().flatMap(errorKind) == "ShapeError")
        // One stop only, not one per statement the error passed through.
        #expect(harness.log.entries.withLock { $0.filter { $0.name == "stopped" }.count } == 1)
    }

    @Test func aStoppedCellAnswersRichOutputAndCopiesToGlobals() {
        let harness = DebugHarness()
        let code = "func f(_ v) {\n    let inside = v + 1\n    return inside\n}\nlet t = ones(2, 2)\nlet r = f(1)\n"
        _ = harness.session.setBreakpoints([3], in: harness.session.path(for: code))
        harness.start(code)
        #expect(harness.waitForStop(1) == "breakpoint")
        guard case .success(.rich(let bundle))? = harness.session.ask(.richInspect(name: "t", frame: 1)) else {
            Issue.record("no rich output for t")
            return
        }
        #expect(bundle.data["text/html"] != nil)
        #expect(harness.session.ask(.copyToGlobals(source: "inside", destination: "copied", frame: 1)) == .success(.done))
        harness.session.resume(.run)
        _ = harness.waitForOutcome()
        #expect(plainResult(harness.interpreter.execute("copied", context: TranscriptContext())) == "2")
        // Not stopped: the globals come from what the last cell left.
        guard case .success(.variables(let globals)) = harness.interpreter.debugger.answerWhileNotStopped(.globals) else {
            Issue.record("no globals while idle")
            return
        }
        #expect(globals.map(\.name).contains("copied"))
        #expect(harness.interpreter.debugger.answerWhileNotStopped(.evaluate("1", frame: nil)) != nil)
    }

    @Test func aLongTensorShowsItsFirstValues() throws {
        let interpreter = Interpreter()
        _ = interpreter.execute("let big = arange(0, 3000).reshape(3, 1000)", context: TranscriptContext())
        guard case .tensor(let big)? = interpreter.globals.names["big"]?.value else {
            Issue.record("no tensor")
            return
        }
        #expect(VariableTable.tensorSummary(big).hasPrefix("[3, 1000] "))
        #expect(VariableTable.tensorSummary(big).hasSuffix("  0.0000, 1.0000, 2.0000, 3.0000, 4.0000, 5.0000, …"))
    }

    @Test func withoutADebuggerCellsRunAsBefore() {
        let interpreter = Interpreter()
        #expect(!interpreter.debugger.isAttached)
        #expect(plainResult(interpreter.execute("var t = 0\nfor i in 0..<5 { t += i }\nt", context: TranscriptContext())) == "10")
    }
}
