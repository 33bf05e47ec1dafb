import Synchronization
import Testing

@testable import Kernel

/// A transport that records what the dispatcher sends and serves canned input and queues.
final class RecordingTransport: KernelTransport {
    let sent = Mutex<[(message: Message, channel: Channel)]>([])
    let queued = Mutex<[Message]>([])
    let inputAnswer = Mutex<String?>(nil)

    func send(_ message: Message, on channel: Channel) { sent.withLock { $0.append((message, channel)) } }

    func requestInput(_ request: Message) -> Message? {
        send(request, on: .stdin)
        guard let answer = inputAnswer.withLock({ $0 }) else { return nil }
        return MessageFactory(session: "client").make(
            "input_reply", content: ["value": .string(answer)], parent: request)
    }

    func takeQueuedShellRequests() -> [Message] {
        queued.withLock { queue in
            defer { queue = [] }
            return queue
        }
    }

    func take() -> [(message: Message, channel: Channel)] {
        sent.withLock { messages in
            defer { messages = [] }
            return messages
        }
    }
}

/// An interpreter whose cells are one command a line, so each test says exactly what happens.
final class ScriptedInterpreter: KernelInterpreter, Sendable {
    let interrupts = Atomic<Int>(0)

    var kernelDescription: KernelDescription {
        KernelDescription(
            implementation: "scripted", implementationVersion: "9.9", languageName: "script",
            languageVersion: "1.0", mimetype: "text/x-script", fileExtension: ".script",
            pygmentsLexer: "text", codemirrorMode: "null", banner: "Scripted banner",
            helpLinks: [("Docs", "https://example.org/docs")])
    }

    func execute(_ code: String, context: any ExecutionContext) -> ExecutionOutcome {
        var result: MimeBundle?
        for line in code.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            let argument = parts.count > 1 ? parts[1] : ""
            switch parts[0] {
            case "out": context.write(argument, to: .stdout)
            case "err": context.write(argument, to: .stderr)
            case "display": context.display(.plainText(parts[2]), id: argument.isEmpty ? nil : argument)
            case "update": context.updateDisplay(.plainText(parts[2]), id: argument)
            case "clear": context.clearOutput(wait: true)
            case "input":
                do {
                    context.write(try context.input(prompt: argument, password: false), to: .stdout)
                } catch {
                    return .error(error)
                }
            case "fail": return .error(ExecutionError(name: "ScriptError", value: argument))
            case "result": result = .plainText(argument)
            case "check-interrupt": if context.isInterruptRequested { return .error(.keyboardInterrupt) }
            case "figure": context.addReplyFigure(argument, Double(parts[2]) ?? .nan)
            default: break
            }
        }
        return .ok(result)
    }

    func evaluate(_ expression: String) -> ExecutionOutcome {
        expression == "bad"
            ? .error(ExecutionError(name: "ScriptError", value: "bad expression")) : .ok(.plainText("<\(expression)>"))
    }

    func complete(_ code: String, cursor: Int) -> Completion {
        Completion(
            matches: ["alpha", "alps", "beta"].filter { $0.hasPrefix(code) }, cursorStart: 0, cursorEnd: cursor,
            metadata: ["k": 1])
    }

    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        code == "known" ? .plainText("known, detail \(detailLevel)") : nil
    }

    func isComplete(_ code: String) -> CodeCompleteness {
        if code.hasSuffix("(") { return .incomplete(indent: "  ") }
        if code.hasSuffix(")") { return .invalid }
        if code.hasSuffix("?") { return .unknown }
        return .complete
    }

    var interruptHandle: InterruptHandle { InterruptHandle { self.interrupts.add(1, ordering: .relaxed) } }
}

/// Dispatch without sockets. Serialized because the interrupt flag is process-wide.
@Suite(.serialized) struct DispatcherTests {
    let transport = RecordingTransport()
    let interpreter = ScriptedInterpreter()
    let dispatcher: Dispatcher
    let client = MessageFactory(session: "client-session", username: "tester")

    init() {
        dispatcher = Dispatcher(
            interpreter: interpreter, transport: transport, factory: MessageFactory(session: "kernel-session"))
    }

    func request(_ type: String, _ content: JSON = [:]) -> Message {
        client.make(type, content: content, parent: nil, identities: [Array("client-identity".utf8)])
    }

    func execute(_ code: String, _ extra: [String: JSON] = [:]) -> Message {
        var content: [String: JSON] = ["code": .string(code)]
        for (key, value) in extra { content[key] = value }
        return request("execute_request", .object(content))
    }

    /// Handles a request and returns what was sent, as "channel:type" plus the messages.
    func run(_ message: Message, on channel: Channel = .shell) -> (trace: [String], messages: [Message]) {
        #expect(dispatcher.handle(message, on: channel) == .keepRunning)
        let sent = transport.take()
        return (sent.map { "\($0.channel.rawValue):\($0.message.type)" }, sent.map(\.message))
    }

    func reply(in messages: [Message]) -> Message? { messages.first { $0.type.hasSuffix("_reply") } }

    @Test func answersKernelInfoOnControlBetweenBusyAndIdle() throws {
        let info = request("kernel_info_request")
        let (trace, messages) = run(info, on: .control)
        #expect(trace == ["iopub:status", "control:kernel_info_reply", "iopub:status"])
        #expect(messages.map { $0.content["execution_state"]?.stringValue } == ["busy", nil, "idle"])
        for message in messages {
            #expect(message.parentHeader == info.header)
            #expect(message.header["session"] == "kernel-session")
            #expect(message.header["version"] == .string(protocolVersion))
        }
        let content = messages[1].content
        #expect(messages[1].identities == info.identities)
        #expect(content["status"] == "ok")
        #expect(content["protocol_version"] == "5.5")
        #expect(content["supported_features"] == ["kernel subshells"])
        #expect(content["implementation"] == "scripted")
        #expect(content["implementation_version"] == "9.9")
        #expect(content["banner"] == "Scripted banner")
        #expect(content["help_links"] == [["text": "Docs", "url": "https://example.org/docs"]])
        let language = try #require(content["language_info"])
        #expect(
            language == [
                "name": "script", "version": "1.0", "mimetype": "text/x-script", "file_extension": ".script",
                "pygments_lexer": "text", "codemirror_mode": "null",
            ])
    }

    @Test func publishesStartingWithoutAParent() {
        dispatcher.publishStarting()
        let sent = transport.take()
        #expect(sent.count == 1)
        #expect(sent[0].channel == .iopub && sent[0].message.content == ["execution_state": "starting"])
        #expect(sent[0].message.parentHeader == [:])
    }

    @Test func executesACellWithAllItsOutputsInOrder() throws {
        let cell = execute("out:hello\nerr:oops\ndisplay:d1:first\nupdate:d1:second\ndisplay::plain\nclear\nresult:42")
        let (trace, messages) = run(cell)
        #expect(
            trace == [
                "iopub:status", "iopub:execute_input", "iopub:stream", "iopub:stream", "iopub:display_data",
                "iopub:update_display_data", "iopub:display_data", "iopub:clear_output", "iopub:execute_result",
                "shell:execute_reply", "iopub:status",
            ])
        #expect(messages.allSatisfy { $0.parentHeader == cell.header })
        #expect(messages[1].content == ["code": .string(cell.content["code"]!.stringValue!), "execution_count": 1])
        #expect(messages[2].content == ["name": "stdout", "text": "hello"])
        #expect(messages[3].content == ["name": "stderr", "text": "oops"])
        #expect(messages[4].content["transient"] == ["display_id": "d1"])
        #expect(
            messages[5].content == [
                "data": ["text/plain": "second"], "metadata": [:], "transient": ["display_id": "d1"],
            ])
        #expect(messages[6].content["transient"] == [:])
        #expect(messages[7].content == ["wait": true])
        #expect(messages[8].content == ["execution_count": 1, "data": ["text/plain": "42"], "metadata": [:]])
        let executeReply = messages[9]
        #expect(executeReply.content["status"] == "ok" && executeReply.content["execution_count"] == 1)
        #expect(executeReply.content["payload"] == [] && executeReply.content["user_expressions"] == [:])
        #expect(executeReply.identities == cell.identities)
        #expect(executeReply.metadata["status"] == "ok")

        let second = run(execute("result:x"))
        #expect(reply(in: second.messages)?.content["execution_count"] == 2)
        #expect(dispatcher.executionCount == 2)
    }

    @Test func theReplySaysHowLongTheCellRanAndCarriesTheLanguagesFigures() {
        let ok = reply(in: run(execute("figure:drawing_ms:2.5\nfigure:drawing_ms:1\nresult:1")).messages)
        let figures = ok?.metadata["tensorcell"]?.objectValue ?? [:]
        #expect(figures["drawing_ms"] == .double(3.5))
        #expect((figures["cell_ms"]?.doubleValue ?? -1) >= 0)
        let failed = reply(in: run(execute("figure:drawing_ms:4\nfail:no")).messages)
        #expect(failed?.metadata["status"] == "error")
        #expect(failed?.metadata["tensorcell"]?.objectValue?["drawing_ms"] == .double(4))
        #expect(failed?.metadata["tensorcell"]?.objectValue?["cell_ms"] != nil)
    }

    @Test func silentCellsPublishNothingAndDoNotCount() {
        let (trace, messages) = run(execute("out:hidden\ndisplay::hidden\nresult:1", ["silent": true]))
        #expect(trace == ["iopub:status", "shell:execute_reply", "iopub:status"])
        #expect(reply(in: messages)?.content["execution_count"] == 0)
        // silent wins over store_history
        _ = run(execute("result:1", ["silent": true, "store_history": true]))
        #expect(dispatcher.executionCount == 0)
        let next = run(execute("result:1"))
        #expect(reply(in: next.messages)?.content["execution_count"] == 1)
    }

    @Test func cellsWithoutStoreHistoryShowOutputButDoNotCount() {
        _ = run(execute("result:1"))
        let (trace, messages) = run(execute("out:shown", ["store_history": false]))
        #expect(trace.contains("iopub:stream") && trace.contains("iopub:execute_input"))
        #expect(messages[1].content["execution_count"] == 1)
        #expect(reply(in: messages)?.content["execution_count"] == 1)
        let history = run(
            request("history_request", ["hist_access_type": "tail", "n": 10, "output": false, "raw": true]))
        #expect(reply(in: history.messages)?.content["history"] == [[1, 1, "result:1"]])
    }

    @Test func reportsErrorsOnIOPubAndInTheReply() {
        let (trace, messages) = run(execute("out:before\nfail:it broke\nout:after"))
        #expect(
            trace == [
                "iopub:status", "iopub:execute_input", "iopub:stream", "iopub:error", "shell:execute_reply",
                "iopub:status",
            ])
        #expect(
            messages[3].content == [
                "ename": "ScriptError", "evalue": "it broke", "traceback": ["ScriptError: it broke"],
            ])
        let reply = messages[4]
        #expect(reply.content["status"] == "error")
        #expect(reply.content["ename"] == "ScriptError" && reply.content["evalue"] == "it broke")
        #expect(reply.content["execution_count"] == 1)
        #expect(reply.metadata["status"] == "error")
    }

    @Test func abortsQueuedExecutionsAfterAnError() {
        let queuedCell = execute("out:should not run")
        let queuedInfo = request("kernel_info_request")
        let laterCell = execute("out:nor this")
        transport.queued.withLock { $0 = [queuedCell, queuedInfo, laterCell] }
        let (trace, messages) = run(execute("fail:boom"))
        #expect(
            trace == [
                "iopub:status", "iopub:execute_input", "iopub:error", "shell:execute_reply",
                "iopub:status", "shell:execute_reply", "iopub:status",
                "iopub:status", "shell:kernel_info_reply", "iopub:status",
                "iopub:status", "shell:execute_reply", "iopub:status",
                "iopub:status",
            ])
        let aborted = messages.filter { $0.type == "execute_reply" && $0.content["status"] == "aborted" }
        #expect(aborted.map(\.parentHeader) == [queuedCell.header, laterCell.header])
        #expect(dispatcher.executionCount == 1)
    }

    @Test func keepsQueuedExecutionsWhenStopOnErrorIsFalse() {
        transport.queued.withLock { $0 = [execute("out:runs later")] }
        let (trace, _) = run(execute("fail:boom", ["stop_on_error": false]))
        #expect(trace.filter { $0 == "shell:execute_reply" }.count == 1)
        #expect(transport.takeQueuedShellRequests().count == 1)
    }

    @Test func asksForInputOnStdinWhenAllowed() throws {
        transport.inputAnswer.withLock { $0 = "typed text" }
        let cell = execute("input:Name? ", ["allow_stdin": true])
        let (trace, messages) = run(cell)
        #expect(
            trace == [
                "iopub:status", "iopub:execute_input", "stdin:input_request", "iopub:stream", "shell:execute_reply",
                "iopub:status",
            ])
        let inputRequest = messages[2]
        #expect(inputRequest.content == ["prompt": "Name? ", "password": false])
        #expect(inputRequest.parentHeader == cell.header)
        #expect(inputRequest.identities == cell.identities)
        #expect(messages[3].content["text"] == "typed text")
    }

    @Test func refusesInputWhenTheFrontEndCannotAnswer() {
        let (trace, messages) = run(execute("input:Name? ", ["allow_stdin": false]))
        #expect(!trace.contains("stdin:input_request"))
        #expect(reply(in: messages)?.content["ename"] == "StdinNotImplementedError")
    }

    @Test func endsAnInputWaitThatWasInterruptedWithKeyboardInterrupt() {
        transport.inputAnswer.withLock { $0 = nil }
        let (_, messages) = run(execute("input:x", ["allow_stdin": true]))
        #expect(reply(in: messages)?.content["ename"] == "KeyboardInterrupt")
    }

    @Test func evaluatesUserExpressionsAfterASuccessfulCell() {
        let (_, messages) = run(execute("result:1", ["user_expressions": ["good": "x + 1", "broken": "bad"]]))
        let expressions = reply(in: messages)?.content["user_expressions"]
        #expect(expressions?["good"] == ["status": "ok", "data": ["text/plain": "<x + 1>"], "metadata": [:]])
        #expect(expressions?["broken"]?["status"] == "error")
        #expect(expressions?["broken"]?["ename"] == "ScriptError")
    }

    @Test func answersHistoryTailRangeAndSearch() {
        for code in ["result:a", "result:b", "result:a", "out:c"] { _ = run(execute(code)) }
        func history(_ content: JSON) -> JSON? {
            reply(in: run(request("history_request", content)).messages)?.content["history"]
        }
        #expect(
            history(["hist_access_type": "tail", "n": 2, "output": false, "raw": true]) == [
                [1, 3, "result:a"], [1, 4, "out:c"],
            ])
        #expect(
            history(["hist_access_type": "range", "session": 0, "start": 2, "stop": 4, "output": false, "raw": true])
                == [[1, 2, "result:b"], [1, 3, "result:a"]])
        #expect(
            history(["hist_access_type": "range", "session": 0, "start": 3, "output": true, "raw": true]) == [
                [1, 3, ["result:a", nil]], [1, 4, ["out:c", nil]],
            ])
        #expect(history(["hist_access_type": "range", "session": -1, "start": 1, "output": false, "raw": true]) == [])
        #expect(
            history(["hist_access_type": "search", "pattern": "result:*", "output": false, "raw": true]) == [
                [1, 1, "result:a"], [1, 2, "result:b"], [1, 3, "result:a"],
            ])
        #expect(
            history(["hist_access_type": "search", "pattern": "result:*", "unique": true, "output": false, "raw": true])
                == [[1, 2, "result:b"], [1, 3, "result:a"]])
        #expect(
            history(["hist_access_type": "search", "pattern": "result:?", "n": 1, "output": false, "raw": true]) == [
                [1, 3, "result:a"]
            ])
    }

    @Test func answersCompleteInspectAndIsComplete() {
        let completion = reply(in: run(request("complete_request", ["code": "al", "cursor_pos": 2])).messages)?.content
        #expect(
            completion == [
                "status": "ok", "matches": ["alpha", "alps"], "cursor_start": 0, "cursor_end": 2, "metadata": ["k": 1],
            ])

        let found = reply(
            in: run(request("inspect_request", ["code": "known", "cursor_pos": 2, "detail_level": 1])).messages)?
            .content
        #expect(found == ["status": "ok", "found": true, "data": ["text/plain": "known, detail 1"], "metadata": [:]])
        let missing = reply(in: run(request("inspect_request", ["code": "nothing", "cursor_pos": 0])).messages)?.content
        #expect(missing?["found"] == false && missing?["data"] == [:])

        func completeness(_ code: String) -> JSON? {
            reply(in: run(request("is_complete_request", ["code": .string(code)])).messages)?.content
        }
        #expect(completeness("f(") == ["status": "incomplete", "indent": "  "])
        #expect(completeness("f()") == ["status": "invalid"])
        #expect(completeness("f?") == ["status": "unknown"])
        #expect(completeness("f") == ["status": "complete"])
    }

    @Test func closesCommsToUnknownTargetsAndHasNoComms() {
        let open = request("comm_open", ["comm_id": "c-1", "target_name": "jupyter.widget", "data": [:]])
        let (trace, messages) = run(open)
        #expect(trace == ["iopub:status", "iopub:comm_close", "iopub:status"])
        #expect(messages[1].content == ["comm_id": "c-1", "data": [:]])
        #expect(run(request("comm_msg", ["comm_id": "c-1", "data": [:]])).trace == ["iopub:status", "iopub:status"])
        #expect(run(request("comm_close", ["comm_id": "c-1", "data": [:]])).trace == ["iopub:status", "iopub:status"])
        let info = run(request("comm_info_request", ["target_name": "jupyter.widget"]))
        #expect(reply(in: info.messages)?.content == ["status": "ok", "comms": [:]])
    }

    @Test func logsUnknownRequestsAndSendsNoReply() {
        #expect(run(request("made_up_request")).trace == ["iopub:status", "iopub:status"])
    }

    @Test func survivesAnExecuteRequestWithoutCode() {
        let (_, messages) = run(request("execute_request", ["silent": false]))
        #expect(reply(in: messages)?.content["status"] == "error")
    }

    @Test func shutsDownEchoingTheRestartFlag() {
        let shutdown = request("shutdown_request", ["restart": true])
        #expect(dispatcher.handle(shutdown, on: .control) == .shutDown(restart: true))
        let trace = transport.take().map { "\($0.channel.rawValue):\($0.message.type)" }
        #expect(trace == ["iopub:status", "control:shutdown_reply", "iopub:shutdown_reply", "iopub:status"])
        #expect(
            dispatcher.handle(request("shutdown_request", ["restart": false]), on: .control)
                == .shutDown(restart: false))
    }

    @Test func interruptRequestRaisesTheFlagAndTellsTheInterpreter() {
        InterruptFlag.lower()
        let (trace, messages) = run(request("interrupt_request"), on: .control)
        #expect(trace == ["iopub:status", "control:interrupt_reply", "iopub:status"])
        #expect(messages[1].content == ["status": "ok"])
        #expect(InterruptFlag.isRaised)
        #expect(interpreter.interrupts.load(ordering: .relaxed) == 1)
        // A cell that starts afterwards is not cut short by an interrupt meant for no cell.
        let cell = run(execute("check-interrupt\nresult:ran"))
        #expect(reply(in: cell.messages)?.content["status"] == "ok")
        InterruptFlag.raise()
        #expect(
            ScriptedInterpreter().execute(
                "check-interrupt",
                context: CellContext(dispatcher: dispatcher, request: execute(""), silent: true, allowStdin: false))
                == .error(.keyboardInterrupt))
        InterruptFlag.lower()
    }
}

@Suite struct ParentWatchTests {
    @Test func watchesTheNamedParentWhenItIsTheRealOne() throws {
        let watch = try #require(KernelServer.ParentWatch(environment: "4242", currentParent: 4242))
        #expect(watch == .parent(4242))
        #expect(!watch.isOrphaned(currentParent: 4242))
        #expect(watch.isOrphaned(currentParent: 1))
        #expect(watch.isOrphaned(currentParent: 777))  // adopted by a subreaper
    }

    @Test func behindALauncherOnlyAdoptionByInitCounts() throws {
        let watch = try #require(KernelServer.ParentWatch(environment: "4242", currentParent: 5000))
        #expect(!watch.isOrphaned(currentParent: 5000))
        #expect(watch.isOrphaned(currentParent: 1))
        // A front end that died before the kernel looked is noticed at once.
        #expect(try #require(KernelServer.ParentWatch(environment: "4242", currentParent: 1)).isOrphaned(currentParent: 1))
    }

    @Test func watchesNothingWithoutAUsableParentID() {
        for value in [nil, "", "1", "0", "-5", "abc"] {
            #expect(KernelServer.ParentWatch(environment: value, currentParent: 10) == nil)
        }
    }
}
