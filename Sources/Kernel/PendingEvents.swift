// The shell thread's queue, events while a cell runs, and idle work.
//
// Only the shell thread runs the interpreter and reads the shell socket. While a cell runs, it
// reads the socket at the cell's safe points (`CommSender.processPendingEvents`, called by the
// language between loop iterations and training batches): comm messages, from the main shell or
// a subshell, are applied there and then; every other request is kept, in arrival order, and
// handled after the cell, before anything newer. When no request waits, the loop gives the
// language's idle work (a playground that is playing) one slice at a time.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the shell thread keeps between turns of its loop.
struct ShellQueue {
    /// Requests read during a cell that wait for it to end, oldest first.
    var waiting: [Message] = []
    /// Comm messages read at a safe point and not yet applied, oldest first. A callback that
    /// reaches a safe point itself applies the next of these, so order holds when calls nest.
    var arrivedComms: [Message] = []
    /// When the socket was last read at a safe point, in monotonic nanoseconds.
    var lastLook: UInt64?
    /// The least time between two reads of the socket at safe points: a safe point called on
    /// every loop iteration then costs a clock read (no system call) when it is not due.
    var lookInterval: UInt64 = 5_000_000
    /// Whether the language may have idle work; false once its idle slice says it has none.
    var idleWorkMayRemain = false
    /// The request handled last: the parent of what idle work publishes.
    var lastRequest: Message?
}

/// Monotonic time in nanoseconds. On Linux the coarse clock is read from the vDSO, with no
/// system call; its few milliseconds of resolution are plenty for spacing out socket reads.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
    #else
        clock_gettime(CLOCK_MONOTONIC, &now)
    #endif
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The calling thread, as a number to compare.
func currentThreadID() -> UInt {
    #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
    #else
        UInt(pthread_self())
    #endif
}

extension Dispatcher {
    /// One turn of the shell thread's loop: the oldest request that waited for a cell, else one
    /// from the socket, else a slice of the language's idle work.
    /// - Parameters:
    ///   - wait: how long to wait for a request, in milliseconds, when there is no idle work.
    ///   - receive: reads one request off the shell socket, waiting at most the milliseconds given.
    public func serveShellTurn(wait: Int, receive: (Int) -> Message?) -> DispatchResult {
        shellThread.store(currentThreadID(), ordering: .relaxed)
        let (waiting, idleWork) = shellQueue.withLock { queue in
            (queue.waiting.isEmpty ? nil : queue.waiting.removeFirst(), queue.idleWorkMayRemain)
        }
        if let request = waiting ?? receive(idleWork ? 0 : wait) {
            let result = handle(request, on: .shell)
            // Any request may have started idle work (a play button, a cell), so ask again.
            let hasHandler = interpreter.commHandler != nil
            shellQueue.withLock { queue in
                queue.lastRequest = request
                queue.idleWorkMayRemain = hasHandler
            }
            return result
        }
        if idleWork { runIdleSlice() }
        return .keepRunning
    }

    /// Runs one slice of the language's idle work, its output parented to the last request.
    func runIdleSlice() {
        guard let handler = interpreter.commHandler, let parent = shellQueue.withLock({ $0.lastRequest }) else {
            shellQueue.withLock { $0.idleWorkMayRemain = false }
            return
        }
        let context = CellContext(dispatcher: self, request: parent, silent: false, allowStdin: false)
        let more = handler.runIdleSlice(context: context)
        shellQueue.withLock { $0.idleWorkMayRemain = more }
    }

    /// A safe point of a running cell (`CommSender.processPendingEvents`): reads what waits on
    /// the shell socket without blocking, applies comm messages and answers `comm_info_request`
    /// now, on this thread, and keeps every other request for after the cell.
    func processPendingEvents() {
        // A socket belongs to one thread; a safe point reached elsewhere (a worker thread of the
        // language) must not read it.
        let owner = shellThread.load(ordering: .relaxed)
        guard owner == 0 || owner == currentThreadID() else { return }
        let now = monotonicNanoseconds()
        let due = shellQueue.withLock { queue -> Bool in
            if let last = queue.lastLook, now &- last < queue.lookInterval { return false }
            queue.lastLook = now
            return true
        }
        if due {
            let arrived = transport.takeQueuedShellRequests()
            guard !arrived.isEmpty || shellQueue.withLock({ !$0.arrivedComms.isEmpty }) else { return }
            shellQueue.withLock { queue in
                for request in arrived {
                    if Dispatcher.commMessageTypes.contains(request.type) || request.type == "comm_info_request" {
                        queue.arrivedComms.append(request)
                    } else {
                        queue.waiting.append(request)
                    }
                }
            }
        }
        while let request = shellQueue.withLock({ $0.arrivedComms.isEmpty ? nil : $0.arrivedComms.removeFirst() }) {
            guard accepts(request, on: .shell) else { continue }
            if request.type == "comm_info_request" {
                answerCommInfo(request, on: .shell)
            } else {
                applyComm(request)
            }
        }
    }

    /// Every shell request not yet handled, oldest first: those kept during a cell, then those
    /// still on the socket. Used to abort what was queued behind a failed cell.
    func takeWaitingShellRequests() -> [Message] {
        let kept = shellQueue.withLock { queue in
            defer {
                queue.arrivedComms = []
                queue.waiting = []
            }
            return queue.arrivedComms + queue.waiting
        }
        return kept + transport.takeQueuedShellRequests()
    }
}
