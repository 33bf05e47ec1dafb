// The neural-network builtins: layers and models, losses and metrics, optimizers and their
// schedules, data sets, training runs and model files. The engine (NeuralNetworks) does the
// work; these give it the names, defaults and errors a learner meets.
//
// Registration only makes closures: no tensor is made and no BLAS call runs until a program
// calls a builtin, so an idle kernel stays small.

import Interchange
import Display
import NeuralNetworks
import Tensors

extension Builtins {
    /// Every neural-network builtin, under the topics Layers, Losses and metrics, Optimizers,
    /// Data, Training and Files.
    static func registerNetworks(in library: Library) {
        let topic = library.topic
        library.topic = "Layers"
        registerLayers(in: library)
        registerNormalization(in: library)
        library.topic = "Losses and metrics"
        registerLosses(in: library)
        library.topic = "Optimizers"
        registerOptimizers(in: library)
        library.topic = "Data"
        registerData(in: library)
        registerSampling(in: library)
        library.topic = "Training"
        registerTraining(in: library)
        library.topic = "Files"
        registerFiles(in: library)
        library.topic = topic
    }
}

// MARK: - Shared conversions

enum Networks {
    /// Activation names a layer accepts, as builtin functions (`relu`), strings or layers (`ReLU()`).
    static let activationNames = ["relu", "sigmoid", "tanh", "softmax", "leakyRelu", "gelu", "identity"]

    /// The activation an argument names; nil for none (`activation: nil` or left out).
    static func activation(_ args: Arguments, _ name: String) throws -> Activation? {
        let value = args.value(name)
        let text: String
        switch value {
        case .void: return nil
        case .string(let given): text = given
        case .function(let function) where function.isBuiltin: text = function.name
        case .function(let function):
            throw args.error(
                name,
                "\(args.builtin.name)'s \(name) must be one of \(activationNames.joined(separator: ", ")); "
                    + "\(function.name) is a function of your own: apply it to the layer's output instead")
        case .object(let object as ActivationLayer): return object.activation
        default:
            throw args.error(
                name, "\(args.builtin.name)'s \(name) must be an activation such as relu, not \(describeKind(value))")
        }
        switch text {
        case "relu": return .relu
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "softmax": return .softmax
        case "leakyRelu": return .leakyReluDefault
        case "gelu": return .gelu
        case "identity", "linear", "none": return nil
        default:
            throw args.error(
                name,
                "unknown activation '\(text)'" + (didYouMean(text, among: activationNames).isEmpty
                    ? ": use one of \(activationNames.joined(separator: ", "))" : didYouMean(text, among: activationNames)),
                kind: .valueError)
        }
    }

    /// A seed from the call, or the session's next one (`%seed N` makes those repeat).
    static func seed(_ args: Arguments, _ name: String = "seed") throws -> UInt64 {
        args.runtime.seed(try args.intIfPresent(name))
    }

    /// A layer argument.
    static func layer(_ args: Arguments, _ name: String) throws -> Layer {
        try args.object(name, as: Layer.self, expected: "a layer or model such as Dense(2, 1)")
    }

    /// The tensors an optimizer or a clipping function works on: a model's parameters, one
    /// tensor, or an array of tensors and models.
    static func parameters(_ args: Arguments, _ name: String) throws -> [Tensor] {
        func collect(_ value: Value, top: Bool) throws -> [Tensor] {
            switch value {
            case .object(let layer as Layer): return layer.parameters()
            case .tensor(let tensor): return [tensor]
            case .array(let items) where top: return try items.flatMap { try collect($0, top: false) }
            default:
                throw args.error(
                    name,
                    "\(args.builtin.name) needs a model, a tensor or an array of tensors to update, not \(describeKind(value))")
            }
        }
        return try collect(args.value(name), top: true)
    }

    /// A tensor or an array of numbers, as float32.
    static func tensor(_ value: Value, _ args: Arguments, _ name: String) throws -> Tensor {
        do {
            return try Convert.tensor(value)
        } catch let failure as LanguageError {
            throw args.error(name, "\(args.builtin.name)'s \(name): \(failure.message)", kind: failure.kind)
        }
    }

    /// An (x, y) pair: a tuple or an array of two tensors.
    static func pair(_ args: Arguments, _ name: String) throws -> (Tensor, Tensor) {
        let value = args.value(name)
        switch value {
        case .tuple(let items) where items.count == 2, .array(let items) where items.count == 2:
            return (try tensor(items[0], args, name), try tensor(items[1], args, name))
        default:
            throw args.error(
                name, "\(args.builtin.name)'s \(name) must be a pair (x, y) of features and targets, not \(describeKind(value))")
        }
    }

    /// `(x, y)` as a value.
    static func pairValue(_ data: Dataset) -> Value { .tuple([.tensor(data.features), .tensor(data.targets)]) }

    /// A file name inside the notebook's folder, checked; reads and writes go through
    /// `args.runtime.folder`.
    static func path(_ args: Arguments, _ name: String = "path") throws -> String {
        let given = try args.string(name)
        try args.runtime.checkFileName(given, span: args.span(of: name))
        return given
    }

    /// Engine file errors as the language's.
    static func fileErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as NeuralNetworkError {
            throw LanguageError(ErrorKind(named: failure.kind), failure.description)
        }
    }
}

/// A number with about four significant digits, the way tables and reports show losses.
func shortNumber(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return formatFloat(value) }
    let magnitude = Swift.abs(value)
    guard magnitude >= 1e-4, magnitude < 1e6 else { return formatFloat(value) }
    var exponent = 0
    var probe = magnitude
    while probe >= 10 { probe /= 10; exponent += 1 }
    while probe < 1 { probe *= 10; exponent -= 1 }
    let digits = 3 - exponent
    var scale = 1.0
    for _ in 0..<Swift.abs(digits) { scale *= 10 }
    let rounded = digits >= 0 ? (value * scale).rounded() / scale : (value / scale).rounded() * scale
    if let whole = rounded.wholeNumber(below: 1e15) { return String(whole) }
    return String(rounded)
}

