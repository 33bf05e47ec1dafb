import Tensors

/// A part of a network: it maps an input tensor to an output tensor and owns named parameters.
///
/// Subclasses override `forward`, `ownParameters` (and `ownBuffers`, `children` when they have
/// them), `outputShape(for:)` and `configuration`. Parameters are named as PyTorch names them:
/// a layer's own `weight`, and a child's parameters prefixed with the child's name (`0.weight`).
///
/// Not Sendable: a layer is mutable and takes no locks, so it belongs to the thread that runs
/// the program using it (a kernel runs one cell at a time).
open class Layer: CustomStringConvertible {
    /// Whether the layer is in training mode (dropout active, batch statistics used).
    public private(set) var isTraining = true
    /// The Swift class's name, read once: `String(describing:)` reflects on the type, and a
    /// program asks a layer its type for every member it uses (`model(x)`, `model.parameters`).
    private var swiftClassName = ""

    public init() { swiftClassName = String(describing: type(of: self)) }

    /// The layer's output for `input`.
    open func forward(_ input: Tensor) throws -> Tensor {
        throw NeuralNetworkError.invalidArgument("\(typeName) does not implement forward(_:)")
    }

    /// Parameters this layer holds itself (not its children's), by local name.
    open var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// State that is saved with the weights but not trained (BatchNorm's running statistics).
    open var ownBuffers: [(name: String, tensor: Tensor)] { [] }

    /// Layers inside this one, by local name.
    open var children: [(name: String, layer: Layer)] { [] }

    /// Whether `layer` is this layer or one of its descendants.
    public func contains(_ layer: Layer) -> Bool {
        self === layer || children.contains { $0.layer.contains(layer) }
    }

    /// The output shape for an input of `inputShape`; a leading `-1` stands for any batch size.
    open func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// The arguments the layer was built with, as shown in `description` ("2, 16, activation: relu").
    open var configuration: String { "" }

    /// The layer's type as a learner wrote it ("Dense", "Conv2D").
    open var typeName: String { swiftClassName }

    /// Switches training mode on or off, for this layer and all inside it.
    open func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in children { child.setTraining(training) }
    }

    public var description: String { "\(typeName)(\(configuration))" }

    /// `layer(x)` is `layer.forward(x)`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }
}

extension Layer {
    /// Every parameter of this layer and the layers inside it, with dotted names (`0.weight`).
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        collect(\.ownParameters)
    }

    /// Every buffer (untrained saved state), with dotted names (`1.running_mean`).
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        collect(\.ownBuffers)
    }

    /// The parameters, in the order of `namedParameters()`.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// What is saved to a file: parameters then buffers, by name.
    public func stateDict() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

    private func collect(_ own: KeyPath<Layer, [(name: String, tensor: Tensor)]>) -> [(name: String, tensor: Tensor)] {
        var result = self[keyPath: own]
        for (childName, child) in children {
            result += child.collect(own).map { (name: "\(childName).\($0.name)", tensor: $0.tensor) }
        }
        return result
    }

    /// The number of parameter elements (weights and biases).
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// The number of parameter elements that training changes (not frozen).
    public var trainableParameterCount: Int { parameters().filter(\.requiresGrad).reduce(0) { $0 + $1.count } }

    /// Training mode: dropout drops, batch normalisation uses the batch's statistics.
    public func train() { setTraining(true) }

    /// Evaluation mode: dropout passes through, batch normalisation uses running statistics.
    public func eval() { setTraining(false) }

    /// Stops training this layer's parameters (and those inside it): optimizers skip them.
    public func freeze() {
        for parameter in parameters() {
            parameter.requiresGrad = false
            parameter.grad = nil
        }
    }

    /// Makes this layer's parameters trainable again.
    public func unfreeze() {
        for parameter in parameters() { parameter.requiresGrad = true }
    }

    /// Whether every parameter is frozen (true for a layer with none).
    public var isFrozen: Bool { parameters().allSatisfy { !$0.requiresGrad } }

    /// Sets every parameter's gradient to nil.
    public func zeroGrad() {
        for parameter in parameters() { parameter.grad = nil }
    }
}

/// Makes a trainable parameter tensor.
func parameter(_ tensor: Tensor, label: String) -> Tensor {
    tensor.requiresGrad = true
    tensor.label = label
    return tensor
}

/// Checks that `shape` has `rank` axes and `expected` along `axis`, naming the layer on failure.
func checkInput(
    _ shape: [Int], of layer: Layer, rank: Int? = nil, minimumRank: Int = 1, axis: Int, size expected: Int,
    meaning: String
) throws {
    if let rank, shape.count != rank {
        throw NeuralNetworkError.shapeMismatch(
            "\(layer) expects an input of rank \(rank), got shape \(formatShape(shape, unknownSize: "N"))")
    }
    guard shape.count >= minimumRank else {
        throw NeuralNetworkError.shapeMismatch(
            "\(layer) expects an input of rank at least \(minimumRank), got shape \(formatShape(shape, unknownSize: "N"))")
    }
    let resolved = axis < 0 ? shape.count + axis : axis
    guard shape[resolved] == expected else {
        throw NeuralNetworkError.shapeMismatch(
            "\(layer) expects \(expected) \(meaning) along axis \(resolved), got input of shape \(formatShape(shape, unknownSize: "N"))")
    }
}
