// Source text to tokens: names, keywords, numbers, strings (with `\(...)` kept as source ranges
// the parser reads again), symbols and newlines. Comments are skipped.

struct Token {
    enum Kind: Equatable {
        case identifier
        case keyword
        case int
        case float
        case string
        case symbol
        case newline
        case end
    }

    var kind: Kind
    /// The identifier, keyword or symbol as written.
    var text: String
    var start: Int
    var end: Int
    var intValue: Int = 0
    var floatValue: Double = 0
    var parts: [LexedStringPart] = []

    func `is`(_ symbol: String) -> Bool { (kind == .symbol || kind == .keyword) && text == symbol }
}

enum LexedStringPart {
    case text(String)
    /// An interpolation's source, between `\(` and its `)`.
    case code(start: Int, end: Int)
}

let keywords: Set<String> = [
    "let", "var", "func", "return", "if", "else", "for", "in", "while", "break", "continue", "true", "false",
]

/// Symbols, longest first so that `..<` wins over `..` and `.`.
private let symbols: [[Unicode.Scalar]] = [
    "...", "..<", "..", "&&", "||", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "->",
    "+", "-", "*", "/", "%", "@", "=", "<", ">", "!", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "?",
].map { Array($0.unicodeScalars) }

struct Lexer {
    let file: SourceFile
    var source: [Unicode.Scalar] { file.scalars }
    var index: Int
    let limit: Int

    init(file: SourceFile, start: Int = 0, end: Int? = nil) {
        self.file = file
        index = start
        limit = end ?? file.scalars.count
    }

    func error(_ message: String, _ start: Int, _ end: Int? = nil) -> LanguageError {
        LanguageError(.syntaxError, message, at: SourceSpan(file: file, start: start, end: end ?? start + 1))
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c == "$"
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < limit ? source[index + offset] : nil
    }

    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    mutating func skipTrivia() throws {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || c == "\u{0C}" || c == "\u{A0}" {
                index += 1
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { index += 1 }
            } else if c == "/" && peek(1) == "*" {
                let start = index
                index += 2
                var depth = 1
                while depth > 0 {
                    guard let d = peek() else { throw error("unterminated /* comment: add */ to close it", start, start + 2) }
                    if d == "/" && peek(1) == "*" {
                        depth += 1
                        index += 2
                    } else if d == "*" && peek(1) == "/" {
                        depth -= 1
                        index += 2
                    } else {
                        index += 1
                    }
                }
            } else {
                return
            }
        }
    }

    mutating func next() throws -> Token {
        try skipTrivia()
        let start = index
        guard let c = peek() else { return Token(kind: .end, text: "", start: limit, end: limit) }
        if c == "\n" {
            index += 1
            return Token(kind: .newline, text: "\n", start: start, end: index)
        }
        if Lexer.isDigit(c) { return try number() }
        if Lexer.isIdentifierStart(c) {
            while let d = peek(), Lexer.isIdentifierStart(d) || Lexer.isDigit(d) { index += 1 }
            let text = String(String.UnicodeScalarView(source[start..<index]))
            return Token(kind: keywords.contains(text) ? .keyword : .identifier, text: text, start: start, end: index)
        }
        if c == "\"" { return try string() }
        if (c == "=" || c == "!") && peek(1) == "=" && peek(2) == "=" {
            throw error("'\(c)==' is not an operator: use \(c == "=" ? "==" : "!=") to compare values", start, start + 3)
        }
        for symbol in symbols where index + symbol.count <= limit {
            var matches = true
            for (offset, scalar) in symbol.enumerated() where source[index + offset] != scalar {
                matches = false
                break
            }
            if matches {
                index += symbol.count
                return Token(kind: .symbol, text: String(String.UnicodeScalarView(symbol)), start: start, end: index)
            }
        }
        if c == "'" {
            throw error("strings use double quotes: \"text\", not 'text'", start)
        }
        if c == "#" {
            throw error("'#' does not start a comment here: use // for comments", start)
        }
        if c == "`" {
            throw error("backticks are not part of the language", start)
        }
        if c == "^" {
            throw error("'^' is not an operator: for a power, use pow(x, 2)", start)
        }
        if c == "&" {
            throw error("'&' is not an operator: for 'and', use &&", start)
        }
        if c == "|" {
            throw error("'|' is not an operator: for 'or', use ||", start)
        }
        throw error("unexpected character '\(c.escaped(asASCII: false))'", start)
    }

    mutating func number() throws -> Token {
        let start = index
        var digits = ""
        var isFloat = false
        func readDigits(_ lexer: inout Lexer, into text: inout String) {
            while let d = lexer.peek(), Lexer.isDigit(d) || d == "_" {
                if d != "_" { text.unicodeScalars.append(d) }
                lexer.index += 1
            }
        }
        readDigits(&self, into: &digits)
        // After a member dot (`pair.1.0`), a number is a whole tuple position, not a fraction.
        let isMember = start > 0 && source[start - 1] == "." && !(start > 1 && source[start - 2] == ".")
        // A fraction needs a digit after the dot, so that `1...3` is a range and `x.0` stays apart.
        if !isMember, peek() == ".", let after = peek(1), Lexer.isDigit(after) {
            isFloat = true
            digits += "."
            index += 1
            readDigits(&self, into: &digits)
        }
        if isFloat, peek() == ".", let after = peek(1), Lexer.isDigit(after) {
            while let d = peek(), Lexer.isDigit(d) || d == "." { index += 1 }
            throw error("'\(file.text(SourceSpan(file: file, start: start, end: index)))' is not a number", start, index)
        }
        if !isMember, let e = peek(), e == "e" || e == "E" {
            var offset = 1
            if let sign = peek(1), sign == "+" || sign == "-" { offset = 2 }
            if let d = peek(offset), Lexer.isDigit(d) {
                isFloat = true
                digits += "e"
                if offset == 2 { digits.unicodeScalars.append(peek(1)!) }
                index += offset
                readDigits(&self, into: &digits)
            }
        }
        if let d = peek(), Lexer.isIdentifierStart(d) {
            while let d = peek(), Lexer.isIdentifierStart(d) || Lexer.isDigit(d) { index += 1 }
            throw error("'\(file.text(SourceSpan(file: file, start: start, end: index)))' is not a number", start, index)
        }
        if isFloat {
            guard let value = Double(digits) else { throw error("malformed number '\(digits)'", start, index) }
            var token = Token(kind: .float, text: digits, start: start, end: index)
            token.floatValue = value
            return token
        }
        guard let value = Int(digits) else {
            throw error("the whole number \(digits) is too large (the largest is \(Int.max)); write it as a float, e.g. \(digits).0", start, index)
        }
        var token = Token(kind: .int, text: digits, start: start, end: index)
        token.intValue = value
        return token
    }

    mutating func string() throws -> Token {
        let start = index
        index += 1
        var parts: [LexedStringPart] = []
        var text = ""
        while true {
            guard let c = peek(), c != "\n" else {
                throw error("unterminated string: add \" to close it", start, index)
            }
            index += 1
            if c == "\"" { break }
            if c != "\\" {
                text.unicodeScalars.append(c)
                continue
            }
            guard let escape = peek() else { throw error("unterminated string: add \" to close it", start, index) }
            index += 1
            switch escape {
            case "n": text += "\n"
            case "t": text += "\t"
            case "r": text += "\r"
            case "0": text += "\0"
            case "\"": text += "\""
            case "'": text += "'"
            case "\\": text += "\\"
            case "(":
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                let codeStart = index
                var depth = 1
                while depth > 0 {
                    guard let d = peek(), d != "\n" else {
                        throw error("unterminated interpolation: add ) to close \\(", codeStart - 2, index)
                    }
                    if d == "\"" {
                        // A string inside the interpolation; skip it whole.
                        index += 1
                        while let e = peek(), e != "\"", e != "\n" { index += e == "\\" ? 2 : 1 }
                        guard peek() == "\"" else { throw error("unterminated string: add \" to close it", index) }
                    } else if d == "(" {
                        depth += 1
                    } else if d == ")" {
                        depth -= 1
                    }
                    index += 1
                }
                parts.append(.code(start: codeStart, end: index - 1))
            default:
                throw error("unknown escape '\\\(escape)' in a string (known: \\n \\t \\\" \\\\ \\(...))", index - 2, index)
            }
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        var token = Token(kind: .string, text: "", start: start, end: index)
        token.parts = parts
        return token
    }
}
