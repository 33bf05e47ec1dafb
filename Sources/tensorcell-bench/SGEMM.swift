import Tensors

/// `sgemm`: a 1024 x 1024 x 1024 float32 matrix product; GFLOP/s of the median of several runs.
///
/// Arguments: `[size] [runs] [threads]` or `--size`, `--runs`, `--threads` (defaults 1024, 10 and
/// every core).
let sgemmWorkload = Workload(name: "sgemm") { arguments in
    let options = try WorkloadArguments(arguments)
    let size = try options.integer("size", position: 0, default: 1024)
    let runs = try options.integer("runs", position: 1, default: 10)
    if let threads = try? options.integer("threads", position: 2, default: 0), threads > 0 { BLAS.maximumThreads = threads }
    let a = try Tensor.randn([size, size], seed: 1)
    let b = try Tensor.randn([size, size], seed: 2)
    _ = try matmul(a, b)  // loads OpenBLAS and warms its threads
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = monotonicSeconds()
        _ = try matmul(a, b)
        samples.append(monotonicSeconds() - start)
    }
    let seconds = median(samples)
    return [
        ("gflops", 2 * Double(size) * Double(size) * Double(size) / seconds / 1e9),
        ("seconds", seconds),
        ("size", Double(size)),
        ("threads", Double(BLAS.maximumThreads)),
    ]
}
