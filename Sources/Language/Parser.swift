// Tokens to a syntax tree, by recursive descent. The first error is reported well, naming what
// was expected and where; newlines end statements except inside brackets and after operators.

struct Parser {
    let file: SourceFile
    var tokens: [Token]
    var position = 0
    /// One entry per open bracket: true inside `(` and `[` (newlines ignored), false in `{`.
    var ignoreNewlines: [Bool] = [false]
    var depth = 0
    static let maxDepth = 150
    /// False while parsing the condition of `if`, `while` or the sequence of `for`, where `{`
    /// starts the body, not a trailing closure.
    var trailingClosures = true

    init(file: SourceFile, start: Int = 0, end: Int? = nil) throws {
        self.file = file
        var lexer = Lexer(file: file, start: start, end: end)
        tokens = try lexer.tokenize()
    }

    // MARK: Tokens

    var current: Token {
        mutating get {
            if ignoreNewlines.last == true { skipNewlines() }
            return tokens[position]
        }
    }

    mutating func skipNewlines() {
        while tokens[position].kind == .newline { position += 1 }
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if token.kind != .end { position += 1 }
        return token
    }

    mutating func check(_ symbol: String) -> Bool { current.is(symbol) }

    mutating func accept(_ symbol: String) -> Bool {
        if check(symbol) {
            advance()
            return true
        }
        return false
    }

    func span(_ token: Token) -> SourceSpan { SourceSpan(file: file, start: token.start, end: token.end) }
    func span(from start: Int, to end: Int) -> SourceSpan { SourceSpan(file: file, start: start, end: end) }

    /// The end of the last consumed token.
    var previousEnd: Int { position > 0 ? tokens[position - 1].end : 0 }

    mutating func error(_ message: String, at token: Token? = nil) -> LanguageError {
        let token = token ?? current
        if token.kind == .end {
            let text = message.replacing(", found the end of the cell", with: ", but \(endName) ended")
            return LanguageError(.syntaxError, text, at: span(from: token.start, to: token.start + 1))
        }
        return LanguageError(.syntaxError, message, at: span(token))
    }

    /// What the end of the tokens is the end of, for messages.
    var endName = "the cell"

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: "the end of the cell"  // reworded by error(_:at:)
        case .newline: "the end of the line"
        case .int, .float: "the number \(token.text)"
        case .string: "a string"
        case .identifier: "'\(token.text)'"
        case .keyword: "the keyword '\(token.text)'"
        case .symbol: "'\(token.text)'"
        }
    }

    mutating func expect(_ symbol: String, _ what: String) throws -> Token {
        if check(symbol) { return advance() }
        let found = current
        throw error("expected \(what), found \(describe(found))", at: found)
    }

    mutating func expectIdentifier(_ what: String) throws -> Token {
        let token = current
        if token.kind == .identifier { return advance() }
        if token.kind == .keyword { throw error("'\(token.text)' is a keyword and cannot be \(what)", at: token) }
        throw error("expected \(what), found \(describe(token))", at: token)
    }

    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw error("this code is nested too deeply: split it into smaller pieces with a few let bindings")
        }
    }

    /// Links of operator chains (`a + b + c`, `x.f().g`, `else if`) on the way to the current
    /// token: each makes the tree one level deeper, and the evaluator recurses that deep.
    var links = 0
    static let maxLinks = 2000

    /// Counts one more link of a chain; `defer { links -= count }` gives them back.
    mutating func link(_ count: inout Int) throws {
        count += 1
        links += 1
        if links > Parser.maxLinks {
            throw error("this expression is too long (over \(Parser.maxLinks) operations in a row): split it with a few let bindings")
        }
    }

    mutating func withNewlines<T>(ignored: Bool, _ body: (inout Parser) throws -> T) rethrows -> T {
        ignoreNewlines.append(ignored)
        let saved = trailingClosures
        trailingClosures = true
        defer {
            ignoreNewlines.removeLast()
            trailingClosures = saved
        }
        return try body(&self)
    }

    /// An expression before a body in braces: `if x {`, `while x {`, `for a in x {`.
    mutating func parseHead(_ owner: String) throws -> Expr {
        if current.is("{") {
            throw error("\(owner) needs \(owner == "for" ? "something to loop over" : "a condition") before '{'")
        }
        let saved = trailingClosures
        trailingClosures = false
        defer { trailingClosures = saved }
        return try parseExpression()
    }
}
