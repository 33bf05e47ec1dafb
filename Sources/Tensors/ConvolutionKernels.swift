/// The loops under `conv2d`. The batch is cut into chunks of whole pictures, small enough that a
/// chunk's column matrix (im2col) stays in the processor's cache; each chunk is one product
/// forward and one per gradient, and the chunks are shared out among the cores, each product on
/// one thread (ConvolutionChunks.swift).

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
        Self.inside(shift: q - padding, extent: width, outputs: outWidth, stride: stride)
    }

    /// The output rows whose input row `row * stride + kernelRow - padding` lies inside the picture.
    @inline(__always) func validRows(kernelRow p: Int) -> Range<Int> {
        Self.inside(shift: p - padding, extent: height, outputs: outHeight, stride: stride)
    }

    /// The outputs `i` with `0 <= i * stride + shift < extent`.
    @inline(__always) static func inside(shift: Int, extent: Int, outputs: Int, stride: Int) -> Range<Int> {
        let first = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let limit = extent - shift  // i * stride < limit
        let end = limit <= 0 ? 0 : Swift.min(outputs, (limit + stride - 1) / stride)
        return Swift.min(first, outputs)..<Swift.max(Swift.min(first, outputs), end)
    }
}

/// `count` copies of zero from `target` on, eight lanes at a time.
@inline(__always) func fillZero<T: FloatScalar>(_ target: UnsafeMutablePointer<T>, _ count: Int) {
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(target + i).storeBytes(of: SIMD8<T>(repeating: 0), as: SIMD8<T>.self)
        i += 8
    }
    while i < count {
        target[i] = 0
        i += 1
    }
}

/// `count` elements from `source` to `target` (which do not overlap), eight lanes at a time: the
/// rows of a picture are too short for a call to memcpy to pay.
@inline(__always) func copyRow<T: FloatScalar>(_ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, _ count: Int) {
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(target + i).storeBytes(of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<T>.self), as: SIMD8<T>.self)
        i += 8
    }
    while i < count {
        target[i] = source[i]
        i += 1
    }
}

/// Adds `count` elements of `source` onto `target` (which do not overlap), eight lanes at a time.
@inline(__always) func addRow<T: FloatScalar>(_ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, _ count: Int) {
    var i = 0
    while i + 8 <= count {
        let sum = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<T>.self) + UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<T>.self)
        UnsafeMutableRawPointer(target + i).storeBytes(of: sum, as: SIMD8<T>.self)
        i += 8
    }
    while i < count {
        target[i] += source[i]
        i += 1
    }
}

/// Fills `columns`, a [C·kh·kw, n·OH·OW] row-major matrix for the n pictures `pictures`, with
/// every input value each of their output positions reads (0 where the window hangs over the
/// padding).
func im2col<T: FloatScalar>(_ input: UnsafePointer<T>, _ columns: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry, pictures: Range<Int>) {
    let (kh, kw) = (g.kernelHeight, g.kernelWidth)
    let rowLength = pictures.count * g.positions
    let planeSize = g.height * g.width
    let outWidth = g.outWidth
    for row in 0..<g.patchSize {
        let c = row / (kh * kw), p = (row / kw) % kh, q = row % kw
        let valid = g.validColumns(kernelColumn: q), rows = g.validRows(kernelRow: p)
        var target = columns + row * rowLength
        if valid.isEmpty || rows.isEmpty {
            fillZero(target, rowLength)
            continue
        }
        let (before, after) = (rows.lowerBound * outWidth, (g.outHeight - rows.upperBound) * outWidth)
        for n in pictures {
            fillZero(target, before)
            target += before
            // The first input element the first valid row reads at output column 0.
            var source = input + (n * g.channels + c) * planeSize + (rows.lowerBound * g.stride + p - g.padding) * g.width + q - g.padding
            for _ in rows {
                fillZero(target, valid.lowerBound)
                if g.stride == 1 {
                    copyRow(source + valid.lowerBound, target + valid.lowerBound, valid.count)
                } else {
                    for ow in valid { target[ow] = source[ow * g.stride] }
                }
                fillZero(target + valid.upperBound, outWidth - valid.upperBound)
                target += outWidth
                source += g.stride * g.width
            }
            fillZero(target, after)
            target += after
        }
    }
}

/// Adds every entry of `columns` ([C·kh·kw, n·OH·OW], the layout `im2col` writes for `pictures`)
/// back onto the input place it was read from: those pictures of `input` ([N, C, H, W]) are
/// overwritten with the sum.
func col2im<T: FloatScalar>(_ columns: UnsafePointer<T>, _ input: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry, pictures: Range<Int>) {
    let (kh, kw) = (g.kernelHeight, g.kernelWidth)
    let rowLength = pictures.count * g.positions
    let planeSize = g.height * g.width
    for n in pictures {
        for c in 0..<g.channels {
            let plane = input + (n * g.channels + c) * planeSize
            plane.update(repeating: 0, count: planeSize)
            for p in 0..<kh {
                for q in 0..<kw {
                    let valid = g.validColumns(kernelColumn: q)
                    if valid.isEmpty { continue }
                    let row = (c * kh + p) * kw + q
                    let rows = g.validRows(kernelRow: p)
                    var source = columns + row * rowLength + (n - pictures.lowerBound) * g.positions + rows.lowerBound * g.outWidth
                    var target = plane + (rows.lowerBound * g.stride + p - g.padding) * g.width + q - g.padding
                    for _ in rows {
                        if g.stride == 1 {
                            addRow(source + valid.lowerBound, target + valid.lowerBound, valid.count)
                        } else {
                            for ow in valid { target[ow * g.stride] += source[ow] }
                        }
                        source += g.outWidth
                        target += g.stride * g.width
                    }
                }
            }
        }
    }
}

/// [F, n·P] (a chunk's product) to those pictures of [N, F, P] (NCHW), adding `bias[f]` when given.
func filtersFirstToBatchFirst<T: FloatScalar>(
    _ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, bias: UnsafePointer<T>?, _ g: ConvolutionGeometry, pictures: Range<Int>
) {
    let positions = g.positions, rowLength = pictures.count * positions
    for n in pictures {
        for f in 0..<g.filters {
            let from = source + f * rowLength + (n - pictures.lowerBound) * positions
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

/// Those pictures of [N, F, P] to [F, n·P]: a chunk of the output gradient laid out as its
/// forward product was.
func batchFirstToFiltersFirst<T: FloatScalar>(
    _ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry, pictures: Range<Int>
) {
    let positions = g.positions, rowLength = pictures.count * positions
    for f in 0..<g.filters {
        for n in pictures {
            (target + f * rowLength + (n - pictures.lowerBound) * positions)
                .update(from: source + (n * g.filters + f) * positions, count: positions)
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
