// Layers and models as values a program holds and calls: `Dense(2, 16, activation: relu)`,
// `Sequential([...])`, `model(x)`, `model.weight`, `model.freeze()`.

import Display
import NeuralNetworks
import Tensors

/// An engine layer is the program's value itself: `model.layers[0]` is the same object as the
/// `Dense` the program made, so changing one changes the other.
extension Layer: ScriptObject {
    /// Layer for `Layer.valueType`, Sequential for `Sequential.valueType`.
    public static var valueType: ValueType { ValueType(self) }
    /// The layer's class: Dense, Conv2D, ... (the Swift class's name, which `Layer.typeName`
    /// gives unless a layer names itself, as an object of a program's own class does).
    public var type: ValueType { ValueType(named: typeName) }
    /// A layer's own members, then those of every layer.
    public var types: [ValueType] { [type, Layer.everyLayer] }
    /// `Layer.valueType`, made once: `valueType` names the class it is asked of.
    private static let everyLayer = ValueType(Layer.self)

    /// `Dense(2 → 16, relu)`; a Sequential lists its layers, one a line.
    public var plainText: String {
        if let instance = self as? ObjectInstance { return instance.instanceText }
        if let sequential = self as? Sequential {
            if sequential.layers.isEmpty { return "Sequential([])" }
            return "Sequential(\n" + sequential.layers.map { "  " + $0.plainText.replacing("\n", with: "\n  ") + "," }
                .joined(separator: "\n") + "\n)"
        }
        return shortDescription
    }

    /// One line: `Dense(2 → 16, relu)`, `Conv2D(1 → 8, 3x3, relu)`, `Dropout(0.5)`.
    var shortDescription: String {
        switch self {
        case let dense as Dense:
            var parts = ["\(dense.inFeatures) → \(dense.outFeatures)"]
            if let activation = dense.activation { parts.append("\(activation)") }
            if dense.bias == nil { parts.append("no bias") }
            return "Dense(" + parts.joined(separator: ", ") + ")"
        case let conv as Conv2D:
            var parts = ["\(conv.inChannels) → \(conv.outChannels)", "\(conv.kernelSize)x\(conv.kernelSize)"]
            if conv.stride != 1 { parts.append("stride \(conv.stride)") }
            if conv.padding != 0 { parts.append("padding \(conv.padding)") }
            if let activation = conv.activation { parts.append("\(activation)") }
            if conv.bias == nil { parts.append("no bias") }
            return "Conv2D(" + parts.joined(separator: ", ") + ")"
        case let sequential as Sequential:
            return "Sequential(\(sequential.layers.count) layers)"
        default:
            return description
        }
    }

    /// Display's Keras-style summary table: Layer (type), Output Shape, Param #.
    /// A single layer keeps its one-line text beside the table; a model's text is the table.
    public func richDisplay() throws -> MIMEBundle? {
        // An object of the program's own class shows as its properties, like any value.
        if self is ObjectInstance { return nil }
        var output = Visualize.summary(self)
        if !(self is Sequential) { output.setText(plainText, for: "text/plain") }
        return output
    }

    /// The input shape a layer fixes ([N, features] for Dense), with -1 for the batch size;
    /// nil when the layer takes inputs of any size (activations, pooling, Conv2D's images).
    static func inputShape(of layer: Layer) -> [Int]? {
        switch layer {
        case let dense as Dense: return [-1, dense.inFeatures]
        case let norm as BatchNorm: return [-1, norm.features]
        case is Embedding: return [-1]
        case let sequential as Sequential:
            for child in sequential.layers {
                if let shape = inputShape(of: child) { return shape }
                if !(child is ActivationLayer || child is Dropout) { return nil }
            }
            return nil
        default: return nil
        }
    }
}

extension Layer: ShapeDescribing {
    /// `2 → 16` for `%who`: input features to output features, where the layers tell them.
    var shapeDescription: String {
        guard let input = Layer.inputShape(of: self), let output = try? outputShape(for: input) else { return "" }
        return formatShape(input, unknownSize: "N") + " → " + formatShape(output, unknownSize: "N")
    }
}

extension Builtins {
    static func registerLayers(in library: Library) {
        registerLayerConstructors(in: library)
        registerLayerMembers(in: library)
    }

    static func registerLayerConstructors(in library: Library) {
        let denseParameters: [Parameter] = [
            .positional("inputs"), .positional("outputs"), .labelled("activation", default: .void),
            .labelled("bias", default: .bool(true)), .labelled("initializer", default: .string("glorotUniform")),
            .labelled("seed", default: .void),
        ]
        func dense(_ args: Arguments) throws -> Value {
            .object(
                try Dense(
                    try args.int("inputs"), try args.int("outputs"), activation: try Networks.activation(args, "activation"),
                    bias: try args.bool("bias"), weightInitializer: try initializer(args, "initializer"),
                    seed: try Networks.seed(args)))
        }
        library.add(
            "Dense", denseParameters,
            doc: "A fully connected layer: each of the outputs is a weighted sum of the inputs plus a bias, then the activation (relu, sigmoid, tanh, softmax, leakyRelu, gelu; none by default). The weight is [outputs, inputs], as PyTorch lays it out, drawn by the initializer (glorotUniform, heUniform, heNormal, lecunUniform, normal, zeros, ...) from the seed, or from the session's seed (%seed) when none is given.",
            example: "let layer = Dense(2, 3, activation: relu, seed: 1)\nlayer(zeros([4, 2])).shape"
        ) { args in try dense(args) }
        library.add(
            "Linear", denseParameters,
            doc: "PyTorch's name for Dense: the same layer."
        , example: "let layer = Linear(3, 1, seed: 0)\nlayer.parameterCount") { args in try dense(args) }
        library.add(
            "Conv2D",
            [
                .positional("inChannels"), .positional("outChannels"), .labelled("kernelSize", default: .int(3)),
                .labelled("stride", default: .int(1)), .labelled("padding", default: .int(0)),
                .labelled("activation", default: .void), .labelled("bias", default: .bool(true)),
                .labelled("seed", default: .void),
            ],
            doc: "A 2-d convolution over images [N, channels, height, width]: each output channel slides a kernelSize x kernelSize filter over every input channel. The weight is [outChannels, inChannels, kernelSize, kernelSize] (He uniform).",
            example: "let conv = Conv2D(1, 4, kernelSize: 3, padding: 1, activation: relu, seed: 0)\nconv(zeros([2, 1, 8, 8])).shape"
        ) { args in
            .object(
                try Conv2D(
                    try args.int("inChannels"), try args.int("outChannels"), kernelSize: try args.int("kernelSize"),
                    stride: try args.int("stride"), padding: try args.int("padding"),
                    activation: try Networks.activation(args, "activation"), bias: try args.bool("bias"),
                    seed: try Networks.seed(args)))
        }
        library.add(
            "MaxPool2D", [.positional("kernelSize", default: .int(2)), .labelled("stride", default: .void)],
            doc: "Keeps the largest value of each kernelSize x kernelSize window of images [N, C, H, W]; the stride is the kernel size unless given, so the height and width shrink by that factor.",
            example: "let pool = MaxPool2D(2)\npool(ones([1, 1, 4, 4])).shape"
        ) { args in
            .object(try MaxPool2D(kernelSize: try args.int("kernelSize"), stride: try args.intIfPresent("stride")))
        }
        library.add(
            "AvgPool2D", [.positional("kernelSize", default: .int(2)), .labelled("stride", default: .void)],
            doc: "The mean of each kernelSize x kernelSize window of images [N, C, H, W]; the stride is the kernel size unless given.",
            example: "let pool = AvgPool2D(2)\npool(ones([1, 1, 4, 4])).shape"
        ) { args in
            .object(try AvgPool2D(kernelSize: try args.int("kernelSize"), stride: try args.intIfPresent("stride")))
        }
        library.add(
            "Flatten", [], doc: "Joins every axis after the first into one: images [N, C, H, W] become rows [N, C·H·W] for a Dense layer.",
            example: "Flatten()(ones([2, 3, 4, 4])).shape"
        ) { _ in .object(Flatten()) }
        library.add(
            "Dropout", [.positional("probability", default: .float(0.5)), .labelled("seed", default: .void)],
            doc: "In training mode, sets each value to 0 with the given probability and scales the others by 1/(1 - probability), so the expected output is the input; in eval mode it passes values through.",
            example: "let drop = Dropout(0.5, seed: 1)\ndrop(ones([2, 4]))"
        ) { args in
            .object(try Dropout(try args.double("probability"), seed: try Networks.seed(args)))
        }
        library.add(
            "BatchNorm", [.positional("features"), .labelled("momentum", default: .float(0.1)), .labelled("eps", default: .float(1e-5))],
            doc: "Batch normalisation over the features of rows [N, features] (or the channels of images [N, C, H, W]): in training, each feature is centred and scaled by the batch's mean and variance, then by a learned weight and bias; in eval mode the running averages are used.",
            example: "let norm = BatchNorm(3)\nnorm(tensor([[1, 2, 3], [3, 4, 5]]))"
        ) { args in
            .object(try BatchNorm(try args.int("features"), momentum: try args.double("momentum"), eps: try args.double("eps")))
        }
        library.add(
            "Embedding", [.positional("count"), .positional("dimension"), .labelled("seed", default: .void)],
            doc: "A lookup table of count rows of the given dimension: whole-number indices of any shape become their rows (the weight [count, dimension] starts as N(0, 1)).",
            example: "let embed = Embedding(10, 4, seed: 0)\nembed(tensor([1, 2, 1])).shape"
        ) { args in
            .object(try Embedding(try args.int("count"), try args.int("dimension"), seed: try Networks.seed(args)))
        }
        let activations: [(String, String, () -> Layer)] = [
            ("ReLU", "max(0, x) for each value, as a layer.", { ReLU() }),
            ("Sigmoid", "1 / (1 + e^-x) for each value, as a layer: outputs in (0, 1).", { Sigmoid() }),
            ("Tanh", "tanh(x) for each value, as a layer: outputs in (-1, 1).", { Tanh() }),
            ("Softmax", "e^x / Σ e^x along the last axis, as a layer: each row becomes probabilities that sum to 1.", { Softmax() }),
            ("GELU", "x · Φ(x) for each value (Φ the normal distribution function), as a layer.", { GELU() }),
        ]
        for (name, doc, make) in activations {
            library.add(name, [], doc: doc, example: "let layer = \(name)()\nlayer(tensor([-1, 0, 2]))") { _ in .object(make()) }
        }
        library.add(
            "LeakyReLU", [.labelled("slope", default: .float(0.01))],
            doc: "x for positive values and slope · x for the others, as a layer.",
            example: "LeakyReLU(slope: 0.1)(tensor([-1, 0, 2]))"
        ) { args in .object(LeakyReLU(slope: try args.double("slope"))) }
        library.add(
            "Sequential", [.positional("layers", default: .array([]))],
            doc: "A model that applies its layers one after another: Sequential([Dense(2, 16, activation: relu), Dense(16, 1)]). A layer may also be an object of a class with callAsFunction, or a function or closure ({ x in x.relu() }). Its parameters are named as PyTorch names them (0.weight, 0.bias, 1.weight, ...).",
            example: "let model = Sequential([\n  Dense(2, 8, activation: relu, seed: 1),\n  Dense(8, 1, seed: 2),\n])\nmodel(zeros([5, 2])).shape"
        ) { args in
            let items = try args.array("layers")
            let layers = try items.enumerated().map { index, item -> Layer in
                if case .function(let function) = item {
                    // An activation function becomes its layer, so summaries and diagrams name it;
                    // any other function or closure is a layer that applies it.
                    let layers: [String: () -> Layer] = [
                        "relu": { ReLU() }, "sigmoid": { Sigmoid() }, "tanh": { Tanh() }, "softmax": { Softmax() },
                        "gelu": { GELU() },
                    ]
                    if function.isBuiltin, let make = layers[function.name] { return make() }
                    return FunctionLayer(item, evaluator: args.evaluator, span: args.span(of: "layers"))
                }
                guard case .object(let layer as Layer) = item else {
                    throw args.error("layers", "Sequential's layers must be layers, objects of a class or functions; item \(index) is \(describeKind(item))")
                }
                return layer
            }
            return .object(Sequential(layers))
        }
    }

    static func initializer(_ args: Arguments, _ name: String) throws -> Initializer {
        let text = try args.string(name)
        let known: [String: Initializer] = [
            "glorotUniform": .glorotUniform, "glorotNormal": .glorotNormal, "xavierUniform": .glorotUniform,
            "xavierNormal": .glorotNormal, "heUniform": .heUniform, "heNormal": .heNormal, "kaimingUniform": .heUniform,
            "kaimingNormal": .heNormal, "lecunUniform": .lecunUniform, "zeros": .zeros, "ones": .ones,
            "normal": .normal(mean: 0, std: 1), "uniform": .uniform(low: -1, high: 1),
        ]
        guard let found = known[text] else {
            let hint = didYouMean(text, among: known.keys)
            throw args.error(
                name, "unknown initializer '\(text)'" + (hint.isEmpty ? ": use one of \(known.keys.sorted().joined(separator: ", "))" : hint),
                kind: .valueError)
        }
        return found
    }

    static func registerLayerMembers(in library: Library) {
        library.addCall(
            Layer.valueType, [.positional("input")],
            doc: "The layer's (or model's) output for the input: model(x). Arrays of numbers become tensors.",
            example: "let neuron = Dense(1, 1, seed: 0)\nneuron([[1.0], [2.0]])"
        ) { args in
            let layer = try args.receiverObject(as: Layer.self)
            let output = try layer.forward(try args.tensor("input"))
            ShapeTrace.record(layer, output)
            return .tensor(output)
        }
        library.addMethod(
            Layer.valueType, "forward", [.positional("input")], doc: "The same as calling the layer: layer.forward(x) is layer(x).",
            example: "Dense(2, 1, seed: 0).forward(ones([3, 2])).shape"
        ) { args in
            let layer = try args.receiverObject(as: Layer.self)
            let output = try layer.forward(try args.tensor("input"))
            ShapeTrace.record(layer, output)
            return .tensor(output)
        }
        func ownTensor(_ value: Value, _ name: String) throws -> Tensor {
            guard case .object(let layer as Layer) = value else { throw LanguageError(.typeError, "not a layer") }
            if let found = layer.ownParameters.first(where: { $0.name == name }) { return found.tensor }
            if let dense = layer as? Dense, name == "bias", dense.bias == nil {
                throw LanguageError(.valueError, "\(layer.shortDescription) has no bias: it was made with bias: false")
            }
            if let conv = layer as? Conv2D, name == "bias", conv.bias == nil {
                throw LanguageError(.valueError, "\(layer.shortDescription) has no bias: it was made with bias: false")
            }
            var message = "\(layer.shortDescription) has no \(name)"
            if layer is Sequential { message += ": its layers have them, as model.layers[0].\(name)" }
            throw LanguageError(.typeError, message)
        }
        func setOwnTensor(_ value: Value, _ name: String, _ new: Value) throws {
            let target = try ownTensor(value, name)
            let given = try Convert.tensor(new)
            guard given.shape == target.shape else {
                throw LanguageError(
                    .shapeError, "the \(name) has shape \(formatShape(target.shape)); the new value has shape \(formatShape(given.shape))")
            }
            try withNoGrad { try target.assign(given) }
        }
        for name in ["weight", "bias"] {
            library.addProperty(
                Layer.valueType, name,
                doc: name == "weight"
                    ? "The layer's weight tensor (Dense: [outputs, inputs]). Assigning a tensor of the same shape copies its values in."
                    : "The layer's bias tensor (Dense: [outputs]). Assigning a tensor of the same shape copies its values in.",
                get: { .tensor(try ownTensor($0, name)) }, set: { try setOwnTensor($0, name, $1) })
        }
        library.addProperty(Layer.valueType, "parameters", doc: "Every parameter tensor of the layer and the layers inside it, in order.") { value in
            guard case .object(let layer as Layer) = value else { return .array([]) }
            return .array(layer.parameters().map(Value.tensor))
        }
        library.addProperty(
            Layer.valueType, "namedParameters", doc: "Every parameter as a (name, tensor) pair, named as in saved files: (\"0.weight\", ...)."
        ) { value in
            guard case .object(let layer as Layer) = value else { return .array([]) }
            return .array(layer.namedParameters().map { .tuple([.string($0.name), .tensor($0.tensor)]) })
        }
        library.addProperty(Layer.valueType, "parameterCount", doc: "The number of numbers the layer learns (weights and biases).") { value in
            guard case .object(let layer as Layer) = value else { return .int(0) }
            return .int(layer.parameterCount)
        }
        library.addProperty(Layer.valueType, "trainableCount", doc: "The number of parameters training changes (those not frozen).") { value in
            guard case .object(let layer as Layer) = value else { return .int(0) }
            return .int(layer.trainableParameterCount)
        }
        library.addProperty(Layer.valueType, "isTraining", doc: "Whether the layer is in training mode (train()) rather than eval mode (eval()).") { value in
            guard case .object(let layer as Layer) = value else { return .bool(false) }
            return .bool(layer.isTraining)
        }
        library.addProperty(Layer.valueType, "isFrozen", doc: "Whether every parameter is frozen (freeze()).") { value in
            guard case .object(let layer as Layer) = value else { return .bool(false) }
            return .bool(layer.isFrozen)
        }
        let modes: [(String, String, (Layer) -> Void, String)] = [
            ("train", "Training mode, for this layer and those inside it: Dropout drops, BatchNorm uses each batch's statistics.", { $0.train() }, "model.train()\nmodel.isTraining"),
            ("eval", "Evaluation mode, for this layer and those inside it: Dropout passes values through, BatchNorm uses its running averages.", { $0.eval() }, "model.eval()\nmodel.isTraining"),
            ("freeze", "Stops training the parameters (they no longer need gradients; optimizers skip them), as for the lower layers of a pretrained model.", { $0.freeze() }, "model.freeze()\nmodel.trainableCount"),
            ("unfreeze", "Makes the parameters trainable again.", { $0.unfreeze() }, "model.freeze()\nmodel.unfreeze()\nmodel.trainableCount"),
            ("zeroGrad", "Forgets the gradients of every parameter (they add up across backward() calls otherwise).", { $0.zeroGrad() }, "model.zeroGrad()"),
        ]
        for (name, doc, apply, example) in modes {
            library.addMethod(
                Layer.valueType, name, [], doc: doc, example: "let model = Sequential([Dense(2, 2, seed: 0), Dropout(0.5)])\n" + example
            ) { args in
                apply(try args.receiverObject(as: Layer.self))
                return .void
            }
        }
        library.addMethod(
            Layer.valueType, "outputShape", [.positional("inputShape")],
            doc: "The shape of the output for an input of the given shape, without computing it; -1 stands for any batch size. A shape that does not fit is a ShapeError naming the layer.",
            example: "let model = Sequential([Conv2D(1, 4, kernelSize: 3), MaxPool2D(2), Flatten()])\nmodel.outputShape([-1, 1, 8, 8])"
        ) { args in
            let layer = try args.receiverObject(as: Layer.self)
            guard case .array(let items) = args.value("inputShape") else {
                throw args.error("inputShape", "outputShape needs a shape such as [-1, 2]")
            }
            let shape = try items.map { item -> Int in
                guard case .int(let size) = item, size >= -1 else {
                    throw args.error("inputShape", "a shape holds whole numbers ≥ 0 (or -1 for any batch size)")
                }
                return size
            }
            return .array(try layer.outputShape(for: shape).map(Value.int))
        }
        library.addProperty(Sequential.valueType, "layers", doc: "The model's layers, in order (the same objects, so changing one changes the model).") { value in
            guard case .object(let model as Sequential) = value else { return .array([]) }
            return .array(model.layers.map { .object($0) })
        }
        library.addProperty(Sequential.valueType, "count", doc: "The number of layers.") { value in
            guard case .object(let model as Sequential) = value else { return .int(0) }
            return .int(model.layers.count)
        }
        library.addMethod(
            Sequential.valueType, "[]", [.positional("index")], doc: "The layer at an index: model[0] is the first, model[-1] the last.",
            example: "let model = Sequential([Dense(2, 4, seed: 0), Dense(4, 1, seed: 1)])\nmodel[-1]"
        ) { args in
            .object(try args.receiverObject(as: Sequential.self)[try args.int("index")])
        }
        library.addMethod(
            Sequential.valueType, "append", [.positional("layer")], doc: "Adds a layer at the end of the model.",
            example: "let model = Sequential([Dense(2, 4, activation: relu, seed: 0)])\nmodel.append(Dense(4, 1, seed: 1))\nmodel.count"
        ) { args in
            try args.receiverObject(as: Sequential.self).append(try Networks.layer(args, "layer"))
            return .void
        }
    }
}
