// Programs, blocks and statements: declarations, assignment, control flow, functions.

extension Parser {
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
                        .syntaxError, "the body of \(owner) is missing its closing '}'", at: parser.span(open))
                }
                statements.append(try parser.parseStatement())
                let after = parser.current
                if after.kind == .newline || after.is(";") || after.is("}") { continue }
                if after.kind == .end {
                    throw LanguageError(
                        .syntaxError, "the body of \(owner) is missing its closing '}'", at: parser.span(open))
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
                .syntaxError, "cannot assign to this expression: assign to a variable, a member or an element",
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
}
