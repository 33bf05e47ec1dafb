import Tensors

/// Predicted class per row: the argmax of [N, C] scores with C > 1; for one score per row
/// ([N] or [N, 1], probabilities of class 1) whether it reaches `threshold`.
public func predictedClasses(_ predictions: Tensor, threshold: Double = 0.5) throws -> [Int] {
    if predictions.rank == 2 && predictions.shape[1] > 1 {
        return try predictions.argmax(axis: 1).toInts()
    }
    guard predictions.rank == 1 || (predictions.rank == 2 && predictions.shape[1] == 1) else {
        throw NeuralNetworkError.shapeMismatch(
            "predictions must be [N, classes], [N, 1] or [N], got \(formatShape(predictions.shape))")
    }
    return predictions.toDoubles().map { $0 >= threshold ? 1 : 0 }
}

/// True class per row, from indices [N] or [N, 1] or from one-hot rows [N, C].
public func targetClasses(_ targets: Tensor) throws -> [Int] {
    if targets.rank == 2 && targets.shape[1] > 1 { return try targets.argmax(axis: 1).toInts() }
    guard targets.rank == 1 || (targets.rank == 2 && targets.shape[1] == 1) else {
        throw NeuralNetworkError.shapeMismatch(
            "targets must be [N], [N, 1] or one-hot [N, classes], got \(formatShape(targets.shape))")
    }
    let values = targets.toDoubles()
    if let bad = values.first(where: { !$0.isFinite || $0 != $0.rounded() || Swift.abs($0) > 1e9 }) {
        throw NeuralNetworkError.invalidArgument("targets must be class indices (whole numbers), got \(bad)")
    }
    return values.map { Int($0) }
}

/// The fraction of rows whose predicted class is the target class, in [0, 1].
///
/// Predictions are scores [N, C] (argmax) or one probability per row (threshold 0.5);
/// targets are indices or one-hot rows.
public func accuracy(_ predictions: Tensor, _ targets: Tensor, threshold: Double = 0.5) throws -> Double {
    let predicted = try predictedClasses(predictions, threshold: threshold)
    let actual = try targetClasses(targets)
    guard predicted.count == actual.count else {
        throw NeuralNetworkError.shapeMismatch(
            "accuracy: \(predicted.count) predictions (shape \(formatShape(predictions.shape))) but \(actual.count) targets (shape \(formatShape(targets.shape)))"
        )
    }
    guard !actual.isEmpty else { return 0 }
    return Double(zip(predicted, actual).filter { $0 == $1 }.count) / Double(actual.count)
}

/// The confusion matrix [classes, classes] (int64): entry [i, j] counts rows of true class i
/// predicted as class j (scikit-learn's orientation), so the diagonal holds the correct ones.
public func confusionMatrix(_ predictions: Tensor, _ targets: Tensor, classes: Int? = nil) throws -> Tensor {
    let predicted = try predictedClasses(predictions)
    let actual = try targetClasses(targets)
    guard predicted.count == actual.count else {
        throw NeuralNetworkError.shapeMismatch(
            "confusionMatrix: \(predicted.count) predictions but \(actual.count) targets")
    }
    let inferred = max(predicted.max() ?? -1, actual.max() ?? -1) + 1
    let size = classes ?? max(inferred, predictions.rank == 2 ? predictions.shape[1] : 0)
    guard inferred <= size else {
        throw NeuralNetworkError.invalidArgument(
            "confusionMatrix: class \(inferred - 1) is out of range for \(size) classes")
    }
    guard size <= 10_000 else {
        throw NeuralNetworkError.invalidArgument(
            "confusionMatrix: \(size) classes is more than the 10000 a matrix is drawn for")
    }
    var counts = [Double](repeating: 0, count: size * size)
    for (p, a) in zip(predicted, actual) {
        guard p >= 0, a >= 0 else {
            throw NeuralNetworkError.invalidArgument("confusionMatrix: negative class \(min(p, a))")
        }
        counts[a * size + p] += 1
    }
    return try Tensor(shape: [size, size], scalars: counts, dtype: .int64)
}

/// A named measure of predictions against targets, for a training run's history.
public struct Metric: Sendable, CustomStringConvertible {
    /// The name shown in progress and history ("accuracy").
    public let name: String
    let function: @Sendable (Tensor, Tensor) throws -> Double

    public init(name: String, _ function: @escaping @Sendable (Tensor, Tensor) throws -> Double) {
        self.name = name
        self.function = function
    }

    /// The metric of `predictions` against `targets`.
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) throws -> Double {
        try function(predictions, targets)
    }

    public var description: String { name }

    /// Classification accuracy, as `accuracy(_:_:)`.
    public static let accuracy = Metric(name: "accuracy") { try NeuralNetworks.accuracy($0, $1) }
    /// Accuracy of one score per row against `threshold`: 0.5 for probabilities (after a
    /// sigmoid), 0 for logits (with `bceWithLogits`).
    public static func accuracy(threshold: Double) -> Metric {
        Metric(name: "accuracy") { try NeuralNetworks.accuracy($0, $1, threshold: threshold) }
    }
    /// Mean absolute error, for regression.
    public static let mae = Metric(name: "mae") { try NeuralNetworks.mae($0, $1).item() }
    /// Mean squared error, for regression.
    public static let mse = Metric(name: "mse") { try NeuralNetworks.mse($0, $1).item() }
}
