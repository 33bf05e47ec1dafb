// Dictionaries: keys to values in the order they were first set, with value semantics like
// arrays (`var d` changes, `let d` does not). Keys are strings, whole numbers or booleans.

import Interchange

/// A key a dictionary accepts.
enum DictionaryKey: Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)

    init?(_ value: Value) {
        switch value {
        case .string(let text): self = .string(text)
        case .int(let number): self = .int(number)
        case .bool(let flag): self = .bool(flag)
        case .float(let number) where number.wholeNumber(below: 9e15) != nil: self = .int(Int(number))
        default: return nil
        }
    }

    var value: Value {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .int(number)
        case .bool(let flag): .bool(flag)
        }
    }

    /// The name a model gives an entry's parameters (`blocks.relu.weight`).
    var text: String { value.text }
}

/// An ordered dictionary of values.
public struct ScriptDictionary {
    private(set) var keys: [DictionaryKey] = []
    private var storage: [DictionaryKey: Value] = [:]

    init() {}

    var count: Int { keys.count }

    subscript(key: DictionaryKey) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    var entries: [(key: DictionaryKey, value: Value)] { keys.map { ($0, storage[$0]!) } }

    var text: String { Value.dictionary(self).text }
}

extension Value {
    /// A dictionary's entries, for code that treats dictionaries and arrays alike.
    var dictionaryEntries: [(key: DictionaryKey, value: Value)]? {
        if case .dictionary(let dictionary) = self { return dictionary.entries }
        return nil
    }
}

/// What `d[key]` names when the key is missing: the message, with the nearest key suggested.
func missingKeyError(_ key: Value, in dictionary: ScriptDictionary, span: SourceSpan) -> LanguageError {
    let names = dictionary.keys.compactMap { key -> String? in
        if case .string(let text) = key { return text }
        return nil
    }
    var message = "the dictionary has no key \(key.literalText)"
    if case .string(let text) = key { message += didYouMean(text, among: names) }
    if dictionary.count > 0 && dictionary.count <= 10 && !message.contains("did you mean") {
        message += ": its keys are " + dictionary.keys.map(\.value.literalText).joined(separator: ", ")
    }
    return LanguageError(.keyError, message, at: span)
}
