// What the kernel asks of a language: the hooks the dispatcher calls, one per request.

import Synchronization

/// An error a cell ended with, as the front end shows it.
public struct ExecutionError: Error, Sendable, Equatable {
    public var name: String
    public var value: String
    public var traceback: [String]

    public init(name: String, value: String, traceback: [String]? = nil) {
        self.name = name
        self.value = value
        self.traceback = traceback ?? ["\(name): \(value)"]
    }

    /// How an interrupted cell ends, so front ends recognise it as they do for Python.
    public static let keyboardInterrupt = ExecutionError(name: "KeyboardInterrupt", value: "")
}

/// How a cell ended.
public enum ExecutionOutcome: Sendable, Equatable {
    /// Finished; the value of its last expression, if it has one to show.
    case ok(MimeBundle?)
    case error(ExecutionError)
}

public enum OutputStream: String, Sendable { case stdout, stderr }

/// What a running cell may do besides computing: publish output and ask for input.
///
/// The dispatcher provides it; the interpreter never sees a socket.
public protocol ExecutionContext: AnyObject {
    func write(_ text: String, to stream: OutputStream)
    /// Shows a bundle; with an id, later `updateDisplay` calls replace it in place.
    func display(_ bundle: MimeBundle, id: String?)
    func updateDisplay(_ bundle: MimeBundle, id: String)
    /// Clears the cell's output; with `wait`, only once new output arrives.
    func clearOutput(wait: Bool)
    /// Asks the front end for a line of text.
    /// - Throws: `ExecutionError` when the front end cannot answer, or the wait is interrupted.
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String
    /// True once the user asked to interrupt the running cell; long work should stop then.
    var isInterruptRequested: Bool { get }
    /// Waits up to `seconds`, ending early once an interrupt is requested (`sleep`).
    /// - Returns: whether an interrupt is requested.
    func waitForInterrupt(seconds: Double) -> Bool
    /// The comm channel of this request, or nil where the front end has none (a test, `evaluate`).
    var comms: (any CommSender)? { get }
    /// Adds a figure about the cell, such as the milliseconds it spent drawing, to the
    /// `tensorcell` object of its `execute_reply` metadata.
    func addReplyFigure(_ name: String, _ value: Double)
}

extension ExecutionContext {
    public var comms: (any CommSender)? { nil }
    /// For a context with an interrupt request of its own (a test's): wakes at once on the
    /// process's `InterruptFlag`, and looks at the context's own request every 10 ms.
    public func waitForInterrupt(seconds: Double) -> Bool {
        var left = seconds
        while !isInterruptRequested {
            guard left > 0 else { return false }
            let slice = min(left, 0.01)
            if InterruptFlag.wait(seconds: slice) { return true }
            left -= slice
        }
        return true
    }
    public func addReplyFigure(_ name: String, _ value: Double) {}
}

public struct Completion: Sendable, Equatable {
    public var matches: [String]
    /// The range of the code, in Unicode scalars, that a chosen match replaces.
    public var cursorStart: Int
    public var cursorEnd: Int
    public var metadata: [String: JSON]

    public init(matches: [String], cursorStart: Int, cursorEnd: Int, metadata: [String: JSON] = [:]) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
        self.metadata = metadata
    }
}

/// Whether a console should run the code it has or ask for another line.
public enum CodeCompleteness: Sendable, Equatable {
    case complete
    case incomplete(indent: String)
    case invalid
    case unknown
}

/// How the kernel and its language describe themselves in `kernel_info_reply`.
public struct KernelDescription: Sendable, Equatable {
    public var implementation: String
    public var implementationVersion: String
    public var languageName: String
    public var languageVersion: String
    public var mimetype: String
    public var fileExtension: String
    public var pygmentsLexer: String
    public var codemirrorMode: String
    public var banner: String
    public var helpLinks: [(text: String, url: String)]

    public init(
        implementation: String, implementationVersion: String, languageName: String,
        languageVersion: String, mimetype: String, fileExtension: String, pygmentsLexer: String,
        codemirrorMode: String, banner: String, helpLinks: [(text: String, url: String)] = []
    ) {
        self.implementation = implementation
        self.implementationVersion = implementationVersion
        self.languageName = languageName
        self.languageVersion = languageVersion
        self.mimetype = mimetype
        self.fileExtension = fileExtension
        self.pygmentsLexer = pygmentsLexer
        self.codemirrorMode = codemirrorMode
        self.banner = banner
        self.helpLinks = helpLinks
    }

    public static func == (lhs: KernelDescription, rhs: KernelDescription) -> Bool {
        lhs.implementation == rhs.implementation && lhs.languageName == rhs.languageName
            && lhs.languageVersion == rhs.languageVersion && lhs.banner == rhs.banner
            && lhs.helpLinks.map(\.url) == rhs.helpLinks.map(\.url)
    }
}

/// A language the kernel runs. It belongs to the shell thread: every hook is called there, one
/// at a time, so it need not be Sendable (and the dispatcher checks that no other thread uses
/// it). The control thread reaches it only through `interruptHandle`, taken once at start.
public protocol KernelInterpreter: AnyObject {
    var kernelDescription: KernelDescription { get }
    /// Runs a cell against the session's state.
    func execute(_ code: String, context: any ExecutionContext) -> ExecutionOutcome
    /// Evaluates one expression for `user_expressions`, without output or history.
    func evaluate(_ expression: String) -> ExecutionOutcome
    /// - Parameter cursor: the position in Unicode scalars.
    func complete(_ code: String, cursor: Int) -> Completion
    /// Help for the name at the cursor, or nil when there is none.
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
    func isComplete(_ code: String) -> CodeCompleteness
    /// How an `interrupt_request` reaches the language from the control thread, while a cell
    /// runs on the shell thread; the shared `InterruptFlag` is already raised when it is called.
    var interruptHandle: InterruptHandle { get }
    /// The language's comm targets (widgets), or nil when it has none. Read once, when the
    /// kernel starts.
    var commHandler: (any CommHandler)? { get }
    /// The language's debugger hooks, or nil when it cannot be debugged.
    var debugging: (any LanguageDebugging)? { get }
}

extension KernelInterpreter {
    /// A language that polls `InterruptFlag` needs nothing more.
    public var interruptHandle: InterruptHandle { InterruptHandle {} }
    public var commHandler: (any CommHandler)? { nil }
    public var debugging: (any LanguageDebugging)? { nil }
}
