// Class declarations: `class Name { stored properties, init, methods }`, and
// `class Name: Base { ... }` with `override func` for the methods it replaces.

extension Parser {
    /// After the word `class`: the name, the superclass if any, and the body. A member is a
    /// `var`/`let` property (with an optional default), `init(...)` or `func`, the last two
    /// optionally after `override`; nothing else belongs in a class body.
    mutating func parseClass(start: Int) throws -> Stmt {
        let name = try expectIdentifier("a class name")
        var superclass: (name: String, span: SourceSpan)? = nil
        if accept(":") {
            let base = try expectIdentifier("the name of the class to inherit from")
            if base.text == name.text { throw error("class \(name.text) cannot inherit from itself", at: base) }
            superclass = (base.text, span(base))
            if check(",") {
                throw error("a class inherits from one class only: class \(name.text): \(base.text) { ... }", at: current)
            }
        }
        let open = current
        guard open.is("{") else { throw error("expected '{' to start the body of class \(name.text), found \(describe(open))") }
        try enter()
        defer { depth -= 1 }
        var properties: [ClassDeclaration.Property] = []
        var initializer: FunctionDeclaration? = nil
        var methods: [FunctionDeclaration] = []
        try withNewlines(ignored: false) { parser in
            parser.advance()
            while true {
                parser.skipSeparators()
                var token = parser.current
                if token.is("}") {
                    parser.advance()
                    return
                }
                if token.kind == .end {
                    throw LanguageError(.syntaxError, "the body of class \(name.text) is missing its closing '}'", at: parser.span(open))
                }
                let memberStart = token.start
                var isOverride = false
                if token.kind == .identifier && token.text == "override" {
                    parser.advance()
                    isOverride = true
                    let next = parser.current
                    guard next.is("func") || (next.kind == .identifier && next.text == "init") else {
                        throw parser.error(
                            next.is("var") || next.is("let")
                                ? "override goes before func or init: a subclass sets an inherited property in its init instead of declaring it again"
                                : "expected func or init after override, found \(parser.describe(next))",
                            at: next)
                    }
                }
                token = parser.current
                if token.is("var") || token.is("let") {
                    parser.advance()
                    let propertyName = try parser.expectIdentifier("a property name")
                    if parser.accept(":") { try parser.skipType() }
                    var defaultValue: Expr? = nil
                    if parser.accept("=") { defaultValue = try parser.parseExpression() }
                    if properties.contains(where: { $0.name == propertyName.text }) {
                        throw parser.error("class \(name.text) already has a property '\(propertyName.text)'", at: propertyName)
                    }
                    properties.append(
                        .init(name: propertyName.text, mutable: token.text == "var", defaultValue: defaultValue, span: parser.span(propertyName)))
                } else if token.is("func") {
                    parser.advance()
                    let methodName = try parser.expectIdentifier("a method name")
                    if methods.contains(where: { $0.name == methodName.text }) {
                        throw parser.error("class \(name.text) already has a method '\(methodName.text)'", at: methodName)
                    }
                    let method = try parser.parseFunctionRest(name: methodName.text, start: memberStart)
                    method.className = name.text
                    method.isOverride = isOverride
                    methods.append(method)
                } else if token.kind == .identifier && token.text == "init" {
                    parser.advance()
                    if initializer != nil { throw parser.error("class \(name.text) has two init: give it one", at: token) }
                    initializer = try parser.parseFunctionRest(name: "init", start: memberStart)
                    initializer?.className = name.text
                } else {
                    throw parser.error(
                        "a class body holds properties (var, let), init and methods (func), not \(parser.describe(token))", at: token)
                }
                let after = parser.current
                if after.kind == .newline || after.is(";") || after.is("}") { continue }
                throw parser.error("expected a new line or ';' after the member, found \(parser.describe(after))", at: after)
            }
        }
        for property in properties where methods.contains(where: { $0.name == property.name }) {
            throw LanguageError(.syntaxError, "class \(name.text) has both a property and a method named '\(property.name)'", at: property.span)
        }
        let declaration = ClassDeclaration(
            name: name.text, superclass: superclass, properties: properties, initializer: initializer, methods: methods,
            span: span(from: start, to: previousEnd))
        return Stmt(kind: .class(declaration), span: declaration.span)
    }
}
