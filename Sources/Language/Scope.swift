// Names and their bindings, one level per function call, loop iteration or block.

struct Binding {
    var value: Value
    var mutable: Bool
    /// How the name was bound, for the message when a program tries to change it.
    var origin: Origin = .declared

    enum Origin {
        case declared
        case loopVariable
        case parameter
    }
}

/// Names visible at one level: the session's globals, a function call, a loop iteration, a block.
final class Scope {
    var names: [String: Binding] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Binding? {
        var scope: Scope? = self
        while let current = scope {
            if let binding = current.names[name] { return binding }
            scope = current.parent
        }
        return nil
    }

    /// The scope that binds `name`, if any.
    func owner(of name: String) -> Scope? {
        var scope: Scope? = self
        while let current = scope {
            if current.names[name] != nil { return current }
            scope = current.parent
        }
        return nil
    }

    /// Every name visible here, for "did you mean" and completion.
    var allNames: Set<String> {
        var result = Set<String>()
        var scope: Scope? = self
        while let current = scope {
            result.formUnion(current.names.keys)
            scope = current.parent
        }
        return result
    }
}
