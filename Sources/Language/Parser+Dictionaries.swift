// Dictionary literals: `["lr": 0.1, "epochs": 3]` and the empty `[:]`.

extension Parser {
    /// Inside `[`: nil when the bracket does not hold a dictionary. With `firstKey`, the key has
    /// been read and the current token is its `:`.
    mutating func parseDictionaryLiteral(open: Token, firstKey: Expr? = nil) throws -> Expr? {
        if firstKey == nil {
            guard check(":") else { return nil }
            advance()
            let close = try expect("]", "']' after '[:', the empty dictionary")
            return Expr(kind: .dictionary([]), span: span(from: open.start, to: close.end))
        }
        var entries: [(key: Expr, value: Expr)] = []
        var key = firstKey!
        while true {
            _ = try expect(":", "':' and a value after the key (a dictionary's entries are all key: value)")
            entries.append((key, try parseExpression()))
            if !accept(",") || check("]") { break }
            key = try parseExpression()
        }
        if current.kind == .end {
            throw LanguageError(.syntaxError, "'[' is never closed: add ']'", at: span(open))
        }
        let close = try expect("]", "',' or ']' in the dictionary")
        return Expr(kind: .dictionary(entries), span: span(from: open.start, to: close.end))
    }
}
