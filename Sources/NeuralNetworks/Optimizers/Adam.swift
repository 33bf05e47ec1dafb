import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// Adam (Kingma and Ba), with PyTorch's formulas: g ← ∇ + λθ (L2, AdamW decouples it);
/// m ← β₁m + (1 - β₁)g; v ← β₂v + (1 - β₂)g²; θ ← θ - η m̂ / (√v̂ + ε) with
/// m̂ = m / (1 - β₁ᵗ), v̂ = v / (1 - β₂ᵗ).
public class Adam: Optimizer, ElementwiseOptimizer {
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let weightDecay: Double
    /// AdamW: decay the weights directly, θ ← θ(1 - ηλ), instead of adding λθ to the gradient.
    let decoupledWeightDecay: Bool

    init(parameters: [Tensor], lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double, decoupled: Bool)
        throws
    {
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
            throw NeuralNetworkError.invalidArgument(
                "\(decoupled ? "AdamW" : "Adam") needs betas in [0, 1), got \(betas)")
        }
        guard eps >= 0, weightDecay >= 0 else {
            throw NeuralNetworkError.invalidArgument(
                "\(decoupled ? "AdamW" : "Adam") needs eps >= 0 and weightDecay >= 0")
        }
        beta1 = betas.0
        beta2 = betas.1
        epsilon = eps
        self.weightDecay = weightDecay
        decoupledWeightDecay = decoupled
        try super.init(parameters: parameters, learningRate: lr)
    }

    public convenience init(
        parameters: [Tensor], lr: Double = 0.001, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0
    ) throws {
        try self.init(
            parameters: parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: false)
    }

    /// Adam over every parameter of `model`.
    public convenience init(
        _ model: Layer, lr: Double = 0.001, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0
    ) throws {
        try self.init(
            parameters: model.parameters(), lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: false)
    }

    override func update(index: Int, parameter: Tensor, gradient: Tensor) throws {
        try updateElements(index: index, parameter: parameter, gradient: gradient)
    }

    final func update<T: FloatScalar>(_: T.Type, index: Int, parameter: Tensor, gradient: Tensor) throws {
        let (m, _) = try stateTensor("exp_avg", for: index)
        let (v, _) = try stateTensor("exp_avg_sq", for: index)
        let t = Double(advanceStep(of: index))
        let lr = T(learningRate), b1 = T(beta1), b2 = T(beta2), eps = T(epsilon), decay = T(weightDecay)
        let correction1 = T(1 - pow(beta1, t)), correction2Root = T((1 - pow(beta2, t)).squareRoot())
        let decoupled = decoupledWeightDecay
        try withBuffers(T.self, parameter, gradient, [m, v]) { p, g, states in
            let m = states[0], v = states[1]
            guard let pp = p.baseAddress, let gp = g.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress else { return }
            // Eight lanes at a time, then one: the same operations in the same order on each
            // element, so the lanes give what the one-at-a-time loop gives, bit for bit.
            let stepSize = lr / correction1
            var i = 0
            while i + 8 <= p.count {
                func load(_ q: UnsafeMutablePointer<T>) -> SIMD8<T> { UnsafeRawPointer(q + i).loadUnaligned(as: SIMD8<T>.self) }
                func store(_ value: SIMD8<T>, _ q: UnsafeMutablePointer<T>) { UnsafeMutableRawPointer(q + i).storeBytes(of: value, as: SIMD8<T>.self) }
                var pv = load(pp), d = load(gp)
                if decoupled { pv *= 1 - lr * decay } else { d += decay * pv }
                let mv = b1 * load(mp) + (1 - b1) * d
                let vv = b2 * load(vp) + (1 - b2) * d * d
                pv -= stepSize * mv / (vv.squareRoot() / correction2Root + eps)
                store(mv, mp)
                store(vv, vp)
                store(pv, pp)
                i += 8
            }
            while i < p.count {
                var d = g[i]
                if decoupled { p[i] *= 1 - lr * decay } else { d += decay * p[i] }
                m[i] = b1 * m[i] + (1 - b1) * d
                v[i] = b2 * v[i] + (1 - b2) * d * d
                // PyTorch's arrangement: η/c₁ · m / (√v/√c₂ + ε).
                p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + eps)
                i += 1
            }
        }
    }
}

/// Adam with decoupled weight decay (Loshchilov and Hutter): θ ← θ(1 - ηλ) before the Adam step.
/// The default weightDecay is 0.01, as in PyTorch.
public final class AdamW: Adam {
    public convenience init(
        parameters: [Tensor], lr: Double = 0.001, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0.01
    ) throws {
        try self.init(parameters: parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: true)
    }

    /// AdamW over every parameter of `model`.
    public convenience init(
        _ model: Layer, lr: Double = 0.001, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0.01
    ) throws {
        try self.init(
            parameters: model.parameters(), lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: true)
    }
}
