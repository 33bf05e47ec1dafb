import Display
import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Examples of every `Visualize` function on the engine's own values: tensors, seeded
/// untrained models and the shipped data sets. Their output is the same on every machine, so
/// the golden-file tests pin it; `trainedExamples()` adds a freshly trained model, for people
/// to look at.
extension Gallery {
    public typealias Example = (name: String, make: () throws -> MIMEBundle)

    public static var adapters: [Example] {
        var list: [Example] = []
        func add(_ name: String, _ make: @escaping () throws -> MIMEBundle) { list.append((name, make)) }
        add("visualize-table-int") {
            Visualize.table(try Tensor(shape: [3, 4], scalars: (0..<12).map { Double($0 * $0) }, dtype: .int64))
        }
        add("visualize-table-large") { Visualize.table(try Tensor.randn([200, 50], seed: 11)) }
        add("visualize-table-rank4") {
            Visualize.table(try Tensor.arange(0, 120, dtype: .float64).reshape([2, 3, 4, 5]))
        }
        add("visualize-table-empty") { Visualize.table(try Tensor.zeros([0, 3])) }
        add("visualize-table-edge-values") {
            Visualize.table(try Tensor([.nan, .infinity, -.infinity, 3e38, 1e-30, -0.0, 1, 12345.678], shape: [2, 4]))
        }
        add("visualize-summary") { Visualize.summary(try classifier()) }
        add("visualize-summary-frozen") {
            let model = try classifier()
            try model[0].freeze()
            return Visualize.summary(model)
        }
        add("visualize-summary-unknown-shapes") {
            Visualize.summary(Sequential([Flatten(), try Dense(64, 10, seed: 3)]))
        }
        add("visualize-summary-with-input-shape") {
            Visualize.summary(Sequential([Flatten(), try Dense(64, 10, seed: 3)]), inputShape: [8, 8])
        }
        add("visualize-diagram") { try Visualize.diagram(try smallModel()) }
        add("visualize-diagram-large") {
            try Visualize.diagram(
                Sequential([
                    try Dense(64, 32, activation: .relu, seed: 4), try Dropout(0.2), try Dense(32, 10, seed: 5),
                ]))
        }
        add("visualize-plot-history") {
            let epochs = (1...30).map(Double.init)
            let loss: [Double] = epochs.map { 0.7 * exp(-$0 / 6) + 0.05 }
            let validation: [Double] = epochs.map { 0.72 * exp(-$0 / 7) + 0.09 + 0.001 * $0 }
            return Visualize.plot(history: [("loss", loss), ("val_loss", validation)], title: "Training history")
        }
        add("visualize-plot-series") {
            let x = (0...60).map { Double($0) / 10 - 3 }
            return Visualize.plot(
                series: [("tanh", x.map(tanh)), ("sigmoid", x.map { 1 / (1 + exp(-$0)) })], x: x,
                title: "Two squashing functions",
                xLabel: "x", yLabel: "f(x)")
        }
        add("visualize-plot-log") {
            Visualize.plot(
                series: [("loss", (0..<200).map { 3 * exp(-Double($0) / 20) + 1e-3 })], title: "Loss on a log scale",
                logScale: true, xLabel: "step")
        }
        add("visualize-scatter") {
            let data = try Datasets.moons(n: 200, noise: 0.1, seed: 1)
            return try Visualize.scatter(data.features, data.targets, title: "Two moons")
        }
        add("visualize-scatter-one-hot") {
            let data = try Datasets.iris()
            return try Visualize.scatter(
                data.features, data.targets.oneHot(classes: 3), title: "Iris: sepal length and width")
        }
        add("visualize-histogram") {
            try Visualize.histogram(try Tensor.randn([5000], seed: 12), title: "5,000 normal values")
        }
        add("visualize-heatmap") {
            try Visualize.heatmap(try smallModel().parameters()[0], title: "Weights of the first layer")
        }
        add("visualize-images") {
            let data = try Datasets.digits()
            return try Visualize.images(
                data.features.index([.range(0, 24)]), labels: data.targets.index([.range(0, 24)]), columns: 8,
                title: "Digits")
        }
        add("visualize-boundary") {
            let data = try Datasets.moons(n: 200, noise: 0.1, seed: 1)
            return try Visualize.boundary(
                try smallModel(), data.features, data.targets, resolution: 60, title: "An untrained network")
        }
        add("visualize-confusion") {
            let targets = try Tensor((0..<60).map { Double($0 % 3) }, dtype: .int64)
            let predicted = try Tensor((0..<60).map { Double($0 % 7 == 0 ? ($0 + 1) % 3 : $0 % 3) }, dtype: .int64)
            return try Visualize.confusion(predictions: predicted, targets: targets, title: "Three classes")
        }
        add("visualize-graph") { try Visualize.graph(try neuron()) }
        add("visualize-graph-tensors") {
            let w = try Tensor([0.5, -1, 2], shape: [1, 3]).requiringGrad()
            w.label = "w"
            let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
            x.label = "x"
            let y = try matmul(x, w.transpose())
            let loss = try y.sum()
            loss.label = "loss"
            try loss.backward()
            return try Visualize.graph(loss)
        }
        add("visualize-learning-rate-sweep") {
            let rates = (0..<13).map { pow(10, -4 + Double($0) / 3) }
            return try Visualize.learningRateSweep(rates: rates, losses: rates.map { 1 + pow(log10($0) + 1.5, 2) / 4 })
        }
        return list
    }

    /// Two inputs, two tanh layers of four, one sigmoid output; seeded, untrained.
    static func smallModel() throws -> Sequential {
        Sequential([
            try Dense(2, 4, activation: .tanh, seed: 21), try Dense(4, 4, activation: .tanh, seed: 22),
            try Dense(4, 1, activation: .sigmoid, seed: 23),
        ])
    }

    static func classifier() throws -> Sequential {
        Sequential([
            try Dense(2, 16, activation: .relu, seed: 31), try Dropout(0.2), try Dense(16, 16, seed: 32), ReLU(),
            try Dense(16, 3, seed: 33),
        ])
    }

    /// micrograd's neuron, o = tanh(x1·w1 + x2·w2 + b), built from scalar tensors that keep
    /// their gradients, after `o.backward()`.
    static func neuron() throws -> Tensor {
        func leaf(_ value: Double, _ label: String) throws -> Tensor {
            let t = try Tensor.scalar(value, dtype: .float64).requiringGrad()
            t.label = label
            return t
        }
        func kept(_ t: Tensor, _ label: String) -> Tensor {
            t.label = label
            t.retainsGrad = true
            return t
        }
        let x1 = try leaf(2, "x1")
        let x2 = try leaf(0, "x2")
        let w1 = try leaf(-3, "w1")
        let w2 = try leaf(1, "w2")
        let b = try leaf(6.8813735870195432, "b")
        let x1w1 = kept(try x1 * w1, "x1*w1")
        let x2w2 = kept(try x2 * w2, "x2*w2")
        let sum = kept(try x1w1 + x2w2, "x1w1+x2w2")
        let n = kept(try sum + b, "n")
        let o = kept(try n.tanh(), "o")
        try o.backward()
        return o
    }

    /// A small network trained on two moons, and what every adapter shows of it. The numbers
    /// depend on the BLAS build, so these are for looking at, not for golden files.
    public static func trainedExamples() throws -> [(name: String, bundle: MIMEBundle)] {
        let data = try Datasets.moons(n: 200, noise: 0.15, seed: 5)
        let model = Sequential([
            try Dense(2, 8, activation: .tanh, seed: 41), try Dense(8, 8, activation: .tanh, seed: 42),
            try Dense(8, 2, seed: 43),
        ])
        let optimizer = try Adam(model, lr: 0.03)
        let trainer = try Trainer(
            model, loss: .crossEntropy, optimizer: optimizer, data: data, validation: 0.25, batchSize: 25,
            metrics: [.accuracy], seed: 7)
        // A made-up clock that moves 20 ms each time it is read: the same updates on every run.
        var time = 0.0
        var live: [MIMEBundle] = []
        trainer.observer = LiveTrainingDisplay(
            interval: 0.25,
            clock: {
                time += 0.02; return time
            }
        ) { bundle, _ in live.append(bundle) }
        try trainer.fit(epochs: 40)
        var out: [(name: String, bundle: MIMEBundle)] = []
        out.append(("trained-live-first", live.first!))
        out.append(("trained-live-final", live.last!))
        out.append(("trained-history", Visualize.plot(trainer.history, title: "Two moons, 40 epochs")))
        out.append(
            ("trained-boundary", try Visualize.boundary(model, data.features, data.targets, title: "After training")))
        let predictions = try trainer.predict(data.features)
        out.append(("trained-confusion", try Visualize.confusion(predictions: predictions, targets: data.targets)))
        out.append(("trained-diagram", try Visualize.diagram(model)))
        out.append(("trained-summary", Visualize.summary(model)))
        out.append(
            ("trained-output-histogram", try Visualize.histogram(predictions, title: "Scores on the training data")))
        out.append(("trained-output-table", Visualize.table(predictions)))
        let loss = try crossEntropy(model(data.features.index([.range(0, 4)])), data.targets.index([.range(0, 4)]))
        loss.label = "loss"
        try loss.backward()
        out.append(("trained-loss-graph", try Visualize.graph(loss)))

        // An interrupted run: the display ends marked as such.
        var interrupted: [MIMEBundle] = []
        let second = try Trainer(model, loss: .crossEntropy, optimizer: optimizer, data: data, batchSize: 25, seed: 8)
        second.observer = LiveTrainingDisplay(
            interval: 0.25,
            clock: {
                time += 0.02; return time
            }
        ) { bundle, _ in interrupted.append(bundle) }
        // Says "stop" once three epochs are done; weak, so the trainer does not keep itself.
        second.isInterrupted = { [weak second] in (second?.epochsCompleted ?? 0) >= 3 }
        try second.fit(epochs: 10)
        out.append(("trained-live-interrupted", interrupted.last!))
        return out
    }
}
