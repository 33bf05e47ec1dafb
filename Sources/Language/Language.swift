// A small interim language, enough to drive the kernel end to end: numbers, strings,
// arithmetic, `let`/`var` bindings that outlive a cell, and builtins for every kind of output.
// The real Tensorcell language replaces it.

import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Values

/// A runtime value.
public enum Value: Equatable, Sendable {
    case number(Double)
    case string(String)
    case void

    /// How `print` and `text/plain` show the value.
    public var text: String {
        switch self {
        case .number(let value):
            if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) }
            return String(value)
        case .string(let value): return value
        case .void: return "()"
        }
    }

    /// How a value is written back as source, for inspection.
    var literal: String {
        if case .string(let value) = self { return "\"" + value + "\"" }
        return text
    }

    var typeName: String {
        switch self {
        case .number: "Number"
        case .string: "String"
        case .void: "Void"
        }
    }
}

// MARK: - Lexer

struct Token: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case `let`, `var`
        case symbol(Character)
        case newline
        case end
    }
    var kind: Kind
    /// Offset in Unicode scalars, for error messages and the cursor.
    var offset: Int
}

/// A failure with the name the front end shows (SyntaxError, NameError, ...).
struct LanguageError: Error {
    var name: String
    var message: String
    var offset: Int?
}

func tokenize(_ source: [Unicode.Scalar]) throws(LanguageError) -> [Token] {
    var tokens: [Token] = []
    var index = 0
    func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
    func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    while index < source.count {
        let c = source[index]
        let start = index
        if c == "\n" {
            tokens.append(Token(kind: .newline, offset: start))
            index += 1
        } else if c == " " || c == "\t" || c == "\r" {
            index += 1
        } else if c == "/" && index + 1 < source.count && source[index + 1] == "/" {
            while index < source.count && source[index] != "\n" { index += 1 }
        } else if isDigit(c) || (c == "." && index + 1 < source.count && isDigit(source[index + 1])) {
            while index < source.count && (isDigit(source[index]) || source[index] == "." || source[index] == "_") {
                index += 1
            }
            if index < source.count && (source[index] == "e" || source[index] == "E") {
                index += 1
                if index < source.count && (source[index] == "+" || source[index] == "-") { index += 1 }
                while index < source.count && isDigit(source[index]) { index += 1 }
            }
            let text = String(String.UnicodeScalarView(source[start..<index])).filter { $0 != "_" }
            guard let value = Double(text) else {
                throw LanguageError(name: "SyntaxError", message: "malformed number '\(text)'", offset: start)
            }
            tokens.append(Token(kind: .number(value), offset: start))
        } else if isIdentifierStart(c) {
            while index < source.count && (isIdentifierStart(source[index]) || isDigit(source[index])) { index += 1 }
            let name = String(String.UnicodeScalarView(source[start..<index]))
            let kind: Token.Kind = name == "let" ? .let : name == "var" ? .var : .identifier(name)
            tokens.append(Token(kind: kind, offset: start))
        } else if c == "\"" {
            index += 1
            var text = String.UnicodeScalarView()
            while true {
                guard index < source.count, source[index] != "\n" else {
                    throw LanguageError(name: "SyntaxError", message: "unterminated string literal", offset: start)
                }
                let d = source[index]
                index += 1
                if d == "\"" { break }
                if d == "\\" && index < source.count {
                    let e = source[index]
                    index += 1
                    switch e {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    default: text.append(e)
                    }
                } else {
                    text.append(d)
                }
            }
            tokens.append(Token(kind: .string(String(text)), offset: start))
        } else if "+-*/()=,:;".unicodeScalars.contains(c) {
            tokens.append(Token(kind: .symbol(Character(c)), offset: start))
            index += 1
        } else {
            throw LanguageError(name: "SyntaxError", message: "unexpected character '\(c)'", offset: start)
        }
    }
    tokens.append(Token(kind: .end, offset: source.count))
    return tokens
}

// MARK: - Parser

indirect enum Expression {
    case number(Double)
    case string(String)
    case name(String, offset: Int)
    case negate(Expression)
    case binary(Character, Expression, Expression, offset: Int)
    case call(String, [(label: String?, value: Expression)], offset: Int)
}

enum Statement {
    case binding(name: String, mutable: Bool, value: Expression, offset: Int)
    case assignment(name: String, value: Expression, offset: Int)
    case expression(Expression)
}

struct Parser {
    var tokens: [Token]
    var position = 0
    /// How deep expressions nest; the parser recurses, so unbounded nesting would overflow
    /// the stack and end the kernel instead of reporting an error.
    var depth = 0
    static let maximumDepth = 256

    var current: Token { tokens[position] }

    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func error(_ message: String) -> LanguageError {
        LanguageError(name: "SyntaxError", message: message, offset: current.offset)
    }

    mutating func expect(_ symbol: Character) throws(LanguageError) {
        guard current.kind == .symbol(symbol) else { throw error("expected '\(symbol)'") }
        _ = advance()
    }

    /// The statements of a cell, and whether it ends with `;` (which hides its value).
    mutating func parseProgram() throws(LanguageError) -> (statements: [Statement], quiet: Bool) {
        var statements: [Statement] = []
        var quiet = false
        while true {
            while current.kind == .newline || current.kind == .symbol(";") {
                if current.kind == .symbol(";") { quiet = true }
                _ = advance()
            }
            if current.kind == .end { break }
            statements.append(try parseStatement())
            quiet = false
            guard current.kind == .newline || current.kind == .symbol(";") || current.kind == .end else {
                throw error("expected a new line or ';' after a statement")
            }
        }
        return (statements, quiet)
    }

    mutating func parseStatement() throws(LanguageError) -> Statement {
        let start = current.offset
        if current.kind == .let || current.kind == .var {
            let mutable = advance().kind == .var
            guard case .identifier(let name) = current.kind else {
                throw error("expected a name after '\(mutable ? "var" : "let")'")
            }
            _ = advance()
            try expect("=")
            return .binding(name: name, mutable: mutable, value: try parseExpression(), offset: start)
        }
        if case .identifier(let name) = current.kind, tokens[position + 1].kind == .symbol("=") {
            position += 2
            return .assignment(name: name, value: try parseExpression(), offset: start)
        }
        return .expression(try parseExpression())
    }

    mutating func parseExpression() throws(LanguageError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { throw error("expression nested too deeply") }
        var left = try parseTerm()
        while case .symbol(let op) = current.kind, op == "+" || op == "-" {
            let offset = advance().offset
            left = .binary(op, left, try parseTerm(), offset: offset)
        }
        return left
    }

    mutating func parseTerm() throws(LanguageError) -> Expression {
        var left = try parseUnary()
        while case .symbol(let op) = current.kind, op == "*" || op == "/" {
            let offset = advance().offset
            left = .binary(op, left, try parseUnary(), offset: offset)
        }
        return left
    }

    mutating func parseUnary() throws(LanguageError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { throw error("expression nested too deeply") }
        if current.kind == .symbol("-") {
            _ = advance()
            return .negate(try parseUnary())
        }
        if current.kind == .symbol("+") {
            _ = advance()
            return try parseUnary()
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(LanguageError) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return .number(value)
        case .string(let value):
            _ = advance()
            return .string(value)
        case .identifier(let name):
            _ = advance()
            guard current.kind == .symbol("(") else { return .name(name, offset: token.offset) }
            _ = advance()
            var arguments: [(label: String?, value: Expression)] = []
            while current.kind != .symbol(")") {
                var label: String?
                if case .identifier(let word) = current.kind, tokens[position + 1].kind == .symbol(":") {
                    label = word
                    position += 2
                }
                arguments.append((label, try parseExpression()))
                if current.kind == .symbol(",") { _ = advance() } else { break }
            }
            try expect(")")
            return .call(name, arguments, offset: token.offset)
        case .symbol("("):
            _ = advance()
            let inner = try parseExpression()
            try expect(")")
            return inner
        case .end, .newline:
            throw error("expected an expression")
        default:
            throw error("unexpected token")
        }
    }
}

// MARK: - Builtins

struct Builtin {
    let signature: String
    let summary: String
}

let builtins: [String: Builtin] = [
    "print": Builtin(
        signature: "print(_ values...)", summary: "Writes the values, separated by spaces, to standard output."),
    "eprint": Builtin(
        signature: "eprint(_ values...)", summary: "Writes the values, separated by spaces, to standard error."),
    "display": Builtin(
        signature: "display(_ value, id: String? = nil)",
        summary: "Shows a value as rich output; with an id it can be updated later."),
    "updateDisplay": Builtin(
        signature: "updateDisplay(_ value, id: String)", summary: "Replaces the output shown earlier with the same id."),
    "clearOutput": Builtin(signature: "clearOutput(wait: Bool = false)", summary: "Clears the cell's output."),
    "input": Builtin(
        signature: "input(_ prompt: String = \"\") -> String", summary: "Asks the user for a line of text."),
    "sleep": Builtin(signature: "sleep(_ seconds: Number)", summary: "Waits; an interrupt stops the wait."),
]

// MARK: - Interpreter

/// The interim interpreter; its variables persist from one cell to the next.
public final class Interpreter: KernelInterpreter {
    private struct Binding {
        var value: Value
        var mutable: Bool
    }

    private let environment = Mutex<[String: Binding]>([:])

    public init() {}

    public var kernelDescription: KernelDescription {
        KernelDescription(
            implementation: "tensorcell", implementationVersion: tensorcellVersion,
            languageName: "tensorcell", languageVersion: "0.1", mimetype: "text/x-tensorcell",
            fileExtension: ".tc", pygmentsLexer: "swift", codemirrorMode: "swift",
            banner: "Tensorcell \(tensorcellVersion): deep learning in a notebook",
            helpLinks: [
                ("Jupyter messaging protocol", "https://jupyter-client.readthedocs.io/en/latest/messaging.html")
            ])
    }

    public func execute(_ code: String, context: any ExecutionContext) -> ExecutionOutcome {
        let source = Array(code.unicodeScalars)
        do throws(LanguageError) {
            var parser = Parser(tokens: try tokenize(source))
            let (statements, quiet) = try parser.parseProgram()
            return try environment.withLock {
                (variables: inout [String: Binding]) throws(LanguageError) -> ExecutionOutcome in
                var last: Value = .void
                for statement in statements {
                    if context.isInterruptRequested {
                        throw LanguageError(name: "KeyboardInterrupt", message: "", offset: nil)
                    }
                    last = try run(statement, in: &variables, context: context)
                }
                if quiet || last == .void { return .ok(nil) }
                return .ok(.plainText(last.text))
            }
        } catch {
            return .error(describe(error, source: source))
        }
    }

    public func evaluate(_ expression: String) -> ExecutionOutcome {
        let source = Array(expression.unicodeScalars)
        do throws(LanguageError) {
            var parser = Parser(tokens: try tokenize(source))
            let parsed = try parser.parseExpression()
            guard parser.current.kind == .end else { throw parser.error("expected the end of the expression") }
            let value = try environment.withLock {
                (variables: inout [String: Binding]) throws(LanguageError) -> Value in
                try evaluate(parsed, in: variables, context: QuietContext())
            }
            return .ok(.plainText(value.text))
        } catch {
            return .error(describe(error, source: source))
        }
    }

    private func describe(_ error: LanguageError, source: [Unicode.Scalar]) -> ExecutionError {
        if error.name == "KeyboardInterrupt" { return .keyboardInterrupt }
        var traceback: [String] = []
        if let offset = error.offset {
            // The source line with a caret under the error, the way compilers show it.
            let lineStart = source[..<min(offset, source.count)].lastIndex(of: "\n").map { $0 + 1 } ?? 0
            let lineEnd = source[lineStart...].firstIndex(of: "\n") ?? source.count
            let lineNumber = source[..<lineStart].filter { $0 == "\n" }.count + 1
            traceback.append("line \(lineNumber): " + String(String.UnicodeScalarView(source[lineStart..<lineEnd])))
            traceback.append(String(repeating: " ", count: "line \(lineNumber): ".count + offset - lineStart) + "^")
        }
        traceback.append("\(error.name): \(error.message)")
        return ExecutionError(name: error.name, value: error.message, traceback: traceback)
    }

    private func run(_ statement: Statement, in variables: inout [String: Binding], context: any ExecutionContext)
        throws(LanguageError) -> Value
    {
        switch statement {
        case .binding(let name, let mutable, let expression, _):
            variables[name] = Binding(
                value: try evaluate(expression, in: variables, context: context), mutable: mutable)
            return .void
        case .assignment(let name, let expression, let offset):
            guard let binding = variables[name] else {
                throw LanguageError(name: "NameError", message: "name '\(name)' is not defined", offset: offset)
            }
            guard binding.mutable else {
                throw LanguageError(
                    name: "TypeError", message: "cannot assign to '\(name)': it is a 'let' constant", offset: offset)
            }
            variables[name]!.value = try evaluate(expression, in: variables, context: context)
            return .void
        case .expression(let expression):
            return try evaluate(expression, in: variables, context: context)
        }
    }

    private func evaluate(_ expression: Expression, in variables: [String: Binding], context: any ExecutionContext)
        throws(LanguageError) -> Value
    {
        switch expression {
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .name(let name, let offset):
            guard let binding = variables[name] else {
                throw LanguageError(name: "NameError", message: "name '\(name)' is not defined", offset: offset)
            }
            return binding.value
        case .negate(let inner):
            guard case .number(let value) = try evaluate(inner, in: variables, context: context) else {
                throw LanguageError(name: "TypeError", message: "'-' needs a number", offset: nil)
            }
            return .number(-value)
        case .binary(let op, let leftExpression, let rightExpression, let offset):
            let left = try evaluate(leftExpression, in: variables, context: context)
            let right = try evaluate(rightExpression, in: variables, context: context)
            switch (left, right) {
            case (.number(let a), .number(let b)):
                switch op {
                case "+": return .number(a + b)
                case "-": return .number(a - b)
                case "*": return .number(a * b)
                default:
                    guard b != 0 else {
                        throw LanguageError(name: "ZeroDivisionError", message: "division by zero", offset: offset)
                    }
                    return .number(a / b)
                }
            case (.string(let a), .string(let b)) where op == "+": return .string(a + b)
            default:
                throw LanguageError(
                    name: "TypeError", message: "'\(op)' cannot combine \(left.typeName) and \(right.typeName)",
                    offset: offset)
            }
        case .call(let name, let arguments, let offset):
            var positional: [Value] = []
            var labelled: [String: Value] = [:]
            for argument in arguments {
                let value = try evaluate(argument.value, in: variables, context: context)
                if let label = argument.label { labelled[label] = value } else { positional.append(value) }
            }
            return try call(name, positional, labelled, offset: offset, context: context)
        }
    }

    private func call(
        _ name: String, _ positional: [Value], _ labelled: [String: Value], offset: Int, context: any ExecutionContext
    ) throws(LanguageError) -> Value {
        func argumentError(_ message: String) -> LanguageError {
            LanguageError(name: "TypeError", message: "\(name): \(message)", offset: offset)
        }
        func displayID() throws(LanguageError) -> String? {
            guard let id = labelled["id"] else { return nil }
            guard case .string(let text) = id else { throw argumentError("id must be a string") }
            return text
        }
        switch name {
        case "print", "eprint":
            context.write(positional.map(\.text).joined(separator: " ") + "\n", to: name == "print" ? .stdout : .stderr)
        case "display":
            guard positional.count == 1 else { throw argumentError("expects one value") }
            context.display(.plainText(positional[0].text), id: try displayID())
        case "updateDisplay":
            guard positional.count == 1, let id = try displayID() else {
                throw argumentError("expects a value and id:")
            }
            context.updateDisplay(.plainText(positional[0].text), id: id)
        case "clearOutput":
            context.clearOutput(wait: labelled["wait"].map { $0 != .number(0) } ?? false)
        case "input":
            do {
                return .string(try context.input(prompt: positional.first?.text ?? "", password: false))
            } catch {
                throw LanguageError(name: error.name, message: error.value, offset: offset)
            }
        case "sleep":
            guard positional.count == 1, case .number(let seconds) = positional[0] else {
                throw argumentError("expects a number of seconds")
            }
            var remaining = seconds
            while remaining > 0 {
                if context.isInterruptRequested {
                    throw LanguageError(name: "KeyboardInterrupt", message: "", offset: nil)
                }
                let step = min(remaining, 0.01)
                usleep(UInt32(step * 1_000_000))
                remaining -= step
            }
        default:
            throw LanguageError(name: "NameError", message: "name '\(name)' is not defined", offset: offset)
        }
        return .void
    }

    // MARK: Front-end help

    public func complete(_ code: String, cursor: Int) -> Completion {
        let source = Array(code.unicodeScalars)
        let cursor = max(0, min(cursor, source.count))
        var start = cursor
        while start > 0
            && (source[start - 1] == "_" || source[start - 1].properties.isAlphabetic
                || ("0"..."9").contains(source[start - 1]))
        {
            start -= 1
        }
        let prefix = String(String.UnicodeScalarView(source[start..<cursor]))
        let names = Set(builtins.keys).union(["let", "var"]).union(environment.withLock { Array($0.keys) })
        return Completion(
            matches: names.filter { $0.hasPrefix(prefix) }.sorted(), cursorStart: start, cursorEnd: cursor)
    }

    public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        let source = Array(code.unicodeScalars)
        func isNamePart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c)
        }
        var start = max(0, min(cursor, source.count))
        var end = start
        while start > 0 && isNamePart(source[start - 1]) { start -= 1 }
        while end < source.count && isNamePart(source[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(source[start..<end]))
        if let builtin = builtins[name] {
            return .plainText(builtin.signature + "\n\n" + builtin.summary)
        }
        if let binding = environment.withLock({ $0[name] }) {
            return .plainText(
                "\(binding.mutable ? "var" : "let") \(name): \(binding.value.typeName) = \(binding.value.literal)")
        }
        return nil
    }

    public func isComplete(_ code: String) -> CodeCompleteness {
        let tokens: [Token]
        do {
            tokens = try tokenize(Array(code.unicodeScalars))
        } catch {
            return .invalid
        }
        var depth = 0
        for token in tokens {
            if token.kind == .symbol("(") { depth += 1 }
            if token.kind == .symbol(")") { depth -= 1 }
            if depth < 0 { return .invalid }
        }
        if depth > 0 { return .incomplete(indent: "    ") }
        let meaningful = tokens.filter { $0.kind != .newline && $0.kind != .end }
        if let last = meaningful.last, case .symbol(let symbol) = last.kind, "+-*/=,:".contains(symbol) {
            return .incomplete(indent: "")
        }
        return .complete
    }
}

/// Output that goes nowhere, for `user_expressions`, which must not print.
private final class QuietContext: ExecutionContext {
    func write(_ text: String, to stream: OutputStream) {}
    func display(_ bundle: MimeBundle, id: String?) {}
    func updateDisplay(_ bundle: MimeBundle, id: String) {}
    func clearOutput(wait: Bool) {}
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        throw ExecutionError(name: "StdinNotImplementedError", value: "input is not available in an expression")
    }
    var isInterruptRequested: Bool { InterruptFlag.isRaised }
}
