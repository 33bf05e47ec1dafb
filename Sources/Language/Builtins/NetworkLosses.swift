// Losses and metrics: functions a program calls (`mse(pred, target)`) and passes as values
// (`Trainer(..., loss: crossEntropy, metrics: [accuracy])`).

import NeuralNetworks
import Tensors

extension Builtins {
    static func registerLosses(in library: Library) {
        let losses: [(name: String, doc: String, example: String, function: (Tensor, Tensor, Reduction) throws -> Tensor)] = [
            (
                "mse", "Mean squared error: the mean of (prediction - target)². Prediction and target must have the same shape; the loss for regression.",
                "mse(tensor([[1.0], [2.0]]), tensor([[1.5], [2.0]]))", { try mse($0, $1, reduction: $2) }
            ),
            (
                "mae", "Mean absolute error: the mean of |prediction - target|. Pulled less by outliers than mse.",
                "mae(tensor([1.0, 2.0]), tensor([1.5, 4.0]))", { try mae($0, $1, reduction: $2) }
            ),
            (
                "bce", "Binary cross-entropy of probabilities p in [0, 1] (after a sigmoid) against targets 0 or 1: -(t log p + (1 - t) log(1 - p)), averaged.",
                "bce(tensor([0.9, 0.2]), tensor([1.0, 0.0]))", { try bce($0, $1, reduction: $2) }
            ),
            (
                "bceWithLogits", "Binary cross-entropy of logits (scores before the sigmoid): bce(sigmoid(x), t), computed so that large scores cannot overflow.",
                "bceWithLogits(tensor([2.0, -1.0]), tensor([1.0, 0.0]))", { try bceWithLogits($0, $1, reduction: $2) }
            ),
            (
                "crossEntropy", "Cross-entropy of logits [N, classes] (scores before the softmax) against class indices [N] (or one-hot rows [N, classes]): the mean of -log softmax(x)[class]. The loss for classification.",
                "crossEntropy(tensor([[2.0, 0.5], [0.1, 1.5]]), tensor([0, 1]))", { try crossEntropy($0, $1, reduction: $2) }
            ),
        ]
        for loss in losses {
            library.add(
                loss.name, [.positional("prediction"), .positional("target"), .labelled("reduction", default: .string("mean"))],
                doc: loss.doc + " reduction: \"mean\" (the default), \"sum\" or \"none\" (one loss per element).",
                example: loss.example
            ) { args in
                .tensor(try loss.function(try args.tensor("prediction"), try args.tensor("target"), try reduction(args)))
            }
        }
        library.add(
            "huber", [.positional("prediction"), .positional("target"), .labelled("delta", default: .float(1)), .labelled("reduction", default: .string("mean"))],
            doc: "Huber loss: ½d² where the difference |d| ≤ delta, delta(|d| - ½delta) beyond it; like mse near the target and like mae far from it.",
            example: "huber(tensor([0.5, 3.0]), tensor([0.0, 0.0]))"
        ) { args in
            .tensor(
                try huber(
                    try args.tensor("prediction"), try args.tensor("target"), delta: try args.double("delta"),
                    reduction: try reduction(args)))
        }
        library.add(
            "accuracy", [.positional("prediction"), .positional("target"), .labelled("threshold", default: .float(0.5))],
            doc: "The fraction of rows predicted right, from 0 to 1. Predictions [N, classes] count their largest score (argmax); one score per row ([N] or [N, 1]) counts as class 1 when it reaches the threshold (0.5 for probabilities, 0 for logits). Targets are class indices or one-hot rows.",
            example: "accuracy(tensor([[2.0, 0.1], [0.3, 0.9], [0.8, 0.2]]), tensor([0, 1, 1]))"
        ) { args in
            .float(try accuracy(try args.tensor("prediction"), try args.tensor("target"), threshold: try args.double("threshold")))
        }
        library.add(
            "confusionMatrix", [.positional("prediction"), .positional("target"), .labelled("classes", default: .void)],
            doc: "The confusion matrix, a tensor [classes, classes]: entry [i, j] counts rows of true class i predicted as class j, so the diagonal holds the right ones. Predictions are read as accuracy reads them.",
            example: "confusionMatrix(tensor([[2.0, 0.1], [0.3, 0.9], [0.8, 0.2]]), tensor([0, 1, 1]))"
        ) { args in
            .tensor(
                try confusionMatrix(try args.tensor("prediction"), try args.tensor("target"), classes: try args.intIfPresent("classes")))
        }
    }

    static func reduction(_ args: Arguments) throws -> Reduction {
        switch try args.string("reduction") {
        case "mean": return .mean
        case "sum": return .sum
        case "none": return .none
        case let other:
            throw args.error("reduction", "reduction must be \"mean\", \"sum\" or \"none\", not \"\(other)\"", kind: .valueError)
        }
    }
}

/// Where a training run calls back into the program: the call of `fit` or `step` under way,
/// so a loss or metric written as a function runs with that call's place for its errors.
final class Callback: @unchecked Sendable {
    var arguments: Arguments?

    func call(_ function: Value, _ values: [Value]) throws -> Value {
        guard let arguments else { throw LanguageError(.valueError, "a training callback ran outside a call") }
        return try arguments.call(function, values)
    }
}

/// The losses a program can name (`loss: mse` or `loss: "mse"`): each case gives the engine's
/// loss, and `allCases` is the list an unknown name is matched against.
enum NamedLoss: String, CaseIterable {
    case mse, mae, huber, bce, bceWithLogits, crossEntropy

    var loss: Loss {
        switch self {
        case .mse: .mse
        case .mae: .mae
        case .huber: .huber
        case .bce: .bce
        case .bceWithLogits: .bceWithLogits
        case .crossEntropy: .crossEntropy
        }
    }
}

/// The metrics a program can name (`metrics: [accuracy]`), and the list an unknown name is
/// matched against.
enum NamedMetric: String, CaseIterable {
    case accuracy, mae, mse

    /// "accuracy, mae, mse", for messages.
    static var listed: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The metric measured beside `loss`: with bceWithLogits, accuracy compares logits with 0.
    func metric(beside loss: Loss) -> Metric {
        switch self {
        case .accuracy: loss.name == NamedLoss.bceWithLogits.rawValue ? .accuracy(threshold: 0) : .accuracy
        case .mae: .mae
        case .mse: .mse
        }
    }
}

extension Networks {

    /// A loss from a builtin (`crossEntropy`), its name as a string, or a function of the
    /// program's own taking (prediction, target) and giving a one-element tensor.
    static func loss(_ args: Arguments, _ name: String, callback: Callback) throws -> Loss {
        let value = args.value(name)
        var text: String
        switch value {
        case .string(let given): text = given
        case .function(let function) where function.isBuiltin: text = function.name
        case .function(let function):
            return Loss(name: function.name) { prediction, target in
                let result = try callback.call(value, [.tensor(prediction), .tensor(target)])
                guard case .tensor(let tensor) = result else {
                    throw LanguageError(
                        .typeError, "the loss \(function.name) must return a tensor (to call backward() on), not \(describeKind(result))")
                }
                return tensor
            }
        default:
            throw args.error(name, "\(args.builtin.name)'s \(name) must be a loss such as crossEntropy or mse, not \(describeKind(value))")
        }
        guard let named = NamedLoss(rawValue: text) else {
            let names = NamedLoss.allCases.map(\.rawValue)
            text = "unknown loss '\(text)'" + didYouMean(text, among: names)
            throw args.error(name, text + (text.hasSuffix("?") ? "" : ": use one of \(names.joined(separator: ", "))"), kind: .valueError)
        }
        return named.loss
    }

    /// Metrics from an array of builtins (`accuracy`, `mae`, `mse`), names, or functions of the
    /// program's own giving a number. With `bceWithLogits`, accuracy compares logits with 0.
    static func metrics(_ args: Arguments, _ name: String, loss: Loss, callback: Callback) throws -> [Metric] {
        let items: [Value]
        switch args.value(name) {
        case .array(let values), .tuple(let values): items = values
        case .void: items = []
        case let single: items = [single]
        }
        return try items.map { item in
            var text: String
            switch item {
            case .string(let given): text = given
            case .function(let function) where function.isBuiltin: text = function.name
            case .function(let function):
                return Metric(name: function.name) { prediction, target in
                    let result = try callback.call(item, [.tensor(prediction), .tensor(target)])
                    switch result {
                    case .int(let number): return Double(number)
                    case .float(let number): return number
                    case .tensor(let tensor) where tensor.count == 1: return tensor.toDoubles()[0]
                    default:
                        throw LanguageError(.typeError, "the metric \(function.name) must return a number, not \(describeKind(result))")
                    }
                }
            default:
                throw args.error(name, "a metric must be \(NamedMetric.listed) or a function, not \(describeKind(item))")
            }
            guard let named = NamedMetric(rawValue: text) else {
                text = "unknown metric '\(text)'" + didYouMean(text, among: NamedMetric.allCases.map(\.rawValue))
                throw args.error(name, text + (text.hasSuffix("?") ? "" : ": use \(NamedMetric.listed) or a function of your own"), kind: .valueError)
            }
            return named.metric(beside: loss)
        }
    }
}
