// `assert`: a check a program states about its own values, for tests in teaching notebooks
// (nbgrader's hidden tests are cells of asserts) and for a learner's own sanity checks.

extension Builtins {
    static func registerAssertions(in library: Library) {
        let topic = library.topic
        library.topic = "Basics"
        defer { library.topic = topic }
        library.add(
            "assert", [.positional("condition"), .positional("message", default: .string(""))],
            doc:
                "Does nothing when the condition is true; otherwise stops the cell with an AssertionError that says the message. The condition is a Bool or a one-element tensor, as in `if`.",
            example: "let xs = [1, 2, 3]\nassert(xs.count == 3, \"three items\")\nassert(sum(tensor([1, 2])) == 3)"
        ) { args in
            let condition = args.value("condition")
            if try args.evaluator.truth(condition, span: args.span(of: "condition")) { return .void }
            let message = try args.string("message")
            throw args.error(message.isEmpty ? "assertion failed" : message, kind: .assertionError)
        }
    }
}
