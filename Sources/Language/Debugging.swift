// The language's side of the debugger: where statements start, the call stack, stopping, and
// the answers a stopped cell gives about itself.
//
// Every statement asks `isAttached`, one atomic load and one branch, so a session without a
// debugger pays almost nothing. With one attached, each statement asks the kernel's
// `DebugSession` whether to stop (a breakpoint on its line, a step, a pause) and, when it
// stops, answers queries on its own thread until it is told to go on.

import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

public final class Debugging: LanguageDebugging, @unchecked Sendable {
    /// Set while a front end is attached: the flag every statement tests.
    private let attached = Atomic<Bool>(false)
    private let connected = Mutex<DebugSession?>(nil)
    /// The kernel's session, attached or not: it names every cell's source.
    private let prepared = Mutex<DebugSession?>(nil)
    /// The globals as the last cell left them, for questions asked while no cell is stopped.
    private let published = Mutex<[(name: String, value: Value)]>([])
    /// Held by the interpreter thread while a cell runs (stopped or not); the control thread
    /// reads `published` values only while it can take it, so never while a cell changes them.
    private let running: UnsafeMutablePointer<pthread_mutex_t>

    // The interpreter thread's own state.
    /// The calls in progress, outermost (the cell) first.
    private var frames: [CallFrame] = []
    private var cellName = "cell"
    /// Set once the cell stopped on an error, so the statements it passes through on its way
    /// out do not stop on it again.
    private var stoppedOnError = false
    /// Set while a stopped cell answers a query: code the debug console runs does not stop.
    private var answering = false
    private var stoppedTable = VariableTable()
    /// The control thread's table for `inspectVariables`; used only with `running` held.
    private var idleTable = VariableTable()

    struct CallFrame {
        var name: String
        /// The innermost scope of the statement running in this frame.
        var scope: Scope
        var span: SourceSpan
    }

    init() {
        running = .allocate(capacity: 1)
        pthread_mutex_init(running, nil)
    }

    deinit {
        pthread_mutex_destroy(running)
        running.deallocate()
    }

    /// Whether a debugger is attached; tested at every statement.
    ///
    /// A build with `-D NO_DEBUG_HOOKS` answers a constant false, so the compiler drops every
    /// hook: the build `docs/benchmarks.md` measures the hooks' cost against.
    #if NO_DEBUG_HOOKS
        @inline(__always) var isAttached: Bool { false }
    #else
        @inline(__always) var isAttached: Bool { attached.load(ordering: .relaxed) }
    #endif

    var session: DebugSession? { isAttached ? connected.withLock { $0 } : nil }

    // MARK: LanguageDebugging (control thread)

    public func prepare(_ session: DebugSession) { prepared.withLock { $0 = session } }

    public func attach(_ session: DebugSession?) {
        connected.withLock { $0 = session }
        attached.store(session != nil, ordering: .releasing)
        session?.wake()
    }

    /// Wakes a stopped cell so it sees the interrupt at once.
    func interrupt() { connected.withLock { $0 }?.wake() }

    public func answerWhileNotStopped(_ query: DebugQuery) -> Result<DebugAnswer, DebugFailure> {
        guard pthread_mutex_trylock(running) == 0 else {
            return .failure(DebugFailure("a cell is running: pause it, or wait for it to end, to see its variables"))
        }
        defer { pthread_mutex_unlock(running) }
        let globals = published.withLock { $0 }
        switch query {
        case .stackTrace:
            return .success(.frames([]))
        case .globals:
            idleTable = VariableTable()
            return .success(.variables(globals.map { idleTable.describe($0.name, $0.value, evaluateName: $0.name) }))
        case .variables(let reference):
            return idleTable.children(of: reference).map(DebugAnswer.variables)
        case .richInspect(let name, _):
            guard let value = globals.first(where: { $0.name == name })?.value else {
                return .failure(DebugFailure("no variable is named \(name)"))
            }
            return Debugging.richBundle(value)
        case .scopes, .evaluate, .copyToGlobals:
            return .failure(DebugFailure("no cell is stopped: set a breakpoint and run a cell, then ask again"))
        }
    }

    // MARK: Cells (interpreter thread)

    /// Called on the interpreter thread before a cell runs.
    func cellWillRun(name: String) {
        pthread_mutex_lock(running)
        cellName = name
        frames.removeAll()
        stoppedOnError = false
    }

    /// Called on the interpreter thread after a cell ran, with the globals it left.
    func cellDidRun(globals: Scope) {
        frames.removeAll()
        let values = globals.names.keys.sorted().map { (name: $0, value: globals.names[$0]!.value) }
        published.withLock { $0 = values }
        pthread_mutex_unlock(running)
    }

    /// The path a cell's source file gets in the debugger protocol; nil without a kernel.
    func path(for code: String) -> String? { prepared.withLock { $0 }?.path(for: code) }

    // MARK: Statements and calls (interpreter thread)

    /// Runs one statement (or a cell's or function's final expression) under the debugger:
    /// stops before it when the session says so, and where it raises an error when asked to.
    func step<T>(at span: SourceSpan, in scope: Scope, evaluator: Evaluator, _ body: () throws -> T) throws -> T {
        guard let session, !answering else { return try body() }
        if frames.isEmpty { frames.append(CallFrame(name: cellName, scope: scope, span: span)) }
        frames[frames.count - 1].scope = scope
        frames[frames.count - 1].span = span
        if let file = span.file, let reason = session.shouldStop(
            path: file.path, line: file.location(of: span.start).line, depth: frames.count)
        {
            try stop(session, reason, evaluator: evaluator)
        }
        do {
            return try body()
        } catch {
            let failure = evaluator.located(error, span)
            if !stoppedOnError, failure.kind != .keyboardInterrupt, session.stopsOnErrors {
                stoppedOnError = true
                let text = "\(failure.kind.rawValue): \(failure.message)"
                session.publishEvent("output", ["category": "stderr", "output": .string(text + "\n")])
                _ = session.stop(.exception, depth: frames.count, description: text, text: failure.kind.rawValue) {
                    answer($0, evaluator: evaluator)
                }
                stoppedTable = VariableTable()
            }
            throw error
        }
    }

    /// A user function's call begins (its parameters bound in `scope`).
    func enter(function name: String, scope: Scope, span: SourceSpan) {
        if frames.isEmpty { frames.append(CallFrame(name: cellName, scope: scope, span: span)) }
        frames.append(CallFrame(name: name, scope: scope, span: span))
    }

    func leave() {
        if frames.count > 1 { frames.removeLast() }
    }

    private func stop(_ session: DebugSession, _ reason: StopReason, evaluator: Evaluator) throws {
        stoppedTable = VariableTable()
        let resumed = session.stop(reason, depth: frames.count) { answer($0, evaluator: evaluator) }
        stoppedTable = VariableTable()
        if !resumed {
            throw LanguageError(
                .keyboardInterrupt, "interrupted while stopped in the debugger; the variables set before keep their values")
        }
    }

    // MARK: Answers of a stopped cell (interpreter thread)

    private func frame(_ id: Int?) -> CallFrame? {
        guard let id else { return frames.last }
        let index = frames.count - id
        return frames.indices.contains(index) ? frames[index] : nil
    }

    func answer(_ query: DebugQuery, evaluator: Evaluator) -> Result<DebugAnswer, DebugFailure> {
        answering = true
        defer { answering = false }
        switch query {
        case .stackTrace:
            var result: [DebugFrame] = []
            for (offset, frame) in frames.reversed().enumerated() {
                let location = frame.span.file.map { $0.location(of: frame.span.start) } ?? (line: 1, column: 0)
                result.append(
                    DebugFrame(
                        id: offset + 1, name: frame.name, path: frame.span.file?.path, line: location.line,
                        column: location.column + 1))
            }
            return .success(.frames(result))
        case .scopes(let id):
            guard let frame = frame(id) else { return .failure(DebugFailure("no frame \(id)")) }
            let locals = stoppedTable.register(.names(localNames(frame.scope, globals: evaluator.globals)))
            let globals = stoppedTable.register(.names(globalNames(evaluator.globals)))
            return .success(
                .scopes([
                    DebugScope(name: "Locals", reference: locals, hint: "locals"),
                    DebugScope(name: "Globals", reference: globals, hint: "globals"),
                ]))
        case .variables(let reference):
            return stoppedTable.children(of: reference).map(DebugAnswer.variables)
        case .globals:
            return .success(
                .variables(globalNames(evaluator.globals).map { stoppedTable.describe($0.name, $0.value, evaluateName: $0.name) }))
        case .evaluate(let expression, let id):
            guard let frame = frame(id) else { return .failure(DebugFailure("no frame \(id ?? 0)")) }
            do {
                let file = SourceFile(name: "debug console", text: expression)
                var parser = try Parser(file: file)
                parser.skipNewlines()
                let parsed = try parser.parseExpression()
                parser.skipNewlines()
                guard parser.current.kind == .end else {
                    throw parser.error("expected the end of the expression, found \(parser.describe(parser.current))")
                }
                let value = try evaluator.eval(parsed, frame.scope)
                return .success(.value(stoppedTable.describe(expression, value, evaluateName: expression)))
            } catch {
                let failure = evaluator.located(error, .none)
                return .failure(DebugFailure("\(failure.kind.rawValue): \(failure.message)"))
            }
        case .richInspect(let name, let id):
            guard let scope = frame(id)?.scope ?? Optional(evaluator.globals), let binding = scope.lookup(name) else {
                return .failure(DebugFailure("no variable is named \(name) here"))
            }
            return Debugging.richBundle(binding.value)
        case .copyToGlobals(let source, let destination, let id):
            guard let scope = frame(id)?.scope, let binding = scope.lookup(source) else {
                return .failure(DebugFailure("no variable is named \(source) here"))
            }
            evaluator.globals.names[destination] = Binding(value: binding.value, mutable: true)
            return .success(.done)
        }
    }

    /// The names a frame sees that are not globals: its block scopes, innermost winning.
    private func localNames(_ scope: Scope, globals: Scope) -> [(name: String, value: Value)] {
        var seen = Set<String>()
        var result: [(name: String, value: Value)] = []
        var current: Scope? = scope
        while let level = current, level !== globals {
            // `super` is the object again, seen from the superclass: `self` already shows it.
            for name in level.names.keys.sorted() where !seen.contains(name) && name != "super" {
                seen.insert(name)
                result.append((name, level.names[name]!.value))
            }
            current = level.parent
        }
        return result.sorted { $0.name < $1.name }
    }

    private func globalNames(_ globals: Scope) -> [(name: String, value: Value)] {
        globals.names.keys.sorted().map { ($0, globals.names[$0]!.value) }
    }

    static func richBundle(_ value: Value) -> Result<DebugAnswer, DebugFailure> {
        do {
            if var rich = try RichOutput.richOutput(for: value) {
                if rich.data["text/plain"] == nil { rich.setText(value.text, for: "text/plain") }
                return .success(.rich(rich))
            }
            return .success(.rich(.plainText(value.text)))
        } catch {
            return .failure(DebugFailure("\(value.typeName) cannot be shown: \(error)"))
        }
    }
}
