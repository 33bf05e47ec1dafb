/// A dense layer's arithmetic as one operation: y = x Wᵀ + b, then ReLU when asked.

/// x Wᵀ + b for x [N, in], W [out, in] and b [out] (or none), with ReLU applied when `relu`:
/// the same values and gradients as `matmul(x, W.transpose()) + b` followed by `relu()`, in
/// one product that starts from the bias and one pass for the ReLU. Backward is the ReLU's
/// mask and then one product per gradient: dx = g W, dW = gᵀ x, db = Σ g.
///
/// Inputs of other ranks or mixed dtypes take the composed path.
public func affine(_ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, relu: Bool = false) throws -> Tensor {
    let dtype = weight.dtype
    guard input.rank == 2, weight.rank == 2, dtype.isFloatingPoint, input.dtype == dtype, bias.map({ $0.dtype == dtype && $0.rank == 1 }) ?? true,
        input.shape[1] == weight.shape[1], bias.map({ $0.shape[0] == weight.shape[0] }) ?? true, input.count > 0, weight.count > 0
    else {
        var output = try matmul(input, weight.transpose())
        if let bias { output = try output + bias }
        return relu ? try output.relu() : output
    }
    let (rows, inner, columns) = (input.shape[0], input.shape[1], weight.shape[0])
    let (x, w) = try withNoGrad { (try dense(input), try dense(weight)) }
    let b = try bias.map { bias in try withNoGrad { try dense(bias) } }
    let output = try Tensor(uninitializedShape: [rows, columns], dtype: dtype)
    func run<T: FloatScalar>(_: T.Type) {
        let y = output.pointer(T.self)
        if let b {
            let source = b.pointer(T.self)
            for row in 0..<rows { (y + row * columns).update(from: source, count: columns) }
        }
        gemm(
            x.pointer(T.self), MatrixLayout(rows: rows, columns: inner, rowStride: inner, columnStride: 1)!,
            w.pointer(T.self), MatrixLayout(rows: inner, columns: columns, rowStride: 1, columnStride: inner)!,
            y, m: rows, n: columns, k: inner, accumulate: b != nil)
        if relu { rectifyInPlace(y, count: rows * columns) }
    }
    if dtype == .float64 { run(Double.self) } else { run(Float.self) }
    let result = output.detach()
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return output.recorded(relu ? "affine+relu" : "affine", inputs: inputs) { gradient, inputs in
        let wanted = (inputs[0].requiresGrad, inputs[1].requiresGrad, inputs.count > 2 && inputs[2].requiresGrad)
        let g = try dense(gradient.converted(to: dtype))
        let masked = relu ? try Tensor(uninitializedShape: [rows, columns], dtype: dtype) : g
        let inputGradient = wanted.0 ? try Tensor(uninitializedShape: [rows, inner], dtype: dtype) : nil
        let weightGradient = wanted.1 ? try Tensor(uninitializedShape: [columns, inner], dtype: dtype) : nil
        let biasGradient = wanted.2 ? try Tensor(uninitializedShape: [columns], dtype: dtype) : nil
        let (x, w) = (try dense(inputs[0]), try dense(inputs[1]))
        func run<T: FloatScalar>(_: T.Type) {
            let gm = masked.pointer(T.self)
            if relu { maskByPositive(g.pointer(T.self), result.pointer(T.self), into: gm, count: rows * columns) }
            let gLayout = MatrixLayout(rows: rows, columns: columns, rowStride: columns, columnStride: 1)!
            if let inputGradient {
                gemm(
                    gm, gLayout, w.pointer(T.self), MatrixLayout(rows: columns, columns: inner, rowStride: inner, columnStride: 1)!,
                    inputGradient.pointer(T.self), m: rows, n: inner, k: columns)
            }
            if let weightGradient {
                gemm(
                    gm, MatrixLayout(rows: columns, columns: rows, rowStride: 1, columnStride: columns)!,
                    x.pointer(T.self), MatrixLayout(rows: rows, columns: inner, rowStride: inner, columnStride: 1)!,
                    weightGradient.pointer(T.self), m: columns, n: inner, k: rows)
            }
            if let biasGradient { columnSums(gm, rows: rows, columns: columns, into: biasGradient.pointer(T.self)) }
        }
        if dtype == .float64 { run(Double.self) } else { run(Float.self) }
        return [inputGradient, weightGradient, biasGradient]
    }
}

/// `t` when it is contiguous, else a contiguous copy.
private func dense(_ t: Tensor) throws -> Tensor { t.isContiguous ? t : try t.copy() }

/// y = max(y, 0) in place (0 for NaN, as `relu`). The zero is hoisted out of the loop: with the
/// literal inside it, the specialised loop compiles to a branch per element instead of vector
/// instructions. Not inlined, so that it is specialised as a loop of its own wherever it is called.
@inline(never)
func rectifyInPlace<T: FloatScalar>(_ y: UnsafeMutablePointer<T>, count: Int) {
    let zero = T.zero
    for i in 0..<count {
        let v = y[i]
        y[i] = v > zero ? v : zero
    }
}

/// g where y > 0, else 0: the ReLU's backward read from its output. Written on the bits, so
/// that both operands are always read and the loop runs in vector instructions (a select that
/// reads g only where y > 0 compiles to a branch per element).
@inline(never)
func maskByPositive<T: FloatScalar>(_ g: UnsafePointer<T>, _ y: UnsafePointer<T>, into target: UnsafeMutablePointer<T>, count: Int) {
    if T.self == Float.self {
        let (g, y, target) = (UnsafeRawPointer(g).assumingMemoryBound(to: Float.self), UnsafeRawPointer(y).assumingMemoryBound(to: Float.self),
            UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self))
        for i in 0..<count {
            let keep: UInt32 = y[i] > 0 ? .max : 0
            target[i] = Float(bitPattern: g[i].bitPattern & keep)
        }
    } else {
        let (g, y, target) = (UnsafeRawPointer(g).assumingMemoryBound(to: Double.self), UnsafeRawPointer(y).assumingMemoryBound(to: Double.self),
            UnsafeMutableRawPointer(target).assumingMemoryBound(to: Double.self))
        for i in 0..<count {
            let keep: UInt64 = y[i] > 0 ? .max : 0
            target[i] = Double(bitPattern: g[i].bitPattern & keep)
        }
    }
}

/// Sums of each column of a [rows, columns] matrix.
@inline(never)
func columnSums<T: FloatScalar>(_ matrix: UnsafePointer<T>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<T>) {
    sums.update(repeating: T.zero, count: columns)
    for row in 0..<rows {
        let source = matrix + row * columns
        for j in 0..<columns { sums[j] += source[j] }
    }
}
