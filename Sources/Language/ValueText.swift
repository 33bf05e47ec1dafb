// Values as text. `print` and interpolation write a value in full; a cell's result shows a long
// collection summarised, as a long tensor is, so that showing `range(0, 3000000)` reads six
// numbers instead of three million. Either way the writer asks `check` every few thousand items,
// so an interrupt stops a long one.

/// Writes values as the text `print`, interpolation and a cell's `text/plain` show.
enum ValueText {
    /// A shown value of more than this many items in all (nested ones counted) is summarised.
    static let summaryThreshold = 1000
    /// Items shown at each end of a summarised collection.
    static let edgeItems = 3
    /// A shown string longer than this many UTF-8 bytes keeps `stringEdge` characters at each end.
    static let stringThreshold = 100_000
    static let stringEdge = 2_000
    /// Items written between two calls of `check`.
    static let checkInterval = 4096

    /// The value in full, as `print` writes it.
    static func full<Failure: Error>(_ value: Value, check: () throws(Failure) -> Void) throws(Failure) -> String {
        try write(value, summarised: false, shortStrings: false, check: check)
    }

    /// The value as a cell's result shows it: collections summarised past `summaryThreshold`
    /// items, long strings shortened.
    static func shown<Failure: Error>(_ value: Value, check: () throws(Failure) -> Void) throws(Failure) -> String {
        try write(
            value, summarised: itemCount(value, upTo: summaryThreshold + 1) > summaryThreshold, shortStrings: true,
            check: check)
    }

    /// How many items `value` holds, nested ones counted, stopping once past `limit`.
    static func itemCount(_ value: Value, upTo limit: Int) -> Int {
        var count = 0
        func visit(_ value: Value) {
            guard count <= limit else { return }
            switch value {
            case .array(let items), .tuple(let items):
                for item in items {
                    guard count <= limit else { return }
                    count += 1
                    visit(item)
                }
            case .dictionary(let dictionary):
                for key in dictionary.keys {
                    guard count <= limit else { return }
                    count += 1
                    if let item = dictionary[key] { visit(item) }
                }
            default: break
            }
        }
        visit(value)
        return count
    }

    private static func write<Failure: Error>(
        _ value: Value, summarised: Bool, shortStrings: Bool, check: () throws(Failure) -> Void
    ) throws(Failure) -> String {
        var output = ""
        var sinceCheck = 0
        func tick() throws(Failure) {
            sinceCheck += 1
            if sinceCheck >= checkInterval {
                sinceCheck = 0
                try check()
            }
        }
        /// The positions a collection of `count` items shows: all, or both ends around `nil`.
        func positions(_ count: Int) -> [Int?] {
            guard summarised, count > 2 * edgeItems + 1 else { return (0..<count).map { Optional($0) } }
            return (0..<edgeItems).map { Optional($0) } + [nil] + ((count - edgeItems)..<count).map { Optional($0) }
        }
        func string(_ text: String, quoted: Bool) {
            var text = text
            if shortStrings, text.utf8.count > stringThreshold {
                let hidden = text.utf8.count - 2 * stringEdge
                text = String(text.prefix(stringEdge)) + " ... (\(hidden) more bytes) ... " + String(text.suffix(stringEdge))
            }
            output += quoted ? quote(text) : text
        }
        func item(_ value: Value, literal: Bool) throws(Failure) {
            try tick()
            switch value {
            case .string(let text): string(text, quoted: literal)
            case .array(let items): try sequence(items, open: "[", close: "]")
            case .tuple(let items): try sequence(items, open: "(", close: ")")
            case .dictionary(let dictionary):
                guard dictionary.count > 0 else {
                    output += "[:]"
                    return
                }
                output += "["
                for (index, position) in positions(dictionary.count).enumerated() {
                    if index > 0 { output += ", " }
                    guard let position else {
                        output += "..."
                        continue
                    }
                    let key = dictionary.keys[position]
                    try item(key.value, literal: true)
                    output += ": "
                    try item(dictionary[key] ?? .void, literal: true)
                }
                output += "]"
            default: output += value.scalarText
            }
        }
        func sequence(_ items: [Value], open: String, close: String) throws(Failure) {
            output += open
            for (index, position) in positions(items.count).enumerated() {
                if index > 0 { output += ", " }
                if let position { try item(items[position], literal: true) } else { output += "..." }
            }
            output += close
        }
        try item(value, literal: false)
        return output
    }
}
