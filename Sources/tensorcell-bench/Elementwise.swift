#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Tensors

/// `elementwise`: adds two 16M-element float32 tensors into a new one, and copies the same
/// number of bytes with memcpy in the same run, to relate the add to the machine's bandwidth.
///
/// An add reads two buffers and writes one (3 x 64 MB); a copy reads one and writes one. The
/// bound is the time the add's bytes take at the copy's rate; `bandwidth_ratio` is the add's
/// time over that bound (1.0: as fast as memory allows). The copy runs on one thread and split
/// over every core, and the faster rate counts, since the add may use every core too.
/// Arguments: `[elements] [runs]`.
let elementwiseWorkload = Workload(name: "elementwise") { arguments in
    let count = arguments.count > 0 ? Int(arguments[0]) ?? (1 << 24) : (1 << 24)
    let runs = arguments.count > 1 ? Int(arguments[1]) ?? 15 : 15
    let a = try Tensor.rand([count], seed: 1)
    let b = try Tensor.rand([count], seed: 2)
    let bytes = count * MemoryLayout<Float>.size

    var addSamples: [Double] = []
    _ = try a + b
    for _ in 0..<runs {
        let start = monotonicSeconds()
        let sum = try a + b
        addSamples.append(monotonicSeconds() - start)
        withExtendedLifetime(sum) {}
    }

    let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    let target = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    defer {
        source.deallocate()
        target.deallocate()
    }
    memset(source, 1, bytes)
    memset(target, 0, bytes)
    var copySamples: [Double] = []
    var parallelCopySamples: [Double] = []
    let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    nonisolated(unsafe) let (from, to) = (source, target)
    for _ in 0..<runs {
        var start = monotonicSeconds()
        memcpy(target, source, bytes)
        copySamples.append(monotonicSeconds() - start)
        start = monotonicSeconds()
        DispatchQueue.concurrentPerform(iterations: cores) { part in
            let begin = bytes * part / cores, end = bytes * (part + 1) / cores
            memcpy(to + begin, from + begin, end - begin)
        }
        parallelCopySamples.append(monotonicSeconds() - start)
    }

    let seconds = median(addSamples)
    let copyGBps = 2 * Double(bytes) / min(median(copySamples), median(parallelCopySamples)) / 1e9
    let addGBps = 3 * Double(bytes) / seconds / 1e9
    let boundSeconds = 3 * Double(bytes) / (copyGBps * 1e9)
    return [
        ("seconds", seconds),
        ("gbps", addGBps),
        ("copy_gbps", copyGBps),
        ("bound_seconds", boundSeconds),
        ("bandwidth_ratio", seconds / boundSeconds),
    ]
}
