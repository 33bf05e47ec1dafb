// Help, as IPython's `?`: `help(x)`, `x?` and `?x` show a signature, the doc and an example for a
// builtin, a method, a class or a value of the program's own.

import Kernel
import NeuralNetworks
import Tensors

enum Help {
    /// The help text for a value.
    static func text(for value: Value, name: String, library: Library) -> String {
        switch value {
        case .function(let function):
            switch function.body {
            case .builtin(let builtin): return text(for: builtin, owner: nil)
            case .method(let builtin, let receiver): return text(for: builtin, owner: receiver.typeName)
            case .user(let declaration, _):
                return function.signature + "\n\nA function of this notebook" + (declaration.name == nil ? " (a closure)." : ".")
            }
        case .object(let definition as ClassDefinition):
            var lines = [definition.plainText, "", "init: \(definition.signature)"]
            if !definition.properties.isEmpty {
                lines.append("properties: " + definition.properties.map { ($0.property.mutable ? "var " : "let ") + $0.property.name }.joined(separator: ", "))
            }
            let methods = definition.methodNames.compactMap(definition.method).map {
                Function(.user($0, captured: nil)).signature.replacing("func ", with: "")
            }
            if !methods.isEmpty { lines.append("methods: " + methods.joined(separator: ", ")) }
            lines.append("")
            lines.append("Its objects are shared, not copied; when their properties hold tensors that require gradients or layers, they are models (parameters, train(), save, Trainer).")
            return lines.joined(separator: "\n")
        default:
            var text = Inspection.describe(value, name: name)
            let members = library.memberNames(of: value)
            if !members.isEmpty {
                text += "\n\nmembers: " + members.joined(separator: ", ")
                text += "\n(help(\(name).member) describes one)"
            }
            return text
        }
    }

    /// `name(signature)`, the doc, and the example.
    static func text(for builtin: Builtin, owner: String?) -> String {
        var text = (owner.map { "\($0)." } ?? "") + builtin.signature + "\n\n" + builtin.doc
        if !builtin.example.isEmpty {
            text += "\n\nExample:\n" + builtin.example.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                .joined(separator: "\n")
        }
        return text
    }

    /// A property's help: its owner, name and doc.
    static func text(forProperty name: String, owner: String, doc: String) -> String {
        "\(owner).\(name)\n\n\(doc)"
    }

    /// A cell whose last line is `x?` or `?x`: the code before that line, and the chain of names.
    static func split(_ code: String) -> (before: String, chain: String)? {
        var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: " \t").isEmpty { lines.removeLast() }
        guard let last = lines.popLast(), let chain = request(in: last) else { return nil }
        return (lines.joined(separator: "\n"), chain)
    }

    /// `x?`, `?x`, `x.sum?`, `Dense??`: the chain of names, if the line is a help request.
    static func request(in code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: " \t\n")
        guard trimmed.hasPrefix("?") || trimmed.hasSuffix("?") else { return nil }
        let chain = trimmed.drop { $0 == "?" }.reversed().drop { $0 == "?" }.reversed()
        let name = String(chain)
        guard let first = name.first, first == "_" || first.isLetter,
            name.allSatisfy({ $0 == "_" || $0 == "." || $0.isLetter || $0.isNumber }), !name.hasSuffix(".")
        else { return nil }
        return name
    }
}

extension Interpreter {
    /// Runs the lines before a help request (their result is not shown), then prints the help.
    func help(_ chain: String, after before: String, file: SourceFile) throws -> ExecutionOutcome {
        let length = before.unicodeScalars.count
        if !before.trimmingCharacters(in: " \t\n").isEmpty {
            var parser = try Parser(file: file, start: 0, end: length)
            _ = try evaluator.run(try parser.parseProgram())
        }
        var start = before.isEmpty ? 0 : length + 1
        while start < file.scalars.count && (file.scalars[start] == " " || file.scalars[start] == "\t") { start += 1 }
        var end = file.scalars.count
        while end > start && (file.scalars[end - 1] == "\n" || file.scalars[end - 1] == " ") { end -= 1 }
        let span = SourceSpan(file: file, start: start, end: end)
        runtime.print(try evaluator.helpText(forChain: chain, span: span) + "\n")
        return .ok(nil)
    }
}

extension Evaluator {
    /// Help for `a.b.c`, looked up without calling anything but property getters.
    func helpText(forChain chain: String, span: SourceSpan) throws -> String {
        let parts = chain.split(separator: ".").map(String.init)
        let scope = globals
        var value: Value
        if let binding = scope.lookup(parts[0]) {
            value = binding.value
        } else if let constant = library.constants[parts[0]] {
            value = constant
        } else if let builtin = library.functions[parts[0]] {
            value = .function(Function(.builtin(builtin)))
        } else if keywords.contains(parts[0]) || parts[0] == "class" {
            return "\(parts[0]): a keyword of the language (see docs/language.md)"
        } else {
            throw nameError(parts[0], scope, span)
        }
        for (index, name) in parts.enumerated().dropFirst() {
            let last = index == parts.count - 1
            if case .object(let instance as ObjectInstance) = value, let own = instanceMember(instance, name) {
                value = own
                continue
            }
            guard let member = library.member(name, of: value) else { throw memberError(value, name, span) }
            switch member {
            case .method(let builtin):
                return Help.text(for: builtin, owner: value.typeName)
            case .property(let getter, _, let doc):
                if last { return Help.text(forProperty: name, owner: value.typeName, doc: doc) }
                value = try getter(value)
            }
        }
        return Help.text(for: value, name: chain, library: library)
    }
}

extension Builtins {
    static func registerHelp(in library: Library) {
        let topic = library.topic
        library.topic = "Basics"
        library.add(
            "help", [.positional("value")],
            doc: "Shows the signature, the doc and an example of a builtin or method, or what a value of the notebook is and its members. In a cell of its own, x? and ?x do the same.",
            example: "help(randn)\nhelp(zeros([2]).sum)"
        ) { args in
            let value = args.value("value")
            let name: String
            switch value {
            case .function(let function): name = function.name
            default: name = "value"
            }
            args.runtime.print(Help.text(for: value, name: name, library: args.evaluator.library) + "\n")
            return .void
        }
        library.topic = topic
    }
}
