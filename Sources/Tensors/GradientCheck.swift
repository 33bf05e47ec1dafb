/// Checking autograd against central finite differences: for tests of every op and layer.

/// What `checkGradients` found for each input.
public struct GradientCheckReport: Sendable, CustomStringConvertible {
    /// Per input, the gradient autograd computed, in row-major order.
    public let analytic: [[Double]]
    /// Per input, (f(x + h) - f(x - h)) / 2h for each element.
    public let numeric: [[Double]]
    /// The largest |analytic - numeric| / (1 + |numeric|) over every element.
    public let worstError: Double
    /// The tolerance `worstError` was held to.
    public let tolerance: Double

    /// Whether every element agreed within the tolerance.
    public var passed: Bool { worstError <= tolerance }

    public var description: String {
        let verdict = passed ? "passed" : "FAILED"
        var lines = ["gradient check \(verdict): worst relative error \(worstError) (tolerance \(tolerance))"]
        for (index, (a, n)) in zip(analytic, numeric).enumerated() where !passed {
            lines.append("input \(index): autograd \(a)\n         finite differences \(n)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Compares the gradients autograd gives for `inputs` of `function` with central differences.
///
/// The output is reduced to a scalar with fixed random weights, so every element of the
/// Jacobian takes part. Inputs must be float64 (the differences need the precision); they are
/// marked as requiring gradients, their `grad` is replaced, and their elements are restored.
/// The error of central differences is O(h²) plus rounding of order ε/h, so h = 1e-6 in float64
/// leaves about 1e-8 of slack for smooth functions.
///
/// - Parameters:
///   - inputs: float64 tensors the function reads.
///   - step: the finite-difference step h.
///   - tolerance: the largest relative error `|a - n| / (1 + |n|)` accepted.
///   - function: the computation under test.
/// - Returns: the gradients both ways and the worst disagreement.
public func checkGradients(
    _ inputs: [Tensor], step: Double = 1e-6, tolerance: Double = 1e-6, _ function: ([Tensor]) throws -> Tensor
) throws -> GradientCheckReport {
    for input in inputs where input.dtype != .float64 {
        throw TensorError.dtype("checkGradients needs float64 inputs, got \(input.dtype) of shape \(formatShape(input.shape))")
    }
    // Contiguous copies, so each element can be nudged in place.
    let leaves = try withNoGrad { try inputs.map { try $0.copy() } }
    for leaf in leaves { leaf.requiresGrad = true }
    let probe = try function(leaves)
    let weights = try Tensor.randn(probe.shape, seed: 0x6AD, dtype: probe.dtype)
    try (probe * weights).sum().backward()
    func objective() throws -> Double { try withNoGrad { try (function(leaves) * weights).sum().item() } }
    var analytic: [[Double]] = []
    var numeric: [[Double]] = []
    var worst = 0.0
    for leaf in leaves {
        let computed = leaf.grad?.toDoubles() ?? [Double](repeating: 0, count: leaf.count)
        var differences: [Double] = []
        let values = leaf.pointer(Double.self)
        for i in 0..<leaf.count {
            let saved = values[i]
            values[i] = saved + step
            let plus = try objective()
            values[i] = saved - step
            let minus = try objective()
            values[i] = saved
            differences.append((plus - minus) / (2 * step))
        }
        for (a, n) in zip(computed, differences) {
            let error = a == n ? 0 : Swift.abs(a - n) / (1 + Swift.abs(n))
            worst = Swift.max(worst, error.isNaN ? .infinity : error)
        }
        analytic.append(computed)
        numeric.append(differences)
    }
    return GradientCheckReport(analytic: analytic, numeric: numeric, worstError: worst, tolerance: tolerance)
}

/// Whether `a` and `b` have one shape and every pair of elements satisfies
/// |a - b| <= absoluteTolerance + relativeTolerance · |b| (NumPy's `allclose`; nan never matches).
public func allClose(_ a: Tensor, _ b: Tensor, relativeTolerance: Double = 1e-5, absoluteTolerance: Double = 1e-8) -> Bool {
    a.shape == b.shape
        && zip(a.toDoubles(), b.toDoubles()).allSatisfy { x, y in
            x == y || Swift.abs(x - y) <= absoluteTolerance + relativeTolerance * Swift.abs(y)
        }
}
