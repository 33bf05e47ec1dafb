import Tensors

/// `sgemm`: a 1024 x 1024 x 1024 float32 matrix product; GFLOP/s of the median of several runs.
///
/// Arguments: `[size] [runs] [threads]` (defaults 1024, 10 and every core).
let sgemmWorkload = Workload(name: "sgemm") { arguments in
    let size = arguments.count > 0 ? Int(arguments[0]) ?? 1024 : 1024
    let runs = arguments.count > 1 ? Int(arguments[1]) ?? 10 : 10
    if arguments.count > 2, let threads = Int(arguments[2]) { BLAS.maximumThreads = threads }
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
