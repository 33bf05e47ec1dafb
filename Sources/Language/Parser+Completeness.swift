// Whether a console's input is a complete cell.

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
