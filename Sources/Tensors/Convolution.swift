/// 2-d convolution by im2col onto the matrix product, and max/average pooling, for NCHW tensors.
/// The loops are in ConvolutionKernels.swift and PoolingKernels.swift; `slidingWindows` pools
/// integer tensors.

extension Tensor {
    /// Every `kernel` window of the last two axes of an [N, C, H, W] tensor, copied out.
    ///
    /// The result is [N, C, kh, kw, OH, OW] (`windowsLast: false`, the im2col layout) or
    /// [N, C, OH, OW, kh, kw] (`windowsLast: true`, for pooling). Backward adds each window's
    /// gradient back onto the places it was read from (overlapping windows add up).
    func slidingWindows(kernel: (Int, Int), stride: (Int, Int), windowsLast: Bool) throws -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let outH = (h - kernel.0) / stride.0 + 1, outW = (w - kernel.1) / stride.1 + 1
        let (sn, sc, sh, sw) = (strides[0], strides[1], strides[2], strides[3])
        let (windowShape, windowStrides) =
            windowsLast
            ? ([n, c, outH, outW, kernel.0, kernel.1], [sn, sc, sh * stride.0, sw * stride.1, sh, sw])
            : ([n, c, kernel.0, kernel.1, outH, outW], [sn, sc, sh, sw, sh * stride.0, sw * stride.1])
        let output = try Tensor(uninitializedShape: windowShape, dtype: dtype)
        copyElements(from: view(shape: windowShape, strides: windowStrides, offset: offset), into: output)
        let inputShape = shape
        return output.recorded("windows", inputs: [self]) { g, _ in
            let full = try Tensor.zeros(inputShape, dtype: g.dtype)
            let fullStrides = full.strides
            let (fn, fc, fh, fw) = (fullStrides[0], fullStrides[1], fullStrides[2], fullStrides[3])
            let targetStrides =
                windowsLast
                ? [fn, fc, fh * stride.0, fw * stride.1, fh, fw] : [fn, fc, fh, fw, fh * stride.0, fw * stride.1]
            accumulateElements(from: g, into: full.view(shape: windowShape, strides: targetStrides, offset: 0))
            return [full]
        }
    }

    /// Checks an [N, C, H, W] input against a window and returns the window sizes and strides.
    /// With `padding`, the window is checked against the padded picture.
    func checkedWindow(_ operation: String, kernel: (Int, Int), stride: (Int, Int)?, padding: Int = 0) throws -> ((Int, Int), (Int, Int)) {
        guard rank == 4 else {
            throw TensorError.shapeMismatch("\(operation) needs an [N, C, H, W] input, got \(formatShape(shape))")
        }
        let stride = stride ?? kernel
        guard kernel.0 > 0, kernel.1 > 0, stride.0 > 0, stride.1 > 0 else {
            throw TensorError.invalidArgument("\(operation) needs positive kernel sizes and strides, got kernel \(kernel) and stride \(stride)")
        }
        let padded = [shape[0], shape[1], shape[2] + 2 * padding, shape[3] + 2 * padding]
        guard kernel.0 <= padded[2], kernel.1 <= padded[3] else {
            throw TensorError.shapeMismatch(
                "\(operation) window \(kernel.0)x\(kernel.1) is larger than the input's \(padded[2])x\(padded[3]) (shape \(formatShape(padded)))")
        }
        return (kernel, stride)
    }

    /// The largest element of each window over the last two axes of an [N, C, H, W] tensor.
    ///
    /// The stride defaults to the kernel size. The gradient goes to the largest element of each
    /// window (split among ties).
    public func maxPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil) throws -> Tensor {
        let (kernel, stride) = try checkedWindow("maxPool2d", kernel: kernelSize, stride: stride)
        if dtype.isFloatingPoint { return try pooled(kernel: kernel, stride: stride, kind: .max) }
        return try slidingWindows(kernel: kernel, stride: stride, windowsLast: true).max(axes: [4, 5])
    }

    /// Square-window form of `maxPool2d(kernelSize:stride:)`.
    public func maxPool2d(kernelSize: Int, stride: Int? = nil) throws -> Tensor {
        try maxPool2d(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) })
    }

    /// The mean of each window over the last two axes of an [N, C, H, W] tensor.
    public func avgPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil) throws -> Tensor {
        let (kernel, stride) = try checkedWindow("avgPool2d", kernel: kernelSize, stride: stride)
        if dtype.isFloatingPoint { return try pooled(kernel: kernel, stride: stride, kind: .average) }
        return try slidingWindows(kernel: kernel, stride: stride, windowsLast: true).mean(axes: [4, 5])
    }

    /// Square-window form of `avgPool2d(kernelSize:stride:)`.
    public func avgPool2d(kernelSize: Int, stride: Int? = nil) throws -> Tensor {
        try avgPool2d(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) })
    }
}

/// The 2-d cross-correlation of an [N, C, H, W] input with [F, C, kh, kw] filters (what deep
/// learning calls convolution), plus an optional [F] bias: an [N, F, OH, OW] result with
/// OH = (H + 2 padding - kh) / stride + 1.
///
/// Computed over chunks of the batch, shared out among the cores: im2col of a chunk followed by one
/// matrix product; the weight's and the input's gradients are one matrix product each per chunk
/// (ConvolutionChunks.swift, ConvolutionKernels.swift).
public func conv2d(_ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) throws -> Tensor {
    guard input.rank == 4, weight.rank == 4 else {
        throw TensorError.shapeMismatch(
            "conv2d needs an [N, C, H, W] input and [F, C, kh, kw] weights, got \(formatShape(input.shape)) and \(formatShape(weight.shape))")
    }
    guard input.shape[1] == weight.shape[1] else {
        throw TensorError.shapeMismatch(
            "conv2d input \(formatShape(input.shape)) has \(input.shape[1]) channels but the weights \(formatShape(weight.shape)) expect \(weight.shape[1])")
    }
    guard stride > 0, padding >= 0 else {
        throw TensorError.invalidArgument("conv2d needs stride > 0 and padding >= 0, got stride \(stride) and padding \(padding)")
    }
    if let bias, bias.shape != [weight.shape[0]] {
        throw TensorError.shapeMismatch("conv2d bias must have shape [\(weight.shape[0])], got \(formatShape(bias.shape))")
    }
    _ = try input.checkedWindow("conv2d", kernel: (weight.shape[2], weight.shape[3]), stride: (stride, stride), padding: padding)
    return try convolution2d(input, weight, bias: bias, stride: stride, padding: padding)
}

/// Adds `source` into the places of `target`, a view whose places may repeat (overlapping
/// windows); runs on one thread so repeated places add up without races.
func accumulateElements(from source: Tensor, into target: Tensor) {
    func run<T: TensorScalar>(_: T.Type) {
        let ps = source.pointer(T.self), pd = target.pointer(T.self)
        let loop = StridedLoop(shape: target.shape, strides: [target.strides, broadcastStrides(source, to: target.shape)])
        let (sd, ss) = (loop.innerStride(0), loop.innerStride(1))
        loop.forEachRow(0..<loop.rowCount) { offsets in
            let d = pd + offsets[0], s = ps + offsets[1]
            for i in 0..<loop.innerCount { d[i * sd] += s[i * ss] }
        }
    }
    switch target.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    case .int32: run(Int32.self)
    case .int64: run(Int64.self)
    }
}
