/// Cross-entropy of logits against class indices as one operation: a stable log-softmax per
/// row and the picked entries in one pass, and a gradient of softmax minus one-hot in one more.

#if canImport(Glibc)
import Glibc
#endif

extension Tensor {
    /// The cross-entropy -log softmax(x)[i, c_i] of float logits [N, C] against class indices
    /// [N] (int64, each checked to lie in 0..<C), averaged over the rows (`mean`) or summed:
    /// the same value and gradient as `logSoftmax(axis: 1)`, `gather` and `mean()` composed.
    ///
    /// Backward: (softmax(x) - onehot(c)) · g, divided by N for the mean.
    public func softmaxCrossEntropy(classIndices: Tensor, mean: Bool = true) throws -> Tensor {
        guard rank == 2, dtype.isFloatingPoint else {
            throw TensorError.shapeMismatch("softmaxCrossEntropy needs float logits of shape [N, classes], got \(formatShape(shape)) \(dtype)")
        }
        guard classIndices.shape == [shape[0]], !classIndices.dtype.isFloatingPoint else {
            throw TensorError.shapeMismatch(
                "softmaxCrossEntropy: logits of shape \(formatShape(shape)) need int class indices of shape [\(shape[0])], got \(formatShape(classIndices.shape)) \(classIndices.dtype)")
        }
        let (rows, classes) = (shape[0], shape[1])
        let picks = classIndices.toInts()
        if let bad = picks.first(where: { $0 < 0 || $0 >= classes }) {
            throw TensorError.indexOutOfRange(index: bad, axis: 1, size: classes)
        }
        guard rows > 0, classes > 0 else {
            // The composed operations' answer for no rows: the mean of nothing.
            let picked = try logSoftmax(axis: 1).gather(axis: 1, index: classIndices.reshape([rows, 1]))
            return try (-picked).reshapedMean(mean)
        }
        let x = try withNoGrad { isContiguous ? self : try copy() }
        // Per row: its maximum and log Σ e^(x - max), kept for the backward pass.
        let shift = try Tensor(uninitializedShape: [rows], dtype: dtype)
        let output = try Tensor(uninitializedShape: [], dtype: dtype)
        func forward<T: FloatScalar>(_: T.Type) {
            let source = x.pointer(T.self), shifts = shift.pointer(T.self)
            var total: T = 0
            for row in 0..<rows {
                let logits = source + row * classes
                var peak = logits[0]
                for c in 1..<classes where logits[c] > peak || logits[c] != logits[c] { peak = logits[c] }
                var sum: T = 0
                for c in 0..<classes { sum += T.exp(logits[c] - peak) }
                let logNormalizer = peak + T.log(sum)
                shifts[row] = logNormalizer
                total += logNormalizer - logits[picks[row]]
            }
            output.pointer(T.self)[0] = mean ? total / T(rows) : total
        }
        if dtype == .float64 { forward(Double.self) } else { forward(Float.self) }
        let logNormalizers = shift
        return output.recorded("crossEntropy", inputs: [self]) { g, inputs in
            let gradient = try Tensor(uninitializedShape: [rows, classes], dtype: logNormalizers.dtype)
            let logits = try inputs[0].isContiguous ? inputs[0] : inputs[0].copy()
            func backward<T: FloatScalar>(_: T.Type) throws {
                let scale = T(try g.item()) / (mean ? T(rows) : 1)
                let source = logits.pointer(T.self), target = gradient.pointer(T.self), shifts = logNormalizers.pointer(T.self)
                for row in 0..<rows {
                    let from = source + row * classes, to = target + row * classes
                    for c in 0..<classes { to[c] = T.exp(from[c] - shifts[row]) * scale }
                    to[picks[row]] -= scale
                }
            }
            if gradient.dtype == .float64 { try backward(Double.self) } else { try backward(Float.self) }
            return [gradient]
        }
    }

    private func reshapedMean(_ mean: Bool) throws -> Tensor {
        let flat = try reshape([count])
        return mean ? try flat.mean() : try flat.sum()
    }
}
