import Testing
@testable import Tensors

/// Whether two lists of numbers agree within `tolerance` (absolute plus relative).
func close(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-5) -> Bool {
    actual.count == expected.count
        && zip(actual, expected).allSatisfy { a, e in
            (a.isNaN && e.isNaN) || a == e || Swift.abs(a - e) <= tolerance * (1 + Swift.abs(e))
        }
}

/// Expects `tensor` to have `shape` and `values`.
func expectTensor(
    _ tensor: Tensor, _ shape: [Int], _ values: [Double], tolerance: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(tensor.shape == shape, "shape", sourceLocation: sourceLocation)
    #expect(close(tensor.toDoubles(), values, tolerance: tolerance), "\(tensor.toDoubles()) != \(values)", sourceLocation: sourceLocation)
}

/// The message of the `TensorError` `body` throws, or nil.
func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as TensorError {
        return error.description
    } catch {
        return "\(error)"
    }
}

/// Expects autograd to agree with finite differences for `function` at `inputs`.
func expectGradients(
    _ inputs: [Tensor], tolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation,
    _ function: ([Tensor]) throws -> Tensor
) throws {
    let report = try Tensors.checkGradients(inputs, tolerance: tolerance, function)
    #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
}

/// A float64 tensor of `shape` with normal entries from `seed`.
func sample(_ shape: [Int], seed: UInt64, shift: Double = 0) throws -> Tensor {
    try Tensor.randn(shape, mean: shift, seed: seed, dtype: .float64)
}
