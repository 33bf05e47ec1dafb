// Classes a program declares, and their objects. An object is a layer: whatever it holds in its
// properties (tensors that require gradients, layers, other objects, arrays of them) are its
// parameters and children, named by property path as PyTorch names a module's attributes
// (`layers.1.neurons.0.w`), so every tool that takes a model takes an object of one's own.

import NeuralNetworks
import Tensors

/// A declared class: calling it makes an object. Re-running the declaration binds a new one;
/// objects made before keep the class they were made from, and subclasses the superclass their
/// declaration found.
final class ClassDefinition: ScriptObject {
    let declaration: ClassDeclaration
    /// The class it inherits from, as bound when this class was declared.
    let superclass: ClassDefinition?
    /// The evaluator whose globals the methods see; weak, as the globals hold the class.
    weak var evaluator: Evaluator?
    /// For a class declared inside a function or block, the scope its methods and defaults see;
    /// nil for one declared at the top level, whose methods see the globals.
    let enclosingScope: Scope?
    /// Every stored property, the superclass's first, with the class that declares it.
    private(set) var properties: [(property: ClassDeclaration.Property, owner: ClassDefinition)] = []

    init(_ declaration: ClassDeclaration, superclass: ClassDefinition?, evaluator: Evaluator, enclosingScope: Scope?) {
        self.declaration = declaration
        self.superclass = superclass
        self.evaluator = evaluator
        self.enclosingScope = enclosingScope
        properties = (superclass?.properties ?? []) + declaration.properties.map { ($0, self) }
    }

    var name: String { declaration.name }
    static let valueType = ValueType(named: "Class")
    var plainText: String { "class \(name)" + (superclass.map { ": \($0.name)" } ?? "") }

    /// The method a call on an object of this class runs: its own, else the nearest
    /// superclass's, with the class that declares it (whose superclass `super` names there).
    func lookupMethod(_ name: String) -> (method: FunctionDeclaration, owner: ClassDefinition)? {
        var current: ClassDefinition? = self
        while let definition = current {
            if let method = definition.declaration.method(name) { return (method, definition) }
            current = definition.superclass
        }
        return nil
    }

    func method(_ name: String) -> FunctionDeclaration? { lookupMethod(name)?.method }

    /// The init an object of this class runs: its own, else the nearest superclass's (a subclass
    /// with no init inherits it), with the class that declares it.
    var initializer: (declaration: FunctionDeclaration, owner: ClassDefinition)? {
        var current: ClassDefinition? = self
        while let definition = current {
            if let initializer = definition.declaration.initializer { return (initializer, definition) }
            current = definition.superclass
        }
        return nil
    }

    /// Method names of the whole chain, own first, each once.
    var methodNames: [String] {
        var names: [String] = []
        var current: ClassDefinition? = self
        while let definition = current {
            for method in definition.declaration.methods where !names.contains(method.name ?? "") { names.append(method.name ?? "") }
            current = definition.superclass
        }
        return names
    }

    /// Whether this class is `other` or inherits from it.
    func inherits(from other: ClassDefinition) -> Bool {
        var current: ClassDefinition? = self
        while let definition = current {
            if definition === other { return true }
            current = definition.superclass
        }
        return false
    }

    /// `Neuron(_ inputs, seed)`: the initializer's parameters, or the properties without defaults.
    var signature: String {
        if let initializer = initializer?.declaration {
            return name + Function(.user(initializer, captured: nil)).signature.dropFirst("func init".count)
        }
        let fields = properties.map { entry -> String in
            let property = entry.property
            guard let value = property.defaultValue, let file = value.span.file else { return "\(property.name):" }
            return "\(property.name): \(file.text(value.span))"
        }
        return name + "(" + fields.joined(separator: ", ") + ")"
    }
}

/// An object of a declared class: its stored properties, in declaration order.
final class ObjectInstance: Layer, @unchecked Sendable {
    let definition: ClassDefinition
    private(set) var values: [String: Value] = [:]
    /// True while `init` runs: `let` properties may be set then, and only then.
    var initializing = true
    /// The classes whose init has called `super.init(...)` on this object while it was made.
    var superInitCalled: Set<ObjectIdentifier> = []

    init(_ definition: ClassDefinition) {
        self.definition = definition
    }

    var className: String { definition.name }
    override var typeName: String { className }

    /// Property names in declaration order, the superclass's first.
    var propertyNames: [String] { definition.properties.map(\.property.name) }

    func property(_ name: String) -> ClassDeclaration.Property? {
        definition.properties.first { $0.property.name == name }?.property
    }

    func value(of name: String) -> Value? { values[name] }

    func setValue(_ value: Value, for name: String) { values[name] = value }

    /// Property and method names, for completion and "did you mean".
    var memberNames: [String] {
        propertyNames + definition.methodNames
    }

    // MARK: Layer

    override func forward(_ input: Tensor) throws -> Tensor {
        guard let evaluator = definition.evaluator else {
            throw LanguageError(.valueError, "the session that declared \(className) has ended")
        }
        let result = try evaluator.callMethod(of: self, "callAsFunction", [.tensor(input)], span: definition.declaration.span)
        guard case .tensor(let output) = result else {
            throw LanguageError(.typeError, "\(className)'s callAsFunction must return a tensor to be used as a layer, not \(describeKind(result))")
        }
        return output
    }

    override var ownParameters: [(name: String, tensor: Tensor)] {
        propertyNames.compactMap { name in
            guard case .tensor(let tensor)? = values[name], ParameterMarks.isParameter(tensor) else { return nil }
            return (name: name, tensor: tensor)
        }
    }

    override var children: [(name: String, layer: Layer)] {
        propertyNames.compactMap { name in
            guard let value = values[name], let child = ValueList.child(value, parent: self) else { return nil }
            return (name: name, layer: child)
        }
    }

    /// Runs the object on zeros of the shape (one example for an open batch size) without
    /// gradients and in evaluation mode, so statistics and weights do not change.
    override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let concrete = inputShape.map { $0 < 0 ? 1 : $0 }
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        let output = try withNoGrad { try forward(try Tensor.zeros(concrete)) }
        var shape = output.shape
        if inputShape.first == -1, !shape.isEmpty { shape[0] = -1 }
        return shape
    }

    /// `Neuron(w: tensor(...), b: tensor(...))`, one property a line when that is long.
    var instanceText: String {
        let parts = propertyNames.compactMap { name in values[name].map { "\(name): \($0.literalText)" } }
        let line = className + "(" + parts.joined(separator: ", ") + ")"
        if line.count <= 100 && !line.contains("\n") { return line }
        return className + "(\n" + parts.map { "  " + $0.replacing("\n", with: "\n  ") + "," }.joined(separator: "\n") + "\n)"
    }
}

/// Which tensors are parameters: leaves that require gradients, and those that did when a model
/// was last asked for its parameters (so `freeze()` does not make them disappear from the model).
enum ParameterMarks {
    static func isParameter(_ tensor: Tensor) -> Bool {
        guard tensor.isLeaf else { return false }
        if tensor.requiresGrad {
            TensorMarks.parameters.insert(tensor)
            return true
        }
        return TensorMarks.parameters.contains(tensor)
    }
}

/// An array (or tuple, or dictionary) held by an object, seen as a model's child: items that are
/// parameters or layers are named by position (`layers.0`), as PyTorch's ModuleList and
/// ParameterList name them, or by key for a dictionary (ModuleDict).
final class ValueList: Layer, @unchecked Sendable {
    let items: [(name: String, value: Value)]
    let parentName: String

    init(_ items: [(name: String, value: Value)], parentName: String) {
        self.items = items
        self.parentName = parentName
    }

    /// The child a property's value makes, if it holds any parameter or layer.
    static func child(_ value: Value, parent: ObjectInstance) -> Layer? {
        switch value {
        case .object(let instance as ObjectInstance) where instance === parent: return nil
        case .object(let layer as Layer): return layer
        case .array(let items), .tuple(let items):
            let list = ValueList(items.enumerated().map { (String($0.offset), $0.element) }, parentName: parent.className)
            return list.holdsModel ? list : nil
        default:
            if let entries = value.dictionaryEntries {
                let list = ValueList(entries.map { ($0.key.text, $0.value) }, parentName: parent.className)
                return list.holdsModel ? list : nil
            }
            return nil
        }
    }

    private var holdsModel: Bool { !ownParameters.isEmpty || !children.isEmpty }

    override var typeName: String { "Array" }

    override var ownParameters: [(name: String, tensor: Tensor)] {
        items.compactMap { name, value in
            guard case .tensor(let tensor) = value, ParameterMarks.isParameter(tensor) else { return nil }
            return (name: name, tensor: tensor)
        }
    }

    override var children: [(name: String, layer: Layer)] {
        items.compactMap { name, value -> (name: String, layer: Layer)? in
            switch value {
            case .object(let layer as Layer): return (name: name, layer: layer)
            case .array(let inner), .tuple(let inner):
                let list = ValueList(inner.enumerated().map { (String($0.offset), $0.element) }, parentName: parentName)
                return list.holdsModel ? (name: name, layer: list) : nil
            default: return nil
            }
        }
    }

    override func forward(_ input: Tensor) throws -> Tensor {
        throw LanguageError(.typeError, "an array of layers is not called itself: call its layers, or make a Sequential of them")
    }
}

/// A function or closure used as a layer in a Sequential: `{ x in x.relu() }`.
final class FunctionLayer: Layer, @unchecked Sendable {
    let function: Value
    weak var evaluator: Evaluator?
    /// Where the Sequential was made, for errors the function raises without a place of its own.
    let span: SourceSpan

    init(_ function: Value, evaluator: Evaluator, span: SourceSpan) {
        self.function = function
        self.evaluator = evaluator
        self.span = span
    }

    override var typeName: String { "Function" }
    override var configuration: String {
        if case .function(let function) = function { return function.name }
        return ""
    }

    override func forward(_ input: Tensor) throws -> Tensor {
        guard let evaluator else { throw LanguageError(.valueError, "the session that made this function has ended") }
        let result = try evaluator.callFunction(function, [.tensor(input)], span: span)
        guard case .tensor(let output) = result else {
            throw LanguageError(.typeError, "a function in a Sequential must return a tensor, not \(describeKind(result))")
        }
        return output
    }

    override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let concrete = inputShape.map { $0 < 0 ? 1 : $0 }
        let output = try withNoGrad { try forward(try Tensor.zeros(concrete)) }
        var shape = output.shape
        if inputShape.first == -1, !shape.isEmpty { shape[0] = -1 }
        return shape
    }
}
