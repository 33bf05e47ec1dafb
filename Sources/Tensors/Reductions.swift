/// Reductions over all or some axes, with `keepDims`, and their gradients.

enum ReductionKind { case sum, max, min }

/// Elements summed in the element type before the running total (a double) takes them.
let sumBlock = 1024

/// Sums (or max/min) of a contiguous [outer, length, inner] block along its middle axis.
@inline(__always)
func reduceBlock<T: TensorScalar>(
    _ source: UnsafePointer<T>, into target: UnsafeMutablePointer<T>, outer: Int, length: Int, inner: Int,
    kind: ReductionKind
) {
    @inline(__always) func combine(_ a: T, _ b: T) -> T {
        switch kind {
        case .sum: a + b
        case .max: b > a || b != b ? b : a
        case .min: b < a || b != b ? b : a
        }
    }
    @inline(__always) func combineVector(_ a: SIMD8<T>, _ b: SIMD8<T>) -> SIMD8<T> {
        switch kind {
        case .sum: return T.lanesAdded(a, b)
        case .max: return a.replacing(with: b, where: (b .> a) .| (b .!= b))
        case .min: return a.replacing(with: b, where: (b .< a) .| (b .!= b))
        }
    }
    /// One row, eight lanes at a time: float sums keep eight partial sums, which also halves
    /// the rounding error of a single running sum.
    @inline(__always) func reduceRow(_ row: UnsafePointer<T>, _ count: Int) -> T {
        // Float sums add blocks in double precision, so the error does not grow with the length.
        if kind == .sum && T.dtype.isFloatingPoint && count > sumBlock {
            var total = 0.0
            var start = 0
            while start < count {
                total += reduceShortRow(row + start, Swift.min(sumBlock, count - start)).doubleValue
                start += sumBlock
            }
            return T(fromDouble: total)
        }
        return reduceShortRow(row, count)
    }
    @inline(__always) func reduceShortRow(_ row: UnsafePointer<T>, _ count: Int) -> T {
        var i = 0
        var result: T
        if count >= 16 {
            var lanes = UnsafeRawPointer(row).loadUnaligned(as: SIMD8<T>.self)
            i = 8
            while i + 8 <= count {
                lanes = combineVector(lanes, UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<T>.self))
                i += 8
            }
            result = lanes[0]
            for lane in 1..<8 { result = combine(result, lanes[lane]) }
        } else {
            result = row[0]
            i = 1
        }
        while i < count {
            result = combine(result, row[i])
            i += 1
        }
        return result
    }
    let workers = Parallel.workers(forWork: outer * length * inner)
    if inner == 1 && outer < workers && length > 0 {
        // One long row (a full reduction): reduce parts on each core, then combine.
        for o in 0..<outer {
            let row = source + o * length
            var partials = [T](repeating: 0, count: workers)
            partials.withUnsafeMutableBufferPointer { partials in
                let results = partials.baseAddress!
                Parallel.forEachChunk(count: workers, chunks: workers) { chunks in
                    for chunk in chunks {
                        let start = length * chunk / workers, end = length * (chunk + 1) / workers
                        results[chunk] = reduceRow(row + start, end - start)
                    }
                }
            }
            target[o] = partials.dropFirst().reduce(partials[0], combine)
        }
        return
    }
    Parallel.forEachChunk(count: outer, chunks: workers) { range in
        for o in range {
            if length == 0 {
                for i in 0..<inner { target[o * inner + i] = 0 }
            } else if inner == 1 {
                target[o] = reduceRow(source + o * length, length)
            } else {
                let out = target + o * inner
                let block = source + o * length * inner
                for i in 0..<inner { out[i] = block[i] }
                for r in 1..<length {
                    let row = block + r * inner
                    for i in 0..<inner { out[i] = combine(out[i], row[i]) }
                }
            }
        }
    }
}

/// Index of the largest (or smallest) element along the middle axis of [outer, length, inner].
func argReduceBlock<T: TensorScalar>(
    _ source: UnsafePointer<T>, into target: UnsafeMutablePointer<Int64>, outer: Int, length: Int, inner: Int,
    largest: Bool
) {
    for o in 0..<outer {
        for i in 0..<inner {
            let base = source + o * length * inner + i
            var best = base[0]
            var bestIndex = 0
            for r in 1..<max(length, 1) {
                let value = base[r * inner]
                // nan counts as the extreme, as in NumPy.
                if value != value && best == best || (largest ? value > best : value < best) {
                    best = value
                    bestIndex = r
                }
            }
            target[o * inner + i] = Int64(bestIndex)
        }
    }
}

extension Tensor {
    /// `self` rearranged as a contiguous [outer, length, inner] block with `axes` in the middle;
    /// copies only when the reduced axes are not already one contiguous run.
    func reductionBlock(axes: [Int]) throws -> (block: Tensor, outer: Int, length: Int, inner: Int) {
        let sorted = axes.sorted()
        let isRun = sorted.isEmpty || sorted.last! - sorted.first! + 1 == sorted.count
        if isRun, isContiguous, let first = sorted.first {
            let outer = shape[..<first].reduce(1, *)
            let length = sorted.map { shape[$0] }.reduce(1, *)
            let inner = shape[(sorted.last! + 1)...].reduce(1, *)
            return (self, outer, length, inner)
        }
        let kept = (0..<rank).filter { !sorted.contains($0) }
        let moved = try withNoGrad { try permute(kept + sorted).copy() }
        return (moved, kept.map { shape[$0] }.reduce(1, *), sorted.map { shape[$0] }.reduce(1, *), 1)
    }

    /// The shape after reducing `axes`, with or without the reduced axes kept as size 1.
    func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    func reduce(_ axes: [Int], keepDims: Bool, kind: ReductionKind) throws -> Tensor {
        if kind != .sum, let empty = axes.first(where: { shape[$0] == 0 }) {
            throw TensorError.invalidSize(
                "cannot take the \(kind) over axis \(empty) of shape \(formatShape(shape)): it has no elements")
        }
        let (block, outer, length, inner) = try reductionBlock(axes: axes)
        let output = try Tensor(uninitializedShape: reducedShape(axes, keepDims: keepDims), dtype: dtype)
        switch dtype {
        case .float32:
            reduceBlock(block.pointer(Float.self), into: output.pointer(Float.self), outer: outer, length: length, inner: inner, kind: kind)
        case .float64:
            reduceBlock(block.pointer(Double.self), into: output.pointer(Double.self), outer: outer, length: length, inner: inner, kind: kind)
        case .int32:
            reduceBlock(block.pointer(Int32.self), into: output.pointer(Int32.self), outer: outer, length: length, inner: inner, kind: kind)
        case .int64:
            reduceBlock(block.pointer(Int64.self), into: output.pointer(Int64.self), outer: outer, length: length, inner: inner, kind: kind)
        }
        return output
    }

    /// The sum over `axes` (all axes when nil); d/dx = 1 for every element.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let resolved = try normalizeAxes(axes, rank: rank)
        let inputShape = shape
        let keptShape = reducedShape(resolved, keepDims: true)
        return try reduce(resolved, keepDims: keepDims, kind: .sum).recorded("sum", inputs: [self]) { g, _ in
            [try g.reshape(keptShape).broadcast(to: inputShape)]
        }
    }

    /// The sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) throws -> Tensor { try sum(axes: [axis], keepDims: keepDims) }

    /// The arithmetic mean over `axes` (all when nil); integers average to float32.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let resolved = try normalizeAxes(axes, rank: rank)
        let count = resolved.map { shape[$0] }.reduce(1, *)
        return try asFloat().sum(axes: resolved, keepDims: keepDims) / Double(count)
    }

    /// The mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) throws -> Tensor { try mean(axes: [axis], keepDims: keepDims) }

    func extreme(_ axes: [Int]?, keepDims: Bool, kind: ReductionKind) throws -> Tensor {
        let resolved = try normalizeAxes(axes, rank: rank)
        let keptShape = reducedShape(resolved, keepDims: true)
        let output = try reduce(resolved, keepDims: keepDims, kind: kind)
        let extremes = try output.reshape(keptShape)
        // The gradient is shared equally between elements that tie for the extreme.
        return output.recorded(kind == .max ? "max" : "min", inputs: [self]) { g, inputs in
            let mask = try equal(inputs[0], extremes)
            let ties = try mask.sum(axes: resolved, keepDims: true)
            return [try g.reshape(keptShape) * mask / ties]
        }
    }

    /// The largest element over `axes` (all when nil); the gradient goes to the largest
    /// element, split equally among ties.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor { try extreme(axes, keepDims: keepDims, kind: .max) }
    /// The largest element over one axis.
    public func max(axis: Int, keepDims: Bool = false) throws -> Tensor { try extreme([axis], keepDims: keepDims, kind: .max) }
    /// The smallest element over `axes` (all when nil); the gradient as for `max`.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor { try extreme(axes, keepDims: keepDims, kind: .min) }
    /// The smallest element over one axis.
    public func min(axis: Int, keepDims: Bool = false) throws -> Tensor { try extreme([axis], keepDims: keepDims, kind: .min) }

    func argExtreme(_ axis: Int?, keepDims: Bool, largest: Bool) throws -> Tensor {
        let source = axis == nil ? try reshape([count]) : self
        let resolved = try normalizeAxis(axis ?? 0, rank: source.rank)
        guard source.shape[resolved] > 0 else {
            throw TensorError.invalidSize("cannot take the arg\(largest ? "max" : "min") of an empty axis of shape \(formatShape(shape))")
        }
        let (block, outer, length, inner) = try source.reductionBlock(axes: [resolved])
        let outputShape = axis == nil ? (keepDims ? shape.map { _ in 1 } : []) : source.reducedShape([resolved], keepDims: keepDims)
        let output = try Tensor(uninitializedShape: outputShape, dtype: .int64)
        let target = output.pointer(Int64.self)
        switch dtype {
        case .float32: argReduceBlock(block.pointer(Float.self), into: target, outer: outer, length: length, inner: inner, largest: largest)
        case .float64: argReduceBlock(block.pointer(Double.self), into: target, outer: outer, length: length, inner: inner, largest: largest)
        case .int32: argReduceBlock(block.pointer(Int32.self), into: target, outer: outer, length: length, inner: inner, largest: largest)
        case .int64: argReduceBlock(block.pointer(Int64.self), into: target, outer: outer, length: length, inner: inner, largest: largest)
        }
        return output
    }

    /// The int64 index of the largest element along `axis` (of the flattened tensor when nil);
    /// the first one on ties.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try argExtreme(axis, keepDims: keepDims, largest: true)
    }

    /// The int64 index of the smallest element along `axis` (of the flattened tensor when nil).
    public func argmin(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try argExtreme(axis, keepDims: keepDims, largest: false)
    }

    /// The variance mean((x - mean x)²) · n / (n - correction) over `axes` (all when nil).
    ///
    /// `correction: 0` (the default, NumPy's) gives the population variance; `1` gives the
    /// unbiased sample variance (PyTorch's default).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, correction: Int = 0) throws -> Tensor {
        let resolved = try normalizeAxes(axes, rank: rank)
        let count = resolved.map { shape[$0] }.reduce(1, *)
        guard count - correction > 0 else {
            throw TensorError.invalidSize(
                "variance over \(count) element\(count == 1 ? "" : "s") with correction \(correction) divides by zero")
        }
        let x = try asFloat()
        let centered = try x - x.mean(axes: resolved, keepDims: true)
        return try (centered * centered).sum(axes: resolved, keepDims: keepDims) / Double(count - correction)
    }

    /// The variance over one axis.
    public func variance(axis: Int, keepDims: Bool = false, correction: Int = 0) throws -> Tensor {
        try variance(axes: [axis], keepDims: keepDims, correction: correction)
    }

    /// The standard deviation, the square root of `variance`.
    public func std(axes: [Int]? = nil, keepDims: Bool = false, correction: Int = 0) throws -> Tensor {
        try variance(axes: axes, keepDims: keepDims, correction: correction).sqrt()
    }

    /// The standard deviation over one axis.
    public func std(axis: Int, keepDims: Bool = false, correction: Int = 0) throws -> Tensor {
        try std(axes: [axis], keepDims: keepDims, correction: correction)
    }

    /// This tensor summed over the axes along which `shape` was broadcast to its own shape:
    /// the gradient of a broadcast input.
    func summed(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        guard lead >= 0 else {
            throw TensorError.shapeMismatch("cannot sum \(formatShape(shape)) down to \(formatShape(target))")
        }
        var axes = Array(0..<lead)
        for axis in target.indices where target[axis] == 1 && shape[lead + axis] != 1 { axes.append(lead + axis) }
        return try sum(axes: axes, keepDims: true).reshape(target)
    }
}
