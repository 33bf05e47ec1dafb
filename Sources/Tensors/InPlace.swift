/// Changing a tensor's elements in place: for optimizers and for filling buffers.
///
/// None of these is recorded for autograd. A tensor that requires gradients may only be changed
/// inside `withNoGrad { }`, as in PyTorch, so that a graph never silently reads changed values.

extension Tensor {
    func checkInPlaceAllowed(_ operation: String) throws {
        if requiresGrad && GradMode.isEnabled {
            throw TensorError.autograd(
                "\(operation) would change a tensor that requires gradients in place; do it inside withNoGrad { }")
        }
    }

    func checkInPlaceOperand(_ values: Tensor, _ operation: String) throws {
        guard (try? broadcastShapes(values.shape, shape)) == shape else {
            throw TensorError.shapeMismatch(
                "cannot \(operation) values of shape \(formatShape(values.shape)) to a tensor of shape \(formatShape(shape))")
        }
    }

    /// Copies `values` (broadcast to this shape, converted to this dtype) into this tensor's elements.
    public func assign(_ values: Tensor) throws {
        try checkInPlaceAllowed("assign")
        try checkInPlaceOperand(values, "assign")
        let source = values.storage === storage ? try withNoGrad { try values.copy() } : values
        copyElements(from: source, into: self)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Double) throws {
        try checkInPlaceAllowed("fill")
        copyElements(from: try Tensor.scalar(value, dtype: dtype), into: self)
    }

    /// self ← self + alpha · values (broadcast), without temporaries: the step of most optimizers.
    public func addInPlace(_ values: Tensor, scaledBy alpha: Double = 1) throws {
        try checkInPlaceAllowed("addInPlace")
        try checkInPlaceOperand(values, "add")
        let source = try withNoGrad { try values.storage === storage ? values.copy() : values.converted(to: dtype) }
        func run<T: TensorScalar>(_: T.Type) {
            let scale = T(fromDouble: alpha)
            let ps = source.pointer(T.self), pd = pointer(T.self)
            let loop = StridedLoop(shape: shape, strides: [strides, broadcastStrides(source, to: shape)])
            let (sd, ss) = (loop.innerStride(0), loop.innerStride(1))
            loop.forEachSegment { offsets, range in
                let d = pd + offsets[0], s = ps + offsets[1]
                if sd == 1 && ss == 1 {
                    for i in range { d[i] += scale * s[i] }
                } else {
                    for i in range { d[i * sd] += scale * s[i * ss] }
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int32: run(Int32.self)
        case .int64: run(Int64.self)
        }
    }

    /// self ← self · factor.
    public func multiplyInPlace(by factor: Double) throws {
        try checkInPlaceAllowed("multiplyInPlace")
        let scaled = try withNoGrad { try self * factor }
        copyElements(from: scaled, into: self)
    }
}
