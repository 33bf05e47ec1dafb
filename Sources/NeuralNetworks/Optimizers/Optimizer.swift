import Tensors

/// Updates parameters from their gradients. Subclasses implement `update`, one parameter at a
/// time, in place; parameters that are frozen (`requiresGrad == false`) or have no gradient
/// are skipped, as in PyTorch.
///
/// Not Sendable, like the layers whose parameters it updates: one thread uses it.
open class Optimizer {
    /// The parameters updated, in order.
    public let parameters: [Tensor]
    /// The step size; learning-rate schedules change it between steps.
    public var learningRate: Double
    /// Steps taken so far.
    public private(set) var stepCount = 0
    /// Per-parameter state tensors (momentum buffers, moment estimates), by parameter index.
    var state: [Int: [String: Tensor]] = [:]

    public init(parameters: [Tensor], learningRate: Double) throws {
        guard learningRate >= 0, learningRate.isFinite else {
            throw NeuralNetworkError.invalidArgument("\(Self.self) needs a learning rate >= 0, got \(learningRate)")
        }
        if let bad = parameters.first(where: { !$0.dtype.isFloatingPoint }) {
            throw NeuralNetworkError.invalidArgument(
                "\(Self.self) can only update float tensors, got \(bad.dtype) of shape \(formatShape(bad.shape))")
        }
        self.parameters = parameters
        self.learningRate = learningRate
    }

    /// Sets every parameter's gradient to nil (they would otherwise add up across steps).
    public func zeroGrad() {
        for parameter in parameters { parameter.grad = nil }
    }

    /// Moves each parameter against its gradient (in place, outside autograd).
    public func step() throws {
        try withNoGrad { try updateAll() }
    }

    private func updateAll() throws {
        stepCount += 1
        for (index, parameter) in parameters.enumerated() where parameter.requiresGrad {
            guard let gradient = parameter.grad else { continue }
            guard gradient.shape == parameter.shape else {
                throw NeuralNetworkError.shapeMismatch(
                    "parameter \(index) has shape \(formatShape(parameter.shape)) but its gradient has shape \(formatShape(gradient.shape))"
                )
            }
            let dense = try gradient.converted(to: parameter.dtype).contiguous()
            let target = try parameter.isContiguous ? parameter : parameter.contiguous()
            try update(index: index, parameter: target, gradient: dense)
            if target !== parameter { try parameter.assign(target) }
        }
    }

    /// Updates one parameter from its gradient (both contiguous, of one float dtype).
    ///
    /// An optimizer whose update is a loop over the elements is an `ElementwiseOptimizer` and
    /// overrides this with its `updateElements`, which picks the element type.
    func update(index: Int, parameter: Tensor, gradient: Tensor) throws {}

    /// Updates of each parameter so far, by index: a parameter frozen for a while counts its
    /// own steps, as PyTorch counts them, for Adam's bias corrections.
    private var parameterSteps: [Int: Int] = [:]

    /// Counts one more update of parameter `index` and returns the new count (1 on the first).
    func advanceStep(of index: Int) -> Int {
        parameterSteps[index, default: 0] += 1
        return parameterSteps[index]!
    }

    /// The state tensor `name` for parameter `index`, made (zeros like the parameter) on first use.
    func stateTensor(_ name: String, for index: Int) throws -> (tensor: Tensor, isNew: Bool) {
        if let existing = state[index]?[name] { return (existing, false) }
        let made = try Tensor.zeros(parameters[index].shape, dtype: parameters[index].dtype)
        state[index, default: [:]][name] = made
        return (made, true)
    }
}

/// Runs `body` with writable element buffers of the parameter, its gradient and state tensors.
func withBuffers<T: FloatScalar>(
    _: T.Type, _ parameter: Tensor, _ gradient: Tensor, _ states: [Tensor],
    _ body: (UnsafeMutableBufferPointer<T>, UnsafeMutableBufferPointer<T>, [UnsafeMutableBufferPointer<T>]) throws ->
        Void
) throws {
    try parameter.withUnsafeMutableElements(as: T.self) { p in
        try gradient.withUnsafeMutableElements(as: T.self) { g in
            var buffers: [UnsafeMutableBufferPointer<T>] = []
            for state in states {
                buffers.append(try state.withUnsafeMutableElements(as: T.self) { $0 })
            }
            try body(p, g, buffers)
        }
    }
}

/// An optimizer whose update of a parameter is one loop over its elements, written once for
/// any float type (`update(_:index:parameter:gradient:)`, which should be `final`).
///
/// `updateElements` picks the element type from the dtype. It runs where the optimizer's
/// concrete type is known (each optimizer's `update(index:parameter:gradient:)` calls it), so
/// the compiler specialises the loop for Float and Double; a generic method reached through
/// the base class would run unspecialised.
protocol ElementwiseOptimizer: Optimizer {
    /// Updates parameter `index` in place, its elements (and the gradient's) of type `T`.
    func update<T: FloatScalar>(_: T.Type, index: Int, parameter: Tensor, gradient: Tensor) throws
}

extension ElementwiseOptimizer {
    /// Runs the element loop with the element type of the parameter's dtype.
    @inline(__always)
    func updateElements(index: Int, parameter: Tensor, gradient: Tensor) throws {
        if parameter.dtype == .float64 {
            try update(Double.self, index: index, parameter: parameter, gradient: gradient)
        } else {
            try update(Float.self, index: index, parameter: parameter, gradient: gradient)
        }
    }
}
