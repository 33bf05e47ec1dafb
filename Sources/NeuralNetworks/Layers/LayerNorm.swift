import Tensors

/// Layer normalisation: each example is centred and scaled by the mean and variance of its own
/// last axis (not the batch's, so it behaves the same in training and evaluation), then by a
/// learned weight and bias over that axis. Parameters are named `weight` and `bias`, as in
/// PyTorch's `nn.LayerNorm(features)`.
public final class LayerNorm: Layer {
    public let features: Int
    public let epsilon: Double
    /// γ, [features], ones at first.
    public let weight: Tensor
    /// β, [features], zeros at first.
    public let bias: Tensor

    public init(_ features: Int, eps: Double = 1e-5, dtype: DType = .float32) throws {
        try requirePositive(features, "features", in: "LayerNorm")
        self.features = features
        epsilon = eps
        weight = parameter(try Tensor.ones([features], dtype: dtype), label: "weight")
        bias = parameter(try Tensor.zeros([features], dtype: dtype), label: "bias")
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        _ = try outputShape(for: input.shape)
        let mean = try input.mean(axis: -1, keepDims: true)
        let centred = try input - mean
        let variance = try (centred * centred).mean(axis: -1, keepDims: true)
        return try centred / (variance + epsilon).sqrt() * weight + bias
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try checkInput(inputShape, of: self, axis: -1, size: features, meaning: "features")
        return inputShape
    }

    public override var configuration: String { "\(features)" }
}
