import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// `mlp`: one epoch of a 784-128-10 MLP (ReLU, softmax cross-entropy, SGD lr 0.1, batches of
/// 128) over 60,000 synthetic float32 samples; median seconds per epoch over several epochs,
/// each from freshly initialised weights, and the process's peak resident memory.
///
/// Arguments: `[samples] [runs]` or `--samples`, `--runs`, and `--batch` (defaults 60000, 3, 128).
let mlpWorkload = Workload(name: "mlp") { arguments in
    let options = try WorkloadArguments(arguments)
    let samples = try options.integer("samples", position: 0, default: 60_000)
    let runs = try options.integer("runs", position: 1, default: 3)
    let batch = try options.integer("batch", default: 128)
    let features = try Tensor.randn([samples, 784], seed: 1)
    let labels = try Tensor.randint(0, 10, shape: [samples], seed: 2)
    func epoch() throws {
        let model = Sequential([
            try Dense(
                784, 128, activation: .relu, weightInitializer: .lecunUniform, biasInitializer: .lecunUniform, seed: 3),
            try Dense(128, 10, weightInitializer: .lecunUniform, biasInitializer: .lecunUniform, seed: 4),
        ])
        let optimizer = try SGD(model, lr: 0.1)
        for start in stride(from: 0, to: samples, by: batch) {
            let end = min(start + batch, samples)
            optimizer.zeroGrad()
            let loss = try crossEntropy(model(features[start..<end]), labels[start..<end])
            try loss.backward()
            try optimizer.step()
        }
    }
    try epoch()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = monotonicSeconds()
        try epoch()
        times.append(monotonicSeconds() - start)
    }
    return [("seconds_per_epoch", median(times)), ("peak_rss_mb", peakResidentMegabytes()), ("batch", Double(batch))]
}

/// The most resident memory this process has used, in MiB (as `ru_maxrss`, which Linux gives in KiB).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
