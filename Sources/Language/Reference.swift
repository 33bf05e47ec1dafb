// The builtin reference of docs/language.md, generated from the library itself so it cannot
// drift from what the language offers.

extension Library {
    /// Markdown: each topic's builtins (signature, doc, example), then each type's members.
    public func referenceMarkdown() -> String {
        var text = ""
        var topics: [String] = []
        for builtin in functions.values.sorted(by: { $0.name < $1.name }) where !topics.contains(builtin.topic) {
            topics.append(builtin.topic)
        }
        let order = ["Basics", "Tensors", "Autograd", "Layers", "Losses and metrics", "Optimizers", "Data", "Training", "Files", "Display"]
        topics.sort { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        for topic in topics {
            text += "### \(topic)\n\n"
            for builtin in functions.values.filter({ $0.topic == topic }).sorted(by: { $0.name < $1.name }) {
                text += entry(builtin, heading: builtin.name)
            }
        }
        if !constants.isEmpty {
            text += "### Constants\n\n| Name | Value |\n|---|---|\n"
            for (name, value) in constants.sorted(by: { $0.key < $1.key }) {
                // `nil` is the absence of a value, whose text would be Void's `()`.
                text += "| `\(name)` | " + (value.isVoid ? "no value, as an argument left out" : "`\(value.text)`") + " |\n"
            }
            text += "\n"
        }
        text += "### Members of values\n\n"
        for type in typeOrder {
            guard let table = members[type] else { continue }
            text += "#### \(type)\n\n"
            let properties = table.filter { if case .property = $0.value { true } else { false } }.sorted { $0.key < $1.key }
            if !properties.isEmpty {
                text += "| Property | Meaning |\n|---|---|\n"
                for (name, member) in properties { text += "| `.\(name)` | \(member.doc) |\n" }
                text += "\n"
            }
            var spelledAsFunctions: [String] = []
            for (name, member) in table.sorted(by: { $0.key < $1.key }) {
                guard case .method(let builtin) = member else { continue }
                if builtin.isMethodSpelling {
                    spelledAsFunctions.append("[`.\(name)()`](#\(name.lowercased()))")
                    continue
                }
                text += entry(builtin, heading: name == "()" ? "\(type)(...) (call)" : "\(type).\(name)")
            }
            if !spelledAsFunctions.isEmpty {
                text += "Also methods, described with the function of the same name: \(spelledAsFunctions.joined(separator: ", ")).\n\n"
            }
        }
        return text
    }

    private func entry(_ builtin: Builtin, heading: String) -> String {
        var signatures = builtin.signature
        if let methodSignature = builtin.methodSignature { signatures += "\n" + methodSignature }
        var text = "#### `\(heading)`\n\n```swift\n\(signatures)\n```\n\n\(builtin.doc)\n\n"
        if !builtin.example.isEmpty { text += "```swift\n\(builtin.example)\n```\n\n" }
        return text
    }

    /// Every builtin and method, for the tests that run each example.
    public var allBuiltins: [Builtin] {
        var result = Array(functions.values)
        for table in members.values {
            for member in table.values { if case .method(let builtin) = member { result.append(builtin) } }
        }
        return result.sorted { $0.name < $1.name }
    }
}

extension Interpreter {
    /// The library a fresh session has, for the reference and its tests.
    public static func standardLibrary() -> Library {
        let library = Library()
        Builtins.registerAll(in: library)
        return library
    }
}

extension Interpreter {
    /// Seconds to parse `code` as a cell (no evaluation), for the benchmark.
    public static func parseSeconds(_ code: String) throws -> Double {
        let start = Runtime.now()
        var parser = try Parser(file: SourceFile(name: "cell", text: code))
        _ = try parser.parseProgram()
        return Runtime.now() - start
    }
}
