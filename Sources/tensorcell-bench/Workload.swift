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
        convWorkload,
        digitsCNNWorkload,
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

/// A workload's arguments: `--name value` options, and the rest in order.
struct WorkloadArguments {
    private(set) var options: [String: String] = [:]
    private(set) var positional: [String] = []

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                guard index + 1 < arguments.count else { throw BenchFailure("\(argument) needs a value") }
                options[String(argument.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                positional.append(argument)
                index += 1
            }
        }
    }

    /// The whole number given as `--name`, else the positional argument at `position`, else `fallback`.
    func integer(_ name: String, position: Int? = nil, default fallback: Int) throws -> Int {
        let text = options[name] ?? position.flatMap { $0 < positional.count ? positional[$0] : nil }
        guard let text else { return fallback }
        guard let value = Int(text), value > 0 else { throw BenchFailure("--\(name) needs a positive whole number, got '\(text)'") }
        return value
    }
}
