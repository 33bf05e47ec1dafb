import Tensors

/// 2-d convolution (cross-correlation) over [N, C, H, W] inputs: out[n, f] = b[f] + Σ_c w[f, c] ⋆ x[n, c].
///
/// The weight is [outChannels, inChannels, kernelSize, kernelSize] as in PyTorch's Conv2d.
public final class Conv2D: Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let weight: Tensor
    public let bias: Tensor?
    public let activation: Activation?

    /// - Parameter weightInitializer: He uniform by default, suited to ReLU networks.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        activation: Activation? = nil,
        bias: Bool = true, weightInitializer: Initializer = .heUniform, seed: UInt64? = nil, dtype: DType = .float32
    ) throws {
        try requirePositive(inChannels, "inChannels", in: "Conv2D")
        try requirePositive(outChannels, "outChannels", in: "Conv2D")
        try requirePositive(kernelSize, "kernelSize", in: "Conv2D")
        try requirePositive(stride, "stride", in: "Conv2D")
        guard padding >= 0 else {
            throw NeuralNetworkError.invalidArgument("Conv2D needs padding >= 0, got \(padding)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.activation = activation
        let fanIn = inChannels * kernelSize * kernelSize, fanOut = outChannels * kernelSize * kernelSize
        weight = parameter(
            try weightInitializer.make(
                [outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, fanOut: fanOut,
                seed: derivedSeed(seed, 0), dtype: dtype),
            label: "weight")
        self.bias = bias ? parameter(try Tensor.zeros([outChannels], dtype: dtype), label: "bias") : nil
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        _ = try outputShape(for: input.shape)
        let output = try conv2d(input, weight, bias: bias, stride: stride, padding: padding)
        return try activation?.apply(output) ?? output
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try checkInput(inputShape, of: self, rank: 4, axis: 1, size: inChannels, meaning: "channels")
        let height = (inputShape[2] + 2 * padding - kernelSize) / stride + 1
        let width = (inputShape[3] + 2 * padding - kernelSize) / stride + 1
        guard inputShape[2] + 2 * padding >= kernelSize, inputShape[3] + 2 * padding >= kernelSize else {
            throw NeuralNetworkError.shapeMismatch(
                "\(self): a \(kernelSize)x\(kernelSize) kernel does not fit an input of shape \(formatShape(inputShape, unknownSize: "N"))")
        }
        return [inputShape[0], outChannels, height, width]
    }

    public override var configuration: String {
        var parts = ["\(inChannels)", "\(outChannels)", "kernelSize: \(kernelSize)"]
        if stride != 1 { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        if let activation { parts.append("activation: \(activation)") }
        return parts.joined(separator: ", ")
    }
}

/// The largest value of each kernelSize x kernelSize window of [N, C, H, W] inputs.
public final class MaxPool2D: Layer {
    public let kernelSize: Int
    public let stride: Int

    /// The stride defaults to the kernel size (windows that do not overlap).
    public init(kernelSize: Int = 2, stride: Int? = nil) throws {
        try requirePositive(kernelSize, "kernelSize", in: "MaxPool2D")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        try requirePositive(self.stride, "stride", in: "MaxPool2D")
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        _ = try outputShape(for: input.shape)
        return try input.maxPool2d(kernelSize: kernelSize, stride: stride)
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try pooledShape(inputShape, kernelSize: kernelSize, stride: stride, layer: self)
    }

    public override var configuration: String {
        "kernelSize: \(kernelSize)" + (stride != kernelSize ? ", stride: \(stride)" : "")
    }
}

/// The mean of each kernelSize x kernelSize window of [N, C, H, W] inputs.
public final class AvgPool2D: Layer {
    public let kernelSize: Int
    public let stride: Int

    public init(kernelSize: Int = 2, stride: Int? = nil) throws {
        try requirePositive(kernelSize, "kernelSize", in: "AvgPool2D")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        try requirePositive(self.stride, "stride", in: "AvgPool2D")
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        _ = try outputShape(for: input.shape)
        return try input.avgPool2d(kernelSize: kernelSize, stride: stride)
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try pooledShape(inputShape, kernelSize: kernelSize, stride: stride, layer: self)
    }

    public override var configuration: String {
        "kernelSize: \(kernelSize)" + (stride != kernelSize ? ", stride: \(stride)" : "")
    }
}

func pooledShape(_ inputShape: [Int], kernelSize: Int, stride: Int, layer: Layer) throws -> [Int] {
    guard inputShape.count == 4 else {
        throw NeuralNetworkError.shapeMismatch(
            "\(layer) expects an [N, C, H, W] input, got shape \(formatShape(inputShape, unknownSize: "N"))")
    }
    guard inputShape[2] >= kernelSize, inputShape[3] >= kernelSize else {
        throw NeuralNetworkError.shapeMismatch(
            "\(layer): a \(kernelSize)x\(kernelSize) window does not fit an input of shape \(formatShape(inputShape, unknownSize: "N"))")
    }
    return [
        inputShape[0], inputShape[1], (inputShape[2] - kernelSize) / stride + 1,
        (inputShape[3] - kernelSize) / stride + 1,
    ]
}

/// Joins every axis after the first into one: [N, C, H, W] becomes [N, C·H·W].
public final class Flatten: Layer {
    public override init() {}

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 2 else { return try input.reshape([input.count, 1]) }
        return try input.reshape([input.shape[0], input.count / max(input.shape[0], 1)])
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let batch = inputShape.first else { return [1, 1] }
        return [batch, inputShape.dropFirst().reduce(1, *)]
    }
}
