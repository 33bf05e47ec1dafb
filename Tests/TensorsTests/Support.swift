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

/// Compares the gradients autograd gives for `inputs` of `function` with central differences.
///
/// The function's output is reduced to a scalar with fixed random weights, so every element of
/// the Jacobian takes part. Inputs must be float64 leaves.
func checkGradients(
    _ inputs: [Tensor], step: Double = 1e-6, tolerance: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) throws -> Tensor
) throws {
    for input in inputs {
        input.requiresGrad = true
        input.grad = nil
    }
    let probe = try function(inputs)
    let weights = try Tensor.randn(probe.shape, seed: 99, dtype: .float64)
    func objective() throws -> Double { try (function(inputs) * weights).sum().item() }
    try (probe * weights).sum().backward()
    for (number, input) in inputs.enumerated() {
        let analytic = input.grad?.toDoubles() ?? [Double](repeating: 0, count: input.count)
        var numeric: [Double] = []
        let values = input.pointer(Double.self)
        let dense = input.isContiguous
        #expect(dense, "inputs must be contiguous", sourceLocation: sourceLocation)
        for i in 0..<input.count {
            let saved = values[i]
            values[i] = saved + step
            let plus = try withNoGrad { try objective() }
            values[i] = saved - step
            let minus = try withNoGrad { try objective() }
            values[i] = saved
            numeric.append((plus - minus) / (2 * step))
        }
        #expect(
            close(analytic, numeric, tolerance: tolerance),
            "input \(number): autograd \(analytic) vs finite differences \(numeric)", sourceLocation: sourceLocation)
    }
}

/// A float64 tensor of `shape` with normal entries from `seed`.
func sample(_ shape: [Int], seed: UInt64, shift: Double = 0) throws -> Tensor {
    try Tensor.randn(shape, mean: shift, seed: seed, dtype: .float64)
}
