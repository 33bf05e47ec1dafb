/// Max and average pooling of float [N, C, H, W] tensors as one pass over each picture, without
/// copying the windows out; the gradient is one pass too.

/// The sizes of one pooling: windows of `kernel` moved by `stride` over each picture.
struct PoolingGeometry {
    let planes: Int, height: Int, width: Int
    let kernel: (Int, Int), stride: (Int, Int)
    let outHeight: Int, outWidth: Int

    init(shape: [Int], kernel: (Int, Int), stride: (Int, Int)) {
        planes = shape[0] * shape[1]
        (height, width) = (shape[2], shape[3])
        self.kernel = kernel
        self.stride = stride
        outHeight = (height - kernel.0) / stride.0 + 1
        outWidth = (width - kernel.1) / stride.1 + 1
    }

    /// 2 x 2 windows moved by 2: the common case, with loops of its own.
    var isTwoByTwo: Bool { kernel == (2, 2) && stride == (2, 2) }

    var workers: Int { Parallel.workers(forWork: planes * outHeight * outWidth * kernel.0 * kernel.1) }
}

enum PoolingKind { case max, average }

/// Each window's largest element (NaN when the window holds one) or mean.
func poolForward<T: FloatScalar>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ g: PoolingGeometry, _ kind: PoolingKind) {
    if kind == .max, g.isTwoByTwo {
        maxPoolTwoByTwo(input, output, g)
        return
    }
    let scale = 1 / T(g.kernel.0 * g.kernel.1)
    Parallel.forEachChunk(count: g.planes, chunks: g.workers) { planes in
        for plane in planes {
            let source = input + plane * g.height * g.width
            var target = output + plane * g.outHeight * g.outWidth
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let corner = source + oh * g.stride.0 * g.width + ow * g.stride.1
                    var value: T
                    switch kind {
                    case .max:
                        value = corner[0]
                        for p in 0..<g.kernel.0 {
                            let row = corner + p * g.width
                            for q in 0..<g.kernel.1 {
                                let x = row[q]
                                // As the `max` reduction: NaN wins.
                                if !(value >= x || value != value) { value = x }
                            }
                        }
                    case .average:
                        value = 0
                        for p in 0..<g.kernel.0 {
                            let row = corner + p * g.width
                            for q in 0..<g.kernel.1 { value += row[q] }
                        }
                        value *= scale
                    }
                    target[ow] = value
                }
                target += g.outWidth
            }
        }
    }
}

/// The input's gradient: each window's gradient goes to its largest element (split equally
/// among ties, as the `max` reduction sends it) or evenly to all its elements. Overlapping
/// windows add up; each picture is one worker's.
func poolBackward<T: FloatScalar>(
    _ gradient: UnsafePointer<T>, input: UnsafePointer<T>, pooled: UnsafePointer<T>, _ inputGradient: UnsafeMutablePointer<T>,
    _ g: PoolingGeometry, _ kind: PoolingKind
) {
    if kind == .max, g.isTwoByTwo {
        maxPoolTwoByTwoBackward(gradient, input: input, pooled: pooled, inputGradient, g)
        return
    }
    let scale = 1 / T(g.kernel.0 * g.kernel.1)
    let planeSize = g.height * g.width, outSize = g.outHeight * g.outWidth
    Parallel.forEachChunk(count: g.planes, chunks: g.workers) { planes in
        for plane in planes {
            let source = input + plane * planeSize
            let target = inputGradient + plane * planeSize
            target.update(repeating: 0, count: planeSize)
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let at = plane * outSize + oh * g.outWidth + ow
                    let offset = oh * g.stride.0 * g.width + ow * g.stride.1
                    let (corner, targetCorner) = (source + offset, target + offset)
                    let incoming = gradient[at]
                    switch kind {
                    case .max:
                        let extreme = pooled[at]
                        var ties: T = 0
                        for p in 0..<g.kernel.0 {
                            for q in 0..<g.kernel.1 where corner[p * g.width + q] == extreme { ties += 1 }
                        }
                        // g · mask / ties, as the reduction's rule: 0 / 0 (a NaN window) stays NaN.
                        let share = incoming / ties
                        for p in 0..<g.kernel.0 {
                            for q in 0..<g.kernel.1 {
                                targetCorner[p * g.width + q] += corner[p * g.width + q] == extreme ? share : 0 * share
                            }
                        }
                    case .average:
                        let share = incoming * scale
                        for p in 0..<g.kernel.0 {
                            for q in 0..<g.kernel.1 { targetCorner[p * g.width + q] += share }
                        }
                    }
                }
            }
        }
    }
}

/// The larger of two, or the NaN if either is one (as the `max` reduction).
@inline(__always) func largerOrNaN<T: FloatScalar>(_ a: T, _ b: T) -> T { a >= b || a != a ? a : b }

/// Max pooling over 2 x 2 windows moved by 2.
func maxPoolTwoByTwo<T: FloatScalar>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ g: PoolingGeometry) {
    Parallel.forEachChunk(count: g.planes, chunks: g.workers) { planes in
        for plane in planes {
            let source = input + plane * g.height * g.width
            let target = output + plane * g.outHeight * g.outWidth
            for oh in 0..<g.outHeight {
                let top = source + 2 * oh * g.width, bottom = top + g.width
                let row = target + oh * g.outWidth
                for ow in 0..<g.outWidth {
                    let column = 2 * ow
                    row[ow] = largerOrNaN(largerOrNaN(top[column], top[column + 1]), largerOrNaN(bottom[column], bottom[column + 1]))
                }
            }
        }
    }
}

/// The gradient of `maxPoolTwoByTwo`: each window's gradient to its largest elements, split
/// equally among ties (0 / 0 for a window holding a NaN, as the reduction's rule gives).
func maxPoolTwoByTwoBackward<T: FloatScalar>(
    _ gradient: UnsafePointer<T>, input: UnsafePointer<T>, pooled: UnsafePointer<T>, _ inputGradient: UnsafeMutablePointer<T>,
    _ g: PoolingGeometry
) {
    let planeSize = g.height * g.width, outSize = g.outHeight * g.outWidth
    let (zero, one) = (T.zero, T(1))
    Parallel.forEachChunk(count: g.planes, chunks: g.workers) { planes in
        for plane in planes {
            let source = input + plane * planeSize
            let target = inputGradient + plane * planeSize
            // Rows and columns past the last whole window get no gradient.
            if g.height != 2 * g.outHeight || g.width != 2 * g.outWidth { target.update(repeating: 0, count: planeSize) }
            for oh in 0..<g.outHeight {
                let offset = 2 * oh * g.width
                let (top, bottom) = (source + offset, source + offset + g.width)
                let (topTarget, bottomTarget) = (target + offset, target + offset + g.width)
                let at = plane * outSize + oh * g.outWidth
                for ow in 0..<g.outWidth {
                    let column = 2 * ow
                    let extreme = pooled[at + ow]
                    let a = top[column] == extreme ? one : zero, b = top[column + 1] == extreme ? one : zero
                    let c = bottom[column] == extreme ? one : zero, d = bottom[column + 1] == extreme ? one : zero
                    let share = gradient[at + ow] / (a + b + c + d)
                    topTarget[column] = a * share
                    topTarget[column + 1] = b * share
                    bottomTarget[column] = c * share
                    bottomTarget[column + 1] = d * share
                }
            }
        }
    }
}

extension Tensor {
    /// Pools a float [N, C, H, W] tensor as one recorded operation.
    func pooled(kernel: (Int, Int), stride: (Int, Int), kind: PoolingKind) throws -> Tensor {
        let x = try withNoGrad { isContiguous ? self : try copy() }
        let g = PoolingGeometry(shape: shape, kernel: kernel, stride: stride)
        let output = try Tensor(uninitializedShape: [shape[0], shape[1], g.outHeight, g.outWidth], dtype: dtype)
        if dtype == .float64 {
            poolForward(x.pointer(Double.self), output.pointer(Double.self), g, kind)
        } else {
            poolForward(x.pointer(Float.self), output.pointer(Float.self), g, kind)
        }
        let result = output.detach()
        let inputShape = shape
        return output.recorded(kind == .max ? "maxPool2d" : "avgPool2d", inputs: [self]) { gradient, inputs in
            let dense = try denseFloat(gradient, result.dtype)
            let source = try denseFloat(inputs[0], result.dtype)
            let inputGradient = try Tensor(uninitializedShape: inputShape, dtype: dense.dtype)
            if dense.dtype == .float64 {
                poolBackward(dense.pointer(Double.self), input: source.pointer(Double.self), pooled: result.pointer(Double.self), inputGradient.pointer(Double.self), g, kind)
            } else {
                poolBackward(dense.pointer(Float.self), input: source.pointer(Float.self), pooled: result.pointer(Float.self), inputGradient.pointer(Float.self), g, kind)
            }
            return [inputGradient]
        }
    }
}
