// Everyday methods on arrays, ranges and strings that Swift programs reach for: reduce, min,
// max, split, and stride(from:to:by:) for steps (in loops and in tensor slices).

extension Builtins {
    static func registerCollectionMethods(in library: Library) {
        library.addMethod(
            .array, "reduce", [.positional("initial"), .positional("combine")],
            doc: "Combines the items into one value: starting from initial, combine(result, item) for each item in turn.",
            example: "[1, 2, 3, 4].reduce(0) { total, x in total + x }\n(1...5).reduce(1) { product, x in product * x }"
        ) { args in
            guard case .array(let items) = args.receiver else { return .void }
            let combine = args.value("combine")
            var result = args.value("initial")
            for item in items {
                try args.runtime.checkInterrupt()
                result = try args.call(combine, [result, item])
            }
            return result
        }
        for (name, smallest) in [("min", true), ("max", false)] {
            library.addMethod(
                .array, name, [],
                doc: "The \(smallest ? "smallest" : "largest") of the numbers or strings; an empty array is an error.",
                example: "[3, 1, 2].\(name)()\n(1..<10).\(name)()"
            ) { args in
                guard case .array(let items) = args.receiver, var best = items.first else {
                    throw args.error("\(name)() of an empty array: there is no \(smallest ? "smallest" : "largest") item")
                }
                for item in items.dropFirst() {
                    let less = try args.evaluator.binary(.less, item, best, span: args.span)
                    let greater = try args.evaluator.binary(.greater, item, best, span: args.span)
                    if case .bool(true) = smallest ? less : greater { best = item }
                }
                return best
            }
        }
        library.addMethod(
            .string, "split", [.labelled("separator", default: .void)],
            doc: "The parts of the string between separators (by default, runs of spaces and new lines), as an array of strings.",
            example: "\"a b  c\".split()\n\"1,2,3\".split(separator: \",\")"
        ) { args in
            guard case .string(let text) = args.receiver else { return .void }
            guard let separator = try args.stringIfPresent("separator") else {
                return .array(text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map { .string(String($0)) })
            }
            guard !separator.isEmpty else { throw args.error("separator", "the separator cannot be empty", kind: .valueError) }
            return .array(text.split(separator: separator, omittingEmptySubsequences: false).map { .string(String($0)) })
        }
        library.add(
            "stride", [.labelled("from"), .labelled("to", default: .void), .labelled("through", default: .void), .labelled("by")],
            doc: "Numbers from start in steps of by, up to (to:) or up to and including (through:) the end, as in Swift. Loops over it, and slices tensors and arrays with a step: x[stride(from: 0, to: 10, by: 2)].",
            example: "for i in stride(from: 0, to: 10, by: 3) { print(i) }\nlet x = arange(10)\nx[stride(from: 1, to: 10, by: 2)]"
        ) { args in
            let start = try args.int("from")
            let step = try args.int("by")
            guard step != 0 else { throw args.error("by", "stride's step cannot be 0", kind: .valueError) }
            switch (args.has("to"), args.has("through")) {
            case (true, false): return .object(Stride(start: start, end: try args.int("to"), closed: false, step: step))
            case (false, true): return .object(Stride(start: start, end: try args.int("through"), closed: true, step: step))
            default: throw args.error("stride takes one end: to: (not included) or through: (included)")
            }
        }
    }
}

/// `stride(from: 0, to: 10, by: 2)`: whole numbers from a start in steps, as in Swift.
final class Stride: ScriptObject {
    let start: Int
    let end: Int
    let closed: Bool
    let step: Int

    init(start: Int, end: Int, closed: Bool, step: Int) {
        self.start = start
        self.end = end
        self.closed = closed
        self.step = step
    }

    static let valueType = ValueType(named: "Stride")
    var plainText: String { "stride(from: \(start), \(closed ? "through" : "to"): \(end), by: \(step))" }

    /// The numbers, in order.
    var values: [Int] {
        if closed { return Array(Swift.stride(from: start, through: end, by: step)) }
        return Array(Swift.stride(from: start, to: end, by: step))
    }
}
