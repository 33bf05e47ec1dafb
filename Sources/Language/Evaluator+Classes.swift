// Classes at run time: declaring one, making objects (init or memberwise), properties and
// methods through `self` or without it, and calling an object through its callAsFunction.

import NeuralNetworks
import Tensors

extension Evaluator {
    /// `class Name { ... }` binds the name to the class; running the declaration again replaces it.
    func declareClass(_ declaration: ClassDeclaration, _ scope: Scope) throws {
        guard scope === globals else {
            throw LanguageError(.syntaxError, "declare class \(declaration.name) at the top level of a cell, not inside a function or block",
                at: declaration.span)
        }
        if library.functions[declaration.name] != nil {
            throw LanguageError(.nameError, "\(declaration.name) is a builtin: give the class another name", at: declaration.span)
        }
        globals.names[declaration.name] = Binding(
            value: .object(ClassDefinition(declaration, evaluator: self)), mutable: true)
    }

    /// The scope a method body runs in: `self`, then the object's members, then the globals.
    func methodScope(_ instance: ObjectInstance) -> Scope {
        let scope = Scope(parent: globals, instance: instance)
        scope.names["self"] = Binding(value: .object(instance), mutable: false)
        return scope
    }

    /// `Neuron(2, seed: 1)`: defaults first, then `init`; without an `init`, arguments labelled
    /// with property names set those properties (`Point(x: 1, y: 2)`).
    func instantiate(_ definition: ClassDefinition, _ arguments: [CallArgument], span: SourceSpan) throws -> Value {
        let declaration = definition.declaration
        let instance = ObjectInstance(definition)
        let defaults = Scope(parent: globals)
        for property in declaration.properties {
            guard let expression = property.defaultValue else { continue }
            instance.setValue(try eval(expression, defaults), for: property.name)
        }
        if let initializer = declaration.initializer {
            _ = try callUser(initializer, captured: methodScope(instance), arguments, span: span, name: "\(declaration.name).init")
        } else {
            for argument in arguments {
                guard let label = argument.label else {
                    throw LanguageError(.typeError,
                        "\(declaration.name) has no init, so its properties are given by name: \(declaration.name)(\(declaration.properties.map { "\($0.name): ..." }.joined(separator: ", ")))",
                        at: argument.span)
                }
                guard instance.property(label) != nil else {
                    throw LanguageError(.typeError, "\(declaration.name) has no property '\(label)'" + didYouMean(label, among: instance.propertyNames),
                        at: argument.span)
                }
                instance.setValue(argument.value, for: label)
            }
        }
        if let missing = declaration.properties.first(where: { instance.value(of: $0.name) == nil }) {
            let fix = declaration.initializer == nil
                ? "give it a default (var \(missing.name) = ...) or pass \(missing.name): ..."
                : "set it in init or give it a default (var \(missing.name) = ...)"
            throw LanguageError(.typeError, "\(declaration.name)'s property '\(missing.name)' has no value: \(fix)", at: span)
        }
        instance.initializing = false
        return .object(instance)
    }

    /// `object.name`: a stored property or a bound method; nil when the class has neither.
    func instanceMember(_ instance: ObjectInstance, _ name: String) -> Value? {
        if let value = instance.value(of: name) { return value }
        if let method = instance.definition.declaration.method(name) {
            return .function(Function(.user(method, captured: methodScope(instance))))
        }
        return nil
    }

    /// `object.name = value` and, inside a method, `name = value`.
    func setProperty(_ instance: ObjectInstance, _ name: String, _ value: Value, span: SourceSpan) throws {
        guard let property = instance.property(name) else {
            if instance.definition.declaration.method(name) != nil {
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
        guard let method = instance.definition.declaration.method(name) else {
            throw LanguageError(.typeError,
                "\(instance.className) has no method \(name): add func \(name)(_ x) { ... } to the class to call its objects")
        }
        return try callUser(
            method, captured: methodScope(instance), arguments.map { CallArgument(label: nil, value: $0, span: span) },
            span: span, name: "\(instance.className).\(name)")
    }
}

extension ObjectInstance {
    /// A name a method body uses without `self.`: a property or another method.
    func implicitMember(_ name: String) -> Value? {
        definition.evaluator?.instanceMember(self, name)
    }
}
