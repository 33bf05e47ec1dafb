// Members (`x.shape`, `t.0`) and indexing (`x[0]`, `t[1..., 2]`).

import Interchange
import NeuralNetworks
import Tensors

extension Evaluator {
    // MARK: Members and indexing

    func member(_ object: Value, _ name: String, nameSpan: SourceSpan, span: SourceSpan) throws -> Value {
        if case .tuple(let items) = object, let position = Int(name) {
            guard position >= 0 && position < items.count else {
                throw LanguageError(.valueError, "the tuple has \(items.count) items; .\(name) is not one", at: nameSpan)
            }
            return items[position]
        }
        if case .object(let object) = object {
            if let instance = object as? ObjectInstance, let value = instanceMember(instance, name) { return value }
            if let reference = object as? SuperReference { return try superMember(reference, name, nameSpan: nameSpan) }
        }
        if case .dictionary(let dictionary) = object, let value = dictionaryMember(dictionary, name) { return value }
        // `(0..<5).map { ... }`, `stride(...).filter { ... }`: ranges and strides have Array's methods.
        // The range's own members (`count`) come first, and the items are made only for an Array method.
        if library.member(name, of: object) == nil, case .method(let builtin)? = library.members[.array]?[name],
            let items = sequenceArray(object)
        {
            return .function(Function(.method(builtin, receiver: .array(items))))
        }
        guard let member = library.member(name, of: object) else { throw memberError(object, name, nameSpan) }
        switch member {
        case .property(let getter, _, _):
            do { return try getter(object) } catch { throw located(error, span) }
        case .method(let builtin):
            return .function(Function(.method(builtin, receiver: object)))
        }
    }

    /// Names other languages give members, and the member to use here.
    static let memberSynonyms: [String: String] = [
        "length": "count", "size": "count", "len": "count", "push": "append", "add": "append", "pop": "removeLast",
        "upper": "uppercased", "lower": "lowercased", "toUpperCase": "uppercased", "toLowerCase": "lowercased",
        "reverse": "reversed", "sort": "sorted", "join": "joined", "includes": "contains", "shape": "count",
    ]

    func memberError(_ object: Value, _ name: String, _ nameSpan: SourceSpan) -> LanguageError {
        let names = library.memberNames(of: object)
        var hint = PyTorchSpellings.hint(for: name, among: names)
        // An object of the program's class: its own members are the likely meaning.
        if hint.isEmpty, case .object(let instance as ObjectInstance) = object {
            hint = didYouMean(name, among: instance.memberNames)
        }
        if hint.isEmpty { hint = didYouMean(name, among: names) }
        if hint.isEmpty {
            // `xs.length`, and misspellings of it, `xs.lenght`.
            let aliases = [name] + suggestions(for: name, among: Evaluator.memberSynonyms.keys, limit: 1)
            if let synonym = aliases.compactMap({ Evaluator.memberSynonyms[$0] }).first(where: names.contains) {
                hint = "; did you mean '\(synonym)'?"
            }
        }
        if hint.isEmpty, case .tuple(let items) = object {
            hint = items.isEmpty ? "" : ": a tuple's items are .0 to .\(items.count - 1)"
        }
        return LanguageError(.nameError, "\(object.typeName) has no member '\(name)'" + hint, at: nameSpan)
    }

    /// The items of a bounded range or a stride, as an array.
    func sequenceArray(_ value: Value) -> [Value]? {
        switch value {
        case .range(let lower?, let upper?, let closed):
            // Counted without overflow: `0...Int.max` has more items than an Int can say.
            let (span, overflow) = upper.subtractingReportingOverflow(lower)
            guard !overflow, span < 10_000_000 else { return nil }
            return (closed ? upper >= lower : upper > lower) ? (closed ? Array(lower...upper) : Array(lower..<upper)).map(Value.int) : []
        case .object(let stride as Stride): return stride.values.map(Value.int)
        default: return nil
        }
    }

    /// Whether `name` is a property or method the program's own class declares.
    func isOwnMember(_ value: Value, _ name: String) -> Bool {
        guard case .object(let instance as ObjectInstance) = value else { return false }
        return instance.property(name) != nil || instance.definition.method(name) != nil
    }

    func isCallable(_ value: Value) -> Bool {
        switch value {
        case .function: return true
        case .object(let instance as ObjectInstance): return instance.definition.method("callAsFunction") != nil
        case .object(is ClassDefinition): return true
        case .object: return library.member("()", of: value) != nil
        default: return false
        }
    }

    func index(_ container: Value, _ indices: [Value], span: SourceSpan) throws -> Value {
        switch container {
        case .tensor(let tensor):
            try runtime.checkInterrupt()
            do {
                if indices.count == 1, case .tensor(let given) = indices[0], try isMask(given, for: tensor, span: span) {
                    return .tensor(try maskSelect(tensor, given, span: span))
                }
                if indices.count == 1, case .tensor(let given) = indices[0] {
                    // Literal index tensors are float32; whole numbers in them are positions.
                    guard let positions = try Convert.positions(given) else {
                        throw LanguageError(.typeError, "a tensor of positions must hold whole numbers", at: span)
                    }
                    return .tensor(try tensor.select(indices: positions, axis: 0))
                }
                return .tensor(try tensor.index(try tensorIndices(indices, span: span)))
            } catch { throw located(error, span) }
        case .array(let items), .tuple(let items):
            guard indices.count == 1 else {
                throw LanguageError(.typeError, "an array takes one index, not \(indices.count)", at: span)
            }
            switch indices[0] {
            case .int(let position):
                let resolved = position < 0 ? items.count + position : position
                guard resolved >= 0 && resolved < items.count else {
                    throw LanguageError(
                        .valueError, "index \(position) is out of range for \(items.count) items (valid: 0..<\(items.count))",
                        at: span)
                }
                return items[resolved]
            case .range(let lower, let upper, let closed):
                let start = lower ?? 0
                let end = upper.map { closed && $0 < .max ? $0 + 1 : $0 } ?? items.count
                guard start >= 0 && end <= items.count && start <= end else {
                    throw LanguageError(
                        .valueError, "the range \(indices[0].text) does not fit \(items.count) items", at: span)
                }
                return .array(Array(items[start..<end]))
            case .object(let stride as Stride):
                let positions = stride.values
                guard let bad = positions.first(where: { $0 < 0 || $0 >= items.count }) else {
                    return .array(positions.map { items[$0] })
                }
                throw LanguageError(.valueError, "the stride reaches \(bad), outside \(items.count) items", at: span)
            default:
                throw LanguageError(
                    .typeError, "an array index must be a whole number or a range, not \(describeKind(indices[0]))", at: span)
            }
        case .dictionary(let dictionary):
            return try dictionaryIndex(dictionary, indices, span: span)
        case .string(let text):
            guard indices.count == 1, case .int(let position) = indices[0] else {
                throw LanguageError(.typeError, "a string takes one whole-number index", at: span)
            }
            let characters = Array(text)
            let resolved = position < 0 ? characters.count + position : position
            guard resolved >= 0 && resolved < characters.count else {
                throw LanguageError(.valueError, "index \(position) is out of range for a string of \(characters.count) characters", at: span)
            }
            return .string(String(characters[resolved]))
        default:
            if let member = library.member("[]", of: container), case .method(let builtin) = member {
                return try callBuiltin(
                    builtin, indices.map { CallArgument(label: nil, value: $0, span: span) }, receiver: container, span: span)
            }
            throw LanguageError(.typeError, "\(describeKind(container)) cannot be indexed", at: span)
        }
    }

    func tensorIndices(_ indices: [Value], span: SourceSpan) throws -> [TensorIndex] {
        try indices.map { index in
            switch index {
            case .int(let position): return .at(position)
            case .range(let lower, let upper, let closed):
                if closed, let upper { return .range(lower, upper == -1 ? nil : (upper < .max ? upper + 1 : upper)) }
                return .range(lower, upper)
            case .float(let number) where number.wholeNumber(below: 9e15) != nil: return .at(Int(number))
            case .object(let stride as Stride) where stride.step > 0:
                return .range(stride.start, stride.closed ? stride.end + 1 : stride.end, step: stride.step)
            default:
                throw LanguageError(
                    .typeError, "a tensor index must be a whole number, a range or '..', not \(describeKind(index))",
                    at: span)
            }
        }
    }
}
