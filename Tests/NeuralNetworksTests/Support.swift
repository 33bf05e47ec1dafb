import Tensors
import Testing

@testable import NeuralNetworks

/// Whether two lists of numbers agree within `tolerance` (absolute plus relative).
func close(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-5) -> Bool {
    actual.count == expected.count
        && zip(actual, expected).allSatisfy { a, e in a == e || Swift.abs(a - e) <= tolerance * (1 + Swift.abs(e)) }
}

/// Expects `tensor` to have `shape` and `values`.
func expectTensor(
    _ tensor: Tensor, _ shape: [Int], _ values: [Double], tolerance: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(tensor.shape == shape, "shape \(tensor.shape) != \(shape)", sourceLocation: sourceLocation)
    #expect(
        close(tensor.toDoubles(), values, tolerance: tolerance), "\(tensor.toDoubles()) != \(values)",
        sourceLocation: sourceLocation)
}

/// The description of the error `body` throws, or nil when it throws none.
func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// Compares autograd's gradients for `tensors` (float64, contiguous) of `function` with
/// central differences. The output is reduced with fixed random weights, so every element of
/// the Jacobian takes part.
///
/// The engine's `checkGradients` copies its inputs, so it cannot reach the tensors a layer
/// holds; this one nudges the given tensors themselves (a layer's weight, or an input).
func checkGradientsInPlace(
    _ tensors: [Tensor], step: Double = 1e-6, tolerance: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ function: () throws -> Tensor
) throws {
    for tensor in tensors { tensor.grad = nil }
    let probe = try function()
    let weights = try Tensor.randn(probe.shape, seed: 99, dtype: .float64)
    try (probe * weights).sum().backward()
    func objective() throws -> Double { try withNoGrad { try (function() * weights).sum().item() } }
    for (number, tensor) in tensors.enumerated() {
        let analytic = tensor.grad?.toDoubles() ?? [Double](repeating: 0, count: tensor.count)
        var numeric: [Double] = []
        for i in 0..<tensor.count {
            let saved = try tensor.withUnsafeMutableElements(as: Double.self) { $0[i] }
            try tensor.withUnsafeMutableElements(as: Double.self) { $0[i] = saved + step }
            let plus = try objective()
            try tensor.withUnsafeMutableElements(as: Double.self) { $0[i] = saved - step }
            let minus = try objective()
            try tensor.withUnsafeMutableElements(as: Double.self) { $0[i] = saved }
            numeric.append((plus - minus) / (2 * step))
        }
        #expect(
            close(analytic, numeric, tolerance: tolerance),
            "tensor \(number): autograd \(analytic) vs finite differences \(numeric)",
            sourceLocation: sourceLocation)
    }
}

/// A float64 tensor of `shape` with normal entries from `seed`.
func sample(_ shape: [Int], seed: UInt64) throws -> Tensor {
    try Tensor.randn(shape, seed: seed, dtype: .float64)
}

/// Sets a parameter's values in place (outside autograd, as a learner would with `withNoGrad`).
func overwrite(_ parameter: Tensor, _ values: Tensor) throws {
    try withNoGrad { try parameter.assign(values) }
}
