import Synchronization
import Tensors
import Testing

@testable import NeuralNetworks

/// Records what a training run tells its observer.
final class RecordingObserver: TrainingObserver {
    var events: [String] = []
    func trainingWillStart(_ trainer: Trainer, epochs: Int, batchesPerEpoch: Int) {
        events.append("start \(epochs)x\(batchesPerEpoch)")
    }
    func trainingDidStep(_ trainer: Trainer, _ record: StepRecord) { events.append("step \(record.step)") }
    func trainingDidFinishEpoch(_ trainer: Trainer, _ record: EpochRecord) { events.append("epoch \(record.epoch)") }
    func trainingDidEnd(_ trainer: Trainer, _ outcome: FitOutcome) { events.append("end \(outcome)") }
}

/// How often a run asked whether it was interrupted (the run asks from the thread it trains on).
final class CheckCounter: @unchecked Sendable {
    var count = 0
}

@Suite struct TrainingTests {
    func smallRun(validation: Validation = .none, isInterrupted: @escaping @Sendable () -> Bool = { false }) throws
        -> Trainer
    {
        let data = try Datasets.blobs(n: 40, centers: 2, std: 0.5, seed: 1)
        let model = Sequential([try Dense(2, 8, activation: .relu, seed: 1), try Dense(8, 2, seed: 2)])
        return try Trainer(
            model, loss: .crossEntropy, optimizer: SGD(model, lr: 0.1), data: data, validation: validation,
            batchSize: 16,
            metrics: [.accuracy], seed: 3, isInterrupted: isInterrupted)
    }

    @Test func historyGrowsAcrossFitCallsAndTheObserverHearsEverything() throws {
        let run = try smallRun(validation: 0.25)
        #expect(run.trainingData.count == 30 && run.validationData?.count == 10)
        let observer = RecordingObserver()
        run.observer = observer
        #expect(try run.fit(epochs: 2) == .completed)
        #expect(run.history.epochs.count == 2 && run.history.steps.count == 4)
        #expect(
            observer.events == [
                "start 2x2", "step 1", "step 2", "epoch 1", "step 3", "step 4", "epoch 2", "end completed",
            ])
        try run.fit(epochs: 3)
        #expect(run.history.epochs.map(\.epoch) == [1, 2, 3, 4, 5])
        #expect(run.history.steps.map(\.step) == Array(1...10))
        #expect(run.history.validationLosses.count == 5)
        #expect(run.history.metric("accuracy").count == 5 && run.history.metric("val_accuracy").count == 5)
        // Epoch loss is the size-weighted mean of its steps' losses (batches of 16 and 14).
        let steps = run.history.steps.filter { $0.epoch == 5 }
        let expected = steps.reduce(0) { $0 + $1.loss * Double($1.batchSize) } / 30
        #expect(abs(run.history.epochs[4].loss - expected) < 1e-9)
        let expectedAccuracy = steps.reduce(0) { $0 + $1.metrics["accuracy"]! * Double($1.batchSize) } / 30
        #expect(abs(run.history.epochs[4].metrics["accuracy"]! - expectedAccuracy) < 1e-9)
        #expect(run.history.epochLosses.last! < run.history.epochLosses.first!)
        #expect(run.history.epochs.allSatisfy { $0.seconds > 0 })
    }

    @Test func stepReportsLossBeforeAndAfterAndEachGradientNorm() throws {
        let run = try smallRun()
        let report = try run.step()
        #expect(report.record.step == 1 && report.record.batch == 1 && report.record.batchSize == 16)
        #expect(report.gradients.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias"])
        #expect(report.gradients[0].shape == [8, 2])
        #expect(report.gradients.allSatisfy { $0.norm > 0 })
        #expect(report.lossAfter < report.lossBefore)
        let second = try run.step(), third = try run.step(), fourth = try run.step()
        #expect(second.finishedEpoch == nil && third.finishedEpoch?.epoch == 1 && fourth.record.epoch == 2)
        // fit(epochs: 1) after a step into epoch 2 finishes that epoch.
        try run.fit(epochs: 1)
        #expect(run.epochsCompleted == 2 && run.history.steps.count == 6)
    }

    @Test func interruptionStopsBetweenBatchesKeepingTheLastStep() throws {
        let checks = CheckCounter()
        let run = try smallRun(isInterrupted: {
            checks.count += 1
            return checks.count > 3
        })
        #expect(try run.fit(epochs: 10) == .interrupted)
        #expect(run.history.steps.count == 3 && run.history.epochs.count == 1)
        let weights = run.model.parameters().map { $0.toDoubles() }
        #expect(weights.allSatisfy { $0.allSatisfy(\.isFinite) })
        run.isInterrupted = { false }
        try run.fit(epochs: 1)
        #expect(run.history.steps.count == 6 && run.history.epochs.count == 2)
    }

    @Test func evaluateAndErrorsOfARun() throws {
        let run = try smallRun()
        #expect(errorMessage { try run.evaluate() } == "evaluate needs data: this run has no validation data")
        let result = try run.evaluate(run.trainingData)
        #expect(result.metrics["accuracy"] != nil && result.loss > 0)
        let model = try Dense(3, 2)
        let wrong = try Trainer(model, loss: .crossEntropy, optimizer: SGD(model, lr: 0.1), data: run.trainingData)
        #expect(
            errorMessage { try wrong.fit(epochs: 1) }
                == "Dense(3, 2) expects 3 features along axis 1, got input of shape [32, 2]")
        #expect(wrong.history.steps.isEmpty)
        // A metric that cannot read the outputs fails the step before the weights change.
        let regression = try Dense(2, 3, seed: 1)
        let before = regression.weight.toDoubles()
        let mismatched = try Trainer(
            regression, loss: .crossEntropy, optimizer: SGD(regression, lr: 0.1), data: run.trainingData,
            metrics: [.mse])
        #expect(errorMessage { try mismatched.step() } == "mse: prediction has shape [32, 3] but target has shape [32]")
        #expect(regression.weight.toDoubles() == before && mismatched.history.steps.isEmpty)
        #expect(
            errorMessage {
                try Trainer(
                    regression, loss: .mse, optimizer: SGD(regression, lr: 0.1), data: run.trainingData,
                    metrics: [.accuracy, .accuracy(threshold: 0)])
            } == "Trainer: two metrics are named 'accuracy'; give each its own name")
    }

    @Test func scheduleAndClippingApplyDuringFit() throws {
        let run = try smallRun()
        run.scheduler = LearningRateScheduler(run.optimizer, schedule: .step(every: 1, factor: 0.5))
        run.clipGradientNorm = 0.5
        try run.fit(epochs: 2)
        #expect(run.history.steps.map(\.learningRate) == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05])
        #expect(abs(run.optimizer.learningRate - 0.025) < 1e-12)
    }

    @Test func binaryRunOnPairDataWithLogitsAndThreshold() throws {
        let data = try Datasets.gauss(n: 60, noise: 0.5, seed: 2)
        let x = data.features, y = try data.targets.converted(to: .float32).reshape([60, 1])
        let model = try Dense(2, 1, seed: 1)
        let run = try Trainer(
            model, loss: .bceWithLogits, optimizer: SGD(model, lr: 0.5), data: (x, y), batchSize: 60,
            metrics: [.accuracy(threshold: 0)], seed: 1)
        try run.fit(epochs: 20)
        #expect(run.history.metric("accuracy").last! >= 0.95)
        #expect(run.history.epochLosses.last! < run.history.epochLosses.first!)
        let probabilities = try run.predict(x).sigmoid()
        #expect(try accuracy(probabilities, y) == accuracy(run.predict(x), y, threshold: 0))
    }

    @Test func oneCycleStepsEveryBatch() throws {
        let run = try smallRun()
        run.scheduler = LearningRateScheduler(run.optimizer, schedule: .oneCycle(maximum: 1, steps: 6))
        try run.fit(epochs: 2)
        let expected = (0..<6).map {
            LearningRateSchedule.oneCycle(maximum: 1, steps: 6).learningRate(base: 0.1, at: $0)
        }
        #expect(close(run.history.steps.map(\.learningRate), expected, tolerance: 1e-12))
        #expect(abs(run.history.steps[0].learningRate - 0.04) < 1e-12)
    }

    @Test func evaluateAndPredictUseEvalModeAndRestoreIt() throws {
        let data = try Datasets.moons(n: 64, seed: 1)
        let dropout = try Dropout(0.9, seed: 1)
        let model = Sequential([try Dense(2, 16, activation: .relu, seed: 1), dropout, try Dense(16, 2, seed: 2)])
        let run = try Trainer(
            model, loss: .crossEntropy, optimizer: Adam(model), data: data, validation: .data(data), seed: 1)
        let first = try run.predict(data.features).toDoubles(), second = try run.predict(data.features).toDoubles()
        #expect(first == second)
        #expect(model.isTraining && dropout.isTraining)
        model.eval()
        _ = try run.evaluate()
        #expect(!dropout.isTraining)
        try run.fit(epochs: 1)
        #expect(dropout.isTraining)
    }

    @Test func anInterruptFlagSetWhileTrainingStopsAtTheNextBatch() throws {
        final class Flag: Sendable {
            let raised = Atomic<Bool>(false)
        }
        /// Raises the flag from inside the second step, as a kernel's control thread would.
        final class RaiseAfterSecondStep: TrainingObserver {
            let flag: Flag
            var outcome: FitOutcome?
            init(_ flag: Flag) { self.flag = flag }
            func trainingDidStep(_ trainer: Trainer, _ record: StepRecord) {
                if record.step == 2 { flag.raised.store(true, ordering: .relaxed) }
            }
            func trainingDidEnd(_ trainer: Trainer, _ outcome: FitOutcome) { self.outcome = outcome }
        }
        let flag = Flag()
        let run = try smallRun(isInterrupted: { flag.raised.load(ordering: .relaxed) })
        let observer = RaiseAfterSecondStep(flag)
        run.observer = observer
        #expect(try run.fit(epochs: 5) == .interrupted)
        #expect(observer.outcome == .interrupted)
        #expect(run.history.steps.map(\.step) == [1, 2] && run.history.epochs.isEmpty)
    }
}
