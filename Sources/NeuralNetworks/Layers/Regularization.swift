import Tensors

/// In training, zeroes each element with probability p and scales the rest by 1/(1 - p), so
/// the expected output equals the input; in evaluation, passes the input through.
public final class Dropout: Layer {
    public let probability: Double
    /// Where the masks come from: the layer's own stream when seeded, else the shared one.
    private let stream: RandomStream

    /// - Parameter seed: makes the masks reproducible (each call draws a new mask from it).
    public init(_ probability: Double = 0.5, seed: UInt64? = nil) throws {
        guard (0..<1).contains(probability) else {
            throw NeuralNetworkError.invalidArgument("Dropout needs a probability in [0, 1), got \(probability)")
        }
        self.probability = probability
        stream = seed.map { RandomStream(seed: $0) } ?? .shared
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard isTraining, probability > 0 else { return input }
        let keep = try Tensor.bernoulli(input.shape, probability: 1 - probability, using: stream, dtype: input.dtype)
        return try input * (keep / (1 - probability))
    }

    public override var configuration: String { "\(probability)" }
}

/// Batch normalisation over the channel axis (1) of [N, C] or [N, C, H, W] inputs:
/// y = γ (x - μ) / √(σ² + ε) + β, with μ, σ² the batch's statistics in training and the
/// running estimates in evaluation. Running estimates move by `momentum` each training call
/// (σ² with Bessel's correction), as in PyTorch.
public final class BatchNorm: Layer {
    public let features: Int
    public let momentum: Double
    public let epsilon: Double
    /// γ, [features].
    public let weight: Tensor
    /// β, [features].
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVariance: Tensor
    /// Training calls so far (saved as PyTorch's int64 `num_batches_tracked`).
    public let batchesTracked: Tensor

    public init(_ features: Int, momentum: Double = 0.1, eps: Double = 1e-5, dtype: DType = .float32) throws {
        try requirePositive(features, "features", in: "BatchNorm")
        self.features = features
        self.momentum = momentum
        epsilon = eps
        weight = parameter(try Tensor.ones([features], dtype: dtype), label: "weight")
        bias = parameter(try Tensor.zeros([features], dtype: dtype), label: "bias")
        runningMean = try Tensor.zeros([features], dtype: dtype)
        runningVariance = try Tensor.ones([features], dtype: dtype)
        batchesTracked = try Tensor.zeros([], dtype: .int64)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        _ = try outputShape(for: input.shape)
        let axes = [0] + Array(2..<input.rank)
        var statisticShape = [Int](repeating: 1, count: input.rank)
        statisticShape[1] = features
        let mean: Tensor, variance: Tensor
        if isTraining {
            mean = try input.mean(axes: axes, keepDims: true)
            let centred = try input - mean
            variance = try (centred * centred).mean(axes: axes, keepDims: true)
            let n = Double(input.count / features)
            try withNoGrad {
                let unbiased = try variance.detach().reshape([features]) * (n / max(n - 1, 1))
                try runningMean.assign(runningMean * (1 - momentum) + mean.detach().reshape([features]) * momentum)
                try runningVariance.assign(runningVariance * (1 - momentum) + unbiased * momentum)
                try batchesTracked.assign(batchesTracked + 1.0)
            }
        } else {
            mean = try runningMean.reshape(statisticShape)
            variance = try runningVariance.reshape(statisticShape)
        }
        let normalized = try (input - mean) / (variance + epsilon).sqrt()
        return try normalized * weight.reshape(statisticShape) + bias.reshape(statisticShape)
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public override var ownBuffers: [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVariance), ("num_batches_tracked", batchesTracked)]
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 || inputShape.count == 4 else {
            throw NeuralNetworkError.shapeMismatch(
                "\(self) expects an [N, C] or [N, C, H, W] input, got shape \(formatShape(inputShape, unknownSize: "N"))")
        }
        try checkInput(inputShape, of: self, axis: 1, size: features, meaning: "channels")
        return inputShape
    }

    public override var configuration: String { "\(features)" }
}

/// A lookup table: integer indices of any shape [...] become rows of the weight [..., dimension].
public final class Embedding: Layer {
    public let count: Int
    public let dimension: Int
    /// [count, dimension], N(0, 1) initially as in PyTorch.
    public let weight: Tensor

    public init(_ count: Int, _ dimension: Int, seed: UInt64? = nil, dtype: DType = .float32) throws {
        try requirePositive(count, "count", in: "Embedding")
        try requirePositive(dimension, "dimension", in: "Embedding")
        self.count = count
        self.dimension = dimension
        weight = parameter(try Tensor.randn([count, dimension], seed: seed, dtype: dtype), label: "weight")
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard !input.dtype.isFloatingPoint || input.toDoubles().allSatisfy({ $0 == $0.rounded() }) else {
            throw NeuralNetworkError.invalidArgument(
                "\(self) needs integer indices, got \(input.dtype) values that are not whole")
        }
        let flat = try input.converted(to: .int64).reshape([input.count])
        if let bad = flat.toInts().first(where: { $0 < 0 || $0 >= count }) {
            throw NeuralNetworkError.invalidArgument("\(self): index \(bad) is out of range 0..<\(count)")
        }
        return try weight.select(indices: flat, axis: 0).reshape(input.shape + [dimension])
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape + [dimension] }

    public override var configuration: String { "\(count), \(dimension)" }
}
