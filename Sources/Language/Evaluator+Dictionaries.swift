// Dictionaries at run time: literals, `d[key]`, `d[key] = value` on a var, `for (k, v) in d`,
// and the members keys, values, count, isEmpty.

extension Evaluator {
    func evalDictionary(_ entries: [(key: Expr, value: Expr)], _ scope: Scope) throws -> Value {
        var dictionary = ScriptDictionary()
        for entry in entries {
            let key = try dictionaryKey(try eval(entry.key, scope), span: entry.key.span)
            dictionary[key] = try eval(entry.value, scope)
        }
        return .dictionary(dictionary)
    }

    func dictionaryKey(_ value: Value, span: SourceSpan) throws -> DictionaryKey {
        guard let key = DictionaryKey(value) else {
            throw LanguageError(.typeError, "a dictionary key must be a string, a whole number or a Bool, not \(describeKind(value))", at: span)
        }
        return key
    }

    /// `d[key]`; a missing key is a KeyError that names the nearest key.
    func dictionaryIndex(_ dictionary: ScriptDictionary, _ indices: [Value], span: SourceSpan) throws -> Value {
        guard indices.count == 1 else {
            throw LanguageError(.typeError, "a dictionary takes one key, not \(indices.count)", at: span)
        }
        let key = try dictionaryKey(indices[0], span: span)
        guard let value = dictionary[key] else { throw missingKeyError(indices[0], in: dictionary, span: span) }
        return value
    }

    /// `d[key] = value`: the dictionary with the entry set (added at the end when new).
    func dictionarySetting(_ dictionary: ScriptDictionary, _ indices: [Value], to value: Value, span: SourceSpan) throws
        -> Value
    {
        guard indices.count == 1 else {
            throw LanguageError(.typeError, "a dictionary entry is set with one key, not \(indices.count)", at: span)
        }
        var changed = dictionary
        changed[try dictionaryKey(indices[0], span: span)] = value
        return .dictionary(changed)
    }

    func dictionaryMember(_ dictionary: ScriptDictionary, _ name: String) -> Value? {
        switch name {
        case "keys": .array(dictionary.keys.map(\.value))
        case "values": .array(dictionary.entries.map(\.value))
        case "count": .int(dictionary.count)
        case "isEmpty": .bool(dictionary.count == 0)
        default: nil
        }
    }

    static let dictionaryMemberNames = ["keys", "values", "count", "isEmpty"]
}
