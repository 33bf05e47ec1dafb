import NeuralNetworks

/// A training run shown as one output that is updated in place: a progress bar, the epoch
/// table (epoch, train loss, validation loss, metrics, time) and the loss curve.
///
/// Set it as a `Trainer`'s observer. The first state of a run is published with
/// `isUpdate == false` (the caller sends `display_data` with a new display id), every later one
/// with `isUpdate == true` (`update_display_data` with the same id). Updates come at most once
/// per `interval` seconds of `clock`; the state at the end of a run is always published, marked
/// when the run was interrupted. When `fit` throws, it does not tell its observer, so the caller
/// reports the error with `trainingDidFail(_:)` to leave the final state in the notebook.
///
/// Each `fit` call is a new run: its first state is again published with `isUpdate == false`.
/// Steps taken outside `fit` (`Trainer.step()`) are not shown.
public final class LiveTrainingDisplay: TrainingObserver {
    public let interval: Double
    private let clock: () -> Double
    private let publish: (MIMEBundle, Bool) -> Void
    private var throttle: UpdateThrottle
    private var progress = TrainingProgress(epoch: 0, epochs: 0)
    /// Whether a run is under way (between `trainingWillStart` and its end).
    private var running = false
    /// Epochs the trainer had finished before this run.
    private var epochsBefore = 0
    private var epochStarted = 0.0
    private var published = 0

    /// The last state published, for the caller to keep or show again.
    public private(set) var lastBundle: MIMEBundle?

    /// - Parameters:
    ///   - interval: the shortest time between two updates, in seconds of `clock`.
    ///   - clock: a monotonic clock in seconds; it also times the epochs shown in the table.
    ///   - publish: shows a state: `isUpdate` is false for a run's first state, true after.
    public init(interval: Double = 0.25, clock: @escaping () -> Double, publish: @escaping (MIMEBundle, Bool) -> Void) {
        self.interval = interval
        self.clock = clock
        self.publish = publish
        self.throttle = UpdateThrottle(interval: interval)
    }

    public func trainingWillStart(_ trainer: Trainer, epochs: Int, batchesPerEpoch: Int) {
        running = true
        published = 0
        epochsBefore = trainer.epochsCompleted
        throttle = UpdateThrottle(interval: interval)
        progress = TrainingProgress(
            epoch: 0, epochs: epochs, batch: 0, batches: batchesPerEpoch, metrics: [], firstEpoch: epochsBefore + 1)
        epochStarted = clock()
        send(final: true)
    }

    public func trainingDidStep(_ trainer: Trainer, _ record: StepRecord) {
        guard running else { return }
        progress.stepLosses.append(record.loss)
        progress.batch = record.batch
        progress.batches = trainer.batchesPerEpoch
        send(final: false)
    }

    public func trainingDidFinishEpoch(_ trainer: Trainer, _ record: EpochRecord) {
        guard running else { return }
        let now = clock()
        progress.epochSeconds.append(max(0, now - epochStarted))
        epochStarted = now
        progress.epoch += 1
        progress.batch = nil
        progress.metrics = LiveTrainingDisplay.metrics(Array(trainer.history.epochs.dropFirst(epochsBefore)))
        send(final: false)
    }

    public func trainingDidEnd(_ trainer: Trainer, _ outcome: FitOutcome) {
        guard running else { return }
        finish(reason: outcome == .interrupted ? "interrupted" : nil)
    }

    /// Ends the run's display when `fit` threw: the last state stays, marked as stopped.
    public func trainingDidFail(_ error: any Error) {
        guard running else { return }
        finish(reason: "stopped by an error")
    }

    private func finish(reason: String?) {
        running = false
        progress.finished = true
        progress.stopReason = reason
        progress.batch = nil
        send(final: true)
    }

    private func send(final: Bool) {
        guard throttle.shouldPublish(now: clock(), final: final) else { return }
        let bundle = progress.mimeBundle()
        lastBundle = bundle
        publish(bundle, published > 0)
        published += 1
    }

    /// Columns of the epoch table: train loss, validation loss, then each metric and its
    /// validation value, in the order the run names them.
    static func metrics(_ epochs: [EpochRecord]) -> [(name: String, values: [Double])] {
        guard !epochs.isEmpty else { return [] }
        var out: [(name: String, values: [Double])] = [("train loss", epochs.map(\.loss))]
        if epochs.contains(where: { $0.validationLoss != nil }) {
            out.append(("validation loss", epochs.map { $0.validationLoss ?? .nan }))
        }
        for name in Set(epochs.flatMap(\.metrics.keys)).sorted() {
            out.append((name, epochs.map { $0.metrics[name] ?? .nan }))
        }
        for name in Set(epochs.flatMap(\.validationMetrics.keys)).sorted() {
            out.append(("validation " + name, epochs.map { $0.validationMetrics[name] ?? .nan }))
        }
        return out
    }
}
