import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// Where a training run's validation data comes from.
public enum Validation: ExpressibleByFloatLiteral, Sendable {
    /// No validation.
    case none
    /// This fraction of the data, held out at random (seeded by the run's seed).
    case fraction(Double)
    /// A separate data set.
    case data(Dataset)

    public init(floatLiteral value: Double) { self = .fraction(value) }
}

/// A training run: a model, a loss, an optimizer, the data and metrics, and the history of what
/// training did so far. `fit` and `step` continue from where the last call stopped.
/// Belongs to the thread that trains; another thread asks it to stop by raising a flag that
/// `isInterrupted` reads.
public final class Trainer {
    public let model: Layer
    public let loss: Loss
    public let optimizer: Optimizer
    public let trainingData: Dataset
    public let validationData: Dataset?
    public let batchSize: Int
    public let metrics: [Metric]
    /// Whether each epoch visits the examples in a new random order.
    public var shuffle: Bool
    /// When set, gradients are scaled to at most this joint norm before each update.
    public var clipGradientNorm: Double?
    /// When set, stepped once per epoch (per batch for one-cycle).
    public var scheduler: LearningRateScheduler?
    /// Told about every step and epoch.
    public var observer: (any TrainingObserver)?
    /// Asked before every batch, on the training thread; when it returns true, `fit` stops
    /// between batches.
    public var isInterrupted: () -> Bool

    public private(set) var history = TrainingHistory()

    private var generator: RandomGenerator
    private var order: [Int] = []
    private var cursor = 0
    private var epochLossSum = 0.0
    private var epochMetricSums: [Double] = []
    private var epochExamples = 0
    private var epochStart = 0.0

    /// - Parameters:
    ///   - validation: a fraction of `data` to hold out (`0.2`), a separate data set, or none.
    ///   - seed: fixes the validation split and the shuffling; nil draws from the shared generator.
    public init(
        _ model: Layer, loss: Loss, optimizer: Optimizer, data: Dataset, validation: Validation = .none,
        batchSize: Int = 32,
        metrics: [Metric] = [], shuffle: Bool = true, seed: UInt64? = nil,
        isInterrupted: @escaping () -> Bool = { false }
    ) throws {
        try requirePositive(batchSize, "batchSize", in: "Trainer")
        let names = metrics.map(\.name)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw NeuralNetworkError.invalidArgument(
                "Trainer: two metrics are named '\(repeated)'; give each its own name")
        }
        guard data.count > 0 else {
            throw NeuralNetworkError.invalidArgument("Trainer needs at least one training example")
        }
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.metrics = metrics
        self.shuffle = shuffle
        self.isInterrupted = isInterrupted
        generator = try Datasets.generator(seed)
        switch validation {
        case .none:
            trainingData = data
            validationData = nil
        case .data(let held):
            trainingData = data
            validationData = held
        case .fraction(let fraction):
            guard fraction > 0, fraction < 1 else {
                throw NeuralNetworkError.invalidArgument(
                    "Trainer needs a validation fraction between 0 and 1, got \(fraction)")
            }
            let parts = try data.split(validation: fraction, seed: generator.next())
            guard parts.train.count > 0, parts.validation.count > 0 else {
                throw NeuralNetworkError.invalidArgument(
                    "a validation fraction of \(fraction) of \(data.count) examples leaves one part empty")
            }
            trainingData = parts.train
            validationData = parts.validation
        }
        epochMetricSums = [Double](repeating: 0, count: metrics.count)
    }

    /// A run on features and targets given as a pair, `(x, y)`.
    public convenience init(
        _ model: Layer, loss: Loss, optimizer: Optimizer, data: (Tensor, Tensor), validation: Validation = .none,
        batchSize: Int = 32,
        metrics: [Metric] = [], shuffle: Bool = true, seed: UInt64? = nil,
        isInterrupted: @escaping () -> Bool = { false }
    ) throws {
        try self.init(
            model, loss: loss, optimizer: optimizer, data: Dataset(features: data.0, targets: data.1),
            validation: validation,
            batchSize: batchSize, metrics: metrics, shuffle: shuffle, seed: seed, isInterrupted: isInterrupted)
    }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int { (trainingData.count + batchSize - 1) / batchSize }
    /// Epochs finished so far.
    public var epochsCompleted: Int { history.epochs.count }

    /// Trains for `epochs` epochs (finishing first an epoch that `step()` calls began, which
    /// counts as one). Checks `isInterrupted` before every batch and stops there when it says
    /// so, keeping the weights of the last completed step and the history.
    @discardableResult
    public func fit(epochs: Int) throws -> FitOutcome {
        guard epochs >= 0 else { throw NeuralNetworkError.invalidArgument("fit needs epochs >= 0, got \(epochs)") }
        observer?.trainingWillStart(self, epochs: epochs, batchesPerEpoch: batchesPerEpoch)
        var finished = 0
        while finished < epochs {
            if isInterrupted() {
                observer?.trainingDidEnd(self, .interrupted)
                return .interrupted
            }
            let (_, _, epochRecord) = try runBatch(measureAfter: false)
            if epochRecord != nil { finished += 1 }
        }
        observer?.trainingDidEnd(self, .completed)
        return .completed
    }

    /// Takes one batch: forward, loss, backward, update; reports the loss before and after and
    /// each parameter's gradient norm.
    @discardableResult
    public func step() throws -> StepReport {
        let (record, details, epochRecord) = try runBatch(measureAfter: true)
        return StepReport(
            record: record, lossBefore: record.loss, lossAfter: details!.lossAfter, gradients: details!.gradients,
            finishedEpoch: epochRecord)
    }

    /// The loss and metrics of the model on `data` (the validation data when nil), in
    /// evaluation mode and without gradients; mode is restored afterwards.
    public func evaluate(_ data: Dataset? = nil) throws -> (loss: Double, metrics: [String: Double]) {
        guard let data = data ?? validationData else {
            throw NeuralNetworkError.invalidArgument("evaluate needs data: this run has no validation data")
        }
        let wasTraining = model.isTraining
        model.eval()
        defer { model.setTraining(wasTraining) }
        var lossSum = 0.0
        var metricSums = [Double](repeating: 0, count: metrics.count)
        try withNoGrad {
            for batch in try data.batches(size: max(batchSize, 256)) {
                let output = try model(batch.features)
                let weight = Double(batch.count)
                lossSum += try loss(output, batch.targets).item() * weight
                for (index, metric) in metrics.enumerated() {
                    metricSums[index] += try metric(output, batch.targets) * weight
                }
            }
        }
        let total = Double(max(data.count, 1))
        return (
            lossSum / total, Dictionary(uniqueKeysWithValues: zip(metrics.map(\.name), metricSums.map { $0 / total }))
        )
    }

    /// The model's output for `features`, in evaluation mode and without gradients.
    public func predict(_ features: Tensor) throws -> Tensor {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.setTraining(wasTraining) }
        return try withNoGrad { try model(features) }
    }

    private func runBatch(measureAfter: Bool) throws -> (
        StepRecord, (lossAfter: Double, gradients: [StepReport.ParameterGradient])?, EpochRecord?
    ) {
        if cursor == 0 || cursor >= order.count { startEpoch() }
        let indices = Array(order[cursor..<min(cursor + batchSize, order.count)])
        let batch = try trainingData.subset(indices)
        model.train()
        let output = try model(batch.features)
        let lossValue = try loss(output, batch.targets)
        guard lossValue.count == 1 else {
            throw NeuralNetworkError.shapeMismatch(
                "the loss \(loss.name) must give one number, got shape \(formatShape(lossValue.shape))")
        }
        // Metrics first: a metric that rejects the outputs fails the step before any weight changes.
        let detached = output.detach()
        var batchMetrics: [String: Double] = [:]
        for metric in metrics { batchMetrics[metric.name] = try metric(detached, batch.targets) }
        optimizer.zeroGrad()
        try lossValue.backward()
        var gradients: [StepReport.ParameterGradient] = []
        if measureAfter {
            gradients = model.namedParameters().map {
                StepReport.ParameterGradient(name: $0.name, shape: $0.tensor.shape, norm: gradientNorm([$0.tensor]))
            }
        }
        let lossNumber = try lossValue.item()
        if let clipGradientNorm { try NeuralNetworks.clipGradientNorm(optimizer.parameters, maxNorm: clipGradientNorm) }
        let learningRate = optimizer.learningRate
        try optimizer.step()
        if let scheduler, scheduler.schedule.stepsPerBatch { scheduler.step() }

        // The step is complete: from here on only bookkeeping, so an interruption keeps it.
        let weight = Double(indices.count)
        epochLossSum += lossNumber * weight
        epochExamples += indices.count
        for (index, metric) in metrics.enumerated() { epochMetricSums[index] += batchMetrics[metric.name]! * weight }
        cursor += indices.count
        let record = StepRecord(
            step: history.steps.count + 1, epoch: history.epochs.count + 1, batch: (cursor + batchSize - 1) / batchSize,
            loss: lossNumber,
            metrics: batchMetrics, batchSize: indices.count, learningRate: learningRate)
        history.steps.append(record)
        observer?.trainingDidStep(self, record)
        var details: (lossAfter: Double, gradients: [StepReport.ParameterGradient])? = nil
        if measureAfter {
            let after = try withNoGrad { try loss(model(batch.features), batch.targets).item() }
            details = (after, gradients)
        }
        let epochRecord = cursor >= order.count ? try finishEpoch() : nil
        return (record, details, epochRecord)
    }

    private func startEpoch() {
        order = Array(0..<trainingData.count)
        if shuffle {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.nextInt(below: UInt64(i + 1))))
            }
        }
        cursor = 0
        epochStart = monotonicSeconds()
        epochLossSum = 0
        epochExamples = 0
        epochMetricSums = [Double](repeating: 0, count: metrics.count)
    }

    private func finishEpoch() throws -> EpochRecord {
        let total = Double(max(epochExamples, 1))
        let validation = try validationData.map { try evaluate($0) }
        let record = EpochRecord(
            epoch: history.epochs.count + 1, loss: epochLossSum / total,
            metrics: Dictionary(uniqueKeysWithValues: zip(metrics.map(\.name), epochMetricSums.map { $0 / total })),
            validationLoss: validation?.loss, validationMetrics: validation?.metrics ?? [:],
            seconds: monotonicSeconds() - epochStart)
        history.epochs.append(record)
        if let scheduler, !scheduler.schedule.stepsPerBatch { scheduler.step() }
        observer?.trainingDidFinishEpoch(self, record)
        return record
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}
