import Tensors

/// RMSprop, with PyTorch's formulas: g ← ∇ + λθ; v ← αv + (1 - α)g²;
/// b ← μb + g / (√v + ε) and θ ← θ - ηb with momentum, else θ ← θ - η g / (√v + ε).
public final class RMSprop: Optimizer, ElementwiseOptimizer {
    public let alpha: Double
    public let epsilon: Double
    public let momentum: Double
    public let weightDecay: Double

    public init(
        parameters: [Tensor], lr: Double = 0.01, alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0,
        weightDecay: Double = 0
    ) throws {
        guard (0...1).contains(alpha), eps >= 0, momentum >= 0, weightDecay >= 0 else {
            throw NeuralNetworkError.invalidArgument(
                "RMSprop needs alpha in [0, 1] and eps, momentum, weightDecay >= 0; got \(alpha), \(eps), \(momentum), \(weightDecay)"
            )
        }
        self.alpha = alpha
        epsilon = eps
        self.momentum = momentum
        self.weightDecay = weightDecay
        try super.init(parameters: parameters, learningRate: lr)
    }

    /// RMSprop over every parameter of `model`.
    public convenience init(
        _ model: Layer, lr: Double = 0.01, alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0,
        weightDecay: Double = 0
    ) throws {
        try self.init(
            parameters: model.parameters(), lr: lr, alpha: alpha, eps: eps, momentum: momentum, weightDecay: weightDecay
        )
    }

    override func update(index: Int, parameter: Tensor, gradient: Tensor) throws {
        try updateElements(index: index, parameter: parameter, gradient: gradient)
    }

    final func update<T: FloatScalar>(_: T.Type, index: Int, parameter: Tensor, gradient: Tensor) throws {
        let (square, _) = try stateTensor("square_avg", for: index)
        let buffer = momentum > 0 ? try stateTensor("momentum_buffer", for: index).tensor : nil
        let lr = T(learningRate), a = T(alpha), eps = T(epsilon), mu = T(momentum), decay = T(weightDecay)
        try withBuffers(T.self, parameter, gradient, [square] + (buffer.map { [$0] } ?? [])) { p, g, states in
            let v = states[0]
            for i in 0..<p.count {
                let d = g[i] + decay * p[i]
                v[i] = a * v[i] + (1 - a) * d * d
                let scaled = d / (v[i].squareRoot() + eps)
                if states.count > 1 {
                    states[1][i] = mu * states[1][i] + scaled
                    p[i] -= lr * states[1][i]
                } else {
                    p[i] -= lr * scaled
                }
            }
        }
    }
}
