// The state a debugger shares between the control thread and a stopped interpreter thread:
// breakpoints, how to step, and the hand-over of queries to the stopped thread.
//
// Only the interpreter thread runs the language. When it stops, it publishes that it stopped
// and waits on a condition; the control thread hands it queries (stack, variables, evaluate)
// and resume commands through the same lock and condition, and waits for the answers.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a cell stopped, as DAP names it in the `stopped` event.
public enum StopReason: String, Sendable {
    case breakpoint, step, pause, exception
}

/// How a stopped cell goes on.
public enum ResumeMode: Sendable, Equatable {
    /// Until the next breakpoint.
    case run
    /// To the next statement of this frame or of a caller (step over).
    case next
    /// To the next statement anywhere, inside a called function too.
    case stepIn
    /// To the next statement of a caller.
    case stepOut
}

public final class DebugSession: @unchecked Sendable {
    /// What the kernel announces in `debugInfo`, for front ends to name cells as the kernel does.
    public let hashSeed: UInt32
    public let tmpFilePrefix: String
    public let tmpFileSuffix = ".tc"
    /// The one thread that runs cells, as DAP `threads` lists it.
    public static let threadID = 1

    /// Called with each DAP event (name and body) to publish.
    private let publish: @Sendable (String, JSON) -> Void

    // Everything below is guarded by `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var breakpoints: [String: [Int: Int]] = [:]
    private var nextBreakpointID = 1
    private var errorFilters: Set<String> = []
    private var stepping: Stepping = .none
    private var pauseRequested = false
    private var stoppedDepth: Int?
    private var commands: [Command] = []
    private var sources: [String: String] = [:]

    private enum Stepping: Equatable {
        case none
        case over(depth: Int)
        case into
        case out(depth: Int)
    }

    private final class Reply {
        var result: Result<DebugAnswer, DebugFailure>?
    }

    private enum Command {
        case query(DebugQuery, Reply)
        case resume(ResumeMode)
    }

    public init(hashSeed: UInt32, tmpFilePrefix: String, publish: @escaping @Sendable (String, JSON) -> Void) {
        self.hashSeed = hashSeed
        self.tmpFilePrefix = tmpFilePrefix
        self.publish = publish
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Publishes a DAP event.
    public func publishEvent(_ event: String, _ body: JSON) { publish(event, body) }

    // MARK: Sources

    /// The path a front end gives this code (`tmpFilePrefix` + MurmurHash2 + `tmpFileSuffix`);
    /// the code is kept, so `source` can show it.
    public func path(for code: String) -> String {
        let path = tmpFilePrefix + String(Murmur2.hash(code, seed: hashSeed)) + tmpFileSuffix
        locked { sources[path] = code }
        return path
    }

    public func source(at path: String) -> String? { locked { sources[path] } }

    // MARK: Breakpoints (control thread)

    /// Replaces the breakpoints of one source; returns each line with its id.
    public func setBreakpoints(_ lines: [Int], in path: String) -> [(line: Int, id: Int)] {
        locked {
            var table: [Int: Int] = [:]
            var result: [(Int, Int)] = []
            for line in lines {
                let id = table[line] ?? breakpoints[path]?[line] ?? nextBreakpointID
                if id == nextBreakpointID { nextBreakpointID += 1 }
                table[line] = id
                result.append((line, id))
            }
            breakpoints[path] = table.isEmpty ? nil : table
            return result
        }
    }

    /// Every source with breakpoints and their lines, for `debugInfo`.
    public var allBreakpoints: [(path: String, lines: [Int])] {
        locked { breakpoints.map { ($0.key, $0.value.keys.sorted()) }.sorted { $0.0 < $1.0 } }
    }

    public func setErrorFilters(_ filters: [String]) { locked { errorFilters = Set(filters) } }

    /// Forgets breakpoints and stepping, when the front end detaches.
    public func reset() {
        locked {
            breakpoints = [:]
            errorFilters = []
            stepping = .none
            pauseRequested = false
        }
    }

    // MARK: The interpreter thread

    /// Whether the statement at `line` of `path`, at call depth `depth`, is where to stop.
    public func shouldStop(path: String?, line: Int, depth: Int) -> StopReason? {
        locked {
            if pauseRequested { return .pause }
            switch stepping {
            case .into: return .step
            case .over(let from) where depth <= from: return .step
            case .out(let from) where depth < from: return .step
            default: break
            }
            if let path, breakpoints[path]?[line] != nil { return .breakpoint }
            return nil
        }
    }

    /// Whether a cell should stop where an error is raised (the "Errors" exception filter).
    public var stopsOnErrors: Bool { locked { !errorFilters.isEmpty } }

    /// Whether a cell is stopped now.
    public var isStopped: Bool { locked { stoppedDepth != nil } }

    /// Stops the calling (interpreter) thread: publishes `stopped`, answers the queries the
    /// control thread hands over with `answer`, until a resume command or an interrupt.
    /// - Returns: false when the wait ended by an interrupt (the cell should end).
    public func stop(
        _ reason: StopReason, depth: Int, description: String? = nil, text: String? = nil,
        answer: (DebugQuery) -> Result<DebugAnswer, DebugFailure>
    ) -> Bool {
        locked {
            pauseRequested = false
            stepping = .none
            stoppedDepth = depth
        }
        var body: [String: JSON] = [
            "reason": .string(reason.rawValue), "threadId": .int(DebugSession.threadID), "allThreadsStopped": true,
        ]
        if let description { body["description"] = .string(description) }
        if let text { body["text"] = .string(text) }
        publish("stopped", .object(body))

        var resumed = true
        pthread_mutex_lock(mutex)
        waiting: while true {
            if commands.isEmpty {
                if InterruptFlag.isRaised {
                    resumed = false
                    break waiting
                }
                waitBriefly()
                continue
            }
            switch commands.removeFirst() {
            case .query(let query, let reply):
                pthread_mutex_unlock(mutex)
                let result = answer(query)
                pthread_mutex_lock(mutex)
                reply.result = result
                pthread_cond_broadcast(condition)
            case .resume(let mode):
                switch mode {
                case .run: stepping = .none
                case .next: stepping = .over(depth: depth)
                case .stepIn: stepping = .into
                case .stepOut: stepping = .out(depth: depth)
                }
                break waiting
            }
        }
        // Queries still waiting are answered, so the control thread never waits for nothing.
        for case .query(_, let reply) in commands {
            reply.result = .failure(DebugFailure("the cell is running again"))
        }
        commands.removeAll()
        stoppedDepth = nil
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        publish("continued", ["threadId": .int(DebugSession.threadID), "allThreadsContinued": true])
        return resumed
    }

    /// Waits on the condition for at most 100 ms (the mutex held), so an interrupt raised by a
    /// signal, which cannot signal a condition, is still seen.
    private func waitBriefly() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var deadline = now
        deadline.tv_nsec += 100_000_000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        pthread_cond_timedwait(condition, mutex, &deadline)
    }

    // MARK: The control thread

    /// Hands a query to the stopped thread and waits for its answer; nil when no cell is stopped.
    public func ask(_ query: DebugQuery) -> Result<DebugAnswer, DebugFailure>? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard stoppedDepth != nil else { return nil }
        let reply = Reply()
        commands.append(.query(query, reply))
        pthread_cond_broadcast(condition)
        while reply.result == nil { waitBriefly() }
        return reply.result
    }

    /// Lets a stopped cell go on; false when none is stopped.
    @discardableResult
    public func resume(_ mode: ResumeMode) -> Bool {
        locked {
            guard stoppedDepth != nil else { return false }
            commands.append(.resume(mode))
            pthread_cond_broadcast(condition)
            return true
        }
    }

    /// Asks a running cell to stop at its next statement.
    public func pause() { locked { pauseRequested = true } }

    /// Wakes a stopped thread, so it sees a raised interrupt flag at once.
    public func wake() { locked { _ = pthread_cond_broadcast(condition) } }
}
