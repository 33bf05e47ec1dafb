/// The loops under `conv2d`: im2col over the whole batch into one matrix, so that the forward
/// pass and both gradients are each one matrix product, and col2im, its adjoint.

/// The sizes of one 2-d convolution of an [N, C, H, W] input with [F, C, kh, kw] filters.
struct ConvolutionGeometry {
    let batch: Int, channels: Int, height: Int, width: Int
    let filters: Int, kernelHeight: Int, kernelWidth: Int
    let stride: Int, padding: Int
    let outHeight: Int, outWidth: Int

    init(input: [Int], weight: [Int], stride: Int, padding: Int) {
        (batch, channels, height, width) = (input[0], input[1], input[2], input[3])
        (filters, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
        self.stride = stride
        self.padding = padding
        outHeight = (height + 2 * padding - kernelHeight) / stride + 1
        outWidth = (width + 2 * padding - kernelWidth) / stride + 1
    }

    /// Output positions of one picture.
    var positions: Int { outHeight * outWidth }
    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: one per (picture, output position).
    var columnCount: Int { batch * positions }

    /// The output columns `first..<end` of one output row whose input column
    /// `column * stride + kernelColumn - padding` lies inside the picture.
    @inline(__always) func validColumns(kernelColumn q: Int) -> Range<Int> {
        // column * stride + q - padding >= 0 and < width.
        let shift = q - padding
        let first = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let limit = width - shift  // column * stride < limit
        let end = limit <= 0 ? 0 : Swift.min(outWidth, (limit + stride - 1) / stride)
        return first..<Swift.max(first, end)
    }
}

/// Fills `columns`, a [C·kh·kw, N·OH·OW] row-major matrix, with every input value each output
/// position reads (0 where the window hangs over the padding).
func im2col<T: FloatScalar>(_ input: UnsafePointer<T>, _ columns: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry) {
    let (kh, kw) = (g.kernelHeight, g.kernelWidth)
    let rowLength = g.columnCount
    let planeSize = g.height * g.width
    let zero = T.zero
    Parallel.forEachChunk(count: g.patchSize, chunks: Parallel.workers(forWork: g.patchSize * rowLength)) { rows in
        for row in rows {
            let c = row / (kh * kw), p = (row / kw) % kh, q = row % kw
            let valid = g.validColumns(kernelColumn: q)
            var target = columns + row * rowLength
            for n in 0..<g.batch {
                let plane = input + (n * g.channels + c) * planeSize
                for oh in 0..<g.outHeight {
                    let y = oh * g.stride + p - g.padding
                    // Rows are short (a picture's width): plain loops, not memcpy and memset calls.
                    if y < 0 || y >= g.height || valid.isEmpty {
                        for ow in 0..<g.outWidth { target[ow] = zero }
                    } else {
                        for ow in 0..<valid.lowerBound { target[ow] = zero }
                        let source = plane + y * g.width + q - g.padding
                        if g.stride == 1 {
                            for ow in valid { target[ow] = source[ow] }
                        } else {
                            for ow in valid { target[ow] = source[ow * g.stride] }
                        }
                        for ow in valid.upperBound..<g.outWidth { target[ow] = zero }
                    }
                    target += g.outWidth
                }
            }
        }
    }
}

/// Adds every entry of `columns` ([C·kh·kw, N·OH·OW]) back onto the input place it was read
/// from: `input` ([N, C, H, W]) is overwritten with the sum. Each picture's channel is one
/// worker's, so overlapping windows add up without races.
func col2im<T: FloatScalar>(_ columns: UnsafePointer<T>, _ input: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry) {
    let (kh, kw) = (g.kernelHeight, g.kernelWidth)
    let rowLength = g.columnCount
    let planeSize = g.height * g.width
    let planes = g.batch * g.channels
    Parallel.forEachChunk(count: planes, chunks: Parallel.workers(forWork: g.patchSize * rowLength)) { range in
        for planeIndex in range {
            let n = planeIndex / g.channels, c = planeIndex % g.channels
            let plane = input + planeIndex * planeSize
            plane.update(repeating: 0, count: planeSize)
            for p in 0..<kh {
                for q in 0..<kw {
                    let valid = g.validColumns(kernelColumn: q)
                    if valid.isEmpty { continue }
                    let row = (c * kh + p) * kw + q
                    var source = columns + row * rowLength + n * g.positions
                    for oh in 0..<g.outHeight {
                        let y = oh * g.stride + p - g.padding
                        if y >= 0, y < g.height {
                            let target = plane + y * g.width + q - g.padding
                            if g.stride == 1 {
                                for ow in valid { target[ow] += source[ow] }
                            } else {
                                for ow in valid { target[ow * g.stride] += source[ow] }
                            }
                        }
                        source += g.outWidth
                    }
                }
            }
        }
    }
}

/// [F, N·P] (the product's layout) to [N, F, P] (NCHW), adding `bias[f]` when given.
func filtersFirstToBatchFirst<T: FloatScalar>(
    _ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, bias: UnsafePointer<T>?, _ g: ConvolutionGeometry
) {
    let positions = g.positions, rowLength = g.columnCount
    Parallel.forEachChunk(count: g.batch, chunks: Parallel.workers(forWork: g.filters * rowLength)) { pictures in
        for n in pictures {
            for f in 0..<g.filters {
                let from = source + f * rowLength + n * positions
                let to = target + (n * g.filters + f) * positions
                if let bias {
                    let b = bias[f]
                    for i in 0..<positions { to[i] = from[i] + b }
                } else {
                    to.update(from: from, count: positions)
                }
            }
        }
    }
}

/// [N, F, P] to [F, N·P]: the output gradient laid out as the forward product was.
func batchFirstToFiltersFirst<T: FloatScalar>(_ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry) {
    let positions = g.positions, rowLength = g.columnCount
    Parallel.forEachChunk(count: g.filters, chunks: Parallel.workers(forWork: g.filters * rowLength)) { filters in
        for f in filters {
            for n in 0..<g.batch {
                (target + f * rowLength + n * positions).update(from: source + (n * g.filters + f) * positions, count: positions)
            }
        }
    }
}

/// Row sums of a [rows, length] matrix: the bias gradient from the [F, N·P] output gradient.
func rowSums<T: FloatScalar>(_ matrix: UnsafePointer<T>, rows: Int, length: Int, into sums: UnsafeMutablePointer<T>) {
    for row in 0..<rows {
        let start = matrix + row * length
        var lanes = SIMD8<T>(repeating: 0)
        var i = 0
        while i + 8 <= length {
            lanes += UnsafeRawPointer(start + i).loadUnaligned(as: SIMD8<T>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < length {
            total += start[i]
            i += 1
        }
        sums[row] = total
    }
}

/// A contiguous float tensor of `dtype` with the values of `t` (itself when it already is one).
func denseFloat(_ t: Tensor, _ dtype: DType) throws -> Tensor {
    let converted = try t.converted(to: dtype)
    return converted.isContiguous ? converted : try converted.copy()
}

/// conv2d as one recorded operation: im2col over the batch, one product for the forward pass
/// and one for each gradient (dW = G colsᵀ, dcols = Wᵀ G), col2im for the input's gradient.
func convolution2d(_ input: Tensor, _ weight: Tensor, bias: Tensor?, stride: Int, padding: Int) throws -> Tensor {
    let dtype: DType = input.dtype == .float64 || weight.dtype == .float64 || bias?.dtype == .float64 ? .float64 : .float32
    let (x, w) = try withNoGrad { (try denseFloat(input, dtype), try denseFloat(weight, dtype)) }
    let b = try bias.map { bias in try withNoGrad { try denseFloat(bias, dtype) } }
    let g = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding)
    let output = try Tensor(uninitializedShape: [g.batch, g.filters, g.outHeight, g.outWidth], dtype: dtype)
    let columns = try Tensor(uninitializedShape: [g.patchSize, g.columnCount], dtype: dtype)
    if output.count > 0 {
        let product = try Tensor(uninitializedShape: [g.filters, g.columnCount], dtype: dtype)
        func run<T: FloatScalar>(_: T.Type) {
            im2col(x.pointer(T.self), columns.pointer(T.self), g)
            gemm(
                w.pointer(T.self), MatrixLayout(rows: g.filters, columns: g.patchSize, rowStride: g.patchSize, columnStride: 1)!,
                columns.pointer(T.self), MatrixLayout(rows: g.patchSize, columns: g.columnCount, rowStride: g.columnCount, columnStride: 1)!,
                product.pointer(T.self), m: g.filters, n: g.columnCount, k: g.patchSize)
            filtersFirstToBatchFirst(product.pointer(T.self), output.pointer(T.self), bias: b.map { UnsafePointer($0.pointer(T.self)) }, g)
        }
        if dtype == .float64 { run(Double.self) } else { run(Float.self) }
    }
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return output.recorded("conv2d", inputs: inputs) { gradient, inputs in
        try convolutionGradients(
            gradient, columns: columns, weight: try denseFloat(inputs[1], dtype), geometry: g, dtype: dtype,
            wanted: (inputs[0].requiresGrad, inputs[1].requiresGrad, inputs.count > 2 && inputs[2].requiresGrad))
    }
}

/// The gradients of conv2d's input, weight and bias from the output's gradient.
func convolutionGradients(
    _ gradient: Tensor, columns: Tensor, weight: Tensor, geometry g: ConvolutionGeometry, dtype: DType,
    wanted: (input: Bool, weight: Bool, bias: Bool)
) throws -> [Tensor?] {
    let dense = try denseFloat(gradient, dtype)
    if dense.count == 0 || g.patchSize == 0 {
        return [
            wanted.input ? try Tensor.zeros([g.batch, g.channels, g.height, g.width], dtype: dtype) : nil,
            wanted.weight ? try Tensor.zeros([g.filters, g.channels, g.kernelHeight, g.kernelWidth], dtype: dtype) : nil,
            wanted.bias ? try Tensor.zeros([g.filters], dtype: dtype) : nil,
        ]
    }
    let byFilter = try Tensor(uninitializedShape: [g.filters, g.columnCount], dtype: dtype)
    let inputGradient = wanted.input ? try Tensor(uninitializedShape: [g.batch, g.channels, g.height, g.width], dtype: dtype) : nil
    let weightGradient = wanted.weight ? try Tensor(uninitializedShape: [g.filters, g.channels, g.kernelHeight, g.kernelWidth], dtype: dtype) : nil
    let biasGradient = wanted.bias ? try Tensor(uninitializedShape: [g.filters], dtype: dtype) : nil
    func run<T: FloatScalar>(_: T.Type) throws {
        let gt = byFilter.pointer(T.self)
        batchFirstToFiltersFirst(dense.pointer(T.self), gt, g)
        let gLayout = MatrixLayout(rows: g.filters, columns: g.columnCount, rowStride: g.columnCount, columnStride: 1)!
        if let biasGradient { rowSums(gt, rows: g.filters, length: g.columnCount, into: biasGradient.pointer(T.self)) }
        if let weightGradient {
            // dW [F, CKK] = G [F, NP] · colsᵀ [NP, CKK].
            gemm(
                gt, gLayout, columns.pointer(T.self),
                MatrixLayout(rows: g.columnCount, columns: g.patchSize, rowStride: 1, columnStride: g.columnCount)!,
                weightGradient.pointer(T.self), m: g.filters, n: g.patchSize, k: g.columnCount)
        }
        if let inputGradient {
            // dcols [CKK, NP] = Wᵀ [CKK, F] · G [F, NP], then back onto the picture.
            let dcols = try Tensor(uninitializedShape: [g.patchSize, g.columnCount], dtype: dtype)
            gemm(
                weight.pointer(T.self), MatrixLayout(rows: g.patchSize, columns: g.filters, rowStride: 1, columnStride: g.patchSize)!,
                gt, gLayout, dcols.pointer(T.self), m: g.patchSize, n: g.columnCount, k: g.filters)
            col2im(dcols.pointer(T.self), inputGradient.pointer(T.self), g)
        }
    }
    if dtype == .float64 { try run(Double.self) } else { try run(Float.self) }
    return [inputGradient, weightGradient, biasGradient]
}
