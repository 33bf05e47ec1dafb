// Completion and inspection: what the front end offers on Tab and shows on Shift-Tab.

import Kernel
import NeuralNetworks
import Tensors

enum Inspection {
    static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || (c.value >= 48 && c.value <= 57)
    }

    /// The shape a `%who` row and inspection show.
    static func shape(of value: Value) -> String {
        switch value {
        case .tensor(let tensor): return formatShape(tensor.shape)
        case .array(let items): return "\(items.count) items"
        case .tuple(let items): return "\(items.count) items"
        case .object(let object):
            if let shaped = object as? ShapeDescribing { return shaped.shapeDescription }
            return ""
        default: return ""
        }
    }

    /// The parameter count of a model, or of a tensor (its elements).
    static func parameters(of value: Value) -> Int? {
        switch value {
        case .object(let object):
            if let layer = object as? Layer { return layer.parameterCount }
            return nil
        case .tensor(let tensor): return tensor.count
        default: return nil
        }
    }

    // MARK: Completion

    static func complete(_ code: String, cursor requested: Int, interpreter: Interpreter) -> Completion {
        let scalars = Array(code.unicodeScalars)
        let cursor = max(0, min(requested, scalars.count))
        var start = cursor
        while start > 0 && isNameScalar(scalars[start - 1]) { start -= 1 }
        let prefix = String(String.UnicodeScalarView(scalars[start..<cursor]))
        var matches: [String] = []
        var metadata: [String: JSON] = [:]
        var methods = Set<String>()

        if isInsideStringLiteral(scalars, cursor: start) {
            // Text inside quotes is not code: nothing to complete.
        } else if start > 0 && scalars[start - 1] == "." {
            // Members of the value before the dot.
            if let value = valueOfChain(scalars, end: start - 1, interpreter: interpreter) {
                matches = interpreter.library.memberNames(of: value).filter { $0.hasPrefix(prefix) }
                for name in matches {
                    if case .method? = interpreter.library.member(name, of: value) { methods.insert(name) }
                    if case .object(let instance as ObjectInstance) = value, instance.definition.method(name) != nil {
                        methods.insert(name)
                    }
                }
                if case .tuple(let items) = value { matches += items.indices.map(String.init).filter { $0.hasPrefix(prefix) } }
            }
        } else {
            // Argument labels of the call the cursor is in, then names.
            if let callee = enclosingCallee(scalars, before: start, interpreter: interpreter) {
                matches += callee.filter { $0.hasPrefix(prefix) }.map { $0 + ": " }
            }
            // The notebook's own names first, then builtins, then keywords.
            matches += interpreter.globals.names.keys.filter { $0.hasPrefix(prefix) }.sorted()
            var builtins = Set(interpreter.library.functions.keys)
            builtins.formUnion(interpreter.library.constants.keys)
            matches += builtins.filter { $0.hasPrefix(prefix) }.sorted()
            matches += keywords.filter { $0.hasPrefix(prefix) }.sorted()
        }
        var seen = Set<String>()
        matches = matches.filter { seen.insert($0).inserted }
        var types: [JSON] = []
        for match in matches {
            let bare = match.hasSuffix(": ") ? String(match.dropLast(2)) : match
            let type: String
            if match.hasSuffix(": ") {
                type = "param"
            } else if keywords.contains(bare) {
                type = "keyword"
            } else if interpreter.globals.names[bare] != nil {
                type = "instance"
            } else if interpreter.library.functions[bare] != nil {
                type = "function"
            } else if methods.contains(bare) {
                type = "method"
            } else {
                type = "property"
            }
            types.append(.object(["text": .string(match), "type": .string(type), "start": .int(start), "end": .int(cursor)]))
        }
        metadata["_jupyter_types_experimental"] = .array(types)
        return Completion(matches: matches, cursorStart: start, cursorEnd: cursor, metadata: metadata)
    }

    /// Whether `cursor` is inside the text of a string literal (not inside one of its `\( )`).
    static func isInsideStringLiteral(_ scalars: [Unicode.Scalar], cursor: Int) -> Bool {
        // Each entry is an open string (nil) or the bracket depth of an open interpolation.
        var inString = false
        var interpolations: [Int] = []
        var index = 0
        while index < cursor {
            let c = scalars[index]
            if inString {
                if c == "\\" && index + 1 < cursor {
                    if scalars[index + 1] == "(" {
                        interpolations.append(0)
                        inString = false
                    }
                    index += 2
                    continue
                }
                if c == "\"" || c == "\n" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "/" && index + 1 < cursor && scalars[index + 1] == "/" {
                while index < cursor && scalars[index] != "\n" { index += 1 }
                continue
            } else if !interpolations.isEmpty {
                if c == "(" { interpolations[interpolations.count - 1] += 1 }
                if c == ")" {
                    if interpolations[interpolations.count - 1] == 0 {
                        interpolations.removeLast()
                        inString = true
                    } else {
                        interpolations[interpolations.count - 1] -= 1
                    }
                }
            }
            index += 1
        }
        return inString
    }

    /// The value of `a.b.c` ending at `end` (exclusive), looking names and properties up without
    /// running any call.
    static func valueOfChain(_ scalars: [Unicode.Scalar], end: Int, interpreter: Interpreter) -> Value? {
        var parts: [String] = []
        var position = end
        while true {
            var start = position
            while start > 0 && isNameScalar(scalars[start - 1]) { start -= 1 }
            guard start < position else { return nil }
            // Appended and reversed at the end: inserting at the front made a long chain
            // (a cell of a million `x.`) quadratic.
            parts.append(String(String.UnicodeScalarView(scalars[start..<position])))
            if start > 0 && scalars[start - 1] == "." {
                position = start - 1
            } else {
                break
            }
        }
        parts.reverse()
        guard var value = lookup(parts[0], interpreter) ?? boundEarlier(parts[0], scalars, before: end, interpreter: interpreter)
        else { return nil }
        for name in parts.dropFirst() {
            guard let member = interpreter.library.member(name, of: value), case .property(let getter, _, _) = member,
                let next = try? getter(value)
            else { return nil }
            value = next
        }
        return value
    }

    /// A stand-in for a name the cell binds before the cursor but has not run yet
    /// (`let t = randn([3])` then `t.`): a tensor when the value is made by a tensor builtin or
    /// from a tensor; nil otherwise. Nothing is run.
    static func boundEarlier(
        _ name: String, _ scalars: [Unicode.Scalar], before end: Int, interpreter: Interpreter, depth: Int = 0
    ) -> Value? {
        guard depth < 4 else { return nil }
        let text = String(String.UnicodeScalarView(scalars[..<end]))
        var found: Substring? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for statement in line.split(separator: ";") {
                let words = statement.drop { $0 == " " || $0 == "\t" }
                guard words.hasPrefix("let ") || words.hasPrefix("var ") else { continue }
                let rest = words.dropFirst(4).drop { $0 == " " }
                guard rest.hasPrefix(name) else { continue }
                let after = rest.dropFirst(name.count).drop { $0 == " " }
                guard let equals = after.firstIndex(of: "="), after[..<equals].allSatisfy({ $0 != "(" && $0 != "," }),
                    after.first == "=" || after.first == ":"
                else { continue }
                found = after[after.index(after: equals)...].drop { $0 == " " }
            }
        }
        guard let expression = found else { return nil }
        let head = String(expression.prefix { $0 == "_" || $0.isLetter || $0.isNumber })
        guard !head.isEmpty else { return nil }
        let tensor: Value? = (try? Tensor.zeros([1])).map(Value.tensor)
        if let builtin = interpreter.library.functions[head], builtin.topic == "Tensors" || builtin.topic == "Autograd" {
            return tensor
        }
        if head != name {
            let earlier = lookup(head, interpreter)
                ?? boundEarlier(head, scalars, before: end, interpreter: interpreter, depth: depth + 1)
            if case .tensor? = earlier { return tensor }
        }
        return nil
    }

    static func lookup(_ name: String, _ interpreter: Interpreter) -> Value? {
        if let binding = interpreter.globals.names[name] { return binding.value }
        if let constant = interpreter.library.constants[name] { return constant }
        if let builtin = interpreter.library.functions[name] { return .function(Function(.builtin(builtin))) }
        if let number = Int(name) { return .int(number) }
        return nil
    }

    /// The position of the innermost `(` open before `position` that follows a name (a call).
    /// Inside an array literal among the arguments (`randn([2, 3|`) the call is still found when
    /// `throughBrackets` (to document the call); completion of argument labels passes false, as
    /// a label cannot be written there.
    static func openCallParenthesis(_ scalars: [Unicode.Scalar], before position: Int, throughBrackets: Bool = true) -> Int? {
        var depth = 0
        var index = position - 1
        while index >= 0 {
            let c = scalars[index]
            if c == ")" || c == "]" || c == "}" {
                depth += 1
            } else if c == "(" || c == "[" || c == "{" {
                if depth == 0 {
                    if c == "[" && throughBrackets {
                        index -= 1
                        continue
                    }
                    guard c == "(" else { return nil }
                    var end = index
                    while end > 0 && scalars[end - 1] == " " { end -= 1 }
                    return end > 0 && isNameScalar(scalars[end - 1]) ? index : nil
                }
                depth -= 1
            }
            index -= 1
        }
        return nil
    }

    /// The parameter names of the innermost call whose `(` is open before `position`.
    static func enclosingCallee(_ scalars: [Unicode.Scalar], before position: Int, interpreter: Interpreter) -> [String]? {
        guard let open = openCallParenthesis(scalars, before: position, throughBrackets: false) else { return nil }
        var end = open
        while end > 0 && scalars[end - 1] == " " { end -= 1 }
        guard let callee = calleeValue(scalars, end: end, interpreter: interpreter) else { return nil }
        return parameterNames(of: callee, interpreter: interpreter)
    }

    static func calleeValue(_ scalars: [Unicode.Scalar], end: Int, interpreter: Interpreter) -> Value? {
        var start = end
        while start > 0 && isNameScalar(scalars[start - 1]) { start -= 1 }
        guard start < end else { return nil }
        let name = String(String.UnicodeScalarView(scalars[start..<end]))
        if start > 0 && scalars[start - 1] == ".", let receiver = valueOfChain(scalars, end: start - 1, interpreter: interpreter) {
            if let member = interpreter.library.member(name, of: receiver), case .method(let builtin) = member {
                return .function(Function(.method(builtin, receiver: receiver)))
            }
            return nil
        }
        return lookup(name, interpreter)
    }

    static func parameterNames(of value: Value, interpreter: Interpreter) -> [String]? {
        switch value {
        case .function(let function):
            switch function.body {
            case .builtin(let builtin), .method(let builtin, _): return builtin.parameters.filter { !$0.variadic }.map(\.name)
            case .user(let declaration, _): return declaration.parameters.map { $0.label ?? $0.name }
            }
        case .object:
            if let member = interpreter.library.member("()", of: value), case .method(let builtin) = member {
                return builtin.parameters.map(\.name)
            }
            return nil
        default: return nil
        }
    }

    // MARK: Inspection

    static func inspect(_ code: String, cursor requested: Int, interpreter: Interpreter) -> MimeBundle? {
        let scalars = Array(code.unicodeScalars)
        let cursor = max(0, min(requested, scalars.count))
        var start = cursor
        while start > 0 && isNameScalar(scalars[start - 1]) { start -= 1 }
        var end = cursor
        while end < scalars.count && isNameScalar(scalars[end]) { end += 1 }
        // Inside a call's arguments (`randn([2, 3], se|ed: 1)`), the call is documented; a name
        // that is itself called (`len|(xs)`) is documented as it is.
        let isCalled = end < scalars.count && scalars[end] == "("
        if !isCalled, let open = openCallParenthesis(scalars, before: start) {
            var back = open
            while back > 0 && scalars[back - 1] == " " { back -= 1 }
            end = back
            start = back
            while start > 0 && isNameScalar(scalars[start - 1]) { start -= 1 }
            guard start < end else { return nil }
        } else if start == end {
            // Just after `f(`: describe `f`.
            var back = cursor
            while back > 0 && (scalars[back - 1] == "(" || scalars[back - 1] == " ") { back -= 1 }
            end = back
            start = back
            while start > 0 && isNameScalar(scalars[start - 1]) { start -= 1 }
            guard start < end else { return nil }
        }
        let name = String(String.UnicodeScalarView(scalars[start..<end]))
        var text: String
        if start > 0 && scalars[start - 1] == ".", let receiver = valueOfChain(scalars, end: start - 1, interpreter: interpreter),
            let member = interpreter.library.member(name, of: receiver)
        {
            switch member {
            case .method(let builtin): text = "\(receiver.typeName).\(builtin.signature)\n\n\(builtin.doc)"
            case .property(let getter, _, let doc):
                text = "\(receiver.typeName).\(name)\n\n\(doc)"
                if let value = try? getter(receiver) { text += "\n\n" + describe(value, name: name) }
            }
        } else if start > 0 && scalars[start - 1] == ".",
            case .object(let instance as ObjectInstance)? = valueOfChain(scalars, end: start - 1, interpreter: interpreter),
            let value = instance.implicitMember(name)
        {
            text = Help.text(for: value, name: "\(instance.className).\(name)", library: interpreter.library)
        } else if let binding = interpreter.globals.names[name], case .object(is ClassDefinition) = binding.value {
            text = Help.text(for: binding.value, name: name, library: interpreter.library)
        } else if let binding = interpreter.globals.names[name] {
            text = describe(binding.value, name: name)
        } else if let builtin = interpreter.library.functions[name] {
            text = Help.text(for: builtin, owner: nil)
        } else if let constant = interpreter.library.constants[name] {
            text = "\(name) = \(constant.text)"
        } else if keywords.contains(name) {
            text = "\(name): a keyword of the language (see docs/language.md)"
        } else {
            return nil
        }
        return MimeBundle(data: ["text/plain": .string(text)])
    }

    /// Kind, shape, dtype, parameter count, and the value itself.
    static func describe(_ value: Value, name: String) -> String {
        var lines = ["\(name): \(value.typeName)"]
        switch value {
        case .tensor(let tensor):
            lines.append("shape: \(shape(of: value))")
            lines.append("dtype: \(tensor.dtype)")
            lines.append("elements: \(tensor.count)")
            if tensor.requiresGrad { lines.append("requiresGrad: true") }
        case .function(let function):
            lines.append(function.signature)
            if let builtin = function.builtin { lines.append(builtin.doc) }
        case .object:
            if let count = parameters(of: value) { lines.append("parameters: \(count)") }
        default:
            break
        }
        let text = value.text
        lines.append("")
        lines.append(text.count > 2000 ? String(text.prefix(2000)) + "…" : text)
        return lines.joined(separator: "\n")
    }
}

/// Layers that can say their shape for `%who` (the builtins conform the ones they wrap).
protocol ShapeDescribing {
    var shapeDescription: String { get }
}
