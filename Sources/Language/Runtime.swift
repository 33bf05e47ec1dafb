// What a running program may touch besides its values: output, the notebook's history, the
// random seed, files in the notebook's directory, the clock and the interrupt flag.

import Display
import Kernel
import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Belongs to its interpreter and, like it, to one thread at a time.
public final class Runtime {
    public let library: Library
    /// The running cell's link to the front end; a quiet one between cells.
    var context: any ExecutionContext = SilentContext()
    /// The folder data files are read from and model files written to.
    public let directory: String
    /// What `log(name: value)` recorded, in the order names first appeared.
    public private(set) var history: [(name: String, values: [Double])] = []
    /// The seed `%seed N` set, used by builtins that take a seed when the call gives none.
    public var seed: UInt64 = 0
    /// Draws made since the seed was set, so unseeded calls differ from each other but repeat
    /// from run to run.
    public var draws: UInt64 = 0
    /// A deadline in seconds of `now()`; past it, the program stops (the fuzz test's time bound).
    public var deadline: Double?
    private var displayCount = 0
    /// The session's widget models and their comms.
    public private(set) lazy var widgets = WidgetComms(runtime: self)
    /// The thread with a large stack that runs the session's cells and callbacks.
    let languageThread = LanguageThread()
    /// When `safePoint()` last looked for comm messages, in seconds of `now()`.
    var lastSafePoint = 0.0
    private var checks = 0

    public init(library: Library, directory: String = ".") {
        self.library = library
        self.directory = directory
    }

    // MARK: Output

    public func print(_ text: String) { context.write(text, to: .stdout) }
    public func eprint(_ text: String) { context.write(text, to: .stderr) }

    /// Shows a value as its own output, now.
    public func display(_ value: Value, id: String? = nil) throws {
        context.display(try RichOutput.bundle(for: value, runtime: self), id: id)
    }

    /// Shows display-layer output, with an id that later `update` calls replace in place.
    public func publish(_ output: MIMEBundle, id: String? = nil) {
        context.display(output, id: id)
    }

    public func update(_ output: MIMEBundle, id: String) {
        context.updateDisplay(output, id: id)
    }

    public func updateDisplay(_ value: Value, id: String) throws {
        context.updateDisplay(try RichOutput.bundle(for: value, runtime: self), id: id)
    }

    public func clearOutput(wait: Bool) { context.clearOutput(wait: wait) }

    public func input(prompt: String, password: Bool) throws -> String {
        do {
            return try context.input(prompt: prompt, password: password)
        } catch {
            if error.name == "KeyboardInterrupt" { throw LanguageError(.keyboardInterrupt, "interrupted") }
            throw LanguageError(ErrorKind(rawValue: error.name) ?? .stdinNotImplemented, error.value.isEmpty ? "no input is available" : error.value)
        }
    }

    /// A display id unique within the session, for live outputs.
    public func newDisplayID(_ prefix: String = "tensorcell") -> String {
        displayCount += 1
        return "\(prefix)-\(getpid())-\(displayCount)"
    }

    // MARK: History

    /// Appends to the named series `plot(history())` draws.
    public func log(_ name: String, _ value: Double) {
        if let index = history.firstIndex(where: { $0.name == name }) {
            history[index].values.append(value)
        } else {
            history.append((name, [value]))
        }
    }

    public func clearHistory() { history.removeAll() }

    // MARK: Randomness

    /// The seed for a call: the call's own, or the session seed advanced by one per draw.
    public func seed(_ given: Int?) -> UInt64 {
        if let given { return UInt64(bitPattern: Int64(given)) }
        draws += 1
        return seed &* 0x9E37_79B9_7F4A_7C15 &+ draws
    }

    // MARK: Interrupts and bounds

    /// Stops the program when the user asked to interrupt or its time is up. Called at every
    /// loop iteration, call and tensor operation; cheap.
    public func checkInterrupt() throws {
        if context.isInterruptRequested || InterruptFlag.isRaised {
            throw LanguageError(.keyboardInterrupt, "interrupted: the cell stopped here, and the variables set before keep their values")
        }
        if let deadline {
            checks &+= 1
            if checks & 63 == 0 && Runtime.now() > deadline {
                throw LanguageError(.timeoutError, "the program ran past its time limit")
            }
        }
    }

    /// `checkInterrupt` with the time limit read on every call, for loops whose every turn is
    /// long work (a training step and a redraw), where one check in 64 would let a time limit
    /// pass by seconds.
    public func checkInterruptEveryTurn() throws {
        try checkInterrupt()
        if let deadline, Runtime.now() > deadline {
            throw LanguageError(.timeoutError, "the program ran past its time limit")
        }
    }

    /// Waits `seconds` (`sleep`), ending at once with `KeyboardInterrupt` when an interrupt
    /// comes (the wait wakes on it, it does not poll) and with `TimeoutError` at the time limit.
    public func wait(seconds: Double) throws {
        let end = Runtime.now() + seconds
        while true {
            try checkInterrupt()
            let now = Runtime.now()
            if let deadline, now > deadline {
                throw LanguageError(.timeoutError, "the program ran past its time limit")
            }
            guard now < end else { return }
            _ = context.waitForInterrupt(seconds: min(end, deadline.map { $0 + 1e-6 } ?? end) - now)
        }
    }

    public var isInterruptRequested: Bool { context.isInterruptRequested || InterruptFlag.isRaised }

    /// The check a cell binds for Display's long drawings (`DrawingCancellation`): an interrupt
    /// or the time limit. A stopped drawing returns unfinished; the call that made it then
    /// throws (`Evaluator.callBuiltin` checks after every builtin).
    var drawingStop: () -> Bool {
        { [unowned self] in self.isInterruptRequested || self.deadline.map { Runtime.now() > $0 } ?? false }
    }

    /// Seconds on a monotonic clock.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    // MARK: Files

    /// The notebook's folder, through which every builtin reads and writes files.
    public var folder: NotebookFolder { NotebookFolder(path: directory) }

    /// Checks that `path` names a file inside the notebook's folder (relative, no `..`, no NUL),
    /// with the error at `span`; the folder itself refuses links that lead out.
    public func checkFileName(_ path: String, span: SourceSpan) throws {
        if let problem = NotebookFolder.problem(with: path) { throw LanguageError(.valueError, problem, at: span) }
    }
}

/// A context for work outside a cell (user expressions, the fuzz test): output goes nowhere.
final class SilentContext: ExecutionContext {
    func write(_ text: String, to stream: OutputStream) {}
    func display(_ bundle: MimeBundle, id: String?) {}
    func updateDisplay(_ bundle: MimeBundle, id: String) {}
    func clearOutput(wait: Bool) {}
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        throw ExecutionError(name: "StdinNotImplementedError", value: "input is not available here")
    }
    var isInterruptRequested: Bool { false }
}
