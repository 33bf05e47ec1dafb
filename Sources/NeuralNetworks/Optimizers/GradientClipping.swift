import Tensors

/// Scales the gradients of `parameters` together so that their joint L2 norm is at most
/// `maxNorm` (PyTorch's `clip_grad_norm_`); directions are kept.
///
/// - Returns: the joint norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Double) throws -> Double {
    guard maxNorm > 0 else {
        throw NeuralNetworkError.invalidArgument("clipGradientNorm needs maxNorm > 0, got \(maxNorm)")
    }
    let total = gradientNorm(parameters)
    let scale = maxNorm / (total + 1e-6)
    guard scale < 1 else { return total }
    try withNoGrad {
        for parameter in parameters {
            guard let gradient = parameter.grad else { continue }
            parameter.grad = try gradient * scale
        }
    }
    return total
}

/// Clamps every gradient element of `parameters` into [-limit, limit].
public func clipGradientValue(_ parameters: [Tensor], limit: Double) throws {
    guard limit > 0 else { throw NeuralNetworkError.invalidArgument("clipGradientValue needs limit > 0, got \(limit)") }
    try withNoGrad {
        for parameter in parameters {
            guard let gradient = parameter.grad else { continue }
            parameter.grad = try gradient.clamp(min: -limit, max: limit)
        }
    }
}

/// The joint L2 norm of the gradients of `parameters`: √(Σ g²) over every element (0 without gradients).
public func gradientNorm(_ parameters: [Tensor]) -> Double {
    parameters.reduce(0.0) { total, parameter in
        total + (parameter.grad?.toDoubles().reduce(0) { $0 + $1 * $1 } ?? 0)
    }.squareRoot()
}
