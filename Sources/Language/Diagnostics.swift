// Where code came from and what went wrong in it: source files (cells), spans, and errors that
// show the failing line with its span underlined.

/// The text of one cell (or one `evaluate` expression), kept so errors can quote it later,
/// even when a function defined in it fails in a later cell.
public final class SourceFile: @unchecked Sendable {
    /// "cell 5", as errors name it.
    public let name: String
    public let scalars: [Unicode.Scalar]
    /// The offset at which each line starts.
    let lineStarts: [Int]
    /// The cell's path in the debugger protocol (as `dumpCell` names it), when a debugger is attached.
    public let path: String?

    public init(name: String, text: String, path: String? = nil) {
        self.name = name
        self.path = path
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The 1-based line and 0-based column of an offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - lineStarts[low])
    }

    func line(_ number: Int) -> String {
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : scalars.count
        end = max(start, min(end, scalars.count))
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    func text(_ span: SourceSpan) -> String {
        let start = max(0, min(span.start, scalars.count))
        let end = max(start, min(span.end, scalars.count))
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

/// A range of a source, in Unicode scalars.
public struct SourceSpan: @unchecked Sendable {
    public var file: SourceFile?
    public var start: Int
    public var end: Int

    public init(file: SourceFile?, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// The span from the start of one to the end of another.
    func to(_ other: SourceSpan) -> SourceSpan { SourceSpan(file: file, start: start, end: max(end, other.end)) }

    static let none = SourceSpan(file: nil, start: 0, end: 0)
}

/// The families of errors a program can meet. Closed, so that code deciding by kind (an
/// interrupt is not a failure of the function it passed through) cannot misspell one; the raw
/// value is the name the learner sees and the kernel reports as `ename`.
public enum ErrorKind: String, Sendable, CaseIterable {
    case syntaxError = "SyntaxError"
    case nameError = "NameError"
    case typeError = "TypeError"
    case shapeError = "ShapeError"
    case valueError = "ValueError"
    case ioError = "IOError"
    case memoryError = "MemoryError"
    case recursionError = "RecursionError"
    /// A dictionary lookup of a key it does not hold.
    case keyError = "KeyError"
    case timeoutError = "TimeoutError"
    case keyboardInterrupt = "KeyboardInterrupt"
    /// `assert(condition, message)` with a false condition: a check the program itself states.
    case assertionError = "AssertionError"
    /// `input()` where the front end cannot answer.
    case stdinNotImplemented = "StdinNotImplementedError"

    /// The name shown to the learner: `ShapeError`.
    public var name: String { rawValue }

    /// The kind of an engine error (`TensorError.kind`, `NeuralNetworkError.kind`), whose
    /// modules sit below the language and name their families as text; a name this enum does
    /// not know is a ValueError.
    init(named name: String) {
        self = ErrorKind(rawValue: name) ?? .valueError
    }
}

/// An error a program meets: its kind (`ShapeError`), what went wrong, and where.
public struct LanguageError: Error, CustomStringConvertible, @unchecked Sendable {
    public var kind: ErrorKind
    public var message: String
    public var span: SourceSpan?
    /// The user-function calls the error passed through, innermost first (at most
    /// `keptCallSites` of them).
    var callSites: [(function: String, span: SourceSpan)] = []
    /// Calls the error passed through beyond those kept in `callSites` and `outermostCall`.
    var hiddenCalls = 0

    /// `ShapeError: ...`, as code below the language (a model summary) shows an error it met.
    public var description: String { "\(kind.rawValue): \(message)" }
    /// The outermost call, when more than `keptCallSites` were passed through: usually the
    /// line of the learner's cell that started it all.
    var outermostCall: (function: String, span: SourceSpan)?
    static let keptCallSites = 8

    /// Records that the error left a call to `function` made at `span`.
    mutating func passThrough(function: String, at span: SourceSpan) {
        if callSites.count < LanguageError.keptCallSites {
            callSites.append((function, span))
            return
        }
        if outermostCall != nil { hiddenCalls += 1 }
        outermostCall = (function, span)
    }

    public init(_ kind: ErrorKind, _ message: String, at span: SourceSpan? = nil) {
        self.kind = kind
        self.message = message
        self.span = span
    }

    /// The traceback lines: the error, then where it happened, the line and the span underlined;
    /// with ANSI colours for front ends that show them.
    public func traceback(colors: Bool = true) -> [String] {
        let red = colors ? "\u{1B}[0;31m" : ""
        let boldRed = colors ? "\u{1B}[1;31m" : ""
        let blue = colors ? "\u{1B}[0;34m" : ""
        let reset = colors ? "\u{1B}[0m" : ""
        var lines = ["\(boldRed)\(kind.name)\(reset): \(message)"]
        func quote(_ span: SourceSpan, label: String?) {
            guard let file = span.file else { return }
            let (line, column) = file.location(of: span.start)
            let (endLine, endColumn) = file.location(of: max(span.start, span.end))
            let text = file.line(line)
            let gutter = String(line)
            let pad = String(repeating: " ", count: gutter.count)
            var width = endLine == line ? endColumn - column : text.unicodeScalars.count - column
            width = max(1, width)
            let where_ = label.map { "\($0) at " } ?? ""
            lines.append("\(blue)\(pad)--> \(reset)\(where_)\(file.name), line \(line)")
            lines.append("\(blue)\(pad) |\(reset)")
            lines.append("\(blue)\(gutter) |\(reset) \(text)")
            let indent = String(text.unicodeScalars.prefix(column).map { $0 == "\t" ? "\t" : " " })
            lines.append("\(blue)\(pad) |\(reset) \(indent)\(red)\(String(repeating: "^", count: width))\(reset)")
        }
        if let span { quote(span, label: nil) }
        // Recursion repeats a cycle of call sites (one for a function calling itself, two for
        // two functions calling each other, ...): show the cycle once, with a count.
        func same(_ a: Int, _ b: Int) -> Bool {
            callSites[a].span.start == callSites[b].span.start && callSites[a].span.file === callSites[b].span.file
        }
        var index = 0
        while index < callSites.count {
            var period = 1
            var repeats = 1
            for candidate in 1...4 where index + 2 * candidate <= callSites.count {
                var count = 1
                while index + (count + 1) * candidate <= callSites.count,
                    (0..<candidate).allSatisfy({ same(index + $0, index + count * candidate + $0) })
                {
                    count += 1
                }
                if count > 1 {
                    period = candidate
                    repeats = count
                    break
                }
            }
            for offset in 0..<period {
                let site = callSites[index + offset]
                quote(site.span, label: "in \(site.function), called")
            }
            index += period * repeats
            // The calls hidden past the kept ones are counted with a cycle that runs to the end.
            let hidden = index == callSites.count ? hiddenCalls : 0
            let more = (repeats - 1) * period + hidden
            if more > 0 {
                lines.append(
                    period == 1
                        ? "   (and \(more) more call\(more == 1 ? "" : "s") from the same place)"
                        : "   (and \(more) more calls around the same \(period) places)")
            }
        }
        if let outermostCall { quote(outermostCall.span, label: "in \(outermostCall.function), called") }
        return lines
    }
}

/// Names close to a misspelt one, closest first: "did you mean".
func suggestions(for name: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
    let target = Array(name.lowercased().unicodeScalars)
    var scored: [(String, Int)] = []
    let allowed = max(1, min(3, target.count / 3 + 1))
    for candidate in candidates where candidate != name {
        let other = Array(candidate.lowercased().unicodeScalars)
        // A beginning of the name: `sep` for `separator`.
        if target.count >= 3 && other.count > target.count && other.starts(with: target) {
            scored.append((candidate, allowed))
            continue
        }
        if abs(other.count - target.count) > allowed { continue }
        let distance = editDistance(target, other)
        if distance <= allowed && distance * 2 < target.count { scored.append((candidate, distance)) }
    }
    scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
    return scored.prefix(limit).map(\.0)
}

func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
    let close = suggestions(for: name, among: candidates)
    if close.isEmpty { return "" }
    return "; did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"
}

/// Levenshtein distance with transpositions counted as one edit.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previous2[j - 2] + 1)
            }
        }
        (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
}
