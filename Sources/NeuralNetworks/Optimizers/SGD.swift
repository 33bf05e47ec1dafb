import Tensors

/// Stochastic gradient descent, with PyTorch's formulas:
/// g ← ∇ + λθ; b ← μb + (1 - τ)g (b = g on the first step); g ← g + μb (Nesterov) or b;
/// θ ← θ - η g.
public final class SGD: Optimizer, ElementwiseOptimizer {
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool
    public let weightDecay: Double

    public init(
        parameters: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
        weightDecay: Double = 0
    ) throws {
        guard momentum >= 0, weightDecay >= 0 else {
            throw NeuralNetworkError.invalidArgument(
                "SGD needs momentum >= 0 and weightDecay >= 0, got \(momentum) and \(weightDecay)")
        }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw NeuralNetworkError.invalidArgument("SGD with nesterov needs momentum > 0 and dampening 0")
        }
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        try super.init(parameters: parameters, learningRate: lr)
    }

    /// SGD over every parameter of `model`.
    public convenience init(
        _ model: Layer, lr: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
        weightDecay: Double = 0
    ) throws {
        try self.init(
            parameters: model.parameters(), lr: lr, momentum: momentum, dampening: dampening, nesterov: nesterov,
            weightDecay: weightDecay)
    }

    override func update(index: Int, parameter: Tensor, gradient: Tensor) throws {
        try updateElements(index: index, parameter: parameter, gradient: gradient)
    }

    final func update<T: FloatScalar>(_: T.Type, index: Int, parameter: Tensor, gradient: Tensor) throws {
        let lr = T(learningRate), decay = T(weightDecay), mu = T(momentum), keep = T(1 - dampening)
        if momentum == 0 {
            try withBuffers(T.self, parameter, gradient, []) { p, g, _ in
                if weightDecay == 0 {
                    for i in 0..<p.count { p[i] -= lr * g[i] }
                } else {
                    for i in 0..<p.count { p[i] -= lr * (g[i] + decay * p[i]) }
                }
            }
            return
        }
        let (buffer, isNew) = try stateTensor("momentum_buffer", for: index)
        let nesterov = self.nesterov
        try withBuffers(T.self, parameter, gradient, [buffer]) { p, g, states in
            let b = states[0]
            for i in 0..<p.count {
                let d = g[i] + decay * p[i]
                b[i] = isNew ? d : mu * b[i] + keep * d
                p[i] -= lr * (nesterov ? d + mu * b[i] : b[i])
            }
        }
    }
}
