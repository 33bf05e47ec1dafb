import Tensors
import Testing

@testable import NeuralNetworks

/// Small networks that must learn, with fixed seeds; sized to take seconds in a debug build.
@Suite struct LearningTests {
    @Test func xorByHandWrittenLoopReachesMSEBelowOnePercent() throws {
        let data = try Datasets.xorTable()
        let model = Sequential([
            try Dense(2, 8, activation: .tanh, seed: 1), try Dense(8, 1, activation: .sigmoid, seed: 2),
        ])
        let optimizer = try SGD(model, lr: 0.5, momentum: 0.9)
        var loss = Double.infinity
        for _ in 0..<500 {
            let value = try mse(model(data.features), data.targets)
            optimizer.zeroGrad()
            try value.backward()
            try optimizer.step()
            loss = try value.item()
        }
        let final = try mse(model(data.features), data.targets).item()
        #expect(final < 0.01, "MSE after training: \(final) (last step \(loss))")
    }

    @Test func spiralsReachNinetyFivePercentTrainAccuracy() throws {
        let data = try Datasets.spirals(n: 200, classes: 2, noise: 0.1, seed: 7)
        let model = Sequential([
            try Dense(2, 32, activation: .relu, seed: 1), try Dense(32, 32, activation: .relu, seed: 2),
            try Dense(32, 2, seed: 3),
        ])
        let run = try Trainer(
            model, loss: .crossEntropy, optimizer: Adam(model, lr: 0.02), data: data, batchSize: 50,
            metrics: [.accuracy], seed: 1)
        try run.fit(epochs: 150)
        let result = try run.evaluate(data)
        #expect(
            result.metrics["accuracy"]! >= 0.95, "train accuracy \(result.metrics["accuracy"]!), loss \(result.loss)")
    }

    @Test func digitsMLPReachesNinetyFivePercentHeldOut() throws {
        let digits = try Datasets.digits()
        let (train, _, test) = try digits.split(validation: 0, test: 0.2, seed: 3)
        let scaled = { (d: Dataset) in try Dataset(features: d.features / 16, targets: d.targets) }
        let model = Sequential([try Dense(64, 64, activation: .relu, seed: 1), try Dense(64, 10, seed: 2)])
        let run = try Trainer(
            model, loss: .crossEntropy, optimizer: Adam(model, lr: 0.01), data: scaled(train),
            validation: .data(scaled(test)), batchSize: 64,
            metrics: [.accuracy], seed: 2)
        try run.fit(epochs: 8)
        let heldOut = run.history.metric("val_accuracy").last!
        #expect(heldOut >= 0.95, "held-out accuracy \(heldOut)")
    }

    @Test func smallCNNOnDigitsLearns() throws {
        let digits = try Datasets.digits()
        let images = try Dataset(
            features: (digits.features / 16).reshape([digits.count, 1, 8, 8]), targets: digits.targets)
        let (train, _, test) = try images.split(validation: 0, test: 0.2, seed: 4)
        let model = Sequential([
            try Conv2D(1, 8, kernelSize: 3, padding: 1, activation: .relu, seed: 1), try MaxPool2D(kernelSize: 2),
            Flatten(), try Dense(128, 10, seed: 2),
        ])
        #expect(try model.outputShape(for: [-1, 1, 8, 8]) == [-1, 10])
        let run = try Trainer(
            model, loss: .crossEntropy, optimizer: Adam(model, lr: 0.01), data: train, validation: .data(test),
            batchSize: 64,
            metrics: [.accuracy], seed: 5)
        let before = try run.evaluate().loss
        try run.fit(epochs: 2)
        let accuracy = run.history.metric("val_accuracy").last!
        #expect(
            run.history.validationLosses.last! < before / 3,
            "validation loss \(before) -> \(run.history.validationLosses)")
        #expect(accuracy >= 0.85, "held-out accuracy \(accuracy)")
    }

    @Test func oneNeuronLearnsCelsiusToFahrenheitAsInTheFirstNotebook() throws {
        let celsius = try Tensor([[-40], [-10], [0], [8], [15], [22], [38]])
        let fahrenheit = try Tensor([[-40], [14], [32], [46.4], [59], [71.6], [100.4]])
        let neuron = try Dense(1, 1, seed: 1)
        let optimizer = try SGD(neuron, lr: 0.001)
        for _ in 1...2000 {
            let loss = try mse(neuron(celsius), fahrenheit)
            optimizer.zeroGrad()
            try loss.backward()
            try optimizer.step()
        }
        let (weight, bias) = (try neuron.weight.item(), try neuron.bias!.item())
        #expect(abs(weight - 1.8) < 0.02 && abs(bias - 32) < 1.5, "learned \(weight) x + \(bias)")
    }

    @Test func digitsWithBatchNormAndDropoutLearn() throws {
        let digits = try Datasets.digits()
        let (train, _, test) = try digits.split(validation: 0, test: 0.2, seed: 6)
        let model = Sequential([
            try Dense(64, 64, seed: 1), try BatchNorm(64), ReLU(), try Dropout(0.2, seed: 2),
            try Dense(64, 10, seed: 3),
        ])
        let run = try Trainer(
            model, loss: .crossEntropy, optimizer: AdamW(model, lr: 0.01), data: train, validation: .data(test),
            batchSize: 64,
            metrics: [.accuracy], seed: 7)
        try run.fit(epochs: 5)
        let accuracy = run.history.metric("val_accuracy").last!
        #expect(accuracy >= 0.93, "held-out accuracy \(accuracy)")
        #expect(model.isTraining)
    }
}
