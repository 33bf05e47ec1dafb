// The Jupyter debugger protocol: `debug_request` on control carries a Debug Adapter Protocol
// request, `debug_reply` its response, `debug_event` on iopub its events. The requests and
// their order are those JupyterLab 4's debugger sends; the language is reached only through
// `LanguageDebugging` and the `DebugSession`.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

public final class DebugAdapter: Sendable {
    public let session: DebugSession
    private let language: any LanguageDebugging
    private let started = Mutex(false)

    /// The one exception filter offered: stop where an error is raised.
    static let errorFilter = "errors"

    public init(language: any LanguageDebugging, transport: any KernelTransport, factory: MessageFactory) {
        self.language = language
        let environment = getenv("TMPDIR").map { String(cString: $0) }
        let directory = environment.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let prefix = (directory.hasSuffix("/") ? directory : directory + "/") + "tensorcell_\(getpid())/"
        let sequence = SequenceNumbers()
        session = DebugSession(hashSeed: 0xC0FFEE, tmpFilePrefix: prefix) { event, body in
            // Published as ipykernel does: topic `kernel.<session>.debug_event`, no parent.
            let content: JSON = [
                "seq": .int(sequence.next()), "type": "event", "event": .string(event),
                "body": body,
            ]
            let topic = Array("kernel.\(factory.session).debug_event".utf8)
            transport.send(factory.make("debug_event", content: content, parent: nil, identities: [topic]), on: .iopub)
        }
        language.prepare(session)
    }

    public var isStarted: Bool { started.withLock { $0 } }

    /// Answers one DAP request (the content of a `debug_request`) with its DAP response.
    public func handle(_ request: JSON) -> JSON {
        let command = request["command"]?.stringValue ?? ""
        let arguments = request["arguments"]?.objectValue ?? [:]
        var response: [String: JSON] = [
            "seq": .int(request["seq"]?.intValue ?? 0), "type": "response",
            "request_seq": .int(request["seq"]?.intValue ?? 0), "command": .string(command),
        ]
        switch respond(command, arguments) {
        case .success(let body):
            response["success"] = true
            response["body"] = body
        case .failure(let failure):
            response["success"] = false
            response["message"] = .string(failure.message)
            response["body"] = ["error": ["id": 1, "format": .string(failure.message)]]
        }
        return .object(response)
    }

    private func respond(_ command: String, _ arguments: [String: JSON]) -> Result<JSON, DebugFailure> {
        switch command {
        case "initialize":
            return .success(capabilities)
        case "attach":
            started.withLock { $0 = true }
            language.attach(session)
            session.publishEvent("thread", ["reason": "started", "threadId": .int(DebugSession.threadID)])
            return .success([:])
        case "disconnect":
            let wasStarted = started.withLock { started in
                defer { started = false }
                return started
            }
            language.attach(nil)
            session.reset()
            session.resume(.run)
            if wasStarted { session.publishEvent("terminated", [:]) }
            return .success([:])
        case "configurationDone":
            return .success([:])
        case "debugInfo":
            return .success(debugInfo)
        case "dumpCell":
            guard let code = arguments["code"]?.stringValue else { return .failure(DebugFailure("dumpCell needs \"code\"")) }
            return .success(["sourcePath": .string(session.path(for: code))])
        case "source":
            let path = arguments["source"]?["path"]?.stringValue ?? ""
            guard let code = session.source(at: path) else {
                return .failure(DebugFailure("no cell has the source path \(path)"))
            }
            return .success(["content": .string(code), "mimeType": "text/x-tensorcell"])
        case "setBreakpoints":
            let path = arguments["source"]?["path"]?.stringValue ?? ""
            let lines =
                arguments["breakpoints"]?.arrayValue?.compactMap { $0["line"]?.intValue }
                ?? arguments["lines"]?.arrayValue?.compactMap(\.intValue) ?? []
            let set = session.setBreakpoints(lines, in: path)
            return .success([
                "breakpoints": .array(
                    set.map {
                        ["id": .int($0.id), "verified": true, "line": .int($0.line), "source": ["path": .string(path)]]
                    })
            ])
        case "setExceptionBreakpoints":
            let filters = arguments["filters"]?.arrayValue?.compactMap(\.stringValue) ?? []
            session.setErrorFilters(filters.filter { $0 == DebugAdapter.errorFilter })
            return .success(["breakpoints": .array(filters.map { _ in ["verified": true] })])
        case "threads":
            return .success(["threads": [["id": .int(DebugSession.threadID), "name": "Interpreter"]]])
        case "modules":
            return .success(["modules": [], "totalModules": 0])
        case "continue", "next", "stepIn", "stepOut":
            let mode: ResumeMode =
                switch command {
                case "next": .next
                case "stepIn": .stepIn
                case "stepOut": .stepOut
                default: .run
                }
            guard session.resume(mode) else { return .failure(DebugFailure("no cell is stopped")) }
            return .success(command == "continue" ? ["allThreadsContinued": true] : [:])
        case "pause":
            session.pause()
            return .success([:])
        case "stackTrace":
            return query(.stackTrace).map { answer in
                guard case .frames(let frames) = answer else { return [:] }
                return ["stackFrames": .array(frames.map(DebugAdapter.frame)), "totalFrames": .int(frames.count)]
            }
        case "scopes":
            return query(.scopes(frame: arguments["frameId"]?.intValue ?? 0)).map { answer in
                guard case .scopes(let scopes) = answer else { return [:] }
                return [
                    "scopes": .array(
                        scopes.map {
                            [
                                "name": .string($0.name), "variablesReference": .int($0.reference), "expensive": false,
                                "presentationHint": .string($0.hint),
                            ]
                        })
                ]
            }
        case "variables":
            return query(.variables(reference: arguments["variablesReference"]?.intValue ?? 0)).map(DebugAdapter.variables)
        case "inspectVariables":
            return query(.globals).map(DebugAdapter.variables)
        case "evaluate":
            guard let expression = arguments["expression"]?.stringValue else {
                return .failure(DebugFailure("evaluate needs an \"expression\""))
            }
            return query(.evaluate(expression, frame: arguments["frameId"]?.intValue)).map { answer in
                guard case .value(let value) = answer else { return [:] }
                return [
                    "result": .string(value.value), "type": .string(value.type),
                    "variablesReference": .int(value.reference),
                ]
            }
        case "richInspectVariables":
            guard let name = arguments["variableName"]?.stringValue else {
                return .failure(DebugFailure("richInspectVariables needs a \"variableName\""))
            }
            return query(.richInspect(name: name, frame: arguments["frameId"]?.intValue)).map { answer in
                guard case .rich(let bundle) = answer else { return ["data": [:], "metadata": [:]] }
                return ["data": .object(bundle.data), "metadata": .object(bundle.metadata)]
            }
        case "copyToGlobals":
            guard let source = arguments["srcVariableName"]?.stringValue,
                let destination = arguments["dstVariableName"]?.stringValue
            else { return .failure(DebugFailure("copyToGlobals needs srcVariableName and dstVariableName")) }
            return query(.copyToGlobals(source: source, destination: destination, frame: arguments["srcFrameId"]?.intValue))
                .map { _ in [:] }
        default:
            return .failure(DebugFailure("the debugger does not know the request \"\(command)\""))
        }
    }

    /// Asks the stopped cell's thread, or, when no cell is stopped, the language's published state.
    private func query(_ query: DebugQuery) -> Result<DebugAnswer, DebugFailure> {
        if let answer = session.ask(query) { return answer }
        return language.answerWhileNotStopped(query)
    }

    private var capabilities: JSON {
        [
            "supportsConfigurationDoneRequest": true,
            "supportsEvaluateForHovers": true,
            "supportsSetVariable": false,
            "supportsConditionalBreakpoints": false,
            "supportsStepBack": false,
            "supportsDelayedStackTraceLoading": false,
            "supportsTerminateRequest": false,
            "supportsExceptionInfoRequest": false,
            "exceptionBreakpointFilters": [
                [
                    "filter": .string(DebugAdapter.errorFilter), "label": "Errors",
                    "description": "Stop where an error is raised, before the cell ends with it", "default": false,
                ]
            ],
        ]
    }

    private var debugInfo: JSON {
        [
            "isStarted": .bool(isStarted),
            "hashMethod": "Murmur2",
            "hashSeed": .int(Int(session.hashSeed)),
            "tmpFilePrefix": .string(session.tmpFilePrefix),
            "tmpFileSuffix": .string(session.tmpFileSuffix),
            "breakpoints": .array(
                session.allBreakpoints.map { entry in
                    ["source": .string(entry.path), "breakpoints": .array(entry.lines.map { ["line": .int($0)] })]
                }),
            "stoppedThreads": session.isStopped ? [.int(DebugSession.threadID)] : [],
            "richRendering": true,
            "exceptionPaths": ["Tensorcell errors"],
            "copyToGlobals": true,
        ]
    }

    static func frame(_ frame: DebugFrame) -> JSON {
        var result: [String: JSON] = [
            "id": .int(frame.id), "name": .string(frame.name), "line": .int(frame.line), "column": .int(frame.column),
        ]
        if let path = frame.path { result["source"] = ["path": .string(path), "name": .string(frame.name)] }
        return .object(result)
    }

    static func variables(_ answer: DebugAnswer) -> JSON {
        guard case .variables(let variables) = answer else { return ["variables": []] }
        return [
            "variables": .array(
                variables.map {
                    [
                        "name": .string($0.name), "value": .string($0.value), "type": .string($0.type),
                        "evaluateName": .string($0.evaluateName), "variablesReference": .int($0.reference),
                    ]
                })
        ]
    }
}

/// The `seq` numbers of the events an adapter sends.
private final class SequenceNumbers: Sendable {
    private let last = Atomic<Int>(0)
    func next() -> Int { last.add(1, ordering: .relaxed).newValue }
}
