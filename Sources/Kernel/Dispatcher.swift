// Request handling: the bookkeeping of every request, then one interpreter hook.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The channels a kernel talks on.
public enum Channel: String, Sendable { case shell, control, stdin, iopub }

/// Where the dispatcher's messages go, and where it takes the few it asks for itself.
///
/// The socket server implements it over ZeroMQ; tests implement it with arrays.
public protocol KernelTransport: Sendable {
    func send(_ message: Message, on channel: Channel)
    /// Sends an `input_request` on stdin and waits for the matching `input_reply`.
    /// - Returns: the reply, or nil if the wait was interrupted or the kernel is stopping.
    func requestInput(_ request: Message) -> Message?
    /// Shell requests that have already arrived, taken without waiting.
    func takeQueuedShellRequests() -> [Message]
}

/// What the server should do after a request.
public enum DispatchResult: Sendable, Equatable {
    case keepRunning
    case shutDown(restart: Bool)
}

/// Writes a line to stderr, where Jupyter shows a kernel's log.
public func logToStandardError(_ text: String) {
    let line = "[tensorcell] " + text + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { buffer in
        write(2, buffer.baseAddress, buffer.count - 1)
    }
}

/// Handles decoded requests the way every kernel must, calling the interpreter for the rest.
public final class Dispatcher: Sendable {
    private struct ShellState {
        var executionCount = 0
        var history = History()
    }

    /// The language. Only the shell thread may use it (checked on every use); the control
    /// thread has the description and the interrupt handle taken from it at start.
    public var interpreter: any KernelInterpreter { confinedInterpreter.value }
    private let confinedInterpreter: ThreadConfined<any KernelInterpreter>
    private let interruptHandle: InterruptHandle
    private let kernelDescription: KernelDescription
    public let transport: any KernelTransport
    public let factory: MessageFactory
    /// The debugger's side of the dialogue, when the language can be debugged.
    public let debugAdapter: DebugAdapter?
    private let state = Mutex(ShellState())
    /// Requests read off the shell socket at a safe point of a cell, waiting for it to end
    /// (PendingEvents.swift).
    let shellQueue = Mutex(ShellQueue())
    /// The kernel's subshells, created and deleted on control, named in shell headers.
    let subshells = Mutex(SubshellRegistry())
    /// The language's comm handler, taken at start (CommRouting.swift).
    let confinedCommHandler: CellThreadShared<(any CommHandler)?>
    /// Whether the shell thread is inside a request or a slice of idle work, the only times a
    /// safe point may read the shell socket (PendingEvents.swift).
    let interpreterBusy = Atomic<Bool>(false)
    /// The thread at a safe point now, or 0: one thread at a time reads the shell socket there.
    let safePointThread = Atomic<UInt>(0)

    public init(
        interpreter: any KernelInterpreter, transport: any KernelTransport, factory: MessageFactory = MessageFactory()
    ) {
        confinedInterpreter = ThreadConfined(interpreter)
        interruptHandle = interpreter.interruptHandle
        kernelDescription = interpreter.kernelDescription
        confinedCommHandler = CellThreadShared(interpreter.commHandler)
        self.transport = transport
        self.factory = factory
        debugAdapter = interpreter.debugging.map { DebugAdapter(language: $0, transport: transport, factory: factory) }
    }

    public var executionCount: Int { state.withLock { $0.executionCount } }

    /// Announces the kernel once, before any request.
    public func publishStarting() {
        publishStatus("starting", parent: nil)
    }

    func publishStatus(_ state: String, parent: Message?) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }

    /// Publishes on iopub under the topic `kernel.<session>.<type>`, as ipykernel names them.
    func publish(_ type: String, _ content: JSON, parent: Message?, metadata: JSON = [:], buffers: [[UInt8]] = []) {
        let topic = Array("kernel.\(factory.session).\(type)".utf8)
        var message = factory.make(type, content: content, parent: parent, metadata: metadata, identities: [topic])
        message.buffers = buffers
        transport.send(message, on: .iopub)
    }

    func reply(to request: Message, on channel: Channel, content: JSON, metadata: JSON = [:]) {
        let type = replyType(of: request.type)
        transport.send(factory.make(type, content: content, parent: request, metadata: metadata), on: channel)
    }

    private func replyType(of requestType: String) -> String {
        requestType.hasSuffix("_request")
            ? String(requestType.dropLast("_request".count)) + "_reply" : requestType + "_reply"
    }

    /// Handles one request with `busy` before and `idle` after, as front ends expect.
    public func handle(_ request: Message, on channel: Channel) -> DispatchResult {
        guard accepts(request, on: channel) else { return .keepRunning }
        let wasBusy = channel == .shell ? interpreterBusy.exchange(true, ordering: .acquiringAndReleasing) : false
        defer { if channel == .shell { interpreterBusy.store(wasBusy, ordering: .releasing) } }
        publishStatus("busy", parent: request)
        defer { publishStatus("idle", parent: request) }
        let content = request.content.objectValue ?? [:]

        switch request.type {
        case "kernel_info_request":
            reply(to: request, on: channel, content: kernelInfo())
        case "execute_request":
            let abandoned = execute(request, content: content, channel: channel)
            abort(abandoned)
        case "complete_request":
            let code = content["code"]?.stringValue ?? ""
            let cursor = content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let completion = interpreter.complete(code, cursor: cursor)
            reply(
                to: request, on: channel,
                content: [
                    "status": "ok",
                    "matches": .array(completion.matches.map { .string($0) }),
                    "cursor_start": .int(completion.cursorStart),
                    "cursor_end": .int(completion.cursorEnd),
                    "metadata": .object(completion.metadata),
                ])
        case "inspect_request":
            let code = content["code"]?.stringValue ?? ""
            let cursor = content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let found = interpreter.inspect(code, cursor: cursor, detailLevel: content["detail_level"]?.intValue ?? 0)
            reply(
                to: request, on: channel,
                content: [
                    "status": "ok",
                    "found": .bool(found != nil),
                    "data": .object(found?.data ?? [:]),
                    "metadata": .object(found?.metadata ?? [:]),
                ])
        case "is_complete_request":
            var answer: [String: JSON]
            switch interpreter.isComplete(content["code"]?.stringValue ?? "") {
            case .complete: answer = ["status": "complete"]
            case .incomplete(let indent): answer = ["status": "incomplete", "indent": .string(indent)]
            case .invalid: answer = ["status": "invalid"]
            case .unknown: answer = ["status": "unknown"]
            }
            reply(to: request, on: channel, content: .object(answer))
        case "history_request":
            reply(to: request, on: channel, content: history(content))
        case "comm_info_request", "comm_open", "comm_msg", "comm_close":
            handleComm(request, on: channel)
        case "create_subshell_request", "delete_subshell_request", "list_subshell_request":
            handleSubshellRequest(request, on: channel)
        case "debug_request":
            guard let debugAdapter else {
                logToStandardError("debug_request, but this language has no debugger")
                break
            }
            reply(to: request, on: channel, content: debugAdapter.handle(request.content))
        case "interrupt_request":
            InterruptFlag.raise()
            interruptHandle.interrupt()
            reply(to: request, on: channel, content: ["status": "ok"])
        case "shutdown_request":
            let restart = content["restart"]?.boolValue ?? false
            let answer: JSON = ["status": "ok", "restart": .bool(restart)]
            reply(to: request, on: channel, content: answer)
            // Front ends that only watch iopub learn of the shutdown too, as from ipykernel.
            publish("shutdown_reply", answer, parent: request)
            return .shutDown(restart: restart)
        default:
            // ipykernel logs unknown types and sends no reply; front ends rely on that.
            logToStandardError("Unknown message type: \"\(request.type)\"")
        }
        return .keepRunning
    }

    func kernelInfo() -> JSON {
        let info = kernelDescription
        return [
            "status": "ok",
            "protocol_version": .string(protocolVersion),
            "implementation": .string(info.implementation),
            "implementation_version": .string(info.implementationVersion),
            "language_info": [
                "name": .string(info.languageName),
                "version": .string(info.languageVersion),
                "mimetype": .string(info.mimetype),
                "file_extension": .string(info.fileExtension),
                "pygments_lexer": .string(info.pygmentsLexer),
                "codemirror_mode": .string(info.codemirrorMode),
            ],
            "banner": .string(info.banner),
            "help_links": .array(info.helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
            // Optional features announced to front ends (JEP 92); subshells are JEP 91.
            "supported_features": .array(
                ["kernel subshells"] + (debugAdapter == nil ? [] : ["debugger"] as [JSON])),
            "debugger": .bool(debugAdapter != nil),
        ]
    }

    /// Runs an execute request.
    /// - Returns: the shell requests that were queued behind a cell that failed with
    ///   `stop_on_error`; they are taken before the error reply goes out, so a request sent
    ///   after the client saw the reply is never among them.
    private func execute(_ request: Message, content: [String: JSON], channel: Channel) -> [Message] {
        let started = currentTimestamp()
        guard let code = content["code"]?.stringValue else {
            let error = ExecutionError(name: "BadRequest", value: "execute_request has no \"code\" string")
            replyExecuteError(error, to: request, channel: channel, count: executionCount, started: started)
            return []
        }
        let silent = content["silent"]?.boolValue ?? false
        let storeHistory = silent ? false : (content["store_history"]?.boolValue ?? true)
        let allowStdin = content["allow_stdin"]?.boolValue ?? false

        let count = state.withLock { state in
            if storeHistory {
                state.executionCount += 1
                state.history.record(line: state.executionCount, input: code)
            }
            return state.executionCount
        }
        // An interrupt that arrived while the kernel was idle must not cancel this cell. It is
        // lowered before execute_input goes out, so an interrupt sent by a client that saw
        // execute_input always lands.
        InterruptFlag.lower()
        if !silent {
            publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: request)
        }
        let context = CellContext(dispatcher: self, request: request, silent: silent, allowStdin: allowStdin)
        let cellStart = ContinuousClock.now
        let outcome = interpreter.execute(code, context: context)
        context.addReplyFigure("cell_ms", milliseconds(since: cellStart))
        let figures: JSON = .object(context.replyFigures.mapValues { .double($0) })

        switch outcome {
        case .ok(let result):
            if let result, !silent {
                publish(
                    "execute_result",
                    [
                        "execution_count": .int(count),
                        "data": .object(result.data),
                        "metadata": .object(result.metadata),
                    ], parent: request)
            }
            var expressions: [String: JSON] = [:]
            for (name, expression) in content["user_expressions"]?.objectValue ?? [:] {
                expressions[name] = evaluateUserExpression(expression.stringValue ?? "")
            }
            reply(
                to: request, on: channel,
                content: [
                    "status": "ok",
                    "execution_count": .int(count),
                    "user_expressions": .object(expressions),
                    "payload": [],
                ],
                metadata: ["started": .string(started), "status": "ok", "dependencies_met": true, "tensorcell": figures])
            return []
        case .error(let error):
            if !silent {
                publish(
                    "error",
                    [
                        "ename": .string(error.name), "evalue": .string(error.value),
                        "traceback": .array(error.traceback.map { .string($0) }),
                    ], parent: request)
            }
            let stopOnError = content["stop_on_error"]?.boolValue ?? true
            let abandoned = stopOnError ? takeWaitingShellRequests() : []
            replyExecuteError(error, to: request, channel: channel, count: count, started: started, figures: figures)
            return abandoned
        }
    }

    private func replyExecuteError(
        _ error: ExecutionError, to request: Message, channel: Channel, count: Int, started: String,
        figures: JSON = [:]
    ) {
        reply(
            to: request, on: channel,
            content: [
                "status": "error",
                "ename": .string(error.name), "evalue": .string(error.value),
                "traceback": .array(error.traceback.map { .string($0) }),
                "execution_count": .int(count),
                "user_expressions": [:],
                "payload": [],
            ],
            metadata: ["started": .string(started), "status": "error", "dependencies_met": true, "tensorcell": figures])
    }

    private func evaluateUserExpression(_ expression: String) -> JSON {
        switch interpreter.evaluate(expression) {
        case .ok(let bundle):
            return ["status": "ok", "data": .object(bundle?.data ?? [:]), "metadata": .object(bundle?.metadata ?? [:])]
        case .error(let error):
            return [
                "status": "error", "ename": .string(error.name), "evalue": .string(error.value),
                "traceback": .array(error.traceback.map { .string($0) }),
            ]
        }
    }

    /// After a failed cell, answers the execute requests already waiting with "aborted",
    /// since they were written expecting the failed cell to succeed.
    private func abort(_ abandoned: [Message]) {
        for queued in abandoned {
            guard queued.type == "execute_request" else {
                _ = handle(queued, on: .shell)
                continue
            }
            publishStatus("busy", parent: queued)
            logToStandardError("aborting \(queued.id) after an error in the previous cell")
            reply(
                to: queued, on: .shell, content: ["status": "aborted"],
                metadata: ["status": "aborted", "dependencies_met": false])
            publishStatus("idle", parent: queued)
        }
    }

    private func history(_ content: [String: JSON]) -> JSON {
        let output = content["output"]?.boolValue ?? false
        let entries = state.withLock { state -> [History.Entry] in
            let history = state.history
            switch content["hist_access_type"]?.stringValue ?? "tail" {
            case "range":
                return history.range(
                    session: content["session"]?.intValue ?? 0, start: content["start"]?.intValue ?? 1,
                    stop: content["stop"]?.intValue)
            case "search":
                return history.search(
                    pattern: content["pattern"]?.stringValue ?? "*", count: content["n"]?.intValue,
                    unique: content["unique"]?.boolValue ?? false)
            default:
                return history.tail(content["n"]?.intValue ?? 10)
            }
        }
        // Outputs are not kept; a front end asking for them gets the (input, null) pair shape.
        let rows: [JSON] = entries.map { entry in
            let input: JSON = .string(entry.input)
            return [.int(History.session), .int(entry.line), output ? [input, .null] : input]
        }
        return ["status": "ok", "history": .array(rows)]
    }
}

/// The output side of one running cell, handed to the interpreter.
final class CellContext: ExecutionContext {
    let dispatcher: Dispatcher
    let request: Message
    let silent: Bool
    let allowStdin: Bool

    init(dispatcher: Dispatcher, request: Message, silent: Bool, allowStdin: Bool) {
        self.dispatcher = dispatcher
        self.request = request
        self.silent = silent
        self.allowStdin = allowStdin
        comms = KernelCommSender(dispatcher: dispatcher, parent: request)
    }

    /// Comms are not output: a silent cell may open and use them too.
    let comms: (any CommSender)?

    func write(_ text: String, to stream: OutputStream) {
        guard !silent, !text.isEmpty else { return }
        dispatcher.publish("stream", ["name": .string(stream.rawValue), "text": .string(text)], parent: request)
    }

    func display(_ bundle: MimeBundle, id: String?) {
        guard !silent else { return }
        var content: [String: JSON] = ["data": .object(bundle.data), "metadata": .object(bundle.metadata)]
        content["transient"] = id.map { ["display_id": .string($0)] } ?? [:]
        dispatcher.publish("display_data", .object(content), parent: request)
    }

    func updateDisplay(_ bundle: MimeBundle, id: String) {
        guard !silent else { return }
        dispatcher.publish(
            "update_display_data",
            [
                "data": .object(bundle.data), "metadata": .object(bundle.metadata),
                "transient": ["display_id": .string(id)],
            ], parent: request)
    }

    func clearOutput(wait: Bool) {
        guard !silent else { return }
        dispatcher.publish("clear_output", ["wait": .bool(wait)], parent: request)
    }

    func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        guard allowStdin else {
            throw ExecutionError(
                name: "StdinNotImplementedError",
                value: "input was called, but this front end does not support input requests")
        }
        let inputRequest = dispatcher.factory.make(
            "input_request", content: ["prompt": .string(prompt), "password": .bool(password)], parent: request)
        guard let reply = dispatcher.transport.requestInput(inputRequest) else {
            throw .keyboardInterrupt
        }
        return reply.content["value"]?.stringValue ?? ""
    }

    var isInterruptRequested: Bool { InterruptFlag.isRaised }

    func waitForInterrupt(seconds: Double) -> Bool { InterruptFlag.wait(seconds: seconds) }

    /// Figures about the cell for its `execute_reply` metadata (`cell_ms`, `drawing_ms`).
    private(set) var replyFigures: [String: Double] = [:]

    func addReplyFigure(_ name: String, _ value: Double) { replyFigures[name, default: 0] += value }
}

/// Milliseconds from `start` to now, to a hundredth.
private func milliseconds(since start: ContinuousClock.Instant) -> Double {
    ((ContinuousClock.now - start).inSeconds * 100_000).rounded() / 100
}
