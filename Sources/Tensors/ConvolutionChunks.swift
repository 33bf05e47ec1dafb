/// How conv2d cuts its batch into chunks of whole pictures, and runs the chunks on the cores.
///
/// A chunk's column matrix ([C·kh·kw, n·OH·OW]) is kept near `targetBytes`, so it stays in a
/// core's cache from im2col through the product (and, backward, through col2im). Each worker takes
/// the next chunk when it is done with one, and multiplies on its own thread: on a shared machine a
/// worker that gets less of a core takes fewer chunks, where one big product on two threads waits
/// for its slower half. Results do not depend on which worker took which chunk.
struct ConvolutionChunks {
    /// Bytes of one chunk's column matrix to aim at: a quarter of a core's second-level cache
    /// on common processors (1 MB), leaving room for the product and, backward, the columns' gradient.
    static let targetBytes = 256 * 1024

    let picturesPerChunk: Int
    let count: Int
    let workers: Int
    let batch: Int

    /// `picturesPerChunk` overrides the size chosen from `targetBytes` (tests use it to cut
    /// small batches).
    init(_ g: ConvolutionGeometry, elementSize: Int, picturesPerChunk: Int? = nil) {
        batch = g.batch
        let multiplyAdds = g.filters * g.patchSize * g.columnCount
        let wanted = Parallel.workers(forWork: multiplyAdds)
        let perPicture = Swift.max(1, g.patchSize * g.positions * elementSize)
        // At least one chunk per worker that the work is worth, and as many as the cache asks for.
        let fitting = Swift.max(1, Self.targetBytes / perPicture)
        let spread = (g.batch + wanted - 1) / Swift.max(1, wanted)
        let chosen = picturesPerChunk ?? Swift.min(fitting, spread)
        self.picturesPerChunk = Swift.max(1, Swift.min(chosen, Swift.max(1, g.batch)))
        count = (g.batch + self.picturesPerChunk - 1) / self.picturesPerChunk
        workers = Swift.max(1, Swift.min(wanted, count))
    }

    /// Output columns of the largest chunk (n·OH·OW).
    func columns(_ g: ConvolutionGeometry) -> Int { picturesPerChunk * g.positions }

    func pictures(ofChunk chunk: Int) -> Range<Int> {
        let first = chunk * picturesPerChunk
        return first..<Swift.min(batch, first + picturesPerChunk)
    }

    /// Calls `body(worker, chunk, pictures)` for every chunk, on `workers` threads
    /// (`Parallel.forEachTaken`); each worker number is on one thread at a time, so per-worker
    /// scratch space needs no lock.
    func forEach(_ body: (_ worker: Int, _ chunk: Int, _ pictures: Range<Int>) -> Void) {
        Parallel.forEachTaken(count: count, workers: workers) { worker, chunk in body(worker, chunk, pictures(ofChunk: chunk)) }
    }
}

/// conv2d as one recorded operation: per chunk of pictures, im2col and one product; backward, per
/// chunk, im2col again (cheaper than keeping the columns of the whole batch) and one product for
/// each gradient (dW = G colsᵀ, dcols = Wᵀ G), col2im for the input's gradient.
func convolution2d(
    _ input: Tensor, _ weight: Tensor, bias: Tensor?, stride: Int, padding: Int, picturesPerChunk: Int? = nil
) throws -> Tensor {
    let dtype: DType = input.dtype == .float64 || weight.dtype == .float64 || bias?.dtype == .float64 ? .float64 : .float32
    let (x, w) = try withNoGrad { (try denseFloat(input, dtype), try denseFloat(weight, dtype)) }
    let b = try bias.map { bias in try withNoGrad { try denseFloat(bias, dtype) } }
    let g = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding)
    let chunks = ConvolutionChunks(g, elementSize: dtype.byteSize, picturesPerChunk: picturesPerChunk)
    let output = try Tensor(uninitializedShape: [g.batch, g.filters, g.outHeight, g.outWidth], dtype: dtype)
    if output.count > 0 {
        let columnsPerChunk = chunks.columns(g)
        let share = (g.patchSize + g.filters) * columnsPerChunk
        let scratch = try Tensor(uninitializedShape: [chunks.workers, share], dtype: dtype)
        func run<T: FloatScalar>(_: T.Type) {
            let (xp, wp, op, space) = (x.pointer(T.self), w.pointer(T.self), output.pointer(T.self), scratch.pointer(T.self))
            let bp = b.map { UnsafePointer($0.pointer(T.self)) }
            chunks.forEach { worker, _, pictures in
                let columns = space + worker * share
                let product = columns + g.patchSize * columnsPerChunk
                let n = pictures.count * g.positions
                im2col(xp, columns, g, pictures: pictures)
                gemm(
                    wp, MatrixLayout(rows: g.filters, columns: g.patchSize, rowStride: g.patchSize, columnStride: 1)!,
                    columns, MatrixLayout(rows: g.patchSize, columns: n, rowStride: n, columnStride: 1)!,
                    product, m: g.filters, n: n, k: g.patchSize, singleThreaded: true)
                filtersFirstToBatchFirst(product, op, bias: bp, g, pictures: pictures)
            }
        }
        if dtype == .float64 { run(Double.self) } else { run(Float.self) }
    }
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return output.recorded("conv2d", inputs: inputs) { gradient, inputs in
        try convolutionGradients(
            gradient, input: x, weight: try denseFloat(inputs[1], dtype), geometry: g, chunks: chunks, dtype: dtype,
            wanted: (inputs[0].requiresGrad, inputs[1].requiresGrad, inputs.count > 2 && inputs[2].requiresGrad))
    }
}

/// The gradients of conv2d's input, weight and bias from the output's gradient. The weight's and
/// the bias's are summed per chunk and then over the chunks in order, so they come out the same
/// whichever worker took which chunk.
func convolutionGradients(
    _ gradient: Tensor, input x: Tensor, weight: Tensor, geometry g: ConvolutionGeometry, chunks: ConvolutionChunks, dtype: DType,
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
    let inputGradient = wanted.input ? try Tensor(uninitializedShape: [g.batch, g.channels, g.height, g.width], dtype: dtype) : nil
    let weightGradient = wanted.weight ? try Tensor(uninitializedShape: [g.filters, g.channels, g.kernelHeight, g.kernelWidth], dtype: dtype) : nil
    let biasGradient = wanted.bias ? try Tensor(uninitializedShape: [g.filters], dtype: dtype) : nil
    let weightSize = g.filters * g.patchSize
    // One row of partial sums per chunk: the weight's gradient, then the bias's.
    let partialSize = weightSize + g.filters
    let partials = wanted.weight || wanted.bias ? try Tensor(uninitializedShape: [chunks.count, partialSize], dtype: dtype) : nil
    let columnsPerChunk = chunks.columns(g)
    let share = (2 * g.patchSize + g.filters) * columnsPerChunk
    let scratch = try Tensor(uninitializedShape: [chunks.workers, share], dtype: dtype)
    func run<T: FloatScalar>(_: T.Type) {
        let (xp, wp, gp, space) = (x.pointer(T.self), weight.pointer(T.self), dense.pointer(T.self), scratch.pointer(T.self))
        let sums = partials?.pointer(T.self), inputTarget = inputGradient?.pointer(T.self)
        chunks.forEach { worker, chunk, pictures in
            let byFilter = space + worker * share
            let columns = byFilter + g.filters * columnsPerChunk
            let n = pictures.count * g.positions
            let gLayout = MatrixLayout(rows: g.filters, columns: n, rowStride: n, columnStride: 1)!
            batchFirstToFiltersFirst(gp, byFilter, g, pictures: pictures)
            if let sums {
                let partial = sums + chunk * partialSize
                if wanted.bias { rowSums(byFilter, rows: g.filters, length: n, into: partial + weightSize) }
                if wanted.weight {
                    // dW [F, CKK] = G [F, nP] · colsᵀ [nP, CKK].
                    im2col(xp, columns, g, pictures: pictures)
                    gemm(
                        byFilter, gLayout, columns, MatrixLayout(rows: n, columns: g.patchSize, rowStride: 1, columnStride: n)!,
                        partial, m: g.filters, n: g.patchSize, k: n, singleThreaded: true)
                }
            }
            if let inputTarget {
                // dcols [CKK, nP] = Wᵀ [CKK, F] · G [F, nP], then back onto the pictures.
                let dcols = columns + g.patchSize * columnsPerChunk
                gemm(
                    wp, MatrixLayout(rows: g.patchSize, columns: g.filters, rowStride: 1, columnStride: g.patchSize)!,
                    byFilter, gLayout, dcols, m: g.patchSize, n: n, k: g.filters, singleThreaded: true)
                col2im(dcols, inputTarget, g, pictures: pictures)
            }
        }
        if let sums {
            func total(into target: UnsafeMutablePointer<T>, from offset: Int, count: Int) {
                target.update(from: sums + offset, count: count)
                for chunk in 1..<chunks.count { addRow(sums + chunk * partialSize + offset, target, count) }
            }
            if let weightGradient { total(into: weightGradient.pointer(T.self), from: 0, count: weightSize) }
            if let biasGradient { total(into: biasGradient.pointer(T.self), from: weightSize, count: g.filters) }
        }
    }
    if dtype == .float64 { run(Double.self) } else { run(Float.self) }
    return [inputGradient, weightGradient, biasGradient]
}
