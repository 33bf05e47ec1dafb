import Interchange
import Tensors

/// How a loss turns per-element losses into its result.
public enum Reduction: Sendable {
    /// The mean over all elements (PyTorch's and Keras's default).
    case mean
    /// The sum over all elements.
    case sum
    /// The per-element losses, unreduced.
    case none

    func apply(_ losses: Tensor) throws -> Tensor {
        switch self {
        case .mean: try losses.mean()
        case .sum: try losses.sum()
        case .none: losses
        }
    }
}

/// Throws unless prediction and target have the same shape. Broadcasting [N, 1] against [N]
/// would silently compare every row with every target, so it is refused with a hint.
func requireSameShape(_ prediction: Tensor, _ target: Tensor, _ loss: String) throws {
    guard prediction.shape == target.shape else {
        var message =
            "\(loss): prediction has shape \(formatShape(prediction.shape)) but target has shape \(formatShape(target.shape))"
        if prediction.count == target.count { message += "; reshape one to match the other" }
        throw NeuralNetworkError.shapeMismatch(message)
    }
}

/// The target as floats of the prediction's dtype.
func floatTarget(_ target: Tensor, like prediction: Tensor) throws -> Tensor {
    try target.converted(to: prediction.dtype.isFloatingPoint ? prediction.dtype : .float32)
}

/// Mean squared error: mean((prediction - target)²). Gradient 2(p - t)/n.
public func mse(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try requireSameShape(prediction, target, "mse")
    let difference = try prediction - floatTarget(target, like: prediction)
    return try reduction.apply(difference * difference)
}

/// Mean absolute error: mean(|prediction - target|).
public func mae(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try requireSameShape(prediction, target, "mae")
    return try reduction.apply((prediction - floatTarget(target, like: prediction)).abs())
}

/// Huber loss: ½d² where |d| ≤ delta, delta(|d| - ½delta) beyond; quadratic near zero and
/// linear far away, so outliers pull less than with mse.
public func huber(_ prediction: Tensor, _ target: Tensor, delta: Double = 1, reduction: Reduction = .mean) throws
    -> Tensor
{
    try requireSameShape(prediction, target, "huber")
    guard delta > 0 else { throw NeuralNetworkError.invalidArgument("huber needs delta > 0, got \(delta)") }
    let distance = try (prediction - floatTarget(target, like: prediction)).abs()
    // |d| = q + l with q = min(|d|, delta): ½q² + delta·l is the Huber loss on both sides.
    let quadratic = try distance.clamp(max: delta)
    let linear = try distance - quadratic
    return try reduction.apply(quadratic * quadratic * 0.5 + linear * delta)
}

/// Binary cross-entropy of probabilities: -(t log p + (1 - t) log(1 - p)).
///
/// Each log is floored at -100, as PyTorch does, so p = 0 or 1 gives a loss of 100, not ∞.
/// The probabilities are first kept at or above the smallest positive number of their dtype,
/// whose log (-103 in float32) is below the floor: the floor, not that bound, decides the loss,
/// and a sigmoid saturated to exactly 0 or 1 gives a zero gradient rather than 0 / 0 = NaN.
public func bce(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try requireSameShape(prediction, target, "bce")
    let t = try floatTarget(target, like: prediction)
    let floor = prediction.dtype == .float64 ? Double.leastNonzeroMagnitude : Double(Float.leastNonzeroMagnitude)
    let logP = try prediction.clamp(min: floor).log().clamp(min: -100)
    let logOneMinusP = try (1.0 - prediction).clamp(min: floor).log().clamp(min: -100)
    return try reduction.apply(-(t * logP + (1.0 - t) * logOneMinusP))
}

/// Binary cross-entropy of logits: bce(sigmoid(x), t) = softplus(x) - x t, with softplus(x) =
/// log(e^0 + e^x) taken as a log-sum-exp: finite for any x, and its gradient is sigmoid(x) - t
/// everywhere. (The form max(x, 0) + log(1 + e^-|x|) has the same value, but its pieces have
/// kinks at 0 whose one-sided derivatives give -t there instead of 0.5 - t.)
public func bceWithLogits(_ logits: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try requireSameShape(logits, target, "bceWithLogits")
    let t = try floatTarget(target, like: logits)
    let pairs = try stack([try Tensor.zeros(like: logits), logits], axis: logits.rank)
    let softplus = try pairs.logSumExp(axes: [logits.rank])
    return try reduction.apply(softplus - logits * t)
}

/// Cross-entropy of logits [N, C] (or [C]) against class indices [N] or one-hot (or
/// probability) targets [N, C]: -log softmax(x)[target], through a stable log-softmax.
///
/// Float targets of shape [N] holding whole numbers are read as class indices.
public func crossEntropy(_ logits: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard logits.rank >= 1 else {
        throw NeuralNetworkError.shapeMismatch(
            "crossEntropy needs logits of shape [N, classes], got \(formatShape(logits.shape))")
    }
    let classAxis = logits.rank == 1 ? 0 : 1
    let classes = logits.shape[classAxis]
    if target.shape == logits.shape && (target.dtype.isFloatingPoint || classes == 1) {
        let perSample = try -(floatTarget(target, like: logits) * logits.logSoftmax(axis: classAxis)).sum(axis: classAxis)
        return try reduction.apply(perSample)
    }
    var expectedIndexShape = logits.shape
    expectedIndexShape.remove(at: classAxis)
    guard target.shape == expectedIndexShape else {
        throw NeuralNetworkError.shapeMismatch(
            "crossEntropy: logits of shape \(formatShape(logits.shape)) need class indices of shape \(formatShape(expectedIndexShape, unknownSize: "N")) or one-hot targets of shape \(formatShape(logits.shape)), got \(formatShape(target.shape))"
        )
    }
    let indices = try classIndices(target, classes: classes, context: "crossEntropy")
    if logits.rank == 2, logits.dtype.isFloatingPoint, reduction != .none {
        // One fused operation with the same value and gradient.
        return try logits.softmaxCrossEntropy(classIndices: indices, mean: reduction == .mean)
    }
    let picked = try logits.logSoftmax(axis: classAxis).gather(axis: classAxis, index: indices.unsqueeze(axis: classAxis)).squeeze(
        axis: classAxis)
    return try reduction.apply(-picked)
}

/// The target as int64 class indices, checked to lie in 0..<classes.
func classIndices(_ target: Tensor, classes: Int, context: String) throws -> Tensor {
    let values = target.toDoubles()
    if let bad = values.first(where: { !$0.isFinite || $0 != $0.rounded() }) {
        throw NeuralNetworkError.invalidArgument("\(context): class indices must be whole numbers, got \(bad)")
    }
    if let bad = values.first(where: { $0 < 0 || $0 >= Double(classes) }) {
        throw NeuralNetworkError.invalidArgument(
            "\(context): class index \(bad.formatted) is out of range for \(classes) classes (0...\(classes - 1))")
    }
    return target.dtype == .int64 ? target : try target.converted(to: .int64)
}

/// A loss function by name, for a training run.
public struct Loss: Sendable, CustomStringConvertible {
    /// The name shown in progress and history ("crossEntropy").
    public let name: String
    let function: @Sendable (Tensor, Tensor) throws -> Tensor

    /// A loss from any function of (prediction, target) to a one-element tensor.
    public init(name: String, _ function: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) {
        self.name = name
        self.function = function
    }

    /// The loss of `prediction` against `target`.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
        try function(prediction, target)
    }

    public var description: String { name }

    public static let mse = Loss(name: "mse") { try NeuralNetworks.mse($0, $1) }
    public static let mae = Loss(name: "mae") { try NeuralNetworks.mae($0, $1) }
    public static let huber = Loss(name: "huber") { try NeuralNetworks.huber($0, $1) }
    public static let bce = Loss(name: "bce") { try NeuralNetworks.bce($0, $1) }
    public static let bceWithLogits = Loss(name: "bceWithLogits") { try NeuralNetworks.bceWithLogits($0, $1) }
    public static let crossEntropy = Loss(name: "crossEntropy") { try NeuralNetworks.crossEntropy($0, $1) }

    /// Huber loss with another threshold.
    public static func huber(delta: Double) -> Loss {
        Loss(name: "huber") { try NeuralNetworks.huber($0, $1, delta: delta) }
    }
}

extension Double {
    /// The number as a learner would write it: `3` for whole numbers, `2.5` otherwise.
    var formatted: String {
        wholeNumber(below: 1e15).map(String.init) ?? String(self)
    }
}
