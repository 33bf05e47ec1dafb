import Tensors

/// A fully connected layer: y = x Wᵀ + b, then the activation if one is given.
///
/// The weight is [outFeatures, inFeatures], as PyTorch lays out `Linear.weight`; inputs are
/// [..., inFeatures] with any leading axes.
public final class Dense: Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    /// [outFeatures, inFeatures].
    public let weight: Tensor
    /// [outFeatures], or nil for a layer built with `bias: false`.
    public let bias: Tensor?
    /// Applied after the affine map; nil for none.
    public let activation: Activation?

    /// - Parameters:
    ///   - weightInitializer: Glorot uniform by default (Keras's default).
    ///   - seed: makes the initial weights reproducible; nil draws from the shared generator.
    public init(
        _ inFeatures: Int, _ outFeatures: Int, activation: Activation? = nil, bias: Bool = true,
        weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        seed: UInt64? = nil, dtype: DType = .float32
    ) throws {
        try requirePositive(inFeatures, "inFeatures", in: "Dense")
        try requirePositive(outFeatures, "outFeatures", in: "Dense")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.activation = activation
        self.weight = parameter(
            try weightInitializer.make(
                [outFeatures, inFeatures], fanIn: inFeatures, fanOut: outFeatures, seed: derivedSeed(seed, 0),
                dtype: dtype),
            label: "weight")
        self.bias =
            bias
            ? parameter(
                try biasInitializer.make(
                    [outFeatures], fanIn: inFeatures, fanOut: outFeatures, seed: derivedSeed(seed, 1), dtype: dtype),
                label: "bias")
            : nil
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try checkInput(input.shape, of: self, axis: -1, size: inFeatures, meaning: "features")
        // A batch of rows with no activation or a ReLU: one fused operation (same values).
        if input.rank == 2, activation == nil || activation == .relu {
            return try affine(input, weight, bias: bias, relu: activation == .relu)
        }
        var output = try matmul(input, weight.transpose())
        if let bias { output = try output + bias }
        return try activation?.apply(output) ?? output
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try checkInput(inputShape, of: self, axis: -1, size: inFeatures, meaning: "features")
        return inputShape.dropLast() + [outFeatures]
    }

    public override var configuration: String {
        var parts = ["\(inFeatures)", "\(outFeatures)"]
        if let activation { parts.append("activation: \(activation)") }
        if bias == nil { parts.append("bias: false") }
        return parts.joined(separator: ", ")
    }
}

/// PyTorch's name for `Dense`.
public typealias Linear = Dense
