#if canImport(Glibc)
import Glibc
#endif

/// One benchmark workload: a name and a function that measures and returns its figures.
struct Workload: Sendable {
    let name: String
    let run: @Sendable ([String]) throws -> [(key: String, value: Double)]

    /// Every workload `tensorcell-bench` knows. Each lives in its own file.
    static let all: [Workload] = [
        sgemmWorkload,
        elementwiseWorkload,
        mlpWorkload,
        xorWorkload,
        xorLanguageWorkload,
        chartsWorkload,
        // The language, the course and the playground.
        playgroundWorkload,
    ]
}

enum Figures {
    /// `{"name": "...", "key": value, ...}` with keys in the order given.
    static func jsonLine(name: String, _ figures: [(key: String, value: Double)]) -> String {
        var parts = ["\"name\": \"\(name)\""]
        for (key, value) in figures {
            parts.append("\"\(key)\": \(value.isFinite ? "\(value)" : "null")")
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// Median of a non-empty sample.
func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Writes a line to standard error.
func printError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
