// Expressions by precedence: conditional, logic, comparison, ranges, arithmetic, postfix, primaries.

extension Parser {
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
        if token.kind == .identifier && token.text == "is" {
            // `x is Layer0`: a type's name, not a value.
            advance()
            let name = try expectIdentifier("a type name after 'is' (x is Tensor, x is MyLayer)")
            return Expr(kind: .typeCheck(left, name.text, nameSpan: span(name)), span: left.span.to(span(name)))
        }
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
                throw LanguageError(.syntaxError, "the call's '(' is never closed: add ')'", at: parser.span(open))
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
                        throw LanguageError(.syntaxError, "empty interpolation \\(): put a value inside", at: span(from: start - 2, to: end + 1))
                    }
                    let expression = try inner.parseExpression()
                    if inner.accept(",") {
                        let label = try inner.expectIdentifier("digits: after the value")
                        guard label.text == "digits" else {
                            throw inner.error("an interpolation takes one option, digits: (\\(x, digits: 3)), not '\(label.text)'", at: label)
                        }
                        _ = try inner.expect(":", "':' after digits")
                        let digits = try inner.parseExpression()
                        if inner.current.kind != .end {
                            throw inner.error("expected ')' to end the interpolation, found \(inner.describe(inner.current))")
                        }
                        parts.append(.formatted(expression, digits: digits))
                        continue
                    }
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
                        throw LanguageError(.syntaxError, "'(' is never closed: add ')'", at: parser.span(token))
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
                    if let dictionary = try parser.parseDictionaryLiteral(open: token) { return dictionary }
                    while !parser.check("]") {
                        items.append(try parser.parseExpression())
                        if parser.check(":") {
                            guard items.count == 1 else {
                                throw parser.error("a bracket holds array items or key: value entries, not both")
                            }
                            return try parser.parseDictionaryLiteral(open: token, firstKey: items[0])!
                        }
                        if !parser.accept(",") { break }
                    }
                    if parser.current.kind == .end {
                        throw LanguageError(.syntaxError, "'[' is never closed: add ']'", at: parser.span(token))
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
