/// The typed loops every elementwise operation runs: one dtype switch per operation, then a
/// tight loop over buffers.

/// A function of one float, as a type, so loops are specialised for it and for the dtype.
protocol FloatUnaryFunction {
    static func apply<T: FloatScalar>(_ x: T) -> T
}

/// A function of two numbers of any dtype.
protocol BinaryFunction {
    static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T
}

/// A function of two floats.
protocol FloatBinaryFunction {
    static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T
}

/// A comparison of two numbers.
protocol ComparisonFunction {
    static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool
}

/// A function applied to each element; a type rather than a closure, so that the loops below
/// are specialised for it and call it directly (a captured closure would cost a call per element
/// and stop vectorisation).
protocol ElementMap {
    associatedtype Input: TensorScalar
    associatedtype Output: TensorScalar
    func callAsFunction(_ x: Input) -> Output
}

/// A function applied to each broadcast pair of elements; see `ElementMap`.
protocol ElementZip {
    associatedtype Left: TensorScalar
    associatedtype Right: TensorScalar
    associatedtype Output: TensorScalar
    func callAsFunction(_ a: Left, _ b: Right) -> Output
}

struct ApplyUnary<F: UnaryFunction, T: TensorScalar>: ElementMap {
    @inline(__always) func callAsFunction(_ x: T) -> T { F.apply(x) }
}
struct ApplyFloatUnary<F: FloatUnaryFunction, T: FloatScalar>: ElementMap {
    @inline(__always) func callAsFunction(_ x: T) -> T { F.apply(x) }
}
struct ApplyBinary<F: BinaryFunction, T: TensorScalar>: ElementZip {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { F.apply(a, b) }
}
struct ApplyFloatBinary<F: FloatBinaryFunction, T: FloatScalar>: ElementZip {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { F.apply(a, b) }
}
/// 1 where the comparison holds, else 0, as float32.
struct ApplyComparison<F: ComparisonFunction, T: TensorScalar>: ElementZip {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Float { F.apply(a, b) ? 1 : 0 }
}

/// Applies `function` to every element of `input` into a new contiguous tensor.
@inline(__always)
func mapElements<M: ElementMap>(_ input: Tensor, _ function: M, cost: Int = 1) throws -> Tensor {
    let output = try Tensor(uninitializedShape: input.shape, dtype: M.Output.dtype)
    let source = input.pointer(M.Input.self)
    let target = output.pointer(M.Output.self)
    let loop = StridedLoop(shape: input.shape, strides: [output.strides, input.strides])
    let step = loop.innerStride(1)
    loop.forEachSegment(costPerElement: cost) { offsets, range in
        let o = target + offsets[0]
        let x = source + offsets[1]
        if step == 1 {
            for i in range { o[i] = function(x[i]) }
        } else {
            for i in range { o[i] = function(x[i * step]) }
        }
    }
    return output
}

/// Applies `function` to broadcast pairs of elements of `a` and `b` into a new tensor of `shape`.
@inline(__always)
func zipElements<Z: ElementZip>(_ a: Tensor, _ b: Tensor, shape: [Int], _ function: Z, cost: Int = 1) throws -> Tensor {
    let output = try Tensor(uninitializedShape: shape, dtype: Z.Output.dtype)
    let pa = a.pointer(Z.Left.self)
    let pb = b.pointer(Z.Right.self)
    let target = output.pointer(Z.Output.self)
    let loop = StridedLoop(
        shape: shape, strides: [output.strides, broadcastStrides(a, to: shape), broadcastStrides(b, to: shape)])
    let sa = loop.innerStride(1)
    let sb = loop.innerStride(2)
    loop.forEachSegment(costPerElement: cost) { offsets, range in
        let o = target + offsets[0]
        let x = pa + offsets[1]
        let y = pb + offsets[2]
        if sa == 1 && sb == 1 {
            for i in range { o[i] = function(x[i], y[i]) }
        } else if sa == 1 && sb == 0 {
            let v = y[0]
            for i in range { o[i] = function(x[i], v) }
        } else if sa == 0 && sb == 1 {
            let v = x[0]
            for i in range { o[i] = function(v, y[i]) }
        } else {
            for i in range { o[i] = function(x[i * sa], y[i * sb]) }
        }
    }
    return output
}

/// Copies the elements of `source` (broadcast to `target`'s shape) into `target`'s places,
/// converting the dtype; `target` may be a strided view.
func copyElements(from source: Tensor, into target: Tensor) {
    func run<S: TensorScalar, D: TensorScalar>(_: S.Type, _: D.Type) {
        let ps = source.pointer(S.self)
        let pd = target.pointer(D.self)
        let loop = StridedLoop(
            shape: target.shape, strides: [target.strides, broadcastStrides(source, to: target.shape)])
        let sd = loop.innerStride(0)
        let ss = loop.innerStride(1)
        loop.forEachSegment { offsets, range in
            let d = pd + offsets[0]
            let s = ps + offsets[1]
            if S.self == D.self {
                let s = UnsafeMutableRawPointer(s).assumingMemoryBound(to: D.self)
                if sd == 1 && ss == 1 {
                    (d + range.lowerBound).update(from: s + range.lowerBound, count: range.count)
                } else {
                    for i in range { d[i * sd] = s[i * ss] }
                }
            } else {
                for i in range { d[i * sd] = D(fromDouble: s[i * ss].doubleValue) }
            }
        }
    }
    func from<S: TensorScalar>(_ s: S.Type) {
        switch target.dtype {
        case .float32: run(s, Float.self)
        case .float64: run(s, Double.self)
        case .int32: run(s, Int32.self)
        case .int64: run(s, Int64.self)
        }
    }
    switch source.dtype {
    case .float32: from(Float.self)
    case .float64: from(Double.self)
    case .int32: from(Int32.self)
    case .int64: from(Int64.self)
    }
}

/// Strides that read `tensor` as if broadcast to `shape` (0 along stretched or missing axes).
func broadcastStrides(_ tensor: Tensor, to shape: [Int]) -> [Int] {
    let lead = shape.count - tensor.rank
    var strides = [Int](repeating: 0, count: shape.count)
    for axis in 0..<tensor.rank where tensor.shape[axis] != 1 || shape[lead + axis] == 1 {
        strides[lead + axis] = tensor.strides[axis]
    }
    return strides
}

/// The shape two shapes broadcast to under NumPy's rules, or a thrown error naming both.
public func broadcastShapes(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if x == y || y == 1 {
            result[i] = x
        } else if x == 1 {
            result[i] = y
        } else {
            throw TensorError.shapeMismatch(
                "cannot broadcast \(formatShape(a)) with \(formatShape(b)): sizes \(x) and \(y) differ on axis \(i - rank)")
        }
    }
    return result
}

/// `a` where the float32 `mask` is non-zero, `b` elsewhere, all broadcast to `shape`.
func selectElements<T: TensorScalar>(_ mask: Tensor, _ a: Tensor, _ b: Tensor, shape: [Int], as _: T.Type) throws -> Tensor {
    let output = try Tensor(uninitializedShape: shape, dtype: T.dtype)
    let pm = mask.pointer(Float.self), pa = a.pointer(T.self), pb = b.pointer(T.self), target = output.pointer(T.self)
    let loop = StridedLoop(
        shape: shape,
        strides: [
            output.strides, broadcastStrides(mask, to: shape), broadcastStrides(a, to: shape), broadcastStrides(b, to: shape),
        ])
    let (sm, sa, sb) = (loop.innerStride(1), loop.innerStride(2), loop.innerStride(3))
    loop.forEachSegment { offsets, range in
        let o = target + offsets[0], m = pm + offsets[1], x = pa + offsets[2], y = pb + offsets[3]
        for i in range { o[i] = m[i * sm] != 0 ? x[i * sa] : y[i * sb] }
    }
    return output
}
