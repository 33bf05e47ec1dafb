// Optimizers, learning-rate schedules and gradient clipping: `SGD(model, lr: 0.01)`,
// `opt.zeroGrad()`, `opt.step()`, `CosineLR(opt, steps: 100)`, `clipGradNorm(model, maxNorm: 1)`.

import NeuralNetworks
import Tensors

/// An optimizer a program holds: the engine's, with the settings it was made with for display.
public final class OptimizerObject: ScriptObject {
    public let optimizer: Optimizer
    public let kind: String
    let settings: [(String, Double)]

    init(_ optimizer: Optimizer, kind: String, settings: [(String, Double)]) {
        self.optimizer = optimizer
        self.kind = kind
        self.settings = settings
    }

    public var typeName: String { kind }
    public var typeNames: [String] { [kind, "Optimizer"] }

    public var plainText: String {
        let count = optimizer.parameters.reduce(0) { $0 + $1.count }
        let options = [("lr", optimizer.learningRate)] + settings.filter { $0.1 != 0 }
        return "\(kind)(" + options.map { "\($0.0): \(formatFloat($0.1))" }.joined(separator: ", ")
            + ") over \(optimizer.parameters.count) tensor\(optimizer.parameters.count == 1 ? "" : "s") (\(count) parameter\(count == 1 ? "" : "s"))"
    }
}

/// A learning-rate schedule attached to an optimizer.
public final class SchedulerObject: ScriptObject {
    public let scheduler: LearningRateScheduler
    public let kind: String

    init(_ scheduler: LearningRateScheduler, kind: String) {
        self.scheduler = scheduler
        self.kind = kind
    }

    public var typeName: String { kind }
    public var typeNames: [String] { [kind, "Scheduler"] }
    public var plainText: String {
        "\(kind): lr \(formatFloat(scheduler.optimizer.learningRate)) after \(scheduler.stepCount) step\(scheduler.stepCount == 1 ? "" : "s")"
    }
}

extension Builtins {
    static func registerOptimizers(in library: Library) {
        func parameters(_ args: Arguments) throws -> [Tensor] {
            let tensors = try Networks.parameters(args, "parameters")
            if case .object = args.value("parameters") { return tensors }
            // Tensors given one by one must be ones gradients reach, or the optimizer does nothing.
            if let index = tensors.firstIndex(where: { !$0.requiresGrad }) {
                throw args.error(
                    "parameters",
                    "\(args.builtin.name) updates tensors with gradients, but tensor \(index) was made without requiresGrad: true",
                    kind: .valueError)
            }
            return tensors
        }
        library.add(
            "SGD",
            [
                .positional("parameters"), .labelled("lr", default: .float(0.01)), .labelled("momentum", default: .float(0)),
                .labelled("nesterov", default: .bool(false)), .labelled("weightDecay", default: .float(0)),
            ],
            doc: "Stochastic gradient descent over a model's parameters (or an array of tensors): step() moves each parameter against its gradient, θ ← θ - lr·∇. With momentum, steps keep some of their previous direction; weightDecay adds weightDecay·θ to each gradient. PyTorch's formulas.",
            example: "let model = Dense(2, 1, seed: 0)\nlet opt = SGD(model, lr: 0.1, momentum: 0.9)\nopt"
        ) { args in
            let momentum = try args.double("momentum"), decay = try args.double("weightDecay")
            return .object(
                OptimizerObject(
                    try SGD(
                        parameters: try parameters(args), lr: try args.double("lr"), momentum: momentum,
                        nesterov: try args.bool("nesterov"), weightDecay: decay),
                    kind: "SGD", settings: [("momentum", momentum), ("weightDecay", decay)]))
        }
        func adam(_ args: Arguments, decoupled: Bool) throws -> Value {
            let betas = try args.array("betas")
            guard betas.count == 2, let beta1 = betas[0].number, let beta2 = betas[1].number else {
                throw args.error("betas", "betas is a pair of numbers such as (0.9, 0.999)")
            }
            let lr = try args.double("lr"), eps = try args.double("eps"), decay = try args.double("weightDecay")
            let tensors = try parameters(args)
            let optimizer =
                decoupled
                ? try AdamW(parameters: tensors, lr: lr, betas: (beta1, beta2), eps: eps, weightDecay: decay)
                : try Adam(parameters: tensors, lr: lr, betas: (beta1, beta2), eps: eps, weightDecay: decay)
            return .object(OptimizerObject(optimizer, kind: decoupled ? "AdamW" : "Adam", settings: [("weightDecay", decay)]))
        }
        library.add(
            "Adam",
            [
                .positional("parameters"), .labelled("lr", default: .float(0.001)),
                .labelled("betas", default: .tuple([.float(0.9), .float(0.999)])), .labelled("eps", default: .float(1e-8)),
                .labelled("weightDecay", default: .float(0)),
            ],
            doc: "Adam: each parameter gets its own step size from running averages of its gradient (betas.0) and squared gradient (betas.1). The usual first choice; lr 0.001 by default. PyTorch's formulas.",
            example: "let model = Dense(2, 1, seed: 0)\nAdam(model, lr: 0.01)"
        ) { args in try adam(args, decoupled: false) }
        library.add(
            "AdamW",
            [
                .positional("parameters"), .labelled("lr", default: .float(0.001)),
                .labelled("betas", default: .tuple([.float(0.9), .float(0.999)])), .labelled("eps", default: .float(1e-8)),
                .labelled("weightDecay", default: .float(0.01)),
            ],
            doc: "Adam with decoupled weight decay: each step also shrinks the weights by lr·weightDecay (0.01 by default), which regularises better than adding it to the gradient.",
            example: "let model = Dense(2, 1, seed: 0)\nAdamW(model, lr: 0.01, weightDecay: 0.05)"
        ) { args in try adam(args, decoupled: true) }
        library.add(
            "RMSprop",
            [
                .positional("parameters"), .labelled("lr", default: .float(0.01)), .labelled("alpha", default: .float(0.99)),
                .labelled("eps", default: .float(1e-8)), .labelled("momentum", default: .float(0)),
                .labelled("weightDecay", default: .float(0)),
            ],
            doc: "RMSprop: divides each gradient by a running root mean square of that parameter's gradients (kept with factor alpha).",
            example: "let model = Dense(2, 1, seed: 0)\nRMSprop(model, lr: 0.01)"
        ) { args in
            let momentum = try args.double("momentum"), decay = try args.double("weightDecay")
            return .object(
                OptimizerObject(
                    try RMSprop(
                        parameters: try parameters(args), lr: try args.double("lr"), alpha: try args.double("alpha"),
                        eps: try args.double("eps"), momentum: momentum, weightDecay: decay),
                    kind: "RMSprop", settings: [("alpha", try args.double("alpha")), ("momentum", momentum), ("weightDecay", decay)]))
        }

        let optimizerExample = "let model = Dense(1, 1, seed: 0)\nlet opt = SGD(model, lr: 0.1)\nlet loss = mse(model(tensor([[1.0]])), tensor([[3.0]]))\nopt.zeroGrad()\nloss.backward()\nopt.step()\n"
        library.addMethod(
            "Optimizer", "step", [], doc: "Moves every parameter by its gradient (after loss.backward()), by the optimizer's rule.",
            example: optimizerExample + "model.weight"
        ) { args in
            try args.receiverObject(as: OptimizerObject.self).optimizer.step()
            return .void
        }
        library.addMethod(
            "Optimizer", "zeroGrad", [],
            doc: "Forgets the parameters' gradients; call it before each loss.backward(), since gradients add up otherwise.",
            example: optimizerExample + "opt.zeroGrad()"
        ) { args in
            try args.receiverObject(as: OptimizerObject.self).optimizer.zeroGrad()
            return .void
        }
        library.addProperty(
            "Optimizer", "lr", doc: "The learning rate (step size); assign to change it: opt.lr = 0.01.",
            get: { value in
                guard case .object(let object as OptimizerObject) = value else { return .void }
                return .float(object.optimizer.learningRate)
            },
            set: { value, new in
                guard case .object(let object as OptimizerObject) = value else { return }
                guard let rate = new.number, rate >= 0, rate.isFinite else {
                    throw LanguageError(.valueError, "the learning rate must be a number ≥ 0, not \(describeKind(new))")
                }
                object.optimizer.learningRate = rate
            })
        library.addProperty("Optimizer", "stepCount", doc: "The number of step() calls so far.") { value in
            guard case .object(let object as OptimizerObject) = value else { return .int(0) }
            return .int(object.optimizer.stepCount)
        }
        library.addProperty("Optimizer", "parameters", doc: "The tensors the optimizer updates.") { value in
            guard case .object(let object as OptimizerObject) = value else { return .array([]) }
            return .array(object.optimizer.parameters.map(Value.tensor))
        }

        registerSchedules(in: library)
        registerClipping(in: library)
    }

    static func registerSchedules(in library: Library) {
        func schedule(_ args: Arguments, _ kind: String, _ schedule: LearningRateSchedule) throws -> Value {
            let optimizer = try args.object("optimizer", as: OptimizerObject.self, expected: "an optimizer such as SGD(model)")
            return .object(SchedulerObject(LearningRateScheduler(optimizer.optimizer, schedule: schedule), kind: kind))
        }
        func positive(_ args: Arguments, _ name: String) throws -> Int {
            let value = try args.int(name)
            guard value > 0 else { throw args.error(name, "\(name) must be at least 1, got \(value)", kind: .valueError) }
            return value
        }
        let intro = "A learning-rate schedule for an optimizer: each step() of the schedule (once per epoch, or give it to Trainer(scheduler:)) sets the optimizer's lr. "
        library.add(
            "StepLR", [.positional("optimizer"), .labelled("every"), .labelled("factor", default: .float(0.1))],
            doc: intro + "The rate is multiplied by factor every `every` steps (PyTorch's StepLR).",
            example: "let opt = SGD(Dense(2, 1, seed: 0), lr: 0.1)\nlet schedule = StepLR(opt, every: 2, factor: 0.5)\nschedule.step()\nschedule.step()\nopt.lr"
        ) { args in
            try schedule(args, "StepLR", .step(every: try positive(args, "every"), factor: try args.double("factor")))
        }
        library.add(
            "ExponentialLR", [.positional("optimizer"), .labelled("factor")],
            doc: intro + "The rate is multiplied by factor at every step.",
            example: "let opt = SGD(Dense(2, 1, seed: 0), lr: 0.1)\nlet schedule = ExponentialLR(opt, factor: 0.9)\nschedule.step()\nopt.lr"
        ) { args in try schedule(args, "ExponentialLR", .exponential(factor: try args.double("factor"))) }
        library.add(
            "CosineLR", [.positional("optimizer"), .labelled("steps"), .labelled("minimum", default: .float(0))],
            doc: intro + "The rate falls from its start to minimum along half a cosine over the given number of steps (PyTorch's CosineAnnealingLR).",
            example: "let opt = Adam(Dense(2, 1, seed: 0), lr: 0.01)\nlet schedule = CosineLR(opt, steps: 10)\nfor _ in 1...5 { schedule.step() }\nopt.lr"
        ) { args in
            try schedule(args, "CosineLR", .cosine(steps: try positive(args, "steps"), minimum: try args.double("minimum")))
        }
        library.add(
            "OneCycleLR", [.positional("optimizer"), .labelled("maxLR"), .labelled("steps"), .labelled("warmup", default: .float(0.3))],
            doc: intro + "Leslie Smith's one cycle: the rate climbs from maxLR/25 to maxLR over the first warmup fraction of the steps, then falls far below where it started. Stepped once per batch (a Trainer does that itself); steps is the number of batches of the whole run.",
            example: "let opt = SGD(Dense(2, 1, seed: 0), lr: 0.1)\nlet schedule = OneCycleLR(opt, maxLR: 0.1, steps: 100)\nopt.lr"
        ) { args in
            let warmup = try args.double("warmup")
            guard warmup > 0, warmup < 1 else { throw args.error("warmup", "warmup is a fraction between 0 and 1, got \(warmup)", kind: .valueError) }
            return try schedule(
                args, "OneCycleLR", .oneCycle(maximum: try args.double("maxLR"), steps: try positive(args, "steps"), warmupFraction: warmup))
        }
        library.addMethod(
            "Scheduler", "step", [], doc: "Advances the schedule by one step and sets the optimizer's learning rate.",
            example: "let opt = SGD(Dense(2, 1, seed: 0), lr: 0.1)\nlet schedule = StepLR(opt, every: 1, factor: 0.5)\nschedule.step()\nopt.lr"
        ) { args in
            try args.receiverObject(as: SchedulerObject.self).scheduler.step()
            return .void
        }
        library.addProperty("Scheduler", "lr", doc: "The learning rate the schedule has set now.") { value in
            guard case .object(let object as SchedulerObject) = value else { return .void }
            return .float(object.scheduler.optimizer.learningRate)
        }
        library.addProperty("Scheduler", "stepCount", doc: "The number of step() calls so far.") { value in
            guard case .object(let object as SchedulerObject) = value else { return .int(0) }
            return .int(object.scheduler.stepCount)
        }
    }

    static func registerClipping(in library: Library) {
        let setup = "let model = Dense(1, 1, seed: 0)\nmse(model(tensor([[10.0]])), tensor([[0.0]])).backward()\n"
        library.add(
            "clipGradNorm", [.positional("parameters"), .labelled("maxNorm")],
            doc: "Scales the gradients of a model's parameters (or an array of tensors) together so that their joint length (L2 norm) is at most maxNorm, keeping their direction; returns the length before clipping. Call it between loss.backward() and opt.step().",
            example: setup + "clipGradNorm(model, maxNorm: 1.0)"
        ) { args in
            .float(try clipGradientNorm(try Networks.parameters(args, "parameters"), maxNorm: try args.double("maxNorm")))
        }
        library.add(
            "clipGradValue", [.positional("parameters"), .labelled("limit")],
            doc: "Clamps every gradient element of a model's parameters (or an array of tensors) into [-limit, limit].",
            example: setup + "clipGradValue(model, limit: 0.5)\nmodel.weight.grad"
        ) { args in
            try clipGradientValue(try Networks.parameters(args, "parameters"), limit: try args.double("limit"))
            return .void
        }
        library.add(
            "gradNorm", [.positional("parameters")],
            doc: "The joint length (L2 norm) of the gradients of a model's parameters (or an array of tensors); 0 before any backward().",
            example: setup + "gradNorm(model)"
        ) { args in
            .float(gradientNorm(try Networks.parameters(args, "parameters")))
        }
    }
}
