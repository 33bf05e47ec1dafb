// The builtins every program needs whatever it computes: output, input, the history `log`
// feeds, conversions, numbers, arrays and strings.

import Interchange
import Display
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

public enum Builtins {
    /// Every builtin of the language, registered once per session.
    public static func registerAll(in library: Library) {
        registerCore(in: library)
        registerHelp(in: library)
        registerCollections(in: library)
        registerCollectionMethods(in: library)
        registerAssertions(in: library)
        registerDisplay(in: library)
        registerLearningPictures(in: library)
        registerTensors(in: library)
        registerTensorOrdering(in: library)
        registerNetworks(in: library)
        registerWidgets(in: library)
    }

    static func registerCore(in library: Library) {
        library.topic = "Basics"
        library.add(
            "print", [.variadic("items"), .labelled("separator", default: .string(" ")), .labelled("terminator", default: .string("\n"))],
            doc: "Writes the items to the cell's output, separated by spaces, then a new line.", example: "print(\"loss\", 0.25)\nprint(\"a\", \"b\", separator: \", \")"
        ) { args in
            let items = try args.array("items")
            let text = try items.map { item -> String in
                if case .tensor(let tensor) = item, tensor.rank == 0 { return try args.evaluator.interpolationText(item) }
                return try ValueText.full(item, check: args.runtime.checkInterrupt)
            }
            args.runtime.print(text.joined(separator: try args.string("separator")) + (try args.string("terminator")))
            return .void
        }
        library.add(
            "eprint", [.variadic("items")], doc: "Like print, but to the error stream (shown in red by most front ends).", example: "eprint(\"careful: the learning rate is large\")"
        ) { args in
            args.runtime.eprint(try args.array("items").map { try ValueText.full($0, check: args.runtime.checkInterrupt) }.joined(separator: " ") + "\n")
            return .void
        }
        library.add(
            "display", [.positional("value"), .labelled("id", default: .void)],
            doc: "Shows a value now, as its own output (so one cell can show several). With an id, updateDisplay(value, id:) replaces it later.", example: "display(tensor([1, 2, 3]))\ndisplay(\"progress: 0%\", id: \"status\")\nupdateDisplay(\"progress: 100%\", id: \"status\")"
        ) { args in
            try args.runtime.display(args.value("value"), id: try args.stringIfPresent("id"))
            return .void
        }
        library.add(
            "updateDisplay", [.positional("value"), .labelled("id")],
            doc: "Replaces the output shown earlier by display(value, id:) with the same id.", example: "display(\"epoch 1\", id: \"epoch\")\nupdateDisplay(\"epoch 2\", id: \"epoch\")"
        ) { args in
            try args.runtime.updateDisplay(args.value("value"), id: try args.string("id"))
            return .void
        }
        library.add(
            "clearOutput", [.labelled("wait", default: .bool(false))],
            doc: "Clears the cell's output; with wait: true, only when new output arrives (no flicker).", example: "print(\"gone soon\")\nclearOutput(wait: true)\nprint(\"fresh\")"
        ) { args in
            args.runtime.clearOutput(wait: try args.bool("wait"))
            return .void
        }
        library.add(
            "input", [.positional("prompt", default: .string("")), .labelled("password", default: .bool(false))],
            doc: "Asks the person at the notebook for a line of text and returns it.", example: "// let name = input(\"Your name? \")\n// print(\"hello\", name)\ntype(input)"
        ) { args in
            .string(try args.runtime.input(prompt: try args.string("prompt"), password: try args.bool("password")))
        }
        library.add(
            "sleep", [.positional("seconds")], doc: "Waits the given number of seconds (an interrupt stops the wait).", example: "sleep(0.01)"
        ) { args in
            let seconds = try args.double("seconds")
            guard seconds >= 0, seconds.isFinite else { throw args.error("seconds", "sleep needs a time ≥ 0, got \(seconds)", kind: .valueError) }
            try args.runtime.wait(seconds: seconds)
            return .void
        }
        library.add(
            "log", [.positional("x", default: .void), .keywords("values")],
            doc: "log(loss: value, ...) records values in the session's history, which plot(history()) draws; log(x) is the natural logarithm of a number or tensor.", example: "log(loss: 0.9, accuracy: 0.5)\nlog(loss: 0.4, accuracy: 0.8)\nlog(2.718281828)"
        ) { args in
            let values = try args.array("values")
            if !values.isEmpty {
                guard !args.has("x") else { throw args.error("log takes either labelled values to record or one value to take the logarithm of") }
                for item in values {
                    guard case .tuple(let pair) = item, case .string(let name) = pair[0] else { continue }
                    let number: Double
                    switch pair[1] {
                    case .int(let whole): number = Double(whole)
                    case .float(let real): number = real
                    case .tensor(let tensor) where tensor.count == 1: number = tensor.toDoubles()[0]
                    default:
                        throw args.error("values", "log(\(name): ...) records numbers or one-element tensors, not \(describeKind(pair[1]))")
                    }
                    args.runtime.log(name, number)
                }
                return .void
            }
            guard args.has("x") else { throw args.error("log needs a value: log(loss: value) records it; log(x) takes a logarithm", kind: .typeError) }
            if let number = args.value("x").number { return .float(Foundation_log(number)) }
            return .tensor(try args.tensor("x").log())
        }
        library.add(
            "history", [], doc: "The values recorded with log(name: value) in this session, as a History: plot(history()) draws them.", example: "log(loss: 1.0)\nlog(loss: 0.5)\nhistory()"
        ) { args in
            .object(HistoryObject(series: args.runtime.history))
        }
        library.add(
            "clearHistory", [], doc: "Forgets every value recorded with log(...).", example: "log(loss: 1.0)\nclearHistory()\nhistory()"
        ) { args in
            args.runtime.clearHistory()
            return .void
        }
        library.add(
            "str", [.positional("value")], doc: "The value as text, as print shows it.", example: "str(3) + \" epochs\""
        ) { args in .string(try ValueText.full(args.value("value"), check: args.runtime.checkInterrupt)) }
        library.add(
            "type", [.positional("value")], doc: "The name of the value's kind: \"Int\", \"Tensor\", \"Dense\", ...", example: "type(tensor([1, 2]))"
        ) { args in .string(args.value("value").typeName) }
        library.add(
            "Int", [.positional("value")], doc: "A whole number from a number (rounded towards zero), a string or a one-element tensor.", example: "Int(3.9)\nInt(\"42\")"
        ) { args in
            let value = args.value("value")
            if case .string(let text) = value {
                guard let number = Int(text.trimmingCharacters(in: " \n\t")) else {
                    throw args.error("value", "'\(text)' is not a whole number", kind: .valueError)
                }
                return .int(number)
            }
            let number = try args.double("value")
            guard number.isFinite, abs(number) < 9.2e18 else {
                throw args.error("value", "\(formatFloat(number)) has no whole-number value", kind: .valueError)
            }
            return .int(Int(number))
        }
        library.add(
            "Float", [.positional("value")], doc: "A number with a fraction from a number, a string or a one-element tensor.", example: "Float(3)\nFloat(\"0.5\")"
        ) { args in
            if case .string(let text) = args.value("value") {
                guard let number = Double(text.trimmingCharacters(in: " \n\t")) else {
                    throw args.error("value", "'\(text)' is not a number", kind: .valueError)
                }
                return .float(number)
            }
            return .float(try args.double("value"))
        }
        library.add(
            "Bool", [.positional("value")], doc: "true or false from a Bool or a one-element tensor (non-zero is true).", example: "Bool(tensor([1]))"
        ) { args in
            .bool(try args.evaluator.truth(args.value("value"), span: args.span(of: "value")))
        }
        library.add(
            "String", [.positional("value")], doc: "The value as text (the same as str).", example: "String(0.5)"
        ) { args in .string(try ValueText.full(args.value("value"), check: args.runtime.checkInterrupt)) }
        library.addConstant("pi", .float(Double.pi))
        library.addConstant("e", .float(2.718281828459045))
        library.addConstant("inf", .float(Double.infinity))
        library.addConstant("nan", .float(Double.nan))
        // "No value", as an argument left out: `seed: nil` is the default the reference shows,
        // and papermill passes Python's None as nil.
        library.addConstant("nil", .void)
    }

    static func registerCollections(in library: Library) {
        library.add(
            "len", [.positional("value")], doc: "The number of items of an array, tuple or string, or the size of a tensor's first axis.", example: "len([1, 2, 3])\nlen(zeros([5, 2]))"
        ) { args in
            switch args.value("value") {
            case .array(let items), .tuple(let items): return .int(items.count)
            case .string(let text): return .int(text.count)
            case .tensor(let tensor):
                guard let first = tensor.shape.first else { throw args.error("value", "a tensor with no axes has no length") }
                return .int(first)
            case .range(let lower?, let upper?, let closed): return .int(try rangeCount(lower, upper, closed))
            default: throw args.error("value", "\(describeKind(args.value("value"))) has no length")
            }
        }
        library.add(
            "range", [.positional("start"), .positional("end", default: .void), .labelled("step", default: .int(1))],
            doc: "The whole numbers from start up to (not including) end, by step, as an array: range(0, 10, step: 2). range(n) counts from 0.", example: "range(5)\nrange(0, 10, step: 3)"
        ) { args in
            var start = try args.int("start")
            var end = 0
            if args.has("end") { end = try args.int("end") } else { (start, end) = (0, start) }
            let step = try args.int("step")
            guard step != 0 else { throw args.error("step", "step cannot be 0", kind: .valueError) }
            // end - start overflows Int for ends near Int.min and Int.max: such a range is too long.
            let (distance, overflow) = step > 0 ? end.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(end)
            let count = overflow ? Int.max : (distance <= 0 ? 0 : Int((UInt(distance) - 1) / step.magnitude + 1))
            guard count <= 10_000_000 else { throw args.error("a range of \(count) numbers is too long for an array; loop over start..<end instead") }
            return .array((0..<count).map { .int(start + $0 * step) })
        }
        library.add(
            "enumerate", [.positional("items")], doc: "Pairs (index, item) for each item: for (i, x) in enumerate(xs) { ... }.", example: "for (i, name) in enumerate([\"sgd\", \"adam\"]) { print(i, name) }"
        ) { args in
            let items = try sequenceItems(args.value("items"), args, "items")
            return .array(items.enumerated().map { .tuple([.int($0.offset), $0.element]) })
        }
        library.add(
            "zip", [.positional("first"), .positional("second")], doc: "Pairs (a, b) of items at the same position, as long as the shorter.", example: "for (a, b) in zip([1, 2, 3], [\"x\", \"y\", \"z\"]) { print(a, b) }"
        ) { args in
            let first = try sequenceItems(args.value("first"), args, "first")
            let second = try sequenceItems(args.value("second"), args, "second")
            return .array(zip(first, second).map { .tuple([$0, $1]) })
        }
        library.add(
            "min", [.variadic("values")], doc: "The smallest of the numbers given, or of an array: min(a, b), min(xs).", example: "min(3, 1, 2)\nmin([0.5, 0.25])"
        ) { args in try extreme(args, smallest: true) }
        library.add(
            "max", [.variadic("values")], doc: "The largest of the numbers given, or of an array: max(a, b), max(xs).", example: "max(3, 1, 2)\nmax(tensor([1, 5, 2]))"
        ) { args in try extreme(args, smallest: false) }
        library.add(
            "round", [.positional("x"), .labelled("digits", default: .int(0))],
            doc: "A number rounded to the given number of decimal digits.", example: "round(3.14159, digits: 2)\nround(2.5)\nround(tensor([1.4, 1.6]))"
        ) { args in
            let digits = try args.int("digits")
            guard (0...15).contains(digits) else { throw args.error("digits", "digits must be from 0 to 15", kind: .valueError) }
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            if case .int(let number) = args.value("x") { return .int(number) }
            if case .tensor(let tensor) = args.value("x") {
                if !tensor.dtype.isFloatingPoint { return .tensor(tensor) }
                return .tensor(try mapValues(tensor) { ($0 * scale).rounded() / scale })
            }
            let rounded = (try args.double("x") * scale).rounded() / scale
            if digits == 0, let whole = rounded.wholeNumber(below: 9e15) { return .int(whole) }
            return .float(rounded)
        }
        library.addProperty(.array, "count", doc: "The number of items.") { value in
            if case .array(let items) = value { return .int(items.count) }
            return .int(0)
        }
        library.addProperty(.array, "isEmpty", doc: "Whether the array has no items.") { value in
            if case .array(let items) = value { return .bool(items.isEmpty) }
            return .bool(true)
        }
        library.addProperty(.array, "first", doc: "The first item.") { value in
            guard case .array(let items) = value, let first = items.first else { throw LanguageError(.valueError, "the array is empty") }
            return first
        }
        library.addProperty(.array, "last", doc: "The last item.") { value in
            guard case .array(let items) = value, let last = items.last else { throw LanguageError(.valueError, "the array is empty") }
            return last
        }
        library.addMethod(.array, "append", [.positional("item")], doc: "Adds an item at the end (of the array a variable holds).", example: "var losses = [0.9]\nlosses.append(0.5)\nlosses") { args in
            throw args.error("append changes the array a variable holds: write items.append(x) with a var")
        }
        library.addMethod(.array, "removeLast", [], doc: "Removes the last item and returns it.", example: "var items = [1, 2, 3]\nitems.removeLast()") { args in
            throw args.error("removeLast changes the array a variable holds: write items.removeLast() with a var")
        }
        library.addMethod(.array, "map", [.positional("transform")], doc: "A new array of transform(item) for each item: xs.map { x in x * 2 }.", example: "[1, 2, 3].map { x in x * x }") { args in
            guard case .array(let items) = args.receiver else { return .void }
            let function = args.value("transform")
            return .array(try items.map { item in
                return try args.call(function, [item])
            })
        }
        library.addMethod(.array, "filter", [.positional("isIncluded")], doc: "The items for which isIncluded(item) is true.", example: "[1, 2, 3, 4].filter { x in x % 2 == 0 }") { args in
            guard case .array(let items) = args.receiver else { return .void }
            let function = args.value("isIncluded")
            return .array(try items.filter { item in
                try args.evaluator.truth(try args.call(function, [item]), span: args.span)
            })
        }
        library.addMethod(.array, "contains", [.positional("item")], doc: "Whether an item equals the one given.", example: "[1, 2, 3].contains(2)") { args in
            guard case .array(let items) = args.receiver else { return .void }
            let wanted = args.value("item")
            return .bool(items.contains { args.evaluator.equal($0, wanted) })
        }
        library.addMethod(.array, "reversed", [], doc: "The items in reverse order.", example: "[1, 2, 3].reversed()") { args in
            guard case .array(let items) = args.receiver else { return .void }
            return .array(items.reversed())
        }
        library.addMethod(.array, "sum", [], doc: "The sum of the numbers (or tensors) in the array.", example: "[1, 2, 3].sum()") { args in
            guard case .array(let items) = args.receiver else { return .void }
            var total: Value = .int(0)
            for item in items { total = try args.evaluator.binary(.add, total, item, span: args.span) }
            return total
        }
        library.addMethod(.array, "sorted", [], doc: "The numbers or strings in increasing order.", example: "[3, 1, 2].sorted()") { args in
            guard case .array(let items) = args.receiver else { return .void }
            if items.allSatisfy({ $0.number != nil }) { return .array(items.sorted { $0.number! < $1.number! }) }
            let strings = try items.map { item -> String in
                guard case .string(let text) = item else { throw args.error("sorted needs all numbers or all strings", kind: .typeError) }
                return text
            }
            return .array(strings.sorted().map(Value.string))
        }
        library.addMethod(.array, "joined", [.labelled("separator", default: .string(""))], doc: "The items as text, joined by the separator.", example: "[\"a\", \"b\", \"c\"].joined(separator: \"-\")") { args in
            guard case .array(let items) = args.receiver else { return .void }
            let texts = items.map(\.text), separator = try args.string("separator")
            let length = texts.reduce(separator.utf8.count &* max(0, texts.count - 1)) { $0 &+ $1.utf8.count }
            try ValueMemory.check(ValueMemory.string(length), "the joined string")
            return .string(texts.joined(separator: separator))
        }
        library.addProperty(.tuple, "count", doc: "The number of items.") { value in
            if case .tuple(let items) = value { return .int(items.count) }
            return .int(0)
        }
        library.addProperty(.string, "count", doc: "The number of characters.") { value in
            if case .string(let text) = value { return .int(text.count) }
            return .int(0)
        }
        library.addProperty(.string, "isEmpty", doc: "Whether the string has no characters.") { value in
            if case .string(let text) = value { return .bool(text.isEmpty) }
            return .bool(true)
        }
        library.addMethod(.string, "uppercased", [], doc: "The text in capitals.", example: "\"relu\".uppercased()") { args in
            guard case .string(let text) = args.receiver else { return .void }
            return .string(text.uppercased())
        }
        library.addMethod(.string, "lowercased", [], doc: "The text in small letters.", example: "\"ReLU\".lowercased()") { args in
            guard case .string(let text) = args.receiver else { return .void }
            return .string(text.lowercased())
        }
        library.addMethod(.string, "contains", [.positional("text")], doc: "Whether the text appears in the string.", example: "[1, 2, 3].contains(2)") { args in
            guard case .string(let text) = args.receiver else { return .void }
            let part = try args.string("text")
            return .bool(part.isEmpty || text.contains(part))
        }
        library.addProperty(.range, "count", doc: "The number of whole numbers in the range.") { value in
            guard case .range(let lower?, let upper?, let closed) = value else { throw LanguageError(.valueError, "an open range has no count") }
            return .int(try rangeCount(lower, upper, closed))
        }
        for kind in [ValueType.int, .float] {
            library.addMethod(kind, "rounded", [], doc: "The nearest whole number.", example: "(2.6).rounded()") { args in
                guard let number = args.receiver?.number, number.isFinite, Swift.abs(number) < 9e15 else { return args.receiver ?? .void }
                return .int(Int(number.rounded()))
            }
        }
    }

    /// The items of an array, tuple, bounded range or tensor (its rows).
    static func sequenceItems(_ value: Value, _ args: Arguments, _ name: String) throws -> [Value] {
        switch value {
        case .array(let items), .tuple(let items): return items
        case .range(let lower?, let upper?, let closed):
            let end = closed ? upper + 1 : upper
            guard end - lower <= 10_000_000 else { throw args.error(name, "the range is too long", kind: .valueError) }
            return lower < end ? (lower..<end).map(Value.int) : []
        case .tensor(let tensor):
            guard let rows = tensor.shape.first else { throw args.error(name, "a tensor with no axes has no items", kind: .typeError) }
            return try (0..<rows).map { .tensor(try tensor.index([.at($0)])) }
        case .string(let text): return text.map { .string(String($0)) }
        default: throw args.error(name, "expected an array, a range or a tensor, not \(describeKind(value))")
        }
    }

    static func extreme(_ args: Arguments, smallest: Bool) throws -> Value {
        var items = try args.array("values")
        if items.count == 1 {
            switch items[0] {
            case .array(let inner), .tuple(let inner): items = inner
            case .tensor(let tensor):
                return .tensor(try smallest ? tensor.min() : tensor.max())
            default: break
            }
        }
        guard var best = items.first else { throw args.error("\(args.builtin.name) needs at least one value") }
        for item in items.dropFirst() {
            let better = try args.evaluator.binary(smallest ? .less : .greater, item, best, span: args.span)
            if try args.evaluator.truth(better, span: args.span) { best = item }
        }
        return best
    }
}

/// What `log(name: value)` recorded; shows as a line chart, one series per name.
public final class HistoryObject: ScriptObject {
    public let series: [(name: String, values: [Double])]

    public init(series: [(name: String, values: [Double])]) { self.series = series }

    public static let valueType = ValueType(named: "History")

    public var plainText: String {
        if series.isEmpty { return "History (empty: record values with log(name: value))" }
        return "History: " + series.map { "\($0.name) (\($0.values.count) values, last \(formatFloat($0.values.last ?? .nan)))" }
            .joined(separator: ", ")
    }

    public func richDisplay() throws -> MIMEBundle? {
        guard !series.isEmpty else { return nil }
        var output = Visualize.plot(history: series, title: nil, xLabel: "step")
        output.setText(plainText, for: "text/plain")
        return output
    }
}

func Foundation_log(_ x: Double) -> Double {
    #if canImport(Darwin)
        return Darwin.log(x)
    #else
        return Glibc.log(x)
    #endif
}

extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}

/// How many whole numbers a range holds, or a ValueError when that is more than an Int counts.
private func rangeCount(_ lower: Int, _ upper: Int, _ closed: Bool) throws -> Int {
    let (difference, overflow) = upper.subtractingReportingOverflow(lower)
    let (count, overflowAgain) = difference.addingReportingOverflow(closed ? 1 : 0)
    guard !overflow, !overflowAgain else {
        throw LanguageError(.valueError, "the range \(lower)\(closed ? "..." : "..<")\(upper) holds more numbers than an Int can count")
    }
    return max(0, count)
}
