// Classes at run time: declaring one (with its superclass), making objects (init, inherited
// init or memberwise), properties and methods through `self` or without it, `super`, `is`, and
// calling an object through its callAsFunction.

import NeuralNetworks
import Tensors

extension Evaluator {
    /// `class Name { ... }` binds the name to the class in the scope it is declared in (the
    /// globals at the top level of a cell, or the function or block around it); running the
    /// declaration again replaces it.
    func declareClass(_ declaration: ClassDeclaration, _ scope: Scope) throws {
        if library.functions[declaration.name] != nil {
            throw LanguageError(.nameError, "\(declaration.name) is a builtin: give the class another name", at: declaration.span)
        }
        var superclass: ClassDefinition? = nil
        if let base = declaration.superclass {
            superclass = try resolveSuperclass(base.name, of: declaration.name, span: base.span, scope)
        }
        let definition = ClassDefinition(
            declaration, superclass: superclass, evaluator: self, enclosingScope: scope === globals ? nil : scope)
        if let superclass { try checkInheritance(definition, from: superclass) }
        scope.names[declaration.name] = Binding(value: .object(definition), mutable: true)
    }

    /// The class `class Name: Base` names: one the program declared, and nothing else.
    private func resolveSuperclass(_ name: String, of subclass: String, span: SourceSpan, _ scope: Scope) throws -> ClassDefinition {
        if let binding = scope.lookup(name) {
            if case .object(let definition as ClassDefinition) = binding.value { return definition }
            throw LanguageError(.typeError,
                "class \(subclass) cannot inherit from \(name), which is \(describeKind(binding.value)): a class inherits from a class",
                at: span)
        }
        if library.functions[name] != nil {
            throw LanguageError(.typeError,
                "class \(subclass) cannot inherit from \(name), a builtin: a class inherits only from a class declared in the notebook. "
                    + "To build on \(name), keep one in a property (var inner = \(name)(...)) and call it in callAsFunction",
                at: span)
        }
        let hint = didYouMean(name, among: scope.allNames)
        throw LanguageError(.nameError,
            "there is no class named '\(name)' to inherit from"
                + (hint.isEmpty ? ": declare it (class \(name) { ... }) in a cell run before this one" : hint),
            at: span)
    }

    /// Swift's rules, checked when the class is declared: a method that replaces the superclass's
    /// says `override`, and only such a one; a property is declared once in the chain; a subclass
    /// without init inherits the superclass's only if its own properties have defaults.
    private func checkInheritance(_ definition: ClassDefinition, from superclass: ClassDefinition) throws {
        let declaration = definition.declaration
        for property in declaration.properties {
            if let inherited = superclass.properties.first(where: { $0.property.name == property.name }) {
                throw LanguageError(.syntaxError,
                    "\(declaration.name) inherits '\(property.name)' from \(inherited.owner.name): do not declare it again; set it in init",
                    at: property.span)
            }
            if superclass.method(property.name) != nil {
                throw LanguageError(.syntaxError,
                    "\(declaration.name) inherits a method '\(property.name)' from \(superclass.name): give the property another name",
                    at: property.span)
            }
        }
        for method in declaration.methods {
            let name = method.name ?? ""
            let replaced = superclass.method(name)
            if let replaced, !method.isOverride {
                throw LanguageError(.syntaxError,
                    "\(declaration.name).\(name) replaces \(replaced.displayName): write override func \(name)(...) to say so",
                    at: method.span.firstLine)
            }
            if replaced == nil, method.isOverride {
                throw LanguageError(.syntaxError,
                    "\(declaration.name).\(name) overrides nothing: \(superclass.name) has no method '\(name)'"
                        + didYouMean(name, among: superclass.methodNames),
                    at: method.span.firstLine)
            }
            if superclass.properties.contains(where: { $0.property.name == name }) {
                throw LanguageError(.syntaxError,
                    "\(declaration.name) inherits a property '\(name)' from \(superclass.name): give the method another name",
                    at: method.span.firstLine)
            }
        }
        if declaration.initializer == nil, let inherited = superclass.initializer,
            let missing = declaration.properties.first(where: { $0.defaultValue == nil })
        {
            throw LanguageError(.syntaxError,
                "\(declaration.name) has no init, so it inherits \(inherited.owner.name)'s, which cannot set '\(missing.name)': "
                    + "give it a default (var \(missing.name) = ...) or write an init that sets it and calls super.init(...)",
                at: missing.span)
        }
    }

    /// The scope a method body runs in: `self` (and `super` in a subclass's method), then the
    /// object's members, then the globals, or the scope around a class declared in a function.
    func methodScope(_ instance: ObjectInstance, owner: ClassDefinition) -> Scope {
        let scope = Scope(parent: owner.enclosingScope ?? globals, instance: instance)
        scope.names["self"] = Binding(value: .object(instance), mutable: false)
        if owner.superclass != nil {
            scope.names["super"] = Binding(value: .object(SuperReference(instance: instance, owner: owner)), mutable: false)
        }
        return scope
    }

    /// `Neuron(2, seed: 1)`: defaults first (the superclass's first), then `init`, its own or the
    /// one it inherits; when no class in the chain has an `init`, arguments labelled with property
    /// names set those properties (`Point(x: 1, y: 2)`).
    func instantiate(_ definition: ClassDefinition, _ arguments: [CallArgument], span: SourceSpan) throws -> Value {
        let instance = ObjectInstance(definition)
        for (property, owner) in definition.properties {
            guard let expression = property.defaultValue else { continue }
            instance.setValue(try eval(expression, Scope(parent: owner.enclosingScope ?? globals)), for: property.name)
        }
        if definition.initializer != nil {
            try runInitializer(of: definition, on: instance, arguments, span: span)
        } else {
            for argument in arguments {
                guard let label = argument.label else {
                    throw LanguageError(.typeError,
                        "\(definition.name) has no init, so its properties are given by name: \(definition.name)(\(instance.propertyNames.map { "\($0): ..." }.joined(separator: ", ")))",
                        at: argument.span)
                }
                guard instance.property(label) != nil else {
                    throw LanguageError(.typeError, "\(definition.name) has no property '\(label)'" + didYouMean(label, among: instance.propertyNames),
                        at: argument.span)
                }
                instance.setValue(argument.value, for: label)
            }
        }
        if let missing = definition.properties.first(where: { instance.value(of: $0.property.name) == nil })?.property {
            let fix = definition.initializer == nil
                ? "give it a default (var \(missing.name) = ...) or pass \(missing.name): ..."
                : "set it in init or give it a default (var \(missing.name) = ...)"
            throw LanguageError(.typeError, "\(definition.name)'s property '\(missing.name)' has no value: \(fix)", at: span)
        }
        instance.initializing = false
        return .object(instance)
    }

    /// Runs the init the class has or inherits on a new object. An init of a subclass whose
    /// superclass has one must call `super.init(...)`, as in Swift, so that what the subclass
    /// inherits is set up too.
    func runInitializer(of definition: ClassDefinition, on instance: ObjectInstance, _ arguments: [CallArgument], span: SourceSpan) throws {
        guard let (initializer, owner) = definition.initializer else {
            if let first = arguments.first {
                throw LanguageError(.typeError,
                    "\(definition.name) has no init: super.init() takes no arguments; set the properties in this init instead",
                    at: first.span)
            }
            return
        }
        _ = try callUser(initializer, captured: methodScope(instance, owner: owner), arguments, span: span)
        if let inherited = owner.superclass?.initializer, !instance.superInitCalled.contains(ObjectIdentifier(owner)) {
            throw LanguageError(.typeError,
                "\(owner.name)'s init must call super.init(...), so that \(inherited.owner.name)'s init sets up what \(owner.name) inherits",
                at: initializer.span.firstLine)
        }
    }

    /// `super.name` in a method of `reference.owner`: the superclass's method (or `init`), or a property.
    func superMember(_ reference: SuperReference, _ name: String, nameSpan: SourceSpan) throws -> Value {
        guard let superclass = reference.owner.superclass else { throw LanguageError(.nameError, "super has no superclass", at: nameSpan) }
        if name == "init" { return .object(SuperInitializer(reference)) }
        if let (method, owner) = superclass.lookupMethod(name) {
            return .function(Function(.user(method, captured: methodScope(reference.instance, owner: owner))))
        }
        if let value = reference.instance.value(of: name), superclass.properties.contains(where: { $0.property.name == name }) {
            return value
        }
        throw LanguageError(.nameError,
            "\(superclass.name) has no member '\(name)'" + didYouMean(name, among: superclass.properties.map(\.property.name) + superclass.methodNames),
            at: nameSpan)
    }

    /// `super.init(...)`.
    func callSuperInitializer(_ initializer: SuperInitializer, _ arguments: [CallArgument], span: SourceSpan) throws -> Value {
        let reference = initializer.reference
        guard reference.instance.initializing else {
            throw LanguageError(.typeError, "super.init(...) is called from an init, while the object is made", at: span)
        }
        reference.instance.superInitCalled.insert(ObjectIdentifier(reference.owner))
        if let superclass = reference.owner.superclass {
            try runInitializer(of: superclass, on: reference.instance, arguments, span: span)
        }
        return .void
    }

    /// `x is Layer0`: whether x is an object of the class or of a subclass of it; `x is Tensor`,
    /// `x is Int`: whether the value's type has that name (`Layer` for any model).
    func isOfType(_ value: Value, _ typeName: String, span: SourceSpan, _ scope: Scope) throws -> Bool {
        if let binding = scope.lookup(typeName) {
            guard case .object(let definition as ClassDefinition) = binding.value else {
                throw LanguageError(.typeError,
                    "'\(typeName)' is \(describeKind(binding.value)), not a type: write x is ClassName or x is Tensor", at: span)
            }
            guard case .object(let instance as ObjectInstance) = value else { return false }
            return instance.definition.inherits(from: definition)
        }
        var known = Set(library.members.keys.map(\.name))
        known.formUnion(["Int", "Float", "Bool", "String", "Array", "Tuple", "Dictionary", "Function", "Range", "Tensor", "Layer", "Class"])
        guard known.contains(typeName) else {
            let classes = scope.allNames.filter { name in
                if case .object(is ClassDefinition)? = scope.lookup(name)?.value { return true }
                return false
            }
            throw LanguageError(.nameError,
                "there is no type or class named '\(typeName)'" + didYouMean(typeName, among: known.union(classes)), at: span)
        }
        if value.typeName == typeName { return true }
        if case .object(let object) = value, object.types.contains(where: { $0.name == typeName }) { return true }
        return false
    }

    /// `object.name`: a stored property or a bound method; nil when the class has neither.
    func instanceMember(_ instance: ObjectInstance, _ name: String) -> Value? {
        if let value = instance.value(of: name) { return value }
        if let (method, owner) = instance.definition.lookupMethod(name) {
            return .function(Function(.user(method, captured: methodScope(instance, owner: owner))))
        }
        return nil
    }

    /// `object.name = value` and, inside a method, `name = value`.
    func setProperty(_ instance: ObjectInstance, _ name: String, _ value: Value, span: SourceSpan) throws {
        guard let property = instance.property(name) else {
            if instance.definition.method(name) != nil {
                throw LanguageError(.typeError, "\(instance.className).\(name) is a method and cannot be assigned to", at: span)
            }
            throw LanguageError(.nameError,
                "\(instance.className) has no property '\(name)'" + didYouMean(name, among: instance.propertyNames)
                    + ": declare it in the class (var \(name) = ...)",
                at: span)
        }
        if !property.mutable && !(instance.initializing && instance.value(of: name) == nil) {
            throw LanguageError(.typeError,
                "cannot assign to '\(name)': \(instance.className) declares it with let; declare it with var to change it",
                at: span)
        }
        instance.setValue(value, for: name)
    }

    /// Calls a method by name with positional arguments, as the engine does (`forward`).
    func callMethod(of instance: ObjectInstance, _ name: String, _ arguments: [Value], span: SourceSpan) throws -> Value {
        guard let (method, owner) = instance.definition.lookupMethod(name) else {
            throw LanguageError(.typeError,
                "\(instance.className) has no method \(name): add func \(name)(_ x) { ... } to the class to call its objects")
        }
        return try callUser(
            method, captured: methodScope(instance, owner: owner),
            arguments.map { CallArgument(label: nil, value: $0, span: span) }, span: span)
    }
}

extension ObjectInstance {
    /// A name a method body uses without `self.`: a property or another method.
    func implicitMember(_ name: String) -> Value? {
        definition.evaluator?.instanceMember(self, name)
    }
}

/// `super` inside a method: the object, seen from the class that declares the method, so that
/// `super.name` starts its search at that class's superclass.
final class SuperReference: ScriptObject {
    let instance: ObjectInstance
    let owner: ClassDefinition

    init(instance: ObjectInstance, owner: ClassDefinition) {
        self.instance = instance
        self.owner = owner
    }

    static let valueType = ValueType(named: "Super")
    var plainText: String { "super (\(owner.superclass?.name ?? "") of this \(instance.className))" }
}

/// `super.init`, called from an init.
final class SuperInitializer: ScriptObject {
    let reference: SuperReference

    init(_ reference: SuperReference) { self.reference = reference }

    static let valueType = ValueType(named: "Function")
    var plainText: String { "\(reference.owner.superclass?.name ?? "super").init" }
}

extension SourceSpan {
    /// The span's first line: `override func forward(_ x) {` of a whole method.
    var firstLine: SourceSpan {
        guard let file else { return self }
        let text = file.text(self)
        guard let newline = text.firstIndex(of: "\n") else { return self }
        return SourceSpan(file: file, start: start, end: start + text.utf8.distance(from: text.startIndex, to: newline))
    }
}
