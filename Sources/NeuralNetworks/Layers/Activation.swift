import Tensors

/// An elementwise (or, for softmax, per-row) nonlinearity, for `Dense(..., activation:)`.
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    /// max(0, x).
    case relu
    /// 1 / (1 + e^-x), in (0, 1).
    case sigmoid
    /// (e^x - e^-x) / (e^x + e^-x), in (-1, 1).
    case tanh
    /// e^x / Σ e^x along the last axis: each row sums to 1.
    case softmax
    /// x for x > 0, slope · x otherwise.
    case leakyRelu(slope: Double)
    /// x · Φ(x), Φ the standard normal distribution function.
    case gelu
    /// x unchanged.
    case identity

    /// LeakyReLU with the usual slope 0.01.
    public static let leakyReluDefault = Activation.leakyRelu(slope: 0.01)

    /// The activation applied to `x`.
    public func apply(_ x: Tensor) throws -> Tensor {
        switch self {
        case .relu: try x.relu()
        case .sigmoid: try x.sigmoid()
        case .tanh: try x.tanh()
        case .softmax: try x.softmax(axis: -1)
        case .leakyRelu(let slope): try x.leakyRelu(slope: slope)
        case .gelu: try x.gelu()
        case .identity: x
        }
    }

    public var description: String {
        switch self {
        case .relu: "relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .softmax: "softmax"
        case .leakyRelu(let slope): slope == 0.01 ? "leakyRelu" : "leakyRelu(slope: \(slope))"
        case .gelu: "gelu"
        case .identity: "identity"
        }
    }
}

/// A layer that applies an activation and has no parameters.
public class ActivationLayer: Layer {
    /// The function applied.
    public let activation: Activation

    public init(_ activation: Activation) {
        self.activation = activation
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try activation.apply(input) }
}

/// max(0, x), elementwise.
public final class ReLU: ActivationLayer {
    public init() { super.init(.relu) }
}

/// 1 / (1 + e^-x), elementwise.
public final class Sigmoid: ActivationLayer {
    public init() { super.init(.sigmoid) }
}

/// tanh(x), elementwise.
public final class Tanh: ActivationLayer {
    public init() { super.init(.tanh) }
}

/// e^x / Σ e^x along the last axis.
public final class Softmax: ActivationLayer {
    public init() { super.init(.softmax) }
}

/// x for x > 0, slope · x otherwise.
public final class LeakyReLU: ActivationLayer {
    public init(slope: Double = 0.01) { super.init(.leakyRelu(slope: slope)) }
    public override var configuration: String {
        if case .leakyRelu(let slope) = activation { return "slope: \(slope)" }
        return ""
    }
}

/// x · Φ(x), elementwise.
public final class GELU: ActivationLayer {
    public init() { super.init(.gelu) }
}
