import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Kernel

@Suite struct Murmur2Tests {
    /// The values JupyterLab 4's own `murmur2` gives for these strings and seeds.
    @Test func matchesTheReferenceHash() {
        #expect(Murmur2.hash("", seed: 0) == 0)
        #expect(Murmur2.hash("", seed: 1) == 0x5bd1_5e36)
        #expect(Murmur2.hash("a", seed: 0) == 0x9268_5f5e)
        #expect(Murmur2.hash("abc", seed: 0) == 0x1357_7c9b)
        #expect(Murmur2.hash("abcd", seed: 0) == 0x2687_3021)
        #expect(Murmur2.hash("let x = 1\nx + 1\n", seed: 0xC0FFEE) == 0x3541_9bbd)
        // Code points beyond ASCII hash as their UTF-8 bytes.
        #expect(Murmur2.hash("é", seed: 7) == 0x4afd_f89c)
    }
}

/// A language with no state, so the adapter's own dialogue can be tested alone.
final class NoLanguage: LanguageDebugging, @unchecked Sendable {
    let attachedSessions = Mutex<Int>(0)
    func prepare(_ session: DebugSession) {}
    func attach(_ session: DebugSession?) { attachedSessions.withLock { $0 += session == nil ? -1 : 1 } }
    func answerWhileNotStopped(_ query: DebugQuery) -> Result<DebugAnswer, DebugFailure> {
        query == .globals ? .success(.variables([])) : .failure(DebugFailure("not stopped"))
    }
}

@Suite struct DebugAdapterTests {
    func request(_ adapter: DebugAdapter, _ command: String, _ arguments: JSON = [:]) -> JSON {
        adapter.handle(["seq": 7, "type": "request", "command": .string(command), "arguments": arguments])
    }

    @Test func infoBreakpointsAndCellPaths() {
        let transport = RecordingTransport()
        let language = NoLanguage()
        let adapter = DebugAdapter(language: language, transport: transport, factory: MessageFactory())
        #expect(request(adapter, "debugInfo")["body"]?["isStarted"] == false)
        #expect(request(adapter, "initialize")["success"] == true)
        #expect(request(adapter, "attach")["success"] == true)
        #expect(language.attachedSessions.withLock { $0 } == 1)
        let info = request(adapter, "debugInfo")["body"]!
        #expect(info["isStarted"] == true)
        #expect(info["hashMethod"] == "Murmur2")

        let code = "let x = 1\nx + 1\n"
        let dumped = request(adapter, "dumpCell", ["code": .string(code)])
        #expect(dumped["request_seq"] == 7 && dumped["command"] == "dumpCell")
        let path = dumped["body"]?["sourcePath"]?.stringValue ?? ""
        let seed = UInt32(info["hashSeed"]!.intValue!)
        #expect(path == info["tmpFilePrefix"]!.stringValue! + String(Murmur2.hash(code, seed: seed)) + ".tc")
        #expect(request(adapter, "source", ["source": ["path": .string(path)]])["body"]?["content"] == .string(code))
        #expect(request(adapter, "source", ["source": ["path": "/elsewhere.tc"]])["success"] == false)

        let set = request(adapter, "setBreakpoints", ["source": ["path": .string(path)], "breakpoints": [["line": 2]]])
        #expect(set["body"]?["breakpoints"]?.arrayValue?.first?["line"] == 2)
        #expect(adapter.session.shouldStop(path: path, line: 2, depth: 1) == .breakpoint)
        #expect(adapter.session.shouldStop(path: path, line: 1, depth: 1) == nil)
        #expect(adapter.session.shouldStop(path: "/other.tc", line: 2, depth: 1) == nil)

        // Nothing is stopped: stepping is refused, variables come from the language.
        #expect(request(adapter, "next", ["threadId": 1])["success"] == false)
        #expect(request(adapter, "inspectVariables")["body"]?["variables"] == [])
        #expect(request(adapter, "frobnicate")["success"] == false)

        #expect(request(adapter, "disconnect")["success"] == true)
        #expect(language.attachedSessions.withLock { $0 } == 0)
        #expect(adapter.session.shouldStop(path: path, line: 2, depth: 1) == nil)
        let events = transport.take().filter { $0.message.type == "debug_event" }.map { $0.message.content["event"] }
        #expect(events == ["thread", "terminated"])
    }

    @Test func steppingDecidesByCallDepth() {
        let session = DebugSession(hashSeed: 1, tmpFilePrefix: "/t/") { _, _ in }
        session.pause()
        #expect(session.shouldStop(path: nil, line: 1, depth: 3) == .pause)
        let stopper = TestThread { _ = session.stop(.pause, depth: 2) { _ in .success(.done) } }
        stopper.start()
        while !session.isStopped {}
        #expect(session.ask(.stackTrace) == .success(.done))
        session.resume(.next)
        stopper.join()
        #expect(session.shouldStop(path: nil, line: 1, depth: 3) == nil)
        #expect(session.shouldStop(path: nil, line: 1, depth: 2) == .step)
    }
}

/// A minimal joinable thread over pthreads for the test.
final class TestThread: @unchecked Sendable {
    private let body: @Sendable () -> Void
    private var handle: pthread_t?
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    func start() { handle = startThread(body) }
    func join() { if let handle { pthread_join(handle, nil) } }
}
