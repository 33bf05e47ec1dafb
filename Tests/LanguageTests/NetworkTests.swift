import Kernel
import Testing

@testable import Language

/// Training runs as the kernel drives them: interrupts between batches and the live display.
@Suite struct NetworkTests {
    /// A front end that records what a cell shows, and asks to interrupt once the running
    /// program has checked for an interrupt `interruptAfter` times.
    final class RecordingContext: ExecutionContext {
        var interruptAfter: Int?
        var checks = 0
        var displays: [(id: String?, text: String)] = []
        var updates: [(id: String, text: String)] = []

        init(interruptAfter: Int? = nil) { self.interruptAfter = interruptAfter }

        func write(_ text: String, to stream: OutputStream) {}
        func display(_ bundle: MimeBundle, id: String?) { displays.append((id, plain(bundle))) }
        func updateDisplay(_ bundle: MimeBundle, id: String) { updates.append((id, plain(bundle))) }
        func clearOutput(wait: Bool) {}
        func input(prompt: String, password: Bool) throws(ExecutionError) -> String { "" }
        var isInterruptRequested: Bool {
            checks += 1
            guard let interruptAfter else { return false }
            return checks > interruptAfter
        }

        func plain(_ bundle: MimeBundle) -> String {
            if case .string(let text) = bundle.data["text/plain"] { return text }
            return ""
        }
    }

    static let setup = """
        let (x, y) = dataset("moons", n: 200, seed: 1)
        let model = Sequential([Dense(2, 8, activation: "relu", seed: 1), Dense(8, 2, seed: 2)])
        let run = Trainer(model, loss: crossEntropy, optimizer: Adam(model, lr: 0.01), data: (x, y),
                          validation: 0.2, batchSize: 16, metrics: [accuracy], seed: 3)
        """

    func value(_ interpreter: Interpreter, _ code: String) -> String {
        let context = RecordingContext()
        guard case .ok(let bundle?) = interpreter.execute(code, context: context) else { return "" }
        return context.plain(bundle)
    }

    @Test func anInterruptStopsFitBetweenBatchesAndKeepsTheRun() {
        let interpreter = Interpreter()
        _ = interpreter.execute(Self.setup, context: RecordingContext())
        let context = RecordingContext(interruptAfter: 30)
        let outcome = interpreter.execute("run.fit(epochs: 1000, live: false)\nprint(\"not reached\")", context: context)
        guard case .error(let error) = outcome else {
            Issue.record("fit was not interrupted")
            return
        }
        #expect(error.name == "KeyboardInterrupt")
        #expect(error.value.contains("training stopped after step"))
        let steps = Int(value(interpreter, "run.history.stepLosses.count")) ?? -1
        #expect(steps > 0 && steps < 1000 * 10)
        // The run goes on from where it stopped.
        let before = Int(value(interpreter, "run.epochs")) ?? -1
        #expect(value(interpreter, "run.fit(epochs: 2, live: false)\nrun.epochs") == String(before + 2))
    }

    @Test func liveFitShowsOneOutputAndUpdatesItInPlace() {
        let interpreter = Interpreter()
        _ = interpreter.execute(Self.setup, context: RecordingContext())
        let context = RecordingContext()
        let outcome = interpreter.execute("run.fit(epochs: 3)", context: context)
        guard case .ok(nil) = outcome else {
            Issue.record("fit failed or returned a value: \(outcome)")
            return
        }
        #expect(context.displays.count == 1)
        let id = context.displays.first?.id
        #expect(id != nil)
        #expect(!context.updates.isEmpty)
        #expect(context.updates.allSatisfy { $0.id == id })
        #expect(context.updates.last?.text.contains("done: 3/3 epochs") == true)
        // A second fit is a new output.
        let again = RecordingContext()
        _ = interpreter.execute("run.fit(epochs: 1)", context: again)
        #expect(again.displays.count == 1 && again.displays.first?.id != id)
    }

    @Test func unseededLayersFollowTheSessionSeed() {
        func weights(_ seed: Int) -> String {
            let interpreter = Interpreter()
            return value(interpreter, "%seed \(seed)\nDense(2, 2).weight")
        }
        #expect(weights(1) == weights(1))
        #expect(weights(1) != weights(2))
    }
}
