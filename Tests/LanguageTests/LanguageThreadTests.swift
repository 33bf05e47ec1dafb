import Foundation
import Kernel
import Synchronization
import Testing

@testable import Language

/// The calling thread, to compare.
private func currentThread() -> pthread_t { pthread_self() }

/// Records the thread each call of the builtin `threadMark()` runs on.
private final class ThreadMarks: @unchecked Sendable {
    let marks = Mutex<[pthread_t]>([])

    init(in interpreter: Interpreter) {
        interpreter.library.add("threadMark", doc: "test only", example: "") { [self] _ in
            let me = pthread_self()
            marks.withLock { $0.append(me) }
            return .void
        }
    }

    var all: [pthread_t] { marks.withLock { $0 } }
}

/// A front end whose comm messages wait until the cell reaches a safe point, as the kernel's
/// do: `processPendingEvents` applies them there, on the thread that runs it.
private final class SafePointFrontEnd: ExecutionContext, CommSender {
    var stdout = ""
    var opened: [(id: String, model: String)] = []
    var queued: [CommMessage] = []
    var handler: (any CommHandler)?
    var safePointThreads: [pthread_t] = []

    func write(_ text: String, to stream: Kernel.OutputStream) { stdout += text }
    func display(_ bundle: MimeBundle, id: String?) {}
    func updateDisplay(_ bundle: MimeBundle, id: String) {}
    func clearOutput(wait: Bool) {}
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String { "" }
    var isInterruptRequested: Bool { false }
    var comms: (any CommSender)? { self }

    func openComm(id: String, target: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) {
        opened.append((id, data["state"]?["_model_name"]?.stringValue ?? ""))
    }
    func sendComm(id: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) {}
    func closeComm(id: String, data: JSON) {}

    func processPendingEvents() {
        safePointThreads.append(pthread_self())
        while !queued.isEmpty {
            handler?.commMessage(queued.removeFirst(), context: self)
        }
    }
}

@Suite struct LanguageThreadTests {
    @Test func everyCellAndCallbackRunsOnTheSameLanguageThread() throws {
        let interpreter = Interpreter()
        let marks = ThreadMarks(in: interpreter)
        let front = SafePointFrontEnd()
        front.handler = interpreter.commHandler
        #expect(interpreter.execute("threadMark()", context: front) == .ok(nil))
        #expect(interpreter.execute("let s = slider(0...10, value: 0)\ns.onChange { v in threadMark() }\nthreadMark()", context: front) == .ok(nil))
        let slider = try #require(front.opened.first { $0.model == "IntSliderModel" })
        // Between cells, as the shell thread applies a comm message.
        interpreter.commHandler!.commMessage(
            CommMessage(commID: slider.id, data: ["method": "update", "state": ["value": 3]]), context: front)
        #expect(interpreter.execute("threadMark()", context: front) == .ok(nil))
        _ = interpreter.evaluate("threadMark()")

        let threads = marks.all
        #expect(threads.count == 5)
        let first = try #require(threads.first)
        #expect(threads.allSatisfy { pthread_equal($0, first) != 0 })
        #expect(pthread_equal(first, currentThread()) == 0)
    }

    @Test func aSafePointHandsTheSocketWorkBackAndTheCallbackComesBackToTheLanguageThread() throws {
        let interpreter = Interpreter()
        let marks = ThreadMarks(in: interpreter)
        let front = SafePointFrontEnd()
        front.handler = interpreter.commHandler
        #expect(
            interpreter.execute(
                "var seen = []\nlet s = slider(0...100, value: 0)\ns.onChange { v in\n  threadMark()\n  seen.append(v)\n}",
                context: front) == .ok(nil))
        let slider = try #require(front.opened.first { $0.model == "IntSliderModel" })
        for value in 1...20 {
            front.queued.append(CommMessage(commID: slider.id, data: ["method": "update", "state": ["value": .int(value)]]))
        }
        // A loop reaches safe points; the messages are applied at the first one that looks.
        let outcome = interpreter.execute(
            "threadMark()\nvar turns = 0\nwhile seen.count < 20 && turns < 100000000 {\n  turns += 1\n}\nseen", context: front)
        #expect(plainResult(outcome) == "[" + (1...20).map(String.init).joined(separator: ", ") + "]")
        // The socket work ran on the thread waiting for the cell (this one); the callbacks and
        // the cell on the language thread.
        #expect(!front.safePointThreads.isEmpty)
        #expect(front.safePointThreads.allSatisfy { pthread_equal($0, currentThread()) != 0 })
        let threads = marks.all
        #expect(threads.count == 21)
        #expect(threads.allSatisfy { pthread_equal($0, threads[0]) != 0 && pthread_equal($0, currentThread()) == 0 })
    }

    @Test func deepRecursionWorksInACellAndInACallback() throws {
        let interpreter = Interpreter()
        let front = SafePointFrontEnd()
        front.handler = interpreter.commHandler
        // Near the language's limit of nested calls, on the language thread's large stack.
        let depth = interpreter.evaluator.maxCallDepth - 5
        let define = "func down(_ n) {\n  if n == 0 { return 0 }\n  return 1 + down(n - 1)\n}\nvar reached = 0"
        #expect(interpreter.execute(define, context: front) == .ok(nil))
        #expect(plainResult(interpreter.execute("down(\(depth))", context: front)) == "\(depth)")
        #expect(
            interpreter.execute(
                "let s = slider(0...100000, value: 0)\ns.onChange { v in reached = down(v) }", context: front) == .ok(nil))
        let slider = try #require(front.opened.first { $0.model == "IntSliderModel" })
        interpreter.commHandler!.commMessage(
            CommMessage(commID: slider.id, data: ["method": "update", "state": ["value": .int(depth)]]), context: front)
        #expect(plainResult(interpreter.execute("reached", context: front)) == "\(depth)")
        // Past the limit, a RecursionError, and the session goes on.
        #expect(errorKind(interpreter.execute("down(\(depth + 100))", context: front)) == "RecursionError")
        #expect(plainResult(interpreter.execute("down(3)", context: front)) == "3")
    }

    @Test func aCellOnTheLanguageThreadIsNotHandedOverAgain() {
        let thread = LanguageThread()
        let outer = thread.run { pthread_self() }
        let inner = thread.run { thread.run { pthread_self() } }
        #expect(pthread_equal(outer, inner) != 0)
        // Work handed back to the waiter, which hands more to the language thread.
        let me = pthread_self()
        var order: [String] = []
        let (waiter, again) = thread.run { () -> (pthread_t, pthread_t) in
            order.append("worker")
            var waiter = pthread_self()
            var again = pthread_self()
            thread.runOnWaiter {
                order.append("waiter")
                waiter = pthread_self()
                again = thread.run {
                    order.append("worker again")
                    return pthread_self()
                }
            }
            order.append("worker resumes")
            return (waiter, again)
        }
        #expect(pthread_equal(waiter, me) != 0)
        #expect(pthread_equal(again, outer) != 0)
        #expect(order == ["worker", "waiter", "worker again", "worker resumes"])
        // Off the language thread, handing back runs at once.
        var ran = false
        thread.runOnWaiter { ran = true }
        #expect(ran)
    }

    @Test func sleepEndsWithKeyboardInterruptWhenInterruptedAndTheSessionGoesOn() {
        let interpreter = Interpreter()
        let context = InterruptibleContext()
        #expect(interpreter.execute("let kept = 7", context: context) == .ok(nil))
        let thread = Thread {
            Thread.sleep(forTimeInterval: 0.2)
            context.requested.store(true, ordering: .releasing)
        }
        thread.start()
        let outcome = interpreter.execute("sleep(600)\nlet after = 1", context: context)
        #expect(errorKind(outcome) == "KeyboardInterrupt")
        context.requested.store(false, ordering: .releasing)
        #expect(plainResult(interpreter.execute("kept + 1", context: context)) == "8")
        #expect(errorKind(interpreter.execute("after", context: context)) == "NameError")
        // A short sleep still waits and returns.
        #expect(interpreter.execute("sleep(0.01)", context: context) == .ok(nil))
    }
}
