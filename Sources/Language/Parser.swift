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
            return LanguageError("SyntaxError", text, at: span(from: token.start, to: token.start + 1))
        }
        return LanguageError("SyntaxError", message, at: span(token))
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

    // MARK: Program and statements

    mutating func parseProgram() throws -> Program {
        var statements: [Stmt] = []
        var quiet = false
        while true {
            skipSeparators()
            if current.kind == .end { break }
            statements.append(try parseStatement())
            quiet = false
            let token = current
            if token.is(";") {
                quiet = true
                while current.is(";") || current.kind == .newline {
                    advance()
                }
                if current.kind != .end { quiet = false }
                continue
            }
            if token.kind == .newline || token.kind == .end { continue }
            if token.is("}") { throw error("unexpected '}': there is no open '{' for it to close", at: token) }
            throw error("expected a new line or ';' after the statement, found \(describe(token))", at: token)
        }
        return Program(statements: statements, quiet: quiet)
    }

    mutating func skipSeparators() {
        while tokens[position].kind == .newline || tokens[position].is(";") { position += 1 }
    }

    mutating func parseBlock(_ owner: String) throws -> [Stmt] {
        let open = current
        guard open.is("{") else {
            if open.is("=") && (owner == "the if" || owner == "the while loop") {
                throw error("'=' gives a variable a value; to compare two values, write ==", at: open)
            }
            throw error("expected '{' to start the body of \(owner), found \(describe(open))")
        }
        try enter()
        defer { depth -= 1 }
        return try withNewlines(ignored: false) { parser in
            parser.advance()
            var statements: [Stmt] = []
            while true {
                parser.skipSeparators()
                let token = parser.current
                if token.is("}") {
                    parser.advance()
                    return statements
                }
                if token.kind == .end {
                    throw LanguageError(
                        "SyntaxError", "the body of \(owner) is missing its closing '}'", at: parser.span(open))
                }
                statements.append(try parser.parseStatement())
                let after = parser.current
                if after.kind == .newline || after.is(";") || after.is("}") { continue }
                if after.kind == .end {
                    throw LanguageError(
                        "SyntaxError", "the body of \(owner) is missing its closing '}'", at: parser.span(open))
                }
                throw parser.error("expected a new line or ';' after the statement, found \(parser.describe(after))", at: after)
            }
        }
    }

    mutating func parseStatement() throws -> Stmt {
        let token = current
        let start = token.start
        if token.kind == .keyword {
            switch token.text {
            case "let", "var":
                advance()
                let pattern = try parsePattern()
                if accept(":") { try skipType() }
                guard check("=") else {
                    throw error("expected '=' and a value after \(token.text) \(patternText(pattern)): every binding needs a value")
                }
                advance()
                let value = try parseExpression()
                return Stmt(kind: .binding(mutable: token.text == "var", pattern, value), span: span(from: start, to: previousEnd))
            case "func":
                advance()
                let name = try expectIdentifier("a function name")
                let declaration = try parseFunctionRest(name: name.text, start: start)
                return Stmt(kind: .function(declaration), span: declaration.span)
            case "if":
                return try parseIf()
            case "for":
                advance()
                if current.is("in") { throw error("expected the loop variable after 'for': for x in items { ... }") }
                let pattern = try parsePattern()
                _ = try expect("in", "'in' after the loop variable (for x in items { ... })")
                let sequence = try parseHead("for")
                let body = try parseBlock("the for loop")
                return Stmt(kind: .for(pattern, sequence, body), span: span(from: start, to: previousEnd))
            case "while":
                advance()
                let condition = try parseHead("while")
                let body = try parseBlock("the while loop")
                return Stmt(kind: .while(condition, body), span: span(from: start, to: previousEnd))
            case "break":
                advance()
                return Stmt(kind: .break, span: span(token))
            case "continue":
                advance()
                return Stmt(kind: .continue, span: span(token))
            case "return":
                advance()
                let next = current
                if next.kind == .newline || next.kind == .end || next.is("}") || next.is(";") {
                    return Stmt(kind: .return(nil), span: span(token))
                }
                let value = try parseExpression()
                return Stmt(kind: .return(value), span: span(from: start, to: previousEnd))
            case "else":
                throw error("'else' without an 'if' before it", at: token)
            case "in":
                throw error("'in' belongs in 'for x in items' or a closure '{ x in ... }'", at: token)
            default:
                break
            }
        }
        if token.is("}") || token.is(")") || token.is("]") {
            let opener = ["}": "{", ")": "(", "]": "["][token.text]!
            throw error("unexpected '\(token.text)': there is no open '\(opener)' for it to close", at: token)
        }
        if token.kind == .identifier, let hint = Parser.foreignKeywords[token.text] {
            let after = tokens[position + 1]
            if after.kind == .identifier || after.kind == .keyword || after.is("{") {
                throw error(hint, at: token)
            }
        }
        if token.is("%"), tokens[position + 1].kind == .identifier, tokens[position + 1].start == token.end {
            throw error("%\(tokens[position + 1].text) looks like a magic: magics go on the first lines of a cell, before any code", at: token)
        }
        let expression = try parseExpression()
        let next = current
        if next.is("=") || next.is("+=") || next.is("-=") || next.is("*=") || next.is("/=") || next.is("%=") {
            try checkAssignable(expression)
            advance()
            let value = try parseExpression()
            let op: BinaryOperator? = next.text == "=" ? nil : BinaryOperator(rawValue: String(next.text.dropLast()))
            return Stmt(kind: .assign(expression, op, value), span: span(from: start, to: previousEnd))
        }
        if next.is(",") {
            // `neuron.weight, neuron.bias` on a line of its own shows both, as a tuple.
            var items = [expression]
            while accept(",") { items.append(try parseExpression()) }
            let whole = expression.span.to(items[items.count - 1].span)
            return Stmt(kind: .expression(Expr(kind: .tuple(items), span: whole)), span: whole)
        }
        return Stmt(kind: .expression(expression), span: expression.span)
    }

    /// Words from other languages that start a statement there, with what to write here.
    static let foreignKeywords: [String: String] = [
        "def": "functions are declared with func: func name(a, b) { ... }",
        "function": "functions are declared with func: func name(a, b) { ... }",
        "fn": "functions are declared with func: func name(a, b) { ... }",
        "fun": "functions are declared with func: func name(a, b) { ... }",
        "import": "there is nothing to import: every builtin is always there",
        "from": "there is nothing to import: every builtin is always there",
        "include": "there is nothing to import: every builtin is always there",
        "class": "the language has no classes: use functions, tuples and arrays",
        "struct": "the language has no structs: use functions, tuples and arrays",
        "enum": "the language has no enums: use strings or whole numbers",
        "const": "constants are declared with let: let name = value",
        "elif": "write else if, not elif",
        "guard": "the language has no guard: use if",
        "switch": "the language has no switch: use if, else if and else",
        "repeat": "the language has no repeat: use while",
        "do": "the language has no do blocks: use while",
    ]

    func patternText(_ pattern: Pattern) -> String {
        switch pattern {
        case .name(let name, _): name
        case .wildcard: "_"
        case .tuple(let items, _): "(" + items.map(patternText).joined(separator: ", ") + ")"
        }
    }

    func checkAssignable(_ target: Expr) throws {
        switch target.kind {
        case .name, .member, .index: return
        case .tuple(let items) where !items.isEmpty:
            for item in items { try checkAssignable(item) }
        default:
            throw LanguageError(
                "SyntaxError", "cannot assign to this expression: assign to a variable, a member or an element",
                at: target.span)
        }
    }

    mutating func parseIf() throws -> Stmt {
        let start = advance().start
        let condition = try parseHead("if")
        let body = try parseBlock("the if")
        var otherwise: [Stmt]? = nil
        // `else` may follow on the next line.
        let saved = position
        skipNewlines()
        if current.is("else") {
            advance()
            if current.is("if") {
                var count = 0
                try link(&count)
                defer { links -= count }
                otherwise = [try parseIf()]
            } else {
                otherwise = try parseBlock("the else")
            }
        } else {
            position = saved
        }
        return Stmt(kind: .if(condition, body, otherwise), span: span(from: start, to: previousEnd))
    }

    mutating func parsePattern() throws -> Pattern {
        try enter()
        defer { depth -= 1 }
        let token = current
        if token.is("(") {
            advance()
            return try withNewlines(ignored: true) { parser in
                var items: [Pattern] = []
                var comma = false
                while !parser.check(")") {
                    items.append(try parser.parsePattern())
                    if !parser.accept(",") { break }
                    comma = true
                }
                let close = try parser.expect(")", "')' to close the tuple of names")
                // `(a)` is the name a, as `(1)` is the number 1.
                if items.count == 1 && !comma { return items[0] }
                return .tuple(items, parser.span(from: token.start, to: close.end))
            }
        }
        if token.kind == .identifier {
            advance()
            return token.text == "_" ? .wildcard : .name(token.text, span(token))
        }
        if token.kind == .keyword { throw error("'\(token.text)' is a keyword and cannot be a variable name", at: token) }
        throw error("expected a variable name, found \(describe(token))", at: token)
    }

    /// Skips a type annotation (`: Float`, `: [Int]`, `-> Tensor`): allowed, not checked.
    mutating func skipType() throws {
        try enter()
        defer { depth -= 1 }
        if accept("[") {
            try skipType()
            if accept(":") { try skipType() }
            _ = try expect("]", "']' to close the type")
        } else if accept("(") {
            while !check(")") {
                try skipType()
                if !accept(",") { break }
            }
            _ = try expect(")", "')' to close the type")
        } else {
            _ = try expectIdentifier("a type name")
            while accept(".") { _ = try expectIdentifier("a type name") }
            if accept("<") {
                while !check(">") {
                    try skipType()
                    if !accept(",") { break }
                }
                _ = try expect(">", "'>' to close the type")
            }
        }
        while accept("?") || accept("!") {}
    }

    /// After `func name`: `(parameters) { body }`.
    mutating func parseFunctionRest(name: String?, start: Int) throws -> FunctionDeclaration {
        _ = try expect("(", "'(' and the parameters after the function name")
        let parameters = try withNewlines(ignored: true) { parser -> [FunctionParameter] in
            var parameters: [FunctionParameter] = []
            while !parser.check(")") {
                var nameToken = try parser.expectIdentifier("a parameter name")
                // Swift's `_ x` and `label x`: the second name is the parameter, the first a label.
                var label: String? = nil
                if parser.current.kind == .identifier {
                    label = nameToken.text == "_" ? nil : nameToken.text
                    nameToken = parser.advance()
                }
                if parser.accept(":") { try parser.skipType() }
                var defaultValue: Expr? = nil
                if parser.accept("=") { defaultValue = try parser.parseExpression() }
                if parameters.contains(where: { $0.name == nameToken.text }) {
                    throw parser.error("the parameter '\(nameToken.text)' appears twice", at: nameToken)
                }
                if defaultValue == nil, parameters.last?.defaultValue != nil {
                    throw parser.error(
                        "the parameter '\(nameToken.text)' needs a default: parameters after one with a default need one too",
                        at: nameToken)
                }
                parameters.append(
                    FunctionParameter(
                        name: nameToken.text, defaultValue: defaultValue, span: parser.span(nameToken), label: label))
                if !parser.accept(",") { break }
            }
            _ = try parser.expect(")", "',' or ')' in the parameter list")
            return parameters
        }
        if accept("->") { try skipType() }
        let body = try parseBlock(name.map { "func \($0)" } ?? "the closure")
        return FunctionDeclaration(name: name, parameters: parameters, body: body, span: span(from: start, to: previousEnd))
    }

    // MARK: Expressions

    mutating func parseExpression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        return try parseConditional()
    }

    mutating func parseConditional() throws -> Expr {
        let condition = try parseOr()
        if check("?") {
            advance()
            skipNewlines()
            let then = try parseExpression()
            skipNewlines()
            _ = try expect(":", "':' between the two choices of ?:")
            skipNewlines()
            let otherwise = try parseExpression()
            return Expr(kind: .conditional(condition, then, otherwise), span: condition.span.to(otherwise.span))
        }
        return condition
    }

    mutating func parseOr() throws -> Expr {
        var count = 0
        defer { links -= count }
        var left = try parseAnd()
        while check("||") {
            try link(&count)
            advance()
            skipNewlines()
            let right = try parseAnd()
            left = Expr(kind: .or(left, right), span: left.span.to(right.span))
        }
        return left
    }

    mutating func parseAnd() throws -> Expr {
        var count = 0
        defer { links -= count }
        var left = try parseComparison()
        while check("&&") {
            try link(&count)
            advance()
            skipNewlines()
            let right = try parseComparison()
            left = Expr(kind: .and(left, right), span: left.span.to(right.span))
        }
        return left
    }

    mutating func parseComparison() throws -> Expr {
        let left = try parseRange()
        let token = current
        guard token.kind == .symbol, ["==", "!=", "<", "<=", ">", ">="].contains(token.text) else { return left }
        advance()
        skipNewlines()
        let right = try parseRange()
        let next = current
        if next.kind == .symbol, ["==", "!=", "<", "<=", ">", ">="].contains(next.text) {
            throw error("comparisons cannot be chained: write a < b && b < c", at: next)
        }
        return Expr(kind: .binary(BinaryOperator(rawValue: token.text)!, left, right), span: left.span.to(right.span))
    }

    func endsOperand(_ token: Token) -> Bool {
        token.kind == .end || token.kind == .newline || token.is("]") || token.is(")") || token.is(",")
            || token.is("}") || token.is(";") || token.is("{")
    }

    mutating func parseRange() throws -> Expr {
        let token = current
        // Prefix forms: `..`, `..<b`, `...b`.
        if token.is("..") || token.is("..<") || token.is("...") {
            advance()
            if token.text == ".." { return Expr(kind: .range(nil, nil, closed: false), span: span(token)) }
            let upper = try parseAdditive()
            return Expr(kind: .range(nil, upper, closed: token.text == "..."), span: span(token).to(upper.span))
        }
        let lower = try parseAdditive()
        let op = current
        if op.is("..<") || op.is("...") {
            advance()
            if op.text == "..." && endsOperand(current) {
                return Expr(kind: .range(lower, nil, closed: true), span: lower.span.to(span(op)))
            }
            let upper = try parseAdditive()
            return Expr(kind: .range(lower, upper, closed: op.text == "..."), span: lower.span.to(upper.span))
        }
        if op.is("..") {
            throw error("'..' alone means a whole axis; for a range write a..<b or a...b", at: op)
        }
        return lower
    }

    mutating func parseAdditive() throws -> Expr {
        var count = 0
        defer { links -= count }
        var left = try parseMultiplicative()
        while true {
            let token = current
            guard token.is("+") || token.is("-") else { return left }
            try link(&count)
            let twin = tokens[position + 1]
            if twin.is(token.text), twin.start == token.end, endsOperand(tokens[position + 2]) {
                throw error(
                    "'\(token.text)\(token.text)' is not an operator: write \(token.text == "+" ? "x += 1" : "x -= 1")",
                    at: token)
            }
            advance()
            skipNewlines()
            let right = try parseMultiplicative()
            left = Expr(kind: .binary(BinaryOperator(rawValue: token.text)!, left, right), span: left.span.to(right.span))
        }
    }

    mutating func parseMultiplicative() throws -> Expr {
        var count = 0
        defer { links -= count }
        var left = try parseUnary()
        while true {
            let token = current
            guard token.is("*") || token.is("/") || token.is("%") || token.is("@") else { return left }
            try link(&count)
            advance()
            skipNewlines()
            if current.is("*") { throw error("'**' is not an operator: use pow(x, 2)", at: token) }
            let right = try parseUnary()
            left = Expr(kind: .binary(BinaryOperator(rawValue: token.text)!, left, right), span: left.span.to(right.span))
        }
    }

    mutating func parseUnary() throws -> Expr {
        let token = current
        if token.is("-") || token.is("!") || token.is("+") {
            advance()
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            // Negative literals are literals, so `-3` needs no arithmetic.
            if token.text == "-", case .int(let value) = operand.kind, operand.span.start == token.end {
                return Expr(kind: .int(-value), span: span(token).to(operand.span))
            }
            if token.text == "-", case .float(let value) = operand.kind, operand.span.start == token.end {
                return Expr(kind: .float(-value), span: span(token).to(operand.span))
            }
            return Expr(kind: .unary(UnaryOperator(rawValue: token.text)!, operand), span: span(token).to(operand.span))
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws -> Expr {
        var count = 0
        defer { links -= count }
        var expression = try parsePrimary()
        while true {
            // A line that starts with `.name` goes on with the expression before it.
            if tokens[position].kind == .newline {
                var look = position
                while tokens[look].kind == .newline { look += 1 }
                if tokens[look].is("."), tokens[look + 1].kind == .identifier { position = look } else { return expression }
            }
            let token = current
            if token.is("(") {
                advance()
                let arguments = try parseArguments(open: token)
                expression = Expr(kind: .call(expression, arguments), span: expression.span.to(span(from: 0, to: previousEnd)))
            } else if token.is("[") {
                advance()
                let indices = try withNewlines(ignored: true) { parser -> [Expr] in
                    var indices: [Expr] = []
                    while !parser.check("]") {
                        indices.append(try parser.parseExpression())
                        if !parser.accept(",") { break }
                    }
                    _ = try parser.expect("]", "',' or ']' to close the index")
                    return indices
                }
                if indices.isEmpty { throw error("an index needs a position inside [ ]", at: token) }
                expression = Expr(kind: .index(expression, indices), span: expression.span.to(span(from: 0, to: previousEnd)))
            } else if token.is("{") && trailingClosures {
                // A trailing closure: `xs.map { x in x * 2 }`, `noGrad { ... }`.
                let closure = try parseClosure()
                let argument = Argument(label: nil, value: closure, span: closure.span)
                if case .call(let callee, var arguments) = expression.kind {
                    arguments.append(argument)
                    expression = Expr(kind: .call(callee, arguments), span: expression.span.to(closure.span))
                } else {
                    expression = Expr(kind: .call(expression, [argument]), span: expression.span.to(closure.span))
                }
            } else if token.is(".") {
                advance()
                let name = current
                guard name.kind == .identifier || name.kind == .keyword || name.kind == .int else {
                    throw error("expected a member name after '.', found \(describe(name))", at: name)
                }
                advance()
                expression = Expr(
                    kind: .member(expression, name.text, nameSpan: span(name)), span: expression.span.to(span(name)))
            } else {
                return expression
            }
            try link(&count)
        }
    }

    mutating func parseArguments(open: Token) throws -> [Argument] {
        try enter()
        defer { depth -= 1 }
        return try withNewlines(ignored: true) { parser in
            var arguments: [Argument] = []
            var labels = Set<String>()
            while !parser.check(")") {
                let token = parser.current
                var label: String? = nil
                if token.kind == .identifier || token.kind == .keyword, parser.tokens[parser.position + 1].is(":") {
                    label = token.text
                    if !labels.insert(token.text).inserted {
                        throw parser.error("the argument '\(token.text)' is given twice", at: token)
                    }
                    parser.advance()
                    parser.advance()
                } else if !labels.isEmpty, parser.current.kind != .end {
                    // Positional after labelled is allowed only for variadic builtins; the call checks.
                }
                let value = try parser.parseExpression()
                arguments.append(Argument(label: label, value: value, span: parser.span(from: token.start, to: value.span.end)))
                if !parser.accept(",") { break }
            }
            if parser.current.kind == .end {
                throw LanguageError("SyntaxError", "the call's '(' is never closed: add ')'", at: parser.span(open))
            }
            _ = try parser.expect(")", "',' or ')' in the argument list")
            return arguments
        }
    }

    mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .int:
            advance()
            return Expr(kind: .int(token.intValue), span: span(token))
        case .float:
            advance()
            return Expr(kind: .float(token.floatValue), span: span(token))
        case .string:
            advance()
            var parts: [StringPart] = []
            for part in token.parts {
                switch part {
                case .text(let text): parts.append(.text(text))
                case .code(let start, let end):
                    var inner = try Parser(file: file, start: start, end: end)
                    inner.depth = depth
                    inner.endName = "the interpolation"
                    inner.skipNewlines()
                    if inner.current.kind == .end {
                        throw LanguageError("SyntaxError", "empty interpolation \\(): put a value inside", at: span(from: start - 2, to: end + 1))
                    }
                    let expression = try inner.parseExpression()
                    if inner.current.kind != .end {
                        throw inner.error("expected ')' to end the interpolation, found \(inner.describe(inner.current))")
                    }
                    parts.append(.code(expression))
                }
            }
            return Expr(kind: .string(parts), span: span(token))
        case .identifier:
            advance()
            return Expr(kind: .name(token.text), span: span(token))
        case .keyword:
            if token.text == "true" || token.text == "false" {
                advance()
                return Expr(kind: .bool(token.text == "true"), span: span(token))
            }
            if token.text == "func" {
                advance()
                let declaration = try parseFunctionRest(name: nil, start: token.start)
                return Expr(kind: .closure(declaration), span: declaration.span)
            }
            throw error("expected a value, found the keyword '\(token.text)'", at: token)
        case .symbol:
            switch token.text {
            case "(":
                advance()
                try enter()
                defer { depth -= 1 }
                return try withNewlines(ignored: true) { parser in
                    if parser.check(")") {
                        let close = parser.advance()
                        return Expr(kind: .tuple([]), span: parser.span(from: token.start, to: close.end))
                    }
                    var items = [try parser.parseExpression()]
                    var isTuple = false
                    while parser.accept(",") {
                        isTuple = true
                        if parser.check(")") { break }
                        items.append(try parser.parseExpression())
                    }
                    if parser.current.kind == .end {
                        throw LanguageError("SyntaxError", "'(' is never closed: add ')'", at: parser.span(token))
                    }
                    let close = try parser.expect(")", "')' to close '('")
                    let whole = parser.span(from: token.start, to: close.end)
                    return isTuple ? Expr(kind: .tuple(items), span: whole) : Expr(kind: items[0].kind, span: whole)
                }
            case "[":
                advance()
                try enter()
                defer { depth -= 1 }
                return try withNewlines(ignored: true) { parser in
                    var items: [Expr] = []
                    while !parser.check("]") {
                        items.append(try parser.parseExpression())
                        if !parser.accept(",") { break }
                    }
                    if parser.current.kind == .end {
                        throw LanguageError("SyntaxError", "'[' is never closed: add ']'", at: parser.span(token))
                    }
                    let close = try parser.expect("]", "',' or ']' in the array")
                    return Expr(kind: .array(items), span: parser.span(from: token.start, to: close.end))
                }
            case "{":
                return try parseClosure()
            default:
                break
            }
        case .newline, .end:
            break
        }
        throw error("expected a value, found \(describe(token))", at: token)
    }

    /// `{ x in x * 2 }`, `{ (a, b) in ... }`, `{ print("hi") }`.
    mutating func parseClosure() throws -> Expr {
        let open = current
        // Look for `names in` right after the brace.
        var look = position + 1
        while tokens[look].kind == .newline { look += 1 }
        var parameters: [FunctionParameter] = []
        var scan = look
        var names: [Token] = []
        if tokens[scan].is("(") { scan += 1 }
        while tokens[scan].kind == .identifier {
            names.append(tokens[scan])
            scan += 1
            if tokens[scan].is(",") { scan += 1 } else { break }
        }
        if tokens[scan].is(")") { scan += 1 }
        if !names.isEmpty && tokens[scan].is("in") {
            parameters = names.map { FunctionParameter(name: $0.text, defaultValue: nil, span: span($0)) }
            // Rebuild the token stream so the body starts after `in`, inside the braces.
            position = scan
            tokens[position] = Token(kind: .symbol, text: "{", start: open.start, end: open.end)
        }
        let body = try parseBlock("the closure")
        let declaration = FunctionDeclaration(
            name: nil, parameters: parameters, body: body, span: span(from: open.start, to: previousEnd))
        return Expr(kind: .closure(declaration), span: declaration.span)
    }
}

// MARK: - Completeness

extension Parser {
    /// Whether a console should run `code` or ask for more: open brackets or an unfinished
    /// string or comment ask for more; other syntax errors are invalid.
    static func completeness(of code: String) -> (complete: Bool, invalid: Bool, indent: Int) {
        let file = SourceFile(name: "input", text: code)
        var lexer = Lexer(file: file)
        var open: [String] = []
        var last: Token? = nil
        do {
            while true {
                let token = try lexer.next()
                if token.kind == .end { break }
                if token.kind != .newline { last = token }
                guard token.kind == .symbol else { continue }
                switch token.text {
                case "(", "[", "{": open.append(token.text)
                case ")", "]", "}":
                    let expected = ["(": ")", "[": "]", "{": "}"][open.last ?? ""]
                    if expected != token.text { return (false, true, 0) }
                    open.removeLast()
                default: break
                }
            }
        } catch let failure as LanguageError {
            if failure.message.hasPrefix("unterminated /*") { return (false, false, open.count) }
            return (false, true, 0)
        } catch {
            return (false, true, 0)
        }
        if !open.isEmpty { return (false, false, open.count) }
        // A trailing binary operator wants another line.
        let continuing: Set<String> = [
            "+", "-", "*", "/", "%", "@", "=", "&&", "||", ",", ".", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<",
            "<=", ">", ">=", "->", "?", ":",
        ]
        if let last, last.kind == .symbol, continuing.contains(last.text) { return (false, false, 0) }
        do {
            var parser = try Parser(file: file)
            _ = try parser.parseProgram()
            return (true, false, 0)
        } catch {
            return (false, true, 0)
        }
    }
}

extension String {
    func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
