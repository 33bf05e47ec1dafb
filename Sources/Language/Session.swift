// The language as the kernel sees it: cells run against one session's variables; magics;
// completion, inspection and completeness for the front end.

import Display
import Kernel
import NeuralNetworks
import Synchronization
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Tensorcell language, serving one kernel session.
///
/// Not Sendable: it belongs to the kernel's shell thread. Cells run on the session's language
/// thread, which has a large stack, while the shell thread waits for them (`LanguageThread`),
/// so only one thread touches it at a time. Interrupts arrive through `InterruptFlag`, which
/// cells poll and waits wake on.
public final class Interpreter: KernelInterpreter {
    let library: Library
    let runtime: Runtime
    var globals: Scope
    var evaluator: Evaluator
    var cellCount = 0
    /// The debugger's hooks, shared by every evaluator of the session.
    let debugger = Debugging()

    public init(directory: String = ".") {
        library = Library()
        Builtins.registerAll(in: library)
        runtime = Runtime(library: library, directory: directory)
        globals = Scope(parent: nil)
        evaluator = Evaluator(runtime: runtime, globals: globals, debugging: debugger)
    }

    public let kernelDescription = KernelDescription(
        implementation: "tensorcell", implementationVersion: "0.1.0", languageName: "tensorcell",
        languageVersion: "0.1", mimetype: "text/x-tensorcell", fileExtension: ".tc", pygmentsLexer: "swift",
        codemirrorMode: "swift",
        banner: "Tensorcell 0.1: tensors, networks and training, cell by cell",
        helpLinks: [("Tensorcell language", "https://github.com/tensorcell/tensorcell/blob/main/docs/language.md")])

    /// Widgets: the language serves the `jupyter.widget` comm targets.
    public var commHandler: (any CommHandler)? { runtime.widgets }

    // MARK: Execute

    public func execute(_ code: String, context: any ExecutionContext) -> ExecutionOutcome {
        cellCount += 1
        runtime.context = context
        defer { runtime.context = SilentContext() }
        let drawingBefore = DrawingClock.seconds
        defer { context.addReplyFigure("drawing_ms", ((DrawingClock.seconds - drawingBefore) * 100_000).rounded() / 100) }
        return runtime.languageThread.run {
            let name = "cell \(self.cellCount)"
            self.debugger.cellWillRun(name: name)
            defer { self.debugger.cellDidRun(globals: self.globals) }
            return DrawingCancellation.whileChecking(self.runtime.drawingStop) {
                self.runCell(code, name: name, path: self.debugger.path(for: code))
            }
        }
    }

    public var debugging: (any LanguageDebugging)? { debugger }

    /// Wakes a cell stopped in the debugger, so it ends at once; a running cell polls the flag.
    public var interruptHandle: InterruptHandle {
        let debugger = debugger
        return InterruptHandle { debugger.interrupt() }
    }

    /// Runs a cell: its magics, then its code; the result through the display layer.
    func runCell(_ code: String, name: String, path: String? = nil) -> ExecutionOutcome {
        var source = code
        var timed = false
        do {
            let magics = try extractMagics(&source)
            for magic in magics {
                switch magic.name {
                case "time": timed = true
                case "who": return .ok(whoTable())
                case "reset":
                    globals = Scope(parent: nil)
                    evaluator = Evaluator(runtime: runtime, globals: globals, debugging: debugger)
                    runtime.clearHistory()
                    runtime.print("Every variable and the history are cleared.\n")
                case "seed":
                    guard let seed = Int(magic.argument.trimmingCharacters(in: " ")), seed >= 0 else {
                        throw LanguageError(.valueError, "%seed needs a whole number ≥ 0, such as %seed 42", at: magic.span)
                    }
                    runtime.seed = UInt64(seed)
                    runtime.draws = 0
                default: break
                }
            }
        } catch let failure as LanguageError {
            return .error(executionError(failure))
        } catch {
            return .error(ExecutionError(name: "ValueError", value: "\(error)"))
        }
        let started = Runtime.now()
        let outcome = run(source, name: name, path: path)
        if timed {
            runtime.print("Wall time: \(formatDuration(Runtime.now() - started))\n")
        }
        return outcome
    }

    func run(_ code: String, name: String, path: String? = nil) -> ExecutionOutcome {
        let file = SourceFile(name: name, text: code, path: path)
        do {
            if let (before, chain) = Help.split(code) {
                return try help(chain, after: before, file: file)
            }
            var parser = try Parser(file: file)
            let program = try parser.parseProgram()
            let value = try evaluator.run(program)
            if program.quiet || value.isVoid { return .ok(nil) }
            return .ok(try RichOutput.bundle(for: value, runtime: runtime))
        } catch let failure as LanguageError {
            return .error(executionError(failure))
        } catch {
            return .error(executionError(evaluator.located(error, .none)))
        }
    }

    func executionError(_ failure: LanguageError) -> ExecutionError {
        ExecutionError(name: failure.kind.name, value: failure.message, traceback: failure.traceback(colors: true))
    }

    public func evaluate(_ expression: String) -> ExecutionOutcome {
        let previous = runtime.context
        runtime.context = SilentContext()
        defer { runtime.context = previous }
        return runtime.languageThread.run {
            let file = SourceFile(name: "expression", text: expression)
            do {
                var parser = try Parser(file: file)
                parser.skipNewlines()
                let parsed = try parser.parseExpression()
                parser.skipNewlines()
                guard parser.current.kind == .end else {
                    throw parser.error("expected the end of the expression, found \(parser.describe(parser.current))")
                }
                let value = try self.evaluator.eval(parsed, self.globals)
                return .ok(try RichOutput.bundle(for: value, runtime: self.runtime))
            } catch let failure as LanguageError {
                return .error(self.executionError(failure))
            } catch {
                return .error(ExecutionError(name: "ValueError", value: "\(error)"))
            }
        }
    }

    // MARK: Magics

    struct Magic {
        var name: String
        var argument: String
        var span: SourceSpan
    }

    static let magicNames = ["who", "reset", "time", "seed"]

    /// Takes `%name argument` lines off the top of the cell (kept as blank lines, so line
    /// numbers in errors stay right).
    func extractMagics(_ source: inout String) throws -> [Magic] {
        var magics: [Magic] = []
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let file = SourceFile(name: "cell \(cellCount)", text: source)
        var offset = 0
        for index in lines.indices {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            defer { offset += line.unicodeScalars.count + 1 }
            if trimmed.isEmpty || trimmed.hasPrefix("//") { continue }
            guard trimmed.hasPrefix("%") else { break }
            let body = trimmed.dropFirst().drop { $0 == "%" }
            let name = String(body.prefix { $0.isLetter })
            let argument = String(body.dropFirst(name.count))
            let span = SourceSpan(file: file, start: offset, end: offset + line.unicodeScalars.count)
            guard Interpreter.magicNames.contains(name) else {
                throw LanguageError(
                    .syntaxError,
                    "unknown magic %\(name); the magics are %who, %reset, %time and %seed"
                        + didYouMean("%" + name, among: Interpreter.magicNames.map { "%" + $0 }),
                    at: span)
            }
            magics.append(Magic(name: name, argument: argument, span: span))
            lines[index] = ""
        }
        source = lines.joined(separator: "\n")
        return magics
    }

    /// `%who`: the session's variables as a table.
    func whoTable() -> MimeBundle {
        let names = globals.names.keys.sorted()
        var rows: [[TableCell]] = []
        for name in names {
            let value = globals.names[name]!.value
            rows.append([.text(name), .text(value.typeName), .text(Inspection.shape(of: value)), Inspection.parameters(of: value).map { .integer($0) } ?? .empty])
        }
        let table = RecordTable(
            columns: ["Name", "Kind", "Shape", "Parameters"], rows: rows,
            caption: names.isEmpty ? "No variables yet" : "\(names.count) variable\(names.count == 1 ? "" : "s")")
        return table.mimeBundle()
    }

    // MARK: Front-end help

    public func complete(_ code: String, cursor: Int) -> Completion {
        Inspection.complete(code, cursor: cursor, interpreter: self)
    }

    public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        Inspection.inspect(code, cursor: cursor, interpreter: self)
    }

    public func isComplete(_ code: String) -> CodeCompleteness {
        if code.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" }) { return .complete }
        if code.hasPrefix("%") && !code.contains("\n") { return .complete }
        let (complete, invalid, indent) = Parser.completeness(of: code)
        if complete { return .complete }
        if invalid { return .invalid }
        return .incomplete(indent: String(repeating: "    ", count: max(indent, 1)))
    }
}

func formatDuration(_ seconds: Double) -> String {
    if seconds < 1e-3 { return String(format3(seconds * 1e6)) + " µs" }
    if seconds < 1 { return String(format3(seconds * 1e3)) + " ms" }
    return String(format3(seconds)) + " s"
}

/// Three significant digits, without Foundation.
func format3(_ value: Double) -> String {
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if digits == 0, text.hasSuffix(".0") { text.removeLast(2) }
    return text
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        String(self.drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
