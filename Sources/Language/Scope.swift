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
    /// In a method's scope, the object whose properties and methods its body names without
    /// `self.` (Classes.swift); they come after the method's own names, before the globals.
    let instance: ObjectInstance?

    init(parent: Scope?, instance: ObjectInstance? = nil) {
        self.parent = parent
        self.instance = instance
    }

    func lookup(_ name: String) -> Binding? {
        var scope: Scope? = self
        while let current = scope {
            if let binding = current.names[name] { return binding }
            if let instance = current.instance, let value = instance.implicitMember(name) {
                return Binding(value: value, mutable: instance.property(name)?.mutable ?? false)
            }
            scope = current.parent
        }
        return nil
    }

    /// The scope that binds `name`, if any.
    func owner(of name: String) -> Scope? {
        var scope: Scope? = self
        while let current = scope {
            if current.names[name] != nil { return current }
            if let instance = current.instance, instance.property(name) != nil { return current }
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
            if let instance = current.instance { result.formUnion(instance.memberNames) }
            scope = current.parent
        }
        return result
    }
}
