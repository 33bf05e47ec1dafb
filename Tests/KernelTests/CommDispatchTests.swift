import Synchronization
import Testing

@testable import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// A language side of comms that records what reaches it and answers in ways a test can see.
final class RecordingCommHandler: CommHandler, Sendable {
    struct State {
        var open: [String: String] = [:]
        var events: [String] = []
        var idleSlicesLeft = 0
    }
    let state = Mutex(State())

    var events: [String] { state.withLock { $0.events } }

    func commOpen(_ message: CommMessage, target: String, context: any ExecutionContext) -> Bool {
        guard target == "jupyter.widget" else { return false }
        state.withLock {
            $0.open[message.commID] = target
            $0.events.append("open:\(message.commID)")
        }
        context.write("opened \(message.commID)", to: .stdout)
        return true
    }

    func commMessage(_ message: CommMessage, context: any ExecutionContext) {
        let value = message.data["value"]?.intValue ?? -1
        state.withLock { $0.events.append("msg:\(message.commID):\(value)") }
        context.write("got \(value)", to: .stdout)
        if message.data["echo"] == true {
            context.comms?.sendComm(
                id: message.commID, data: ["echoed": .int(value)], metadata: message.metadata, buffers: message.buffers)
        }
        // A callback that runs long reaches safe points of its own.
        if message.data["nest"] == true {
            context.comms?.processPendingEvents()
            state.withLock { $0.events.append("end:\(message.commID):\(value)") }
        }
    }

    func commClose(_ message: CommMessage, context: any ExecutionContext) {
        state.withLock {
            $0.open[message.commID] = nil
            $0.events.append("close:\(message.commID)")
        }
    }

    var openComms: [String: String] { state.withLock { $0.open } }

    func runIdleSlice(context: any ExecutionContext) -> Bool {
        let left = state.withLock { state -> Int in
            guard state.idleSlicesLeft > 0 else { return 0 }
            state.idleSlicesLeft -= 1
            state.events.append("slice")
            return state.idleSlicesLeft
        }
        context.write("slice", to: .stdout)
        return left > 0
    }
}

/// The scripted language, plus comm commands: `pending` (a safe point), `open:ID:TARGET`,
/// `send:ID:VALUE`, `close:ID`.
final class CommScriptInterpreter: KernelInterpreter {
    let scripted = ScriptedInterpreter()
    let handler = RecordingCommHandler()
    let ranCells = Atomic<Int>(0)

    var kernelDescription: KernelDescription { scripted.kernelDescription }
    var commHandler: (any CommHandler)? { handler }

    func execute(_ code: String, context: any ExecutionContext) -> ExecutionOutcome {
        ranCells.add(1, ordering: .relaxed)
        for line in code.split(separator: "\n") {
            let parts = line.split(separator: ":").map(String.init)
            switch parts[0] {
            case "pending": context.comms?.processPendingEvents()
            case "pending-elsewhere":
                // As the language runs a cell on a thread of its own while the shell thread waits.
                let shared = CellThreadShared(context)
                pthread_join(startThread { shared.value.comms?.processPendingEvents() }, nil)
            case "open":
                context.comms?.openComm(
                    id: parts[1], target: parts[2], data: ["state": ["value": 1]], metadata: ["version": "2.1.0"],
                    buffers: [])
            case "send":
                context.comms?.sendComm(
                    id: parts[1], data: ["value": .int(Int(parts[2]) ?? 0)], metadata: [:], buffers: [[1, 2, 3]])
            case "close": context.comms?.closeComm(id: parts[1], data: [:])
            default:
                if case .error(let error) = scripted.execute(String(line), context: context) { return .error(error) }
            }
        }
        return .ok(nil)
    }

    func evaluate(_ expression: String) -> ExecutionOutcome { scripted.evaluate(expression) }
    func complete(_ code: String, cursor: Int) -> Completion { scripted.complete(code, cursor: cursor) }
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? { nil }
    func isComplete(_ code: String) -> CodeCompleteness { .complete }
}

/// A dispatcher over the comm-speaking language; one per test.
struct CommFixture {
    let transport = RecordingTransport()
    let interpreter = CommScriptInterpreter()
    let dispatcher: Dispatcher
    let client = MessageFactory(session: "client-session", username: "tester")

    init() {
        dispatcher = Dispatcher(
            interpreter: interpreter, transport: transport, factory: MessageFactory(session: "kernel-session"))
        // Every safe point looks at the socket, so tests do not depend on the clock.
        dispatcher.shellQueue.withLock { $0.lookInterval = 0 }
    }

    func request(
        _ type: String, _ content: JSON = [:], metadata: JSON = [:], buffers: [[UInt8]] = [], subshell: String? = nil
    ) -> Message {
        var message = client.make(
            type, content: content, parent: nil, metadata: metadata, identities: [Array("client-identity".utf8)])
        if let subshell, case .object(var header) = message.header {
            header["subshell_id"] = .string(subshell)
            message.header = .object(header)
        }
        message.buffers = buffers
        return message
    }

    func commMessage(_ id: String, value: Int, extra: [String: JSON] = [:], subshell: String? = nil) -> Message {
        var data: [String: JSON] = ["value": .int(value)]
        for (key, item) in extra { data[key] = item }
        return request("comm_msg", ["comm_id": .string(id), "data": .object(data)], subshell: subshell)
    }

    func open(_ id: String) {
        #expect(
            dispatcher.handle(
                request("comm_open", ["comm_id": .string(id), "target_name": "jupyter.widget", "data": [:]]), on: .shell
            )
                == .keepRunning)
        _ = transport.take()
    }

    func run(_ message: Message, on channel: Channel = .shell) -> [(message: Message, channel: Channel)] {
        #expect(dispatcher.handle(message, on: channel) == .keepRunning)
        return transport.take()
    }

    /// Turns of the shell loop until it waits on the socket, which has nothing.
    func drainShellLoop() -> [(message: Message, channel: Channel)] {
        var waited = false
        while !waited {
            _ = dispatcher.serveShellTurn(wait: 200) { timeout in
                if timeout > 0 { waited = true }
                return nil
            }
        }
        return transport.take()
    }
}

func trace(_ sent: [(message: Message, channel: Channel)]) -> [String] {
    sent.map { "\($0.channel.rawValue):\($0.message.type)" }
}

extension DispatcherTests {
    @Test func opensACommToAServedTargetAndListsItInCommInfo() {
        let fixture = CommFixture()
        let open = fixture.request("comm_open", ["comm_id": "w-1", "target_name": "jupyter.widget", "data": [:]])
        let sent = fixture.run(open)
        #expect(trace(sent) == ["iopub:status", "iopub:stream", "iopub:status"])
        #expect(sent[1].message.parentHeader == open.header)
        #expect(fixture.interpreter.handler.openComms == ["w-1": "jupyter.widget"])

        let all = fixture.run(fixture.request("comm_info_request"))
        #expect(all[1].message.content == ["status": "ok", "comms": ["w-1": ["target_name": "jupyter.widget"]]])
        let matching = fixture.run(fixture.request("comm_info_request", ["target_name": "jupyter.widget"]))
        #expect(matching[1].message.content["comms"] == ["w-1": ["target_name": "jupyter.widget"]])
        let other = fixture.run(fixture.request("comm_info_request", ["target_name": "jupyter.widget.control"]))
        #expect(other[1].message.content == ["status": "ok", "comms": [:]])
    }

    @Test func closesACommToATargetTheLanguageRefuses() {
        let fixture = CommFixture()
        let sent = fixture.run(fixture.request("comm_open", ["comm_id": "x-1", "target_name": "no.such", "data": [:]]))
        #expect(trace(sent) == ["iopub:status", "iopub:comm_close", "iopub:status"])
        #expect(sent[1].message.content == ["comm_id": "x-1", "data": [:]])
        #expect(fixture.interpreter.handler.openComms.isEmpty)
    }

    @Test func routesCommMessagesByIdWithMetadataAndBuffers() throws {
        let fixture = CommFixture()
        fixture.open("w-1")
        let message = fixture.request(
            "comm_msg", ["comm_id": "w-1", "data": ["value": 7, "echo": true]], metadata: ["version": "2.1.0"],
            buffers: [[9, 8, 7], []])
        let sent = fixture.run(message)
        #expect(trace(sent) == ["iopub:status", "iopub:stream", "iopub:comm_msg", "iopub:status"])
        // What the callback publishes has the comm message as parent.
        #expect(sent.allSatisfy { $0.message.parentHeader == message.header })
        #expect(sent[1].message.content == ["name": "stdout", "text": "got 7"])
        let echo = sent[2].message
        #expect(echo.content == ["comm_id": "w-1", "data": ["echoed": 7]])
        #expect(echo.metadata == ["version": "2.1.0"])
        #expect(echo.buffers == [[9, 8, 7], []])
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:7"])
    }

    @Test func dropsCommMessagesForCommsThatAreNotOpen() {
        let fixture = CommFixture()
        fixture.open("w-1")
        #expect(trace(fixture.run(fixture.commMessage("ghost", value: 1))) == ["iopub:status", "iopub:status"])
        #expect(trace(fixture.run(fixture.request("comm_msg", ["data": [:]]))) == ["iopub:status", "iopub:status"])
        _ = fixture.run(fixture.request("comm_close", ["comm_id": "w-1", "data": [:]]))
        #expect(fixture.interpreter.handler.openComms.isEmpty)
        // Once closed, the comm is unknown.
        #expect(trace(fixture.run(fixture.commMessage("w-1", value: 2))) == ["iopub:status", "iopub:status"])
        #expect(fixture.interpreter.handler.events == ["open:w-1", "close:w-1"])
    }

    @Test func commsOpenedByACellGoOutOnIOPubWithTheCellAsParent() {
        let fixture = CommFixture()
        let cell = fixture.request("execute_request", ["code": "open:k-1:jupyter.widget\nsend:k-1:5\nclose:k-1"])
        let sent = fixture.run(cell)
        #expect(
            trace(sent) == [
                "iopub:status", "iopub:execute_input", "iopub:comm_open", "iopub:comm_msg", "iopub:comm_close",
                "shell:execute_reply", "iopub:status",
            ])
        #expect(sent.allSatisfy { $0.message.parentHeader == cell.header })
        #expect(
            sent[2].message.content == [
                "comm_id": "k-1", "target_name": "jupyter.widget", "data": ["state": ["value": 1]],
            ])
        #expect(sent[2].message.metadata == ["version": "2.1.0"])
        #expect(sent[3].message.buffers == [[1, 2, 3]])
        #expect(sent[4].message.content == ["comm_id": "k-1", "data": [:]])
    }

    @Test func safePointsApplyCommMessagesOnceInOrderAndKeepTheRestForAfterTheCell() throws {
        let fixture = CommFixture()
        fixture.open("w-1")
        let first = fixture.commMessage("w-1", value: 1)
        let queuedCell = fixture.request("execute_request", ["code": "out:queued cell"])
        let second = fixture.commMessage("w-1", value: 2)
        let info = fixture.request("kernel_info_request")
        let commInfo = fixture.request("comm_info_request")
        fixture.transport.queued.withLock { $0 = [first, queuedCell, second, info, commInfo] }

        let cell = fixture.request("execute_request", ["code": "out:a\npending\nout:b\npending"])
        let during = fixture.run(cell)
        #expect(
            trace(during) == [
                "iopub:status", "iopub:execute_input", "iopub:stream",
                "iopub:stream", "iopub:stream", "shell:comm_info_reply",
                "iopub:stream", "shell:execute_reply", "iopub:status",
            ])
        // Applied at the first safe point, with their own parents and no status of their own.
        #expect(during[3].message.parentHeader == first.header && during[3].message.content["text"] == "got 1")
        #expect(during[4].message.parentHeader == second.header && during[4].message.content["text"] == "got 2")
        #expect(during[5].message.content["comms"] == ["w-1": ["target_name": "jupyter.widget"]])
        #expect(during[6].message.parentHeader == cell.header)
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:1", "msg:w-1:2"])
        #expect(fixture.interpreter.ranCells.load(ordering: .relaxed) == 1)

        // After the cell: what was kept runs in arrival order, and nothing is applied again.
        let after = fixture.drainShellLoop()
        let replies = after.filter { $0.channel == .shell }
        #expect(replies.map(\.message.type) == ["execute_reply", "kernel_info_reply"])
        #expect(replies.map(\.message.parentHeader) == [queuedCell.header, info.header])
        #expect(fixture.interpreter.ranCells.load(ordering: .relaxed) == 2)
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:1", "msg:w-1:2"])
    }

    @Test func aCallbackThatReachesASafePointKeepsTheOrderOfMessages() {
        let fixture = CommFixture()
        fixture.open("w-1")
        fixture.transport.queued.withLock {
            $0 = [
                fixture.commMessage("w-1", value: 1, extra: ["nest": true]), fixture.commMessage("w-1", value: 2),
                fixture.commMessage("w-1", value: 3),
            ]
        }
        _ = fixture.run(fixture.request("execute_request", ["code": "pending"]))
        #expect(
            fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:1", "msg:w-1:2", "msg:w-1:3", "end:w-1:1"])
    }

    @Test func aFailedCellAbortsWhatWasKeptAtItsSafePoints() {
        let fixture = CommFixture()
        let kept = fixture.request("execute_request", ["code": "out:never"])
        fixture.transport.queued.withLock { $0 = [kept] }
        let sent = fixture.run(fixture.request("execute_request", ["code": "pending\nfail:boom"]))
        let aborted = sent.filter { $0.message.type == "execute_reply" && $0.message.content["status"] == "aborted" }
        #expect(aborted.map(\.message.parentHeader) == [kept.header])
        #expect(trace(fixture.drainShellLoop()).isEmpty)
        #expect(fixture.interpreter.ranCells.load(ordering: .relaxed) == 1)
    }

    @Test func safePointsAreRateLimitedByTheClock() {
        let fixture = CommFixture()
        fixture.dispatcher.shellQueue.withLock { $0.lookInterval = 60_000_000_000 }
        fixture.open("w-1")
        fixture.transport.queued.withLock { $0 = [fixture.commMessage("w-1", value: 1)] }
        _ = fixture.run(fixture.request("execute_request", ["code": "pending"]))
        fixture.transport.queued.withLock { $0 = [fixture.commMessage("w-1", value: 2)] }
        // Within the interval the socket is not looked at; the message waits on it.
        _ = fixture.run(fixture.request("execute_request", ["code": "pending"]))
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:1"])
        #expect(fixture.transport.queued.withLock { $0.count } == 1)
    }

    @Test func aCellRunningOnAThreadOfItsOwnReachesSafePoints() {
        let fixture = CommFixture()
        fixture.open("w-1")
        fixture.transport.queued.withLock { $0 = [fixture.commMessage("w-1", value: 1)] }
        _ = fixture.run(fixture.request("execute_request", ["code": "pending-elsewhere"]))
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:1"])
    }

    @Test func aSafePointOffTheShellThreadReadsNothing() {
        let fixture = CommFixture()
        fixture.open("w-1")
        fixture.transport.queued.withLock { $0 = [fixture.commMessage("w-1", value: 1)] }
        // While the kernel is not busy in a request, the shell thread owns the socket.
        fixture.dispatcher.processPendingEvents()
        // While another thread is at a safe point, this one is turned away.
        fixture.dispatcher.safePointThread.store(currentThreadID() &+ 1, ordering: .relaxed)
        _ = fixture.run(fixture.request("execute_request", ["code": "pending"]))
        #expect(fixture.interpreter.handler.events == ["open:w-1"])
        #expect(fixture.transport.queued.withLock { $0.count } == 1)
        fixture.dispatcher.safePointThread.store(0, ordering: .relaxed)
        _ = fixture.run(fixture.request("execute_request", ["code": "pending"]))
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:1"])
    }

    @Test func idleWorkRunsInSlicesWhileNoRequestWaits() {
        let fixture = CommFixture()
        fixture.interpreter.handler.state.withLock { $0.idleSlicesLeft = 3 }
        let play = fixture.request("kernel_info_request")
        var timeouts: [Int] = []
        var pending: [Message] = [play]
        for _ in 0..<6 {
            _ = fixture.dispatcher.serveShellTurn(wait: 200) { timeout in
                timeouts.append(timeout)
                return pending.isEmpty ? nil : pending.removeFirst()
            }
        }
        // The socket is polled without waiting between slices, and waited on once none remain.
        #expect(timeouts == [200, 0, 0, 0, 200, 200])
        #expect(fixture.interpreter.handler.events == ["slice", "slice", "slice"])
        let slices = fixture.transport.take().filter { $0.message.type == "stream" }
        #expect(slices.count == 3 && slices.allSatisfy { $0.message.parentHeader == play.header })
    }

    @Test func createsListsAndDeletesSubshellsOnControl() throws {
        let fixture = CommFixture()
        let info = fixture.run(fixture.request("kernel_info_request"), on: .control)
        #expect(info[1].message.content["supported_features"] == ["kernel subshells"])
        #expect(info[1].message.content["protocol_version"] == "5.5")

        let created = fixture.run(fixture.request("create_subshell_request"), on: .control)
        #expect(trace(created) == ["iopub:status", "control:create_subshell_reply", "iopub:status"])
        let first = try #require(created[1].message.content["subshell_id"]?.stringValue)
        let second = try #require(
            fixture.run(fixture.request("create_subshell_request"), on: .control)[1].message.content["subshell_id"]?
                .stringValue)
        #expect(first != second)
        let listed = fixture.run(fixture.request("list_subshell_request"), on: .control)
        #expect(listed[1].message.content == ["status": "ok", "subshell_id": [.string(first), .string(second)]])

        let deleted = fixture.run(
            fixture.request("delete_subshell_request", ["subshell_id": .string(first)]), on: .control)
        #expect(deleted[1].message.content == ["status": "ok"])
        let again = fixture.run(
            fixture.request("delete_subshell_request", ["subshell_id": .string(first)]), on: .control)
        #expect(again[1].message.content["status"] == "error")
        let relisted = fixture.run(fixture.request("list_subshell_request"), on: .control)
        #expect(relisted[1].message.content["subshell_id"] == [.string(second)])
        // Subshells are made on control only.
        let onShell = fixture.run(fixture.request("create_subshell_request"))
        #expect(onShell[1].message.content["status"] == "error")
        #expect(fixture.dispatcher.subshells.withLock { $0.ids } == [second])
    }

    @Test func subshellRequestsAreHandledAndUnknownSubshellsRefused() throws {
        let fixture = CommFixture()
        fixture.open("w-1")
        let created = fixture.run(fixture.request("create_subshell_request"), on: .control)
        let subshell = try #require(created[1].message.content["subshell_id"]?.stringValue)

        // Idle: a subshell's comm message is handled at once.
        let message = fixture.commMessage("w-1", value: 4, subshell: subshell)
        #expect(trace(fixture.run(message)) == ["iopub:status", "iopub:stream", "iopub:status"])
        // Busy: at the next safe point, with an execute_request on the subshell kept for after.
        let subshellCell = fixture.request("execute_request", ["code": "out:later"], subshell: subshell)
        fixture.transport.queued.withLock {
            $0 = [subshellCell, fixture.commMessage("w-1", value: 5, subshell: subshell)]
        }
        let during = fixture.run(fixture.request("execute_request", ["code": "pending"]))
        #expect(trace(during).filter { $0 == "shell:execute_reply" }.count == 1)
        #expect(fixture.interpreter.handler.events == ["open:w-1", "msg:w-1:4", "msg:w-1:5"])
        let after = fixture.drainShellLoop().filter { $0.message.type == "execute_reply" }
        #expect(after.map(\.message.parentHeader) == [subshellCell.header])

        // A subshell that does not exist: an error reply, and nothing runs.
        let stray = fixture.run(fixture.request("execute_request", ["code": "out:no"], subshell: "no-such-subshell"))
        #expect(trace(stray) == ["shell:execute_reply"])
        #expect(stray[0].message.content["status"] == "error")
        #expect(trace(fixture.run(fixture.commMessage("w-1", value: 6, subshell: "no-such-subshell"))).isEmpty)
        #expect(fixture.interpreter.ranCells.load(ordering: .relaxed) == 2)
    }

    @Test func controlAnswersControlRequestsOnlyAndNeverRunsACell() {
        let fixture = CommFixture()
        fixture.open("w-1")
        for type in ["execute_request", "complete_request", "inspect_request", "history_request", "comm_info_request"] {
            let sent = fixture.run(fixture.request(type, ["code": "out:must not run", "cursor_pos": 0]), on: .control)
            #expect(trace(sent) == ["control:" + type.dropLast("request".count) + "reply"])
            #expect(sent[0].message.content["status"] == "error")
            #expect(sent[0].message.content["ename"] == "WrongChannel")
        }
        #expect(trace(fixture.run(fixture.commMessage("w-1", value: 1), on: .control)).isEmpty)
        #expect(fixture.interpreter.ranCells.load(ordering: .relaxed) == 0)
        #expect(fixture.interpreter.handler.events == ["open:w-1"])
        #expect(fixture.dispatcher.executionCount == 0)
    }
}

@Suite struct StaleMessageFilterTests {
    @Test func parsesJupyterDates() {
        let noon = StaleMessageFilter.microsecondsSinceEpoch(iso8601: "2026-11-30T12:00:00.000000Z")
        #expect(noon == 1_796_040_000_000_000)
        #expect(StaleMessageFilter.microsecondsSinceEpoch(iso8601: "1970-01-01T00:00:00Z") == 0)
        #expect(StaleMessageFilter.microsecondsSinceEpoch(iso8601: "2000-02-29T00:00:01.5Z") == 951_782_401_500_000)
        #expect(
            StaleMessageFilter.microsecondsSinceEpoch(iso8601: "2026-11-30T13:30:00.000001+01:30")
                == 1_796_040_000_000_001)
        #expect(StaleMessageFilter.microsecondsSinceEpoch(iso8601: "2026-11-30T07:00:00-05:00") == noon)
        // Seven digits of fraction are cut to microseconds.
        #expect(
            StaleMessageFilter.microsecondsSinceEpoch(iso8601: "2026-11-30T12:00:00.1234567Z") == noon! + 123_456)
        for bad in [
            "", "2026-11-30", "2026-11-30T12:00:00", "2026-13-30T12:00:00Z", "2026-11-30T12:00:00.Z", "garbage",
        ] {
            #expect(StaleMessageFilter.microsecondsSinceEpoch(iso8601: bad) == nil)
        }
    }

    @Test func dropsOnlyMessagesDatedBeforeTheStartWhileItIsRecent() {
        let start = StaleMessageFilter.microsecondsSinceEpoch(iso8601: "2026-11-30T12:00:00.500000Z")!
        let filter = StaleMessageFilter(processStart: start, checkedFrom: 1_000)
        #expect(filter.isStale(["date": "2026-11-30T12:00:00.499999Z"], now: 2_000))
        #expect(!filter.isStale(["date": "2026-11-30T12:00:00.500000Z"], now: 2_000))
        #expect(!filter.isStale(["date": "2026-11-30T12:00:01Z"], now: 2_000))
        // A date to the second may mean any moment of it, the start's own second included.
        #expect(!filter.isStale(["date": "2026-11-30T12:00:00Z"], now: 2_000))
        #expect(!filter.isStale(["date": "2026-11-30T12:00:00.000000Z"], now: 2_000))
        #expect(filter.isStale(["date": "2026-11-30T11:59:59.000000Z"], now: 2_000))
        // No date, or one without a time zone, says nothing certain.
        #expect(!filter.isStale([:], now: 2_000))
        #expect(!filter.isStale(["date": "2026-11-30T11:00:00"], now: 2_000))
        // Long after the start, a front end whose clock is behind is not shut out.
        #expect(!filter.isStale(["date": "2026-11-30T11:00:00Z"], now: 1_000 + StaleMessageFilter.window))
    }

    @Test func knowsWhenThisProcessStarted() throws {
        #if os(Linux)
            let start = try #require(processStartMicroseconds())
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let nowMicros = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
            #expect(start <= nowMicros)
            #expect(start > nowMicros - 3_600_000_000)
        #endif
    }
}
