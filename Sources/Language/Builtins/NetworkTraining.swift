// Training runs: `Trainer(model, loss:, optimizer:, data:)`, `run.fit(epochs:)` with a live
// progress display, `run.step()`, `run.evaluate(x, y)`, `run.predict(x)` and `run.history`.

import Display
import NeuralNetworks
import Tensors

/// A training run a program holds.
public final class TrainerObject: ScriptObject, TrainingHistoryHolder {
    public let trainer: Trainer
    let optimizer: OptimizerObject
    let callback: Callback

    init(_ trainer: Trainer, optimizer: OptimizerObject, callback: Callback) {
        self.trainer = trainer
        self.optimizer = optimizer
        self.callback = callback
    }

    public var typeName: String { "Trainer" }
    public var trainingHistory: TrainingHistory { trainer.history }

    /// Three lines: the model, how it learns, and on what.
    public var plainText: String {
        let model = trainer.model
        var how = "loss \(trainer.loss.name), optimizer \(optimizer.kind)(lr: \(formatFloat(optimizer.optimizer.learningRate)))"
        if !trainer.metrics.isEmpty { how += ", metrics " + trainer.metrics.map(\.name).joined(separator: ", ") }
        var data = "\(trainer.trainingData.count) training"
        if let validation = trainer.validationData { data += " + \(validation.count) validation" }
        let epochs = trainer.epochsCompleted
        data += " examples in batches of \(trainer.batchSize); \(epochs) epoch\(epochs == 1 ? "" : "s") done"
        return "Trainer: \(model.shortDescription), \(model.parameterCount) parameters\n  \(how)\n  \(data)"
    }
}

/// What a run did, epoch by epoch: a line chart of the losses and metrics, and a table as text.
public final class TrainingHistoryObject: ScriptObject, TrainingHistoryHolder {
    public let history: TrainingHistory
    init(_ history: TrainingHistory) { self.history = history }

    public var typeName: String { "TrainingHistory" }
    public var trainingHistory: TrainingHistory { history }
    public var typeNames: [String] { ["TrainingHistory", "History"] }

    /// Per-epoch series, named as Keras names them: loss, val_loss, accuracy, val_accuracy.
    public var series: [(name: String, values: [Double])] { Visualize.series(of: history) }

    public var plainText: String {
        if history.steps.isEmpty { return "TrainingHistory (empty: nothing trained yet)" }
        if history.epochs.isEmpty {
            return "TrainingHistory: \(history.steps.count) step\(history.steps.count == 1 ? "" : "s"), no epoch finished yet; last loss \(shortNumber(history.stepLosses.last!))"
        }
        let series = self.series
        let header = ["epoch"] + series.map(\.name)
        var rows = [header]
        for epoch in history.epochs.indices {
            rows.append([String(epoch + 1)] + series.map { epoch < $0.values.count ? shortNumber($0.values[epoch]) : "" })
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    /// Display's line chart of the run, epoch by epoch (step by step before an epoch ends).
    public func richDisplay() throws -> MIMEBundle? {
        guard !history.steps.isEmpty else { return nil }
        var output = Visualize.plot(history, title: "Training history")
        output.setText(plainText, for: "text/plain")
        return output
    }
}

/// One step of a run, as `run.step()` returns it: the batch's loss before and after the update
/// and each parameter's gradient norm.
public final class StepReportObject: ScriptObject {
    public let report: StepReport
    let batches: Int

    init(_ report: StepReport, batches: Int) {
        self.report = report
        self.batches = batches
    }

    public var typeName: String { "StepReport" }

    var headline: String {
        let record = report.record
        return "step \(record.step) (epoch \(record.epoch), batch \(record.batch) of \(batches)): loss \(shortNumber(report.lossBefore)) → \(shortNumber(report.lossAfter))"
    }

    public var plainText: String {
        ([headline] + report.gradients.map { "  \($0.name) \(shapeText($0.shape)): gradient norm \(shortNumber($0.norm))" })
            .joined(separator: "\n")
    }

    public func richDisplay() throws -> MIMEBundle? {
        let table = RecordTable(
            columns: ["parameter", "shape", "gradient norm"],
            rows: report.gradients.map { [.text($0.name), .text(shapeText($0.shape)), .number($0.norm)] },
            caption: headline)
        var output = table.mimeBundle()
        output.setText(plainText, for: "text/plain")
        return output
    }
}

/// The loss and metrics of a model on some data, as `run.evaluate(x, y)` returns them.
public final class EvaluationObject: ScriptObject {
    public let loss: Double
    public let metrics: [(name: String, value: Double)]

    init(loss: Double, metrics: [(name: String, value: Double)]) {
        self.loss = loss
        self.metrics = metrics
    }

    public var typeName: String { "Evaluation" }
    public var plainText: String {
        (["loss \(shortNumber(loss))"] + metrics.map { "\($0.name) \(shortNumber($0.value))" }).joined(separator: ", ")
    }

    func value(_ name: String) throws -> Double {
        if name == "loss" { return loss }
        if let found = metrics.first(where: { $0.name == name }) { return found.value }
        let names = ["loss"] + metrics.map(\.name)
        throw LanguageError(
            .valueError, "this evaluation has no \(name)" + (didYouMean(name, among: names).isEmpty
                ? ": it measured " + names.joined(separator: ", ") + " (give the Trainer metrics: [\(name)])" : didYouMean(name, among: names)))
    }
}

// MARK: - Live display

/// Display's live display of a run: it has `trainingDidFail(_:)` for a `fit` that throws.
extension LiveTrainingDisplay: LiveTrainingObserver {}

/// Follows a `fit` call in the notebook as one output updated in place.
protocol LiveTrainingObserver: TrainingObserver {
    /// `fit` threw: leave the last state shown, marked as stopped.
    func trainingDidFail(_ error: any Error)
}

extension Builtins {
    /// The live display of one `fit` call: a progress bar, the epoch table and the loss curve,
    /// first published with a new display id, then updated in place (at most four times a second).
    static func makeLiveDisplay(_ runtime: Runtime) -> any LiveTrainingObserver {
        let id = runtime.newDisplayID("training")
        return LiveTrainingDisplay(interval: 0.25, clock: Runtime.now) { bundle, isUpdate in
            if isUpdate {
                runtime.update(bundle, id: id)
            } else {
                runtime.publish(bundle, id: id)
            }
        }
    }
}

// MARK: - Builtins

extension Builtins {
    static func registerTraining(in library: Library) {
        library.add(
            "Trainer",
            [
                .positional("model"), .labelled("loss"), .labelled("optimizer", default: .void), .labelled("data"),
                .labelled("validation", default: .void), .labelled("batchSize", default: .int(32)),
                .labelled("metrics", default: .array([])), .labelled("shuffle", default: .bool(true)),
                .labelled("seed", default: .void), .labelled("scheduler", default: .void),
                .labelled("clipGradNorm", default: .void),
            ],
            doc: "A training run: the model, a loss (crossEntropy, mse, ... or a function of your own (prediction, target) → loss), an optimizer (Adam(model) when not given), the data as a pair (x, y), and what to measure. validation: a fraction of the data to hold out (0.2) or a pair (xVal, yVal). metrics: [accuracy] (or mae, mse, or functions of your own). scheduler: a learning-rate schedule stepped once per epoch (per batch for OneCycleLR); clipGradNorm: a largest gradient norm. seed fixes the hold-out split and the shuffling (the session's seed otherwise). Nothing trains until fit or step.",
            example: "let (x, y) = dataset(\"moons\", n: 64, seed: 0)\nlet model = Sequential([Dense(2, 8, activation: relu, seed: 1), Dense(8, 2, seed: 2)])\nlet run = Trainer(model, loss: crossEntropy, optimizer: Adam(model, lr: 0.01), data: (x, y),\n                  validation: 0.25, batchSize: 16, metrics: [accuracy], seed: 3)\nrun"
        ) { args in
            let model = try Networks.layer(args, "model")
            let callback = Callback()
            let loss = try Networks.loss(args, "loss", callback: callback)
            let metrics = try Networks.metrics(args, "metrics", loss: loss, callback: callback)
            let (x, y) = try Networks.pair(args, "data")
            guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0] else {
                throw args.error(
                    "data", "the data needs one target row per example: x is \(shapeText(x.shape)), y is \(shapeText(y.shape))",
                    kind: .shapeError)
            }
            do {
                _ = try model.outputShape(for: x.shape)
            } catch let failure as NeuralNetworkError {
                throw args.error("data", "the model does not fit the data x \(shapeText(x.shape)): \(failure.description)", kind: .shapeError)
            }
            try checkFirstBatch(model, loss: loss, metrics: metrics, x: x, y: y, args: args, callback: callback)
            let optimizer: OptimizerObject
            if args.has("optimizer") {
                optimizer = try args.object("optimizer", as: OptimizerObject.self, expected: "an optimizer such as Adam(model)")
            } else {
                optimizer = OptimizerObject(try Adam(model), kind: "Adam", settings: [])
            }
            let validation: Validation
            switch args.value("validation") {
            case .void: validation = .none
            case .int(0), .float(0): validation = .none
            case .tuple, .array:
                let (xv, yv) = try Networks.pair(args, "validation")
                validation = .data(try Dataset(features: xv, targets: yv))
            default:
                let fraction = try args.double("validation")
                guard fraction > 0, fraction < 1 else {
                    throw args.error(
                        "validation", "validation is the fraction of the data held out, between 0 and 1 (or a pair (xVal, yVal)), got \(formatFloat(fraction))",
                        kind: .valueError)
                }
                validation = .fraction(fraction)
            }
            let runtime = args.runtime
            let trainer = try Trainer(
                model, loss: loss, optimizer: optimizer.optimizer, data: (x, y), validation: validation,
                batchSize: try args.int("batchSize"), metrics: metrics, shuffle: try args.bool("shuffle"),
                seed: try Networks.seed(args),
                isInterrupted: { runtime.isInterruptRequested || runtime.deadline.map { Runtime.now() > $0 } ?? false })
            if args.has("scheduler") {
                let scheduler = try args.object("scheduler", as: SchedulerObject.self, expected: "a schedule such as CosineLR(opt, steps: 20)")
                guard scheduler.scheduler.optimizer === optimizer.optimizer else {
                    throw args.error("scheduler", "the schedule belongs to another optimizer than the run's", kind: .valueError)
                }
                trainer.scheduler = scheduler.scheduler
            }
            if let limit = try args.doubleIfPresent("clipGradNorm") {
                guard limit > 0 else { throw args.error("clipGradNorm", "clipGradNorm must be > 0", kind: .valueError) }
                trainer.clipGradientNorm = limit
            }
            return .object(TrainerObject(trainer, optimizer: optimizer, callback: callback))
        }

        let setup = "let (x, y) = dataset(\"moons\", n: 64, seed: 0)\nlet model = Sequential([Dense(2, 8, activation: relu, seed: 1), Dense(8, 2, seed: 2)])\nlet run = Trainer(model, loss: crossEntropy, optimizer: Adam(model, lr: 0.01), data: (x, y), validation: 0.25, batchSize: 16, metrics: [accuracy], seed: 3)\n"
        library.addMethod(
            "Trainer", "fit", [.labelled("epochs", default: .int(1)), .labelled("live", default: .bool(true))],
            doc: "Trains for the given number of epochs (each one pass over the training data in shuffled batches: forward, loss, backward, optimizer step), then measures the validation data. With live: true, one output shows a progress bar, the epoch table and the loss curve, updated in place as it goes. The next fit goes on from where this one stopped. An interrupt stops it between two batches, keeping the weights of the last step (and raises KeyboardInterrupt). Returns nothing: run.history has the numbers.",
            example: setup + "run.fit(epochs: 2, live: false)\nrun.history"
        ) { args in
            let object = try args.receiverObject(as: TrainerObject.self)
            let epochs = try args.int("epochs")
            guard epochs >= 0, epochs <= 1_000_000 else {
                throw args.error("epochs", "epochs must be from 0 to 1,000,000, got \(epochs)", kind: .valueError)
            }
            let trainer = object.trainer
            object.callback.arguments = args
            defer { object.callback.arguments = nil }
            let display = try args.bool("live") ? makeLiveDisplay(args.runtime) : nil
            trainer.observer = display
            defer { trainer.observer = nil }
            let outcome: FitOutcome
            do {
                outcome = try trainer.fit(epochs: epochs)
            } catch {
                display?.trainingDidFail(error)
                throw error
            }
            if outcome == .interrupted {
                if let deadline = args.runtime.deadline, Runtime.now() > deadline {
                    throw LanguageError(.timeoutError, "the program ran past its time limit")
                }
                let last = trainer.history.steps.last
                var message = "interrupted"
                if let last {
                    message += ": training stopped after step \(last.step) (epoch \(last.epoch), batch \(last.batch) of \(trainer.batchesPerEpoch)); the model keeps the weights of that step"
                }
                throw LanguageError(.keyboardInterrupt, message)
            }
            return .void
        }
        library.addMethod(
            "Trainer", "step", [],
            doc: "Trains on one batch (the next of the current epoch) and reports it: the batch's loss before and after the update, and the gradient norm of each parameter.",
            example: setup + "run.step()"
        ) { args in
            let object = try args.receiverObject(as: TrainerObject.self)
            object.callback.arguments = args
            defer { object.callback.arguments = nil }
            return .object(StepReportObject(try object.trainer.step(), batches: object.trainer.batchesPerEpoch))
        }
        library.addMethod(
            "Trainer", "evaluate", [.positional("x", default: .void), .positional("y", default: .void)],
            doc: "The loss and metrics of the model on x and y (the validation data when none are given), in eval mode and without gradients: shows as \"loss 0.31, accuracy 0.91\"; result.loss, result.accuracy or result[\"name\"] give one number.",
            example: setup + "run.fit(epochs: 1, live: false)\nlet result = run.evaluate(x, y)\nprint(result, result.accuracy)"
        ) { args in
            let object = try args.receiverObject(as: TrainerObject.self)
            object.callback.arguments = args
            defer { object.callback.arguments = nil }
            var data: Dataset? = nil
            if args.has("x") || args.has("y") {
                guard args.has("x"), args.has("y") else { throw args.error("evaluate needs both x and y, or neither (for the validation data)", kind: .typeError) }
                data = try Dataset(features: try args.tensor("x"), targets: try args.tensor("y"))
            }
            let result = try object.trainer.evaluate(data)
            let metrics = object.trainer.metrics.map { (name: $0.name, value: result.metrics[$0.name] ?? .nan) }
            return .object(EvaluationObject(loss: result.loss, metrics: metrics))
        }
        library.addMethod(
            "Trainer", "predict", [.positional("x")],
            doc: "The model's output for x, in eval mode and without gradients (Dropout off, BatchNorm on its running averages).",
            example: setup + "run.predict(x[0..<3])"
        ) { args in
            let object = try args.receiverObject(as: TrainerObject.self)
            return .tensor(try object.trainer.predict(try args.tensor("x")))
        }
        library.addProperty("Trainer", "history", doc: "What the run did so far, one row per epoch (loss, val_loss, each metric): shows as a line chart.") { value in
            guard case .object(let object as TrainerObject) = value else { return .void }
            return .object(TrainingHistoryObject(object.trainer.history))
        }
        library.addProperty("Trainer", "model", doc: "The model being trained.") { value in
            guard case .object(let object as TrainerObject) = value else { return .void }
            return .object(object.trainer.model)
        }
        library.addProperty("Trainer", "optimizer", doc: "The optimizer the run steps (its lr can be changed between fits).") { value in
            guard case .object(let object as TrainerObject) = value else { return .void }
            return .object(object.optimizer)
        }
        library.addProperty("Trainer", "epochs", doc: "The number of epochs finished so far.") { value in
            guard case .object(let object as TrainerObject) = value else { return .int(0) }
            return .int(object.trainer.epochsCompleted)
        }
        library.addProperty("Trainer", "batchesPerEpoch", doc: "The number of batches (steps) in one epoch.") { value in
            guard case .object(let object as TrainerObject) = value else { return .int(0) }
            return .int(object.trainer.batchesPerEpoch)
        }

        registerHistoryMembers(in: library)
    }

    /// Runs the loss and the metrics once on the first rows, without gradients and in eval
    /// mode, so a loss that does not fit the model's output or the targets is reported where
    /// the run is made (pointing at loss: or metrics:), not in the middle of fit.
    static func checkFirstBatch(
        _ model: Layer, loss: Loss, metrics: [Metric], x: Tensor, y: Tensor, args: Arguments, callback: Callback
    ) throws {
        let rows = try Tensor(shape: [Swift.min(x.shape[0], 2)], scalars: [0, 1].prefix(Swift.min(x.shape[0], 2)).map(Double.init), dtype: .int64)
        let wasTraining = model.isTraining
        model.eval()
        defer { model.setTraining(wasTraining) }
        callback.arguments = args
        defer { callback.arguments = nil }
        try withNoGrad {
            let features = try x.select(indices: rows, axis: 0), targets = try y.select(indices: rows, axis: 0)
            let output = try model(features)
            do {
                let value = try loss(output, targets)
                guard value.count == 1 else {
                    throw LanguageError(.shapeError, "the loss must give one number, got a tensor of shape \(shapeText(value.shape))")
                }
            } catch let failure as NeuralNetworkError {
                throw args.error(
                    "loss", "the loss does not fit the model's output \(shapeText(output.shape)) and the targets \(shapeText(targets.shape)): \(failure.description)",
                    kind: ErrorKind(named: failure.kind))
            }
            for metric in metrics {
                do {
                    _ = try metric(output, targets)
                } catch let failure as NeuralNetworkError {
                    throw args.error(
                        "metrics", "the metric \(metric.name) does not fit the model's output \(shapeText(output.shape)) and the targets \(shapeText(targets.shape)): \(failure.description)",
                        kind: ErrorKind(named: failure.kind))
                }
            }
        }
    }

    static func registerHistoryMembers(in library: Library) {
        func history(_ value: Value) -> TrainingHistoryObject? {
            if case .object(let object as TrainingHistoryObject) = value { return object }
            return nil
        }
        func floats(_ values: [Double]) -> Value { .array(values.map(Value.float)) }
        library.addProperty("TrainingHistory", "loss", doc: "The training loss of each epoch (the mean over its batches).") { value in
            floats(history(value)?.history.epochLosses ?? [])
        }
        library.addProperty("TrainingHistory", "valLoss", doc: "The validation loss after each epoch (empty without validation data).") { value in
            floats(history(value)?.history.validationLosses ?? [])
        }
        library.addProperty("TrainingHistory", "stepLosses", doc: "The loss of every batch, in order.") { value in
            floats(history(value)?.history.stepLosses ?? [])
        }
        library.addProperty("TrainingHistory", "epochs", doc: "The number of epochs recorded.") { value in
            .int(history(value)?.history.epochs.count ?? 0)
        }
        library.addMethod(
            "TrainingHistory", "metric", [.positional("name")],
            doc: "A metric per epoch by name: \"accuracy\" for training, \"val_accuracy\" for validation.",
            example: "let (x, y) = dataset(\"moons\", n: 64, seed: 0)\nlet model = Dense(2, 2, seed: 1)\nlet run = Trainer(model, loss: crossEntropy, data: (x, y), validation: 0.25, metrics: [accuracy], seed: 2)\nrun.fit(epochs: 2, live: false)\nrun.history.metric(\"val_accuracy\")"
        ) { args in
            guard case .object(let object as TrainingHistoryObject) = args.receiver else { return .void }
            let name = try args.string("name")
            let known = object.series.map(\.name)
            guard let found = object.series.first(where: { $0.name == name }) else {
                if known.isEmpty { throw args.error("name", "the history is empty: nothing has been trained yet", kind: .valueError) }
                let hint = didYouMean(name, among: known)
                throw args.error(
                    "name", "the history has no \(name)" + (hint.isEmpty ? ": it has " + known.joined(separator: ", ") : hint), kind: .valueError)
            }
            return floats(found.values)
        }

        library.addProperty("StepReport", "lossBefore", doc: "The batch's loss before the update.") { value in
            guard case .object(let object as StepReportObject) = value else { return .void }
            return .float(object.report.lossBefore)
        }
        library.addProperty("StepReport", "lossAfter", doc: "The same batch's loss after the update.") { value in
            guard case .object(let object as StepReportObject) = value else { return .void }
            return .float(object.report.lossAfter)
        }
        library.addProperty("StepReport", "gradientNorms", doc: "Each parameter's gradient norm, as (name, norm) pairs.") { value in
            guard case .object(let object as StepReportObject) = value else { return .array([]) }
            return .array(object.report.gradients.map { .tuple([.string($0.name), .float($0.norm)]) })
        }

        library.addProperty("Evaluation", "loss", doc: "The mean loss over the data.") { value in
            guard case .object(let object as EvaluationObject) = value else { return .void }
            return .float(object.loss)
        }
        library.addProperty("Evaluation", "accuracy", doc: "The accuracy, when the run measures it (metrics: [accuracy]).") { value in
            guard case .object(let object as EvaluationObject) = value else { return .void }
            return .float(try object.value("accuracy"))
        }
        library.addMethod(
            "Evaluation", "[]", [.positional("name")], doc: "One measure by name: result[\"loss\"], result[\"accuracy\"].",
            example: "let (x, y) = dataset(\"blobs\", n: 60, classes: 3, seed: 0)\nlet model = Dense(2, 3, seed: 1)\nlet run = Trainer(model, loss: crossEntropy, data: (x, y), metrics: [accuracy], seed: 2)\nrun.evaluate(x, y)[\"accuracy\"]"
        ) { args in
            .float(try args.receiverObject(as: EvaluationObject.self).value(try args.string("name")))
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
