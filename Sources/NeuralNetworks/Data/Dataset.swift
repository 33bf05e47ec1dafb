import Tensors

/// Examples for supervised learning: features [N, ...] and targets [N, ...], row i of one
/// belonging to row i of the other.
public struct Dataset: Sendable {
    /// The inputs, one example per row.
    public let features: Tensor
    /// The answers: class indices (int64) [N], or values [N, k].
    public let targets: Tensor
    /// Names of the classes, when the targets are class indices that came from names.
    public var classNames: [String]

    public init(features: Tensor, targets: Tensor, classNames: [String] = []) throws {
        guard features.rank >= 1, targets.rank >= 1, features.shape[0] == targets.shape[0] else {
            throw NeuralNetworkError.shapeMismatch(
                "a data set needs as many target rows as feature rows: features \(formatShape(features.shape)), targets \(formatShape(targets.shape))"
            )
        }
        self.features = features
        self.targets = targets
        self.classNames = classNames
    }

    /// The number of examples.
    public var count: Int { features.shape[0] }

    /// The number of classes: the largest class index plus one (integer targets only).
    public var classCount: Int {
        guard !targets.dtype.isFloatingPoint else { return 0 }
        return max(classNames.count, (targets.toInts().max() ?? -1) + 1)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> Dataset {
        let index = try Tensor(shape: [indices.count], scalars: indices.map(Double.init), dtype: .int64)
        return try Dataset(
            features: features.select(indices: index, axis: 0), targets: targets.select(indices: index, axis: 0),
            classNames: classNames)
    }

    /// The examples in a random order drawn from `seed` (or the shared generator).
    public func shuffled(seed: UInt64? = nil) throws -> Dataset {
        try subset(Tensor.randperm(count, seed: seed).toInts())
    }

    /// Consecutive batches of `size` examples (the last may be smaller), shuffled first when asked.
    public func batches(size: Int, shuffle: Bool = false, seed: UInt64? = nil) throws -> [Dataset] {
        try requirePositive(size, "a batch size", in: "batches")
        let order = shuffle ? try Tensor.randperm(count, seed: seed).toInts() : Array(0..<count)
        return try stride(from: 0, to: count, by: size).map { start in
            try subset(Array(order[start..<min(start + size, count)]))
        }
    }

    /// Splits into training, validation and test parts of the given fractions (the rest is
    /// training), after shuffling with `seed` when asked.
    public func split(validation: Double = 0.2, test: Double = 0, shuffle: Bool = true, seed: UInt64? = nil) throws -> (
        train: Dataset, validation: Dataset, test: Dataset
    ) {
        guard validation >= 0, test >= 0, validation + test < 1 else {
            throw NeuralNetworkError.invalidArgument(
                "split needs fractions >= 0 that leave some training data, got validation \(validation), test \(test)")
        }
        let order = shuffle ? try Tensor.randperm(count, seed: seed).toInts() : Array(0..<count)
        let validationCount = Int((Double(count) * validation).rounded())
        let testCount = Int((Double(count) * test).rounded())
        let trainCount = count - validationCount - testCount
        return (
            try subset(Array(order[0..<trainCount])),
            try subset(Array(order[trainCount..<(trainCount + validationCount)])),
            try subset(Array(order[(trainCount + validationCount)...]))
        )
    }

    /// The same examples with the targets as one-hot rows [N, classes] (float32).
    public func oneHotTargets(classes: Int? = nil) throws -> Dataset {
        let classes = classes ?? classCount
        return try Dataset(
            features: features, targets: targets.oneHot(classes: classes).converted(to: .float32),
            classNames: classNames)
    }
}

/// Per-feature mean and standard deviation of some data, to standardise other data the same
/// way: (x - mean) / std gives mean 0 and variance 1 on the data it was fitted on.
public struct Standardizer: Sendable {
    /// [1, features...]
    public let mean: Tensor
    /// [1, features...]; features that never vary get 1, so they map to 0 rather than NaN.
    public let std: Tensor

    /// Fits on `features` [N, ...] (statistics over axis 0).
    public init(fitting features: Tensor) throws {
        (mean, std) = try withNoGrad {
            let spread = try features.std(axis: 0, keepDims: true)
            return (try features.mean(axis: 0, keepDims: true), try replacingZeros(spread))
        }
    }

    /// (x - mean) / std.
    public func transform(_ features: Tensor) throws -> Tensor { try (features - mean) / std }

    /// x · std + mean.
    public func inverse(_ features: Tensor) throws -> Tensor { try features * std + mean }
}

/// Per-feature minimum and maximum, to rescale data into [0, 1] (constant features map to 0).
public struct Normalizer: Sendable {
    public let minimum: Tensor
    public let range: Tensor

    public init(fitting features: Tensor) throws {
        (minimum, range) = try withNoGrad {
            let low = try features.min(axis: 0, keepDims: true)
            return (low, try replacingZeros(features.max(axis: 0, keepDims: true) - low))
        }
    }

    /// (x - min) / (max - min).
    public func transform(_ features: Tensor) throws -> Tensor { try (features - minimum) / range }
}

extension Tensor {
    /// (x - mean) / std per column (axis 0): mean 0 and variance 1 per feature.
    public func standardized() throws -> Tensor { try Standardizer(fitting: self).transform(self) }

    /// (x - min) / (max - min) per column (axis 0): each feature in [0, 1].
    public func normalized() throws -> Tensor { try Normalizer(fitting: self).transform(self) }
}

/// `spread` with zeros replaced by ones, so dividing by it leaves constant features at 0.
func replacingZeros(_ spread: Tensor) throws -> Tensor {
    try `where`(
        greater(spread, Tensor.scalar(0, dtype: spread.dtype)), spread, Tensor.ones(spread.shape, dtype: spread.dtype))
}
