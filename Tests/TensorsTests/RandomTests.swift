import Testing
@testable import Tensors

@Suite struct RandomTests {
    @Test func xoshiroSequenceIsFixedBySeed() {
        // Reference values from an independent implementation of SplitMix64 + xoshiro256**.
        var generator = RandomGenerator(seed: 42)
        #expect((0..<4).map { _ in generator.next() } == [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193])
        var again = RandomGenerator(seed: 42)
        #expect(again.nextUniform() == 0.08386297105988216)
    }

    @Test func sameSeedSameTensors() throws {
        #expect(try Tensor.randn([5], seed: 7).toDoubles() == Tensor.randn([5], seed: 7).toDoubles())
        #expect(try Tensor.randn([5], seed: 7).toDoubles() != Tensor.randn([5], seed: 8).toDoubles())
        #expect(try Tensor.rand([3], seed: 1).toDoubles() == Tensor.rand([3], seed: 1).toDoubles())
        #expect(try Tensor.randint(0, 10, shape: [6], seed: 2).toInts() == Tensor.randint(0, 10, shape: [6], seed: 2).toInts())
        #expect(try Tensor.randperm(6, seed: 3).toInts() == Tensor.randperm(6, seed: 3).toInts())
    }

    /// Sample mean and variance of `values`.
    func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
    }

    @Test func uniformStatistics() throws {
        let n = 200_000
        let values = try Tensor.rand([n], low: -1, high: 3, seed: 11, dtype: .float64).toDoubles()
        #expect(values.allSatisfy { $0 >= -1 && $0 < 3 })
        let (mean, variance) = moments(values)
        // Uniform on [-1, 3): mean 1, variance 16/12; the mean's standard error is sqrt(var/n).
        #expect(Swift.abs(mean - 1) < 5 * (16.0 / 12 / Double(n)).squareRoot())
        #expect(Swift.abs(variance - 16.0 / 12) < 0.02)
        // Ten equal bins, chi-square with 9 degrees of freedom: 99.99th percentile is about 33.7.
        var bins = [Int](repeating: 0, count: 10)
        for v in values { bins[Swift.min(9, Int((v + 1) / 4 * 10))] += 1 }
        let expected = Double(n) / 10
        let chiSquare = bins.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 33.7)
        let floats = try Tensor.rand([n], seed: 12).toDoubles()
        #expect(floats.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func normalStatistics() throws {
        let n = 200_000
        let values = try Tensor.randn([n], mean: 2, std: 3, seed: 13, dtype: .float64).toDoubles()
        let (mean, variance) = moments(values)
        #expect(Swift.abs(mean - 2) < 5 * 3 / Double(n).squareRoot())
        // The variance's standard error is about sigma² sqrt(2/n).
        #expect(Swift.abs(variance - 9) < 5 * 9 * (2 / Double(n)).squareRoot())
        // About 68.27% of a normal sample lies within one standard deviation.
        let inside = Double(values.filter { Swift.abs($0 - 2) < 3 }.count) / Double(n)
        #expect(Swift.abs(inside - 0.6827) < 0.005)
    }

    @Test func integerAndPermutationStatistics() throws {
        let n = 60_000
        let values = try Tensor.randint(-2, 4, shape: [n], seed: 14).toInts()
        #expect(values.allSatisfy { (-2..<4).contains($0) })
        let counts = (-2..<4).map { k in values.filter { $0 == k }.count }
        // Chi-square with 5 degrees of freedom: 99.99th percentile is about 25.7.
        let expected = Double(n) / 6
        #expect(counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected } < 25.7)
        let permutation = try Tensor.randperm(1000, seed: 15).toInts()
        #expect(permutation.sorted() == Array(0..<1000))
        #expect(permutation != Array(0..<1000))
        let mask = try Tensor.bernoulli([n], probability: 0.3, seed: 16).toDoubles()
        #expect(Swift.abs(mask.reduce(0, +) / Double(n) - 0.3) < 5 * (0.21 / Double(n)).squareRoot())
    }

    @Test func sharedGeneratorIsReseedable() throws {
        Tensor.manualSeed(5)
        let first = try Tensor.randn([3]).toDoubles()
        Tensor.manualSeed(5)
        let second = try Tensor.randn([3]).toDoubles()
        // Other tests may draw from the shared generator at the same time; only check that a
        // reseed makes it repeatable when it is not shared, by comparing with a seeded call.
        let seeded = try Tensor.randn([3], seed: 5).toDoubles()
        #expect(first == seeded || second == seeded)
    }

    @Test func aStreamContinuesWhereItStopped() throws {
        let stream = RandomStream(seed: 5)
        let first = try Tensor.randn([3], using: stream, dtype: .float64).toDoubles()
        let second = try Tensor.randn([3], using: stream, dtype: .float64).toDoubles()
        #expect(first + second == (try Tensor.randn([6], seed: 5, dtype: .float64).toDoubles()))
        let order = try Tensor.randperm(5, using: stream).toInts()
        #expect(order.sorted() == [0, 1, 2, 3, 4])
        stream.reseed(5)
        #expect(try Tensor.randn([3], using: stream, dtype: .float64).toDoubles() == first)
    }

    @Test func badArgumentsAreErrors() {
        #expect(errorMessage { try Tensor.randint(3, 3, shape: [2]) } == "randint needs low < high, got 3 and 3")
        #expect(errorMessage { try Tensor.randn([2], dtype: .int32) } == "random floats need a float dtype, got int32")
        #expect(errorMessage { try Tensor.bernoulli([2], probability: 1.5) } != nil)
    }
}
