/// Softmax and log-softmax along an axis, computed after subtracting the maximum so that no
/// exponential overflows.

import Interchange

extension Tensor {
    /// e^x / Σ e^x along `axis`: non-negative, summing to 1 along the axis.
    ///
    /// Backward: y ⊙ (g - Σ g ⊙ y), the sum along the axis.
    public func softmax(axis: Int = -1) throws -> Tensor {
        let axis = try normalizeAxis(axis, rank: Swift.max(rank, 1))
        let x = try asFloat()
        let output = try withNoGrad { () -> Tensor in
            let exponentials = try (x - x.max(axis: axis, keepDims: true)).exp()
            return try exponentials / exponentials.sum(axis: axis, keepDims: true)
        }
        let result = output.detach()
        return output.recorded("softmax", inputs: [x]) { g, _ in
            [try result * (g - (g * result).sum(axis: axis, keepDims: true))]
        }
    }

    /// log softmax along `axis`: x - max - log Σ e^(x - max), finite even for large inputs.
    ///
    /// Backward: g - softmax(x) ⊙ Σ g, the sum along the axis.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        let axis = try normalizeAxis(axis, rank: Swift.max(rank, 1))
        let x = try asFloat()
        let output = try withNoGrad { () -> Tensor in
            let shifted = try x - x.max(axis: axis, keepDims: true)
            return try shifted - shifted.exp().sum(axis: axis, keepDims: true).log()
        }
        let result = output.detach()
        return output.recorded("logSoftmax", inputs: [x]) { g, _ in
            [try g - result.exp() * g.sum(axis: axis, keepDims: true)]
        }
    }

    /// log Σ e^x along `axes`, computed stably.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let resolved = try normalizeAxes(axes, rank: rank)
        let x = try asFloat()
        let peak = try withNoGrad { try x.max(axes: resolved, keepDims: true) }
        let total = try (x - peak).exp().sum(axes: resolved, keepDims: true).log() + peak
        return keepDims ? total : try total.squeeze(axes: resolved)
    }
}

extension Tensor: CustomStringConvertible {
    /// `tensor([[1, 2], [3, 4]], dtype: float32)` with at most a few elements per axis shown.
    public var description: String {
        let values = toDoubles()
        func format(_ value: Double) -> String {
            if !dtype.isFloatingPoint { return String(Int64(value)) }
            if let whole = value.wholeNumber(below: 1e15) { return String(whole) + "." }
            return dtype == .float32 ? String(Float(value)) : String(value)
        }
        func render(_ axis: Int, _ start: Int) -> String {
            if axis == rank { return format(values[start]) }
            let step = shape[(axis + 1)...].reduce(1, *)
            let size = shape[axis]
            let positions = size > 6 ? Array(0..<3) + [-1] + Array((size - 3)..<size) : Array(0..<size)
            let parts = positions.map { $0 < 0 ? "..." : render(axis + 1, start + $0 * step) }
            return "[" + parts.joined(separator: ", ") + "]"
        }
        let body = count == 0 ? "[]" : render(0, 0)
        return "tensor(\(body), shape: \(formatShape(shape)), dtype: \(dtype))"
    }
}
