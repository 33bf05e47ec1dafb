import Testing
@testable import Tensors

/// A whole number too large for an integer tensor's dtype makes a float result, where it was
/// stored saturated (every element of the result the same wrong number).
@Suite struct WholeNumberLimitTests {
    @Test func aHugeWholeScalarMakesAnIntegerTensorFloat() throws {
        let sum = try Tensor([1, 2], dtype: .int64) + 1e19
        #expect(sum.dtype == .float32)
        #expect(sum.toDoubles().allSatisfy { Swift.abs($0 / 1e19 - 1) < 1e-6 })
        let small = try Tensor([1, 2], dtype: .int64) + 1e17
        #expect(small.dtype == .int64)
        #expect(small.toDoubles() == [1e17 + 1, 1e17 + 2])
        let int32 = try Tensor([1], dtype: .int32) * 3e9
        #expect(int32.dtype == .float32)
        #expect(Swift.abs(int32.toDoubles()[0] / 3e9 - 1) < 1e-6)
    }

    @Test func arangeBeyondInt64GivesFloats() throws {
        let values = try Tensor.arange(1e19, 1.1e19, step: 1e17)
        #expect(values.dtype == .float32)
        #expect(values.count == 10)
        #expect(values.toDoubles().allSatisfy { $0 >= 0.99e19 && $0 < 1.1e19 })
        #expect(try Tensor.arange(0, 5).dtype == .int64)
    }
}
