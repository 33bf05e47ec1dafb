/// Reverse-mode automatic differentiation: the record each operation leaves on its result, and
/// the walk that turns a result's gradient into its inputs' gradients.

/// The operation that produced a tensor: its name, its inputs and how to send a gradient back.
///
/// The backward rule receives the gradient of the result and the inputs, and returns one
/// gradient per input (`nil` where none flows). It may return a gradient of the broadcast
/// shape; the engine sums it back to the input's shape. Rules never capture their result or
/// inputs (only detached values), so graphs form no reference cycles.
public final class GradNode {
    /// The operation's name, as drawn in a graph ("add", "matmul" ...).
    public let name: String
    /// The tensors the operation read.
    public private(set) var inputs: [Tensor]
    let backward: (Tensor, [Tensor]) throws -> [Tensor?]

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor, [Tensor]) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }

    deinit {
        // A long chain would otherwise be freed by nested deinits and overflow the stack.
        var pending = inputs
        inputs = []
        while var tensor = pending.popLast() {
            guard isKnownUniquelyReferenced(&tensor), var node = tensor.gradNode else { continue }
            tensor.gradNode = nil
            if isKnownUniquelyReferenced(&node) {
                pending.append(contentsOf: node.inputs)
                node.inputs = []
            }
        }
    }
}

/// Whether operations record themselves for autograd on this thread (or task).
public enum GradMode {
    @TaskLocal static var disabled = false

    /// True unless inside `withNoGrad`.
    public static var isEnabled: Bool { !disabled }
}

/// Runs `body` without recording operations: results need no gradient and hold no graph.
///
/// Use it for evaluation and for updating parameters in place.
public func withNoGrad<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradMode.$disabled.withValue(true) { try body() }
}

extension Tensor {
    /// Records `name` as the producer of `self` when gradients are on and an input needs one.
    ///
    /// - Returns: `self`, for `return try output.recorded(...)` in an op.
    @discardableResult
    func recorded(
        _ name: String, inputs: [Tensor], backward: @escaping (_ gradient: Tensor, _ inputs: [Tensor]) throws -> [Tensor?]
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return self }
        requiresGrad = true
        gradNode = GradNode(name: name, inputs: inputs, backward: backward)
        return self
    }

    /// Every tensor this one was computed from, inputs before the results that read them,
    /// ending with `self`. Walks iteratively, so graphs of any depth are fine.
    public func graph() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(tensor: Tensor, inputsDone: Bool)] = [(self, false)]
        while let (tensor, inputsDone) = stack.popLast() {
            if inputsDone {
                order.append(tensor)
                continue
            }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.gradNode?.inputs.reversed() ?? [] where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }

    /// Computes the gradient of this tensor with respect to every tensor it was computed from
    /// that requires one, and adds it to their `grad`.
    ///
    /// - Parameter gradient: the gradient of some scalar with respect to this tensor; may be
    ///   omitted for a one-element tensor (then it is 1).
    public func backward(_ gradient: Tensor? = nil) throws {
        guard requiresGrad else {
            throw TensorError.autograd(
                "backward() needs a tensor computed from tensors that require gradients; set requiresGrad on the parameters first")
        }
        try withNoGrad {
            let seed: Tensor
            if let gradient {
                guard gradient.shape == shape else {
                    throw TensorError.shapeMismatch(
                        "the gradient has shape \(formatShape(gradient.shape)) but the tensor has shape \(formatShape(shape))")
                }
                seed = try gradient.converted(to: dtype)
            } else {
                guard count == 1 else {
                    throw TensorError.autograd(
                        "backward() without a gradient needs a tensor of one element, not shape \(formatShape(shape)); reduce it first (for example with sum() or mean())")
                }
                seed = try Tensor.full(shape, value: 1, dtype: dtype)
            }
            var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for tensor in graph().reversed() {
                guard let gradient = gradients.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                if tensor.isLeaf || tensor.retainsGrad {
                    tensor.grad = try tensor.grad.map { try $0 + gradient } ?? gradient.copy()
                }
                guard let node = tensor.gradNode else { continue }
                let inputGradients = try node.backward(gradient, node.inputs)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard input.requiresGrad, let inputGradient else { continue }
                    let fitted = try inputGradient.summed(toShape: input.shape).converted(to: input.dtype)
                    let key = ObjectIdentifier(input)
                    gradients[key] = try gradients[key].map { try $0 + fitted } ?? fitted
                }
            }
        }
    }

    /// Sets `grad` to nil.
    public func zeroGrad() { grad = nil }
}
