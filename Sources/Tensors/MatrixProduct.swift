/// Matrix products, 2-d and batched, through BLAS.

/// The matrix product of `a` and `b`, NumPy's `matmul`: [m, k] x [k, n] -> [m, n]; leading axes
/// are batches and broadcast; a vector operand is a row (first) or a column (second) that the
/// result drops. Integers are multiplied as float32.
///
/// d/dA = G Bᵀ, d/dB = Aᵀ G.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.rank > 0, b.rank > 0 else {
        throw TensorError.shapeMismatch("cannot multiply \(formatShape(a.shape)) by \(formatShape(b.shape)): matmul needs tensors with at least one axis")
    }
    if a.rank == 1 || b.rank == 1 {
        let left = a.rank == 1 ? try a.unsqueeze(axis: 0) : a
        let right = b.rank == 1 ? try b.unsqueeze(axis: -1) : b
        if left.shape[left.rank - 1] != right.shape[right.rank - 2] {
            throw innerMismatch(a, b)
        }
        var product = try matmul(left, right)
        if b.rank == 1 { product = try product.squeeze(axis: -1) }
        if a.rank == 1 { product = try product.squeeze(axis: a.rank == 1 && b.rank == 1 ? -1 : -2) }
        return product
    }
    var (x, y) = try promotedPair(a, b, float: true)
    let (m, k, n) = (x.shape[x.rank - 2], x.shape[x.rank - 1], y.shape[y.rank - 1])
    guard y.shape[y.rank - 2] == k else { throw innerMismatch(a, b) }
    let xBatch = Array(x.shape.dropLast(2)), yBatch = Array(y.shape.dropLast(2))
    let batch: [Int]
    do {
        batch = try broadcastShapes(xBatch, yBatch)
    } catch {
        throw TensorError.shapeMismatch(
            "cannot multiply \(formatShape(a.shape)) by \(formatShape(b.shape)): batch shapes \(formatShape(xBatch)) and \(formatShape(yBatch)) do not broadcast")
    }
    let output = try Tensor(uninitializedShape: batch + [m, n], dtype: x.dtype)
    let inputs = [x, y]
    if output.count > 0 {
        if k == 0 {
            try output.fill(0)
        } else {
            func layout(_ t: inout Tensor) throws -> MatrixLayout {
                let r = t.rank
                if let found = MatrixLayout(rows: t.shape[r - 2], columns: t.shape[r - 1], rowStride: t.strides[r - 2], columnStride: t.strides[r - 1]) {
                    return found
                }
                t = try withNoGrad { try t.copy() }
                return MatrixLayout(rows: t.shape[r - 2], columns: t.shape[r - 1], rowStride: t.strides[r - 2], columnStride: t.strides[r - 1])!
            }
            let xLayout = try layout(&x), yLayout = try layout(&y)
            let xStrides = batchStrides(x, batch), yStrides = batchStrides(y, batch)
            let batchCount = batch.reduce(1, *)
            func run<T: FloatScalar>(_: T.Type) {
                let px = x.pointer(T.self), py = y.pointer(T.self), pc = output.pointer(T.self)
                for index in 0..<batchCount {
                    var remainder = index, xOffset = 0, yOffset = 0
                    for axis in stride(from: batch.count - 1, through: 0, by: -1) {
                        let coordinate = remainder % batch[axis]
                        remainder /= batch[axis]
                        xOffset += coordinate * xStrides[axis]
                        yOffset += coordinate * yStrides[axis]
                    }
                    gemm(px + xOffset, xLayout, py + yOffset, yLayout, pc + index * m * n, m: m, n: n, k: k)
                }
            }
            if x.dtype == .float64 { run(Double.self) } else { run(Float.self) }
        }
    }
    return output.recorded("matmul", inputs: inputs) { g, inputs in
        [
            inputs[0].requiresGrad ? try matmul(g, inputs[1].transpose()) : nil,
            inputs[1].requiresGrad ? try rightGradient(inputs[0], g, layoutOf: inputs[1]) : nil,
        ]
    }
}

func innerMismatch(_ a: Tensor, _ b: Tensor) -> TensorError {
    let k1 = a.shape[a.rank - 1], k2 = b.rank == 1 ? b.shape[0] : b.shape[b.rank - 2]
    return .shapeMismatch("cannot multiply \(formatShape(a.shape)) by \(formatShape(b.shape)): inner sizes \(k1) and \(k2) differ")
}

/// Strides of `t`'s batch axes read as broadcast to `batch` (0 where repeated).
func batchStrides(_ t: Tensor, _ batch: [Int]) -> [Int] {
    let own = t.rank - 2
    let lead = batch.count - own
    return batch.indices.map { axis in
        let mine = axis - lead
        return mine >= 0 && t.shape[mine] != 1 ? t.strides[mine] : 0
    }
}

/// Aᵀ G, the gradient of the right operand, laid out in memory as that operand is: for a
/// transposed view (a layer's `weight.transpose()`), Gᵀ A transposed, so the gradient that
/// reaches the weight through the transpose is contiguous rather than a strided copy.
func rightGradient(_ a: Tensor, _ g: Tensor, layoutOf b: Tensor) throws -> Tensor {
    if b.rank == 2, a.rank == 2, b.shape[0] > 1, b.shape[1] > 1, b.strides == [1, b.shape[0]] {
        return try matmul(g.transpose(), a).transpose()
    }
    return try matmul(a.transpose(), g)
}
