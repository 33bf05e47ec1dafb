#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed random sequence (SplitMix64), so examples look the same on every run.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal, by Box and Muller.
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * uniform())
    }
}

/// One example of every chart and table kind, on made-up but plausible data: the gallery
/// renders them for people to look at, and the golden-file tests pin their output.
public enum Gallery {
    public static var charts: [(name: String, chart: any Chart)] {
        [
            ("line-loss", lossCurves),
            ("line-log", LineChart(lossCurves.series, title: "Loss (log scale)", xLabel: "epoch", yLabel: "loss", yScale: .log)),
            ("line-10k", bigLine),
            ("line-edge-cases", edgeCases),
            ("line-empty", LineChart([], title: "Nothing yet")),
            ("line-one-point", LineChart([Series("only", y: [3.5])], title: "One point")),
            ("line-constant", LineChart([Series("flat", y: Array(repeating: 2, count: 50))], title: "A constant series")),
            ("line-tiny", LineChart([Series("tiny", y: (0..<50).map { 1e-9 * (1 + sin(Double($0) / 5)) })], title: "Tiny values")),
            ("line-huge", LineChart([Series("huge", y: (0..<50).map { 3e12 * Double($0 * $0) })], title: "Huge values")),
        ]
    }

    public static var tables: [(name: String, table: any MIMERepresentable)] {
        []
    }

    static var lossCurves: LineChart {
        var random = SeededRandom(seed: 1)
        let epochs = (1...60).map(Double.init)
        let train = epochs.map { 2.3 * exp(-$0 / 12) + 0.05 + 0.02 * random.normal() }
        let validation = epochs.map { 2.3 * exp(-$0 / 14) + 0.12 + 0.002 * $0 + 0.03 * random.normal() }
        return LineChart(
            [Series("train", x: epochs, y: train), Series("validation", x: epochs, y: validation, dashed: true)],
            title: "Training history", xLabel: "epoch", yLabel: "cross-entropy loss")
    }

    /// 10,000 noisy steps: the size the benchmark draws.
    public static var bigLine: LineChart {
        var random = SeededRandom(seed: 2)
        var loss = 2.5
        let ys = (0..<10_000).map { step -> Double in
            loss = loss * 0.9995 + 0.0004 * (1 + random.normal())
            return loss + 0.15 * abs(random.normal()) * exp(-Double(step) / 4000)
        }
        return LineChart([Series("batch loss", y: ys)], title: "10,000 steps", xLabel: "step", yLabel: "loss")
    }

    static var edgeCases: LineChart {
        var ys = (0..<40).map { sin(Double($0) / 4) }
        ys[10] = .nan
        ys[20] = .infinity
        ys[21] = -.infinity
        return LineChart(
            [Series("with gaps", y: ys), Series("short", x: [5, 15, 25], y: [0.5, .nan, -0.5])],
            title: "NaN and infinity are skipped", xLabel: "i", yLabel: "value")
    }
}
