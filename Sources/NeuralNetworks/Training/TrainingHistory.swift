/// What one optimizer step of a training run did.
public struct StepRecord: Sendable, Equatable {
    /// 1 for the run's first step; keeps counting across `fit` calls.
    public let step: Int
    /// The epoch this step belongs to (1-based).
    public let epoch: Int
    /// The batch within its epoch (1-based).
    public let batch: Int
    /// The loss on the batch before the update.
    public let loss: Double
    /// The run's metrics on the batch's outputs before the update, by name.
    public let metrics: [String: Double]
    public let batchSize: Int
    /// The learning rate used for the update.
    public let learningRate: Double
}

/// The summary of one finished epoch.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based; keeps counting across `fit` calls.
    public let epoch: Int
    /// The mean training loss over the epoch's examples (each batch weighted by its size).
    public let loss: Double
    /// Training metrics by name, averaged over the epoch's examples.
    public let metrics: [String: Double]
    /// The loss on the validation data after the epoch, when there is validation data.
    public let validationLoss: Double?
    /// Validation metrics by name (empty without validation data).
    public let validationMetrics: [String: Double]
    /// Wall-clock seconds from the epoch's first step to the end of its validation.
    public let seconds: Double

    /// Whether two records hold the same numbers, apart from the time they took.
    public static func == (a: EpochRecord, b: EpochRecord) -> Bool {
        a.epoch == b.epoch && a.loss == b.loss && a.metrics == b.metrics && a.validationLoss == b.validationLoss
            && a.validationMetrics == b.validationMetrics
    }
}

/// Every step and epoch of a training run so far; it keeps growing across `fit` and `step` calls.
public struct TrainingHistory: Sendable, Equatable {
    public internal(set) var steps: [StepRecord] = []
    public internal(set) var epochs: [EpochRecord] = []

    /// The loss of every step, in order.
    public var stepLosses: [Double] { steps.map(\.loss) }
    /// The training loss of every epoch, in order.
    public var epochLosses: [Double] { epochs.map(\.loss) }
    /// The validation loss of every epoch that had one.
    public var validationLosses: [Double] { epochs.compactMap(\.validationLoss) }

    /// A training metric per epoch ("accuracy"), or a validation one ("val_accuracy").
    public func metric(_ name: String) -> [Double] {
        if name.hasPrefix("val_") {
            let base = String(name.dropFirst(4))
            return epochs.compactMap { $0.validationMetrics[base] }
        }
        return epochs.compactMap { $0.metrics[name] }
    }
}

/// The result of `Trainer.step()`: the batch's loss before and after the update, and each
/// parameter's gradient norm, so a learner can see one step of gradient descent.
public struct StepReport: Sendable, Equatable {
    public struct ParameterGradient: Sendable, Equatable {
        /// The parameter's dotted name (`0.weight`).
        public let name: String
        public let shape: [Int]
        /// The L2 norm of its gradient (before any clipping).
        public let norm: Double
    }

    public let record: StepRecord
    /// The loss on the batch before the update (what the gradient was computed from).
    public let lossBefore: Double
    /// The loss on the same batch after the update (computed in the same mode, without gradients).
    public let lossAfter: Double
    public let gradients: [ParameterGradient]
    /// The epoch record, when this step finished an epoch.
    public let finishedEpoch: EpochRecord?
}

/// How a `fit` call ended.
public enum FitOutcome: Sendable, Equatable {
    /// Every requested epoch finished.
    case completed
    /// The interruption check said stop; the weights are those after the last completed step.
    case interrupted
}

/// Something that wants to follow a training run as it goes (the display draws progress).
/// Every method has an empty default.
public protocol TrainingObserver: AnyObject {
    /// `fit` is about to run `epochs` epochs of `batchesPerEpoch` batches.
    func trainingWillStart(_ trainer: Trainer, epochs: Int, batchesPerEpoch: Int)
    /// A step finished.
    func trainingDidStep(_ trainer: Trainer, _ record: StepRecord)
    /// An epoch finished (after its validation).
    func trainingDidFinishEpoch(_ trainer: Trainer, _ record: EpochRecord)
    /// `fit` returned.
    func trainingDidEnd(_ trainer: Trainer, _ outcome: FitOutcome)
}

extension TrainingObserver {
    public func trainingWillStart(_ trainer: Trainer, epochs: Int, batchesPerEpoch: Int) {}
    public func trainingDidStep(_ trainer: Trainer, _ record: StepRecord) {}
    public func trainingDidFinishEpoch(_ trainer: Trainer, _ record: EpochRecord) {}
    public func trainingDidEnd(_ trainer: Trainer, _ outcome: FitOutcome) {}
}
