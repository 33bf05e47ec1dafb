import Tensors

/// How a layer fills a new parameter tensor. Random initializers draw from the shared seeded
/// generator (`Tensor.manualSeed`) unless the layer is given its own seed.
public enum Initializer: Sendable, Equatable {
    case zeros
    case ones
    case constant(Double)
    /// Uniform in [low, high).
    case uniform(low: Double, high: Double)
    /// Normal with the given mean and standard deviation.
    case normal(mean: Double, std: Double)
    /// Glorot (Xavier) uniform: U(-a, a), a = √(6 / (fanIn + fanOut)); keeps the variance of
    /// activations and gradients about equal across layers for tanh and sigmoid. Keras's default.
    case glorotUniform
    /// Glorot (Xavier) normal: N(0, 2 / (fanIn + fanOut)).
    case glorotNormal
    /// He (Kaiming) uniform: U(-a, a), a = √(6 / fanIn); keeps activation variance for ReLU.
    case heUniform
    /// He (Kaiming) normal: N(0, 2 / fanIn).
    case heNormal
    /// PyTorch's default for Linear and Conv2d: U(-1/√fanIn, 1/√fanIn).
    case lecunUniform

    /// Xavier is Glorot's other name.
    public static let xavierUniform = Initializer.glorotUniform
    /// Xavier is Glorot's other name.
    public static let xavierNormal = Initializer.glorotNormal
    /// Kaiming is He's other name.
    public static let kaimingUniform = Initializer.heUniform
    /// Kaiming is He's other name.
    public static let kaimingNormal = Initializer.heNormal

    /// A new tensor of `shape`, scaled for a layer with `fanIn` inputs and `fanOut` outputs per unit.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, seed: UInt64? = nil, dtype: DType = .float32) throws
        -> Tensor
    {
        let fanIn = Double(max(fanIn, 1)), fanOut = Double(max(fanOut, 1))
        switch self {
        case .zeros: return try Tensor.zeros(shape, dtype: dtype)
        case .ones: return try Tensor.ones(shape, dtype: dtype)
        case .constant(let value): return try Tensor.full(shape, value: value, dtype: dtype)
        case .uniform(let low, let high): return try Tensor.rand(shape, low: low, high: high, seed: seed, dtype: dtype)
        case .normal(let mean, let std): return try Tensor.randn(shape, mean: mean, std: std, seed: seed, dtype: dtype)
        case .glorotUniform:
            let limit = (6 / (fanIn + fanOut)).squareRoot()
            return try Tensor.rand(shape, low: -limit, high: limit, seed: seed, dtype: dtype)
        case .glorotNormal:
            return try Tensor.randn(shape, std: (2 / (fanIn + fanOut)).squareRoot(), seed: seed, dtype: dtype)
        case .heUniform:
            let limit = (6 / fanIn).squareRoot()
            return try Tensor.rand(shape, low: -limit, high: limit, seed: seed, dtype: dtype)
        case .heNormal:
            return try Tensor.randn(shape, std: (2 / fanIn).squareRoot(), seed: seed, dtype: dtype)
        case .lecunUniform:
            let limit = 1 / fanIn.squareRoot()
            return try Tensor.rand(shape, low: -limit, high: limit, seed: seed, dtype: dtype)
        }
    }
}

/// Seeds for the tensors of one layer: the weight takes `seed`, the bias the next value, so
/// two tensors of one layer never share a random sequence.
func derivedSeed(_ seed: UInt64?, _ index: UInt64) -> UInt64? {
    seed.map { $0 &+ index &* 0x9E37_79B9_7F4A_7C15 }
}
