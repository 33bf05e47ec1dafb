// The sockets and threads of a running kernel.
//
// Threads and the sockets each one owns (libzmq sockets are not thread-safe):
// - the calling thread: shell (ROUTER) and stdin (ROUTER); it runs the cells, and comm
//   messages at their safe points, and is the only thread that ever runs the interpreter;
// - the control thread: control (ROUTER), so interrupts, shutdowns and subshell requests are
//   answered mid-cell; it answers control requests only;
// - the heartbeat thread: heartbeat (REP), echoing every frame it gets;
// - the iopub thread: iopub (XPUB), which it also reads, to greet each new subscriber with
//   `iopub_welcome`. The shell and control threads hand it their messages through an inproc
//   PUSH socket that sits behind a mutex.

import Synchronization
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A kernel bound to the ports of a connection file, serving until it is asked to shut down.
public final class KernelServer: Sendable {
    private let context: Context
    private let shell: Socket
    private let control: Socket
    private let stdin: Socket
    private let heartbeat: Socket
    private let iopub: Socket
    private let iopubFeedInput: Socket
    private let iopubFeed: Mutex<Socket>
    private let codec: WireCodec
    private let factory = MessageFactory()
    private let stopping = Atomic<Bool>(false)
    /// Set once nothing else will be published, so the iopub thread can empty its feed and stop.
    private let publishingDone = Atomic<Bool>(false)
    private let restartRequested = Atomic<Bool>(false)
    /// Drops requests sent before this process started (StaleMessages.swift).
    private let staleMessages = StaleMessageFilter.forThisProcess()
    private let parentWatch = ParentWatch(
        environment: getenv("JPY_PARENT_PID").map { String(cString: $0) }, currentParent: getppid())
    /// How often blocked threads look up to see whether the kernel is stopping.
    private static let wakeInterval = 200

    public init(connection: ConnectionInfo) throws {
        context = try Context()
        codec = WireCodec(key: connection.key)
        shell = try Socket(context: context, type: .router)
        control = try Socket(context: context, type: .router)
        stdin = try Socket(context: context, type: .router)
        heartbeat = try Socket(context: context, type: .reply)
        iopub = try Socket(context: context, type: .extendedPublisher)
        iopubFeedInput = try Socket(context: context, type: .pull)
        let feed = try Socket(context: context, type: .push)
        iopubFeed = Mutex(feed)
        // Every subscription, even a repeated one, reaches the kernel, so every client is greeted.
        try iopub.set(.extendedPublisherVerbose, 1)
        try iopub.set(.sendHighWaterMark, 0)
        try feed.set(.sendHighWaterMark, 0)
        try iopubFeedInput.set(.receiveHighWaterMark, 0)
        let feedEndpoint = "inproc://iopub-feed-\(factory.session)"
        try iopubFeedInput.bind(feedEndpoint)
        try feed.connect(feedEndpoint)

        // Replies still queued at shutdown get a second to leave; then the kernel exits anyway.
        for socket in [shell, control, stdin, heartbeat, iopub] {
            try socket.set(.linger, 1000)
            if connection.transport == .tcp && connection.ip.contains(":") { try socket.set(.ipv6, 1) }
        }
        // A restarted front end reconnects with the same identity; let it take over at once.
        for socket in [shell, control, stdin] { try socket.set(.routerHandover, 1) }

        try shell.bind(connection.endpoint(port: connection.shellPort))
        try control.bind(connection.endpoint(port: connection.controlPort))
        try stdin.bind(connection.endpoint(port: connection.stdinPort))
        try heartbeat.bind(connection.endpoint(port: connection.heartbeatPort))
        try iopub.bind(connection.endpoint(port: connection.iopubPort))
    }

    /// Serves requests until a `shutdown_request` arrives.
    /// - Returns: whether the front end asked for a restart.
    public func run(interpreter: any KernelInterpreter) -> Bool {
        installInterruptHandler()
        let transport = SocketTransport(server: self)
        let dispatcher = Dispatcher(interpreter: interpreter, transport: transport, factory: factory)

        let heartbeatThread = startThread { [self] in echoHeartbeats() }
        let iopubThread = startThread { [self] in publish() }
        let controlThread = startThread { [self] in
            serve(control, channel: .control, dispatcher: dispatcher)
        }
        dispatcher.publishStarting()
        serveShell(dispatcher: dispatcher)

        pthread_join(controlThread, nil)
        pthread_join(heartbeatThread, nil)
        publishingDone.store(true, ordering: .releasing)
        pthread_join(iopubThread, nil)
        iopubFeed.withLock { $0.close() }
        for socket in [shell, control, stdin, heartbeat, iopub, iopubFeedInput] { socket.close() }
        context.terminate()
        return restartRequested.load(ordering: .acquiring)
    }

    private func serve(_ socket: Socket, channel: Channel, dispatcher: Dispatcher) {
        while !stopping.load(ordering: .acquiring) {
            guard let request = receiveRequest(from: socket, channel: channel, timeout: KernelServer.wakeInterval)
            else {
                continue
            }
            stopIfAsked(dispatcher.handle(request, on: channel))
        }
    }

    /// The shell thread's loop: requests kept during a cell first, then the socket, and the
    /// language's idle work while nothing waits (PendingEvents.swift).
    private func serveShell(dispatcher: Dispatcher) {
        while !stopping.load(ordering: .acquiring) {
            stopIfAsked(
                dispatcher.serveShellTurn(wait: KernelServer.wakeInterval) { [self] timeout in
                    receiveRequest(from: shell, channel: .shell, timeout: timeout)
                })
        }
    }

    private func stopIfAsked(_ result: DispatchResult) {
        if case .shutDown(let again) = result {
            restartRequested.store(again, ordering: .releasing)
            stopping.store(true, ordering: .releasing)
            // A cell still running on the shell thread stops at its next interrupt check.
            InterruptFlag.raise()
        }
    }

    /// Waits for and decodes one request; frames that are not a valid signed message are
    /// logged and dropped, and nothing they ask for is done.
    func receiveRequest(from socket: Socket, channel: Channel, timeout: Int) -> Message? {
        do {
            guard try socket.waitForMessage(timeout: timeout) else { return nil }
            let frames = try socket.receive()
            let message = try codec.decode(frames)
            if let staleMessages, staleMessages.isStale(message.header) {
                let date = message.header["date"]?.stringValue ?? ""
                logToStandardError(
                    "dropped a \(message.type) on \(channel.rawValue) sent at \(date), before this kernel started")
                return nil
            }
            return message
        } catch let error as WireError {
            logToStandardError("dropped a message on \(channel.rawValue): \(error)")
        } catch {
            logToStandardError("\(channel.rawValue) socket: \(error)")
        }
        return nil
    }

    /// Echoes heartbeats; between them, watches for the front end that started the kernel
    /// to disappear, since a kernel nobody can reach would otherwise run forever.
    private func echoHeartbeats() {
        while !stopping.load(ordering: .acquiring) {
            do {
                if try heartbeat.waitForMessage(timeout: KernelServer.wakeInterval) {
                    try heartbeat.send(try heartbeat.receive())
                }
            } catch {
                logToStandardError("heartbeat: \(error)")
            }
            if let parentWatch, parentWatch.isOrphaned(currentParent: getppid()) {
                logToStandardError("the front end that started the kernel is gone; shutting down")
                stopping.store(true, ordering: .releasing)
                InterruptFlag.raise()
            }
        }
    }

    /// How to tell that the front end that started the kernel is gone, if jupyter_client named
    /// it (JPY_PARENT_PID, as for ipykernel). When a launcher stands between the two, or the
    /// front end died before this ran, the kernel's parent is not the one named; then only
    /// being handed to init counts.
    enum ParentWatch: Sendable, Equatable {
        case parent(pid_t)
        case adoptedByInit

        init?(environment value: String?, currentParent: pid_t) {
            guard let value, let named = pid_t(value), named > 1 else { return nil }
            self = currentParent == named ? .parent(named) : .adoptedByInit
        }

        func isOrphaned(currentParent: pid_t) -> Bool {
            switch self {
            case .parent(let pid): currentParent != pid
            case .adoptedByInit: currentParent == 1
            }
        }
    }

    /// Forwards the feed to iopub and welcomes subscribers, until publishing is done.
    private func publish() {
        while true {
            let done = publishingDone.load(ordering: .acquiring)
            do {
                // After the last message was fed, one pass with no wait empties the feed.
                let ready = try Socket.waitForMessage(
                    on: [iopubFeedInput, iopub], timeout: done ? 0 : KernelServer.wakeInterval)
                if ready[0] { try iopub.send(try iopubFeedInput.receive()) }
                if ready[1] { welcome(try iopub.receive()) }
                if done && !ready[0] { return }
            } catch {
                logToStandardError("iopub: \(error)")
                if done { return }
            }
        }
    }

    /// Answers a subscription with `iopub_welcome` (protocol 5.4), so a client knows from
    /// when on it receives everything; PUB sockets drop what is sent before that.
    private func welcome(_ frames: [[UInt8]]) {
        for frame in frames where frame.first == 1 {
            let topic = Array(frame.dropFirst())
            let message = factory.make(
                "iopub_welcome", content: ["subscription": .string(String(decoding: topic, as: UTF8.self))],
                parent: nil, identities: topic.isEmpty ? [] : [topic])
            do {
                try iopub.send(codec.encode(message))
            } catch {
                logToStandardError("iopub welcome: \(error)")
            }
        }
    }

    func send(_ message: Message, on channel: Channel) {
        let frames = codec.encode(message)
        do {
            switch channel {
            case .shell: try shell.send(frames)
            case .control: try control.send(frames)
            case .stdin: try stdin.send(frames)
            case .iopub: try iopubFeed.withLock { try $0.send(frames) }
            }
        } catch {
            logToStandardError("sending \(message.type) on \(channel.rawValue): \(error)")
        }
    }

    /// Sends an input request and waits for its reply, giving up on interrupt or shutdown.
    func requestInput(_ request: Message) -> Message? {
        // A reply to an earlier, interrupted request may still be waiting; it is not the answer.
        while (try? stdin.waitForMessage(timeout: 0)) == true {
            if let stale = receiveRequest(from: stdin, channel: .stdin, timeout: 0) {
                logToStandardError("ignored a late \(stale.type) on stdin")
            }
        }
        send(request, on: .stdin)
        while !InterruptFlag.isRaised && !stopping.load(ordering: .acquiring) {
            // The wait ends as soon as a reply comes or the interrupt flag goes up (its pipe
            // becomes readable); the timeout only bounds how late a shutdown is seen.
            let ready = try? stdin.waitForMessage(
                orReadable: InterruptFlag.wakeupDescriptor, timeout: KernelServer.wakeInterval)
            if ready?.readable == true { InterruptFlag.discardStaleWakeup() }
            guard ready?.message == true,
                let reply = receiveRequest(from: stdin, channel: .stdin, timeout: 0)
            else { continue }
            // jupyter_client sends input_reply without a parent; one that names another request is late.
            let parent = reply.parentHeader["msg_id"]?.stringValue
            if reply.type == "input_reply" && (parent == nil || parent == request.id) { return reply }
            logToStandardError("ignored \(reply.type) on stdin while waiting for input_reply")
        }
        return nil
    }

    func takeQueuedShellRequests() -> [Message] {
        var requests: [Message] = []
        while (try? shell.waitForMessage(timeout: 0)) == true {
            if let request = receiveRequest(from: shell, channel: .shell, timeout: 0) { requests.append(request) }
        }
        return requests
    }
}

/// The dispatcher's view of the server.
private struct SocketTransport: KernelTransport {
    let server: KernelServer
    func send(_ message: Message, on channel: Channel) { server.send(message, on: channel) }
    func requestInput(_ request: Message) -> Message? { server.requestInput(request) }
    func takeQueuedShellRequests() -> [Message] { server.takeQueuedShellRequests() }
}

/// Makes SIGINT raise the interrupt flag instead of ending the process.
///
/// jupyter_client interrupts kernels whose interrupt_mode is "signal" by sending SIGINT.
func installInterruptHandler() {
    InterruptFlag.lower()  // initialises the flag now, outside the signal handler
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in InterruptFlag.raise() }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
}

private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Starts a POSIX thread; plain pthreads keep Foundation's Thread out of the kernel.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box)
    precondition(result == 0, "pthread_create failed: \(result)")
    return thread
}
