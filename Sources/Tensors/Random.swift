#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The engine's own random numbers: xoshiro256** seeded through SplitMix64, so the same seed
/// gives the same numbers on every machine and with every Swift version.
///
/// Uniform doubles take the top 53 bits (`[0, 1)`, every value a multiple of 2⁻⁵³), uniform
/// floats the top 24 bits; normals come from the Box–Muller transform (two per pair of uniforms);
/// bounded integers from Lemire's multiply-and-reject method, without bias.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    var state: (UInt64, UInt64, UInt64, UInt64)
    /// A normal variate left over from the last Box–Muller pair.
    var spareNormal: Double?

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    @inline(__always) func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A double uniform in [0, 1).
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A float uniform in [0, 1).
    public mutating func nextUniformFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A standard normal variate (mean 0, variance 1).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let radius = (-2 * Glibc.log(1 - nextUniform())).squareRoot()
        let angle = 2 * Double.pi * nextUniform()
        spareNormal = radius * Glibc.sin(angle)
        return radius * Glibc.cos(angle)
    }

    /// An integer uniform in `0..<bound` (bound > 0), without modulo bias.
    public mutating func nextInt(below bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }
}

/// A generator that several users draw from in turn (layers of one model, a data loader),
/// safe to share between threads.
public final class RandomStream: Sendable {
    let generator: Mutex<RandomGenerator>

    /// A stream whose numbers are fixed by `seed`.
    public init(seed: UInt64) { generator = Mutex(RandomGenerator(seed: seed)) }

    /// Runs `body` with exclusive use of the generator.
    public func withGenerator<Result>(_ body: (inout RandomGenerator) throws -> Result) rethrows -> Result {
        try generator.withLock { generator in
            var local = generator
            defer { generator = local }
            return try body(&local)
        }
    }

    /// Restarts the stream from `seed`.
    public func reseed(_ seed: UInt64) { generator.withLock { $0 = RandomGenerator(seed: seed) } }

    /// The stream used when neither a seed nor a stream is given; `Tensor.manualSeed` restarts it.
    public static let shared = RandomStream(seed: 0x5EED)
}

extension Tensor {
    /// Restarts the shared generator (used when no seed is passed) from `seed`.
    public static func manualSeed(_ seed: UInt64) { RandomStream.shared.reseed(seed) }

    /// Runs `body` with a fresh generator for `seed`, else with `stream`, else with the shared stream.
    static func withGenerator<R>(seed: UInt64?, stream: RandomStream?, _ body: (inout RandomGenerator) throws -> R) rethrows -> R {
        if let seed {
            var generator = RandomGenerator(seed: seed)
            return try body(&generator)
        }
        return try (stream ?? .shared).withGenerator(body)
    }

    static func floatTensor(
        _ shape: [Int], dtype: DType, fill: (inout RandomGenerator) -> Double, seed: UInt64?, stream: RandomStream?
    ) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.dtype("random floats need a float dtype, got \(dtype)") }
        let tensor = try Tensor(uninitializedShape: shape, dtype: dtype)
        let count = tensor.count
        withGenerator(seed: seed, stream: stream) { generator in
            if dtype == .float64 {
                let target = tensor.pointer(Double.self)
                for i in 0..<count { target[i] = fill(&generator) }
            } else {
                let target = tensor.pointer(Float.self)
                for i in 0..<count { target[i] = Float(fill(&generator)) }
            }
        }
        return tensor
    }

    // Each generator below draws from a fresh generator for `seed` when one is given, else from
    // `stream`, else from the shared stream.

    /// Uniform random numbers in [`low`, `high`).
    public static func rand(_ shape: [Int], low: Double = 0, high: Double = 1, seed: UInt64? = nil, using stream: RandomStream? = nil, dtype: DType = .float32) throws -> Tensor {
        guard low <= high else { throw TensorError.invalidArgument("rand needs low <= high, got \(low) and \(high)") }
        if dtype == .float32 && low == 0 && high == 1 {
            return try floatTensor(shape, dtype: dtype, fill: { Double($0.nextUniformFloat()) }, seed: seed, stream: stream)
        }
        // Rounding to float32 could reach `high`; keep the interval half-open.
        return try floatTensor(shape, dtype: dtype, fill: { g in
            let value = low + (high - low) * g.nextUniform()
            return dtype == .float32 && Float(value) >= Float(high) && high > low ? Double(Float(high).nextDown) : value
        }, seed: seed, stream: stream)
    }

    /// Normal random numbers with the given mean and standard deviation.
    public static func randn(_ shape: [Int], mean: Double = 0, std: Double = 1, seed: UInt64? = nil, using stream: RandomStream? = nil, dtype: DType = .float32) throws -> Tensor {
        guard std >= 0 else { throw TensorError.invalidArgument("randn needs std >= 0, got \(std)") }
        return try floatTensor(shape, dtype: dtype, fill: { mean + std * $0.nextNormal() }, seed: seed, stream: stream)
    }

    /// Integers uniform in `low..<high` (int64 unless given).
    public static func randint(_ low: Int, _ high: Int, shape: [Int], seed: UInt64? = nil, using stream: RandomStream? = nil, dtype: DType = .int64) throws -> Tensor {
        guard low < high else { throw TensorError.invalidArgument("randint needs low < high, got \(low) and \(high)") }
        let span = UInt64(bitPattern: Int64(high) &- Int64(low))
        let count = try checkedElementCount(shape)
        let values = withGenerator(seed: seed, stream: stream) { generator in
            (0..<count).map { _ in
                Double(Int64(low) &+ Int64(bitPattern: generator.nextInt(below: span)))
            }
        }
        return try Tensor(shape: shape, scalars: values, dtype: dtype)
    }

    /// A random ordering of `0..<count` (int64), by Fisher–Yates.
    public static func randperm(_ count: Int, seed: UInt64? = nil, using stream: RandomStream? = nil) throws -> Tensor {
        guard count >= 0 else { throw TensorError.invalidSize("randperm needs a count of at least 0, got \(count)") }
        var order = Array(0..<count)
        withGenerator(seed: seed, stream: stream) { generator in
            for i in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.nextInt(below: UInt64(i + 1))))
            }
        }
        return try Tensor(shape: [count], scalars: order.map(Double.init), dtype: .int64)
    }

    /// 1 with probability `probability`, else 0, elementwise (float32 unless given): dropout masks.
    public static func bernoulli(_ shape: [Int], probability: Double, seed: UInt64? = nil, using stream: RandomStream? = nil, dtype: DType = .float32) throws -> Tensor {
        guard (0...1).contains(probability) else {
            throw TensorError.invalidArgument("bernoulli needs a probability in 0...1, got \(probability)")
        }
        return try floatTensor(shape, dtype: dtype, fill: { $0.nextUniform() < probability ? 1 : 0 }, seed: seed, stream: stream)
    }
}
