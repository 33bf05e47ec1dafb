// What the kernel's debugger asks of a language, and the values that cross between them.
//
// The kernel speaks the Debug Adapter Protocol and keeps breakpoints and stepping state
// (`DebugSession`); the language decides where statements start, keeps the call stack and
// renders its values. Nothing here knows the language.

/// One frame of the call stack of a stopped cell, innermost first.
public struct DebugFrame: Sendable, Equatable {
    public var id: Int
    /// The function's name, or the cell's ("cell 3") for the cell's own code.
    public var name: String
    /// The cell's source path (as `dumpCell` names it), nil for code no cell holds.
    public var path: String?
    public var line: Int
    public var column: Int

    public init(id: Int, name: String, path: String?, line: Int, column: Int) {
        self.id = id
        self.name = name
        self.path = path
        self.line = line
        self.column = column
    }
}

/// A group of variables of one frame: its locals, or the session's globals.
public struct DebugScope: Sendable, Equatable {
    public var name: String
    public var reference: Int
    /// DAP's `presentationHint`: "locals" or "globals".
    public var hint: String

    public init(name: String, reference: Int, hint: String) {
        self.name = name
        self.reference = reference
        self.hint = hint
    }
}

/// A variable as the Variables panel lists it; a nonzero `reference` expands into children.
public struct DebugVariable: Sendable, Equatable {
    public var name: String
    public var value: String
    public var type: String
    /// An expression of the language that gives this value (`w[0]`), for the debug console.
    public var evaluateName: String
    public var reference: Int

    public init(name: String, value: String, type: String, evaluateName: String, reference: Int) {
        self.name = name
        self.value = value
        self.type = type
        self.evaluateName = evaluateName
        self.reference = reference
    }
}

/// What the debugger asks a language about its state.
public enum DebugQuery: Sendable, Equatable {
    case stackTrace
    case scopes(frame: Int)
    case variables(reference: Int)
    /// The session's variables (`inspectVariables`).
    case globals
    /// An expression evaluated in a frame (the innermost when nil).
    case evaluate(String, frame: Int?)
    /// A variable with the rich output a cell would show for it.
    case richInspect(name: String, frame: Int?)
    case copyToGlobals(source: String, destination: String, frame: Int?)
}

public enum DebugAnswer: Sendable, Equatable {
    case frames([DebugFrame])
    case scopes([DebugScope])
    case variables([DebugVariable])
    /// An evaluated expression: its text, type, and a reference to expand it.
    case value(DebugVariable)
    case rich(MimeBundle)
    case done
}

/// Why a query could not be answered, in words for the debug console.
public struct DebugFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The debugger hooks a language implements; the kernel calls them on the control thread.
///
/// A language never runs on the control thread: queries about a stopped cell are handed to the
/// stopped interpreter thread through the `DebugSession`; `answerWhileNotStopped` may only
/// read what the interpreter thread published for the purpose.
public protocol LanguageDebugging: AnyObject, Sendable {
    /// The kernel's debugger session, handed over once before any cell runs, so every cell
    /// gets its source path, and breakpoints work in functions defined before a front end
    /// attached.
    func prepare(_ session: DebugSession)
    /// A front end attached (with the session) or detached (nil).
    func attach(_ session: DebugSession?)
    /// Answers a query while no cell is stopped, from what the interpreter published after its
    /// last cell; a failure when that cannot be done safely now.
    func answerWhileNotStopped(_ query: DebugQuery) -> Result<DebugAnswer, DebugFailure>
}
