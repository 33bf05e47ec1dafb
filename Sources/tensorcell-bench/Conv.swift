import NeuralNetworks
import Tensors

/// `conv`: LeNet-5 as PyTorch writes it (Conv2d(1, 6, 5, padding 2), ReLU, MaxPool 2, Conv2d(6,
/// 16, 5), ReLU, MaxPool 2, Flatten, Linear 400-120-84-10 with ReLUs) on synthetic 28 x 28
/// single-channel pictures, batches of 64, cross-entropy, Adam lr 1e-3: seconds for one epoch
/// over 10,000 samples (the median of `--runs` epochs after a few warm-up batches), and the
/// process's peak resident memory.
///
/// Options: `--samples N` (10000), `--batch B` (64), `--size S` (28: S x S pictures; the first
/// Linear layer reads what the convolutions leave), `--runs R` (1).
let convWorkload = Workload(name: "conv") { arguments in
    let options = try WorkloadArguments(arguments)
    let samples = try options.integer("samples", position: 0, default: 10_000)
    let batch = try options.integer("batch", default: 64)
    let size = try options.integer("size", default: 28)
    let runs = try options.integer("runs", default: 1)
    let side = (size / 2 - 4) / 2
    guard side > 0 else { throw BenchFailure("conv needs --size of at least 12, got \(size)") }
    let features = try Tensor.randn([samples, 1, size, size], seed: 1)
    let labels = try Tensor.randint(0, 10, shape: [samples], seed: 2)
    func train(batches: Int) throws {
        let model = Sequential([
            try Conv2D(1, 6, kernelSize: 5, padding: 2, seed: 3), ReLU(), try MaxPool2D(kernelSize: 2),
            try Conv2D(6, 16, kernelSize: 5, seed: 4), ReLU(), try MaxPool2D(kernelSize: 2),
            Flatten(),
            try Dense(16 * side * side, 120, seed: 5), ReLU(),
            try Dense(120, 84, seed: 6), ReLU(),
            try Dense(84, 10, seed: 7),
        ])
        let optimizer = try Adam(model, lr: 1e-3)
        for start in stride(from: 0, to: samples, by: batch).prefix(batches) {
            let end = min(start + batch, samples)
            optimizer.zeroGrad()
            let loss = try crossEntropy(model(features[start..<end]), labels[start..<end])
            try loss.backward()
            try optimizer.step()
        }
    }
    try train(batches: 5)
    var times: [Double] = []
    for _ in 0..<runs {
        let start = monotonicSeconds()
        try train(batches: Int.max)
        times.append(monotonicSeconds() - start)
    }
    return [
        ("seconds_per_epoch", median(times)), ("peak_rss_mb", peakResidentMegabytes()), ("batch", Double(batch)),
        ("size", Double(size)), ("samples", Double(samples)),
    ]
}
