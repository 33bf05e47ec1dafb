// Running cells outside a front end: the output a notebook would show, as plain text. The
// `tensorcell run` command, the corpus tests and the fuzz test use it.

import Kernel

/// An execution context that writes everything a cell shows as text, in order.
public final class TranscriptContext: ExecutionContext {
    public private(set) var text = ""
    /// MIME types of every display and result, in order, for tests that check rich output.
    public private(set) var displayedTypes: [[String]] = []
    public var echo: ((String) -> Void)?
    public var interruptRequested = false

    public init(echo: ((String) -> Void)? = nil) { self.echo = echo }

    func append(_ piece: String) {
        text += piece
        echo?(piece)
    }

    public func write(_ text: String, to stream: OutputStream) {
        append(stream == .stderr ? text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "[stderr] " + $0 }.joined(separator: "\n") : text)
    }

    /// The latest state of each display updated in place, shown when the cell ends (as the
    /// notebook keeps it).
    private var updated: [(id: String, bundle: MimeBundle)] = []

    public func display(_ bundle: MimeBundle, id: String?) { show(bundle) }
    public func updateDisplay(_ bundle: MimeBundle, id: String) {
        if let index = updated.firstIndex(where: { $0.id == id }) {
            updated[index].bundle = bundle
        } else {
            updated.append((id, bundle))
        }
    }
    public func clearOutput(wait: Bool) {}
    public func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        throw ExecutionError(name: "StdinNotImplementedError", value: "input is not available when running a file")
    }
    public var isInterruptRequested: Bool { interruptRequested }

    func show(_ bundle: MimeBundle) {
        displayedTypes.append(bundle.data.keys.sorted())
        if case .string(let plain) = bundle.data["text/plain"] {
            append(plain.hasSuffix("\n") ? plain : plain + "\n")
        }
    }

    /// Records a cell's outcome: its result, or its error without colours.
    public func record(_ outcome: ExecutionOutcome) {
        for (id, bundle) in updated {
            append("[display \(id.split(separator: "-").last ?? "") updated to]\n")
            show(bundle)
        }
        updated.removeAll()
        switch outcome {
        case .ok(let bundle?): show(bundle)
        case .ok(nil): break
        case .error(let error):
            let plain = error.traceback.map(stripANSI).joined(separator: "\n")
            append(plain + "\n")
        }
    }
}

/// Text without ANSI colour codes.
public func stripANSI(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
        if scalar == "\u{1B}" {
            while let next = scalars.next(), !(next.properties.isAlphabetic) {}
            continue
        }
        result.append(scalar)
    }
    return String(result)
}

extension Interpreter {
    /// Runs `cells` one after another, as a notebook would, returning what they showed.
    public func transcript(_ cells: [String], echo: ((String) -> Void)? = nil) -> (text: String, failed: Bool) {
        let context = TranscriptContext(echo: echo)
        var failed = false
        for cell in cells {
            let outcome = execute(cell, context: context)
            if case .error = outcome { failed = true }
            context.record(outcome)
        }
        return (context.text, failed)
    }

    /// Splits a file into cells at lines that are exactly `// %%`.
    public static func cells(of source: String) -> [String] {
        var cells: [String] = []
        var current: [Substring] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if String(line).trimmingCharacters(in: " \t") == "// %%" {
                cells.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(line)
            }
        }
        cells.append(current.joined(separator: "\n"))
        return cells.filter { !$0.trimmingCharacters(in: " \n\t").isEmpty }
    }
}
