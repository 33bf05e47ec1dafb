/// Operations that rearrange elements: views where possible (reshape of a contiguous tensor,
/// permute, broadcast, slicing), copies otherwise.

extension Tensor {
    /// The same elements in another shape; one size may be -1 to be inferred.
    ///
    /// A view when the tensor is contiguous, a copy otherwise.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, !newShape.contains(where: { $0 < -1 }) else {
            throw TensorError.invalidSize("cannot reshape \(formatShape(shape)) to \(formatShape(newShape)): sizes must be at least 0, with at most one -1")
        }
        if let axis = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != axis }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch("cannot reshape \(formatShape(shape)) (\(count) elements) to \(formatShape(newShape))")
            }
            resolved[axis] = count / known
        }
        guard try checkedElementCount(resolved) == count else {
            throw TensorError.shapeMismatch(
                "cannot reshape \(formatShape(shape)) (\(count) elements) to \(formatShape(newShape)) (\(resolved.reduce(1, *)) elements)")
        }
        if resolved == shape { return self }
        let source = try withNoGrad { try contiguous() }
        let output = source.view(shape: resolved, strides: contiguousStrides(resolved), offset: source.offset)
        let inputShape = shape
        return output.recorded("reshape", inputs: [self]) { g, _ in [try g.reshape(inputShape)] }
    }

    /// Axes `startAxis...endAxis` merged into one (by default: all, giving a vector).
    public func flatten(startAxis: Int = 0, endAxis: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let start = try normalizeAxis(startAxis, rank: rank), end = try normalizeAxis(endAxis, rank: rank)
        guard start <= end else {
            throw TensorError.invalidArgument("flatten needs startAxis <= endAxis, got \(startAxis) and \(endAxis)")
        }
        return try reshape(Array(shape[..<start]) + [shape[start...end].reduce(1, *)] + Array(shape[(end + 1)...]))
    }

    /// A view with the axes reordered: axis `i` of the result is axis `axes[i]` of this tensor.
    public func permute(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank else {
            throw TensorError.invalidArgument("permute of a tensor of shape \(formatShape(shape)) needs \(rank) axes, got \(axes.count)")
        }
        let resolved = try axes.map { try normalizeAxis($0, rank: rank) }
        guard Set(resolved).count == rank else {
            throw TensorError.invalidArgument("permute needs each axis once, got \(axes)")
        }
        if resolved == Array(0..<rank) { return self }
        var inverse = [Int](repeating: 0, count: rank)
        for (position, axis) in resolved.enumerated() { inverse[axis] = position }
        return view(shape: resolved.map { shape[$0] }, strides: resolved.map { strides[$0] }, offset: offset)
            .recorded("permute", inputs: [self]) { g, _ in [try g.permute(inverse)] }
    }

    /// A view with two axes swapped (by default the last two); tensors of rank below 2 are returned as they are.
    public func transpose(_ first: Int = -2, _ second: Int = -1) throws -> Tensor {
        if rank < 2 { return self }
        let a = try normalizeAxis(first, rank: rank), b = try normalizeAxis(second, rank: rank)
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return try permute(axes)
    }

    /// A view without the given axes of size 1 (all axes of size 1 when nil).
    public func squeeze(axes: [Int]? = nil) throws -> Tensor {
        let resolved = try axes.map { try normalizeAxes($0, rank: rank) } ?? (0..<rank).filter { shape[$0] == 1 }
        if let wide = resolved.first(where: { shape[$0] != 1 }) {
            throw TensorError.shapeMismatch("cannot squeeze axis \(wide) of shape \(formatShape(shape)): its size is \(shape[wide]), not 1")
        }
        return try reshape(shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element))
    }

    /// A view without axis `axis`, which must have size 1.
    public func squeeze(axis: Int) throws -> Tensor { try squeeze(axes: [axis]) }

    /// A view with a new axis of size 1 at `axis` (which may be `rank`, or negative from the end).
    public func unsqueeze(axis: Int) throws -> Tensor {
        let position = try normalizeAxis(axis, rank: rank + 1)
        var newShape = shape
        newShape.insert(1, at: position)
        var newStrides = strides
        newStrides.insert(position < rank ? strides[position] * shape[position] : 1, at: position)
        return view(shape: newShape, strides: newStrides, offset: offset)
            .recorded("unsqueeze", inputs: [self]) { g, _ in [try g.squeeze(axis: position)] }
    }

    /// A view of this tensor repeated along axes of size 1 (and new leading axes) to `target`,
    /// by NumPy's broadcasting rules; the gradient is summed back.
    public func broadcast(to target: [Int]) throws -> Tensor {
        guard try broadcastShapes(shape, target) == target else {
            throw TensorError.shapeMismatch("cannot broadcast \(formatShape(shape)) to \(formatShape(target))")
        }
        if target == shape { return self }
        return view(shape: target, strides: broadcastStrides(self, to: target), offset: offset)
            .recorded("broadcast", inputs: [self]) { g, _ in [g] }
    }
}

/// One entry of an index expression: `x[2]`, `x[.range(0, 3)]`, `x[.all, 1]`.
public enum TensorIndex: Sendable, ExpressibleByIntegerLiteral {
    /// One position; the axis disappears. Negative counts from the end.
    case at(Int)
    /// Positions `start, start + step, ...` before `end` (nil: the axis's start or end).
    case range(Int?, Int?, step: Int = 1)
    /// The whole axis.
    case all
    /// A new axis of size 1.
    case newAxis

    public init(integerLiteral value: Int) { self = .at(value) }

    /// `lower..<upper`.
    public static func range(_ range: Range<Int>) -> TensorIndex { .range(range.lowerBound, range.upperBound) }
    /// `lower...upper`.
    public static func range(_ range: ClosedRange<Int>) -> TensorIndex { .range(range.lowerBound, range.upperBound + 1) }
}

struct ViewGeometry {
    var shape: [Int]
    var strides: [Int]
    var offset: Int
}

/// Where an index expression lands in a tensor of `shape` with `strides` and `offset`.
func indexGeometry(_ indices: [TensorIndex], shape: [Int], strides: [Int], offset: Int) throws -> ViewGeometry {
    let consumed = indices.filter { if case .newAxis = $0 { false } else { true } }.count
    guard consumed <= shape.count else {
        throw TensorError.invalidArgument("too many indices (\(consumed)) for a tensor of shape \(formatShape(shape))")
    }
    var result = ViewGeometry(shape: [], strides: [], offset: offset)
    var axis = 0
    for index in indices + Array(repeating: .all, count: shape.count - consumed) {
        switch index {
        case .newAxis:
            result.shape.append(1)
            result.strides.append(0)
        case .at(let position):
            let size = shape[axis]
            let resolved = position < 0 ? position + size : position
            guard resolved >= 0, resolved < size else {
                throw TensorError.indexOutOfRange(index: position, axis: axis, size: size)
            }
            result.offset += resolved * strides[axis]
            axis += 1
        case .all:
            result.shape.append(shape[axis])
            result.strides.append(strides[axis])
            axis += 1
        case .range(let start, let end, let step):
            guard step > 0 else { throw TensorError.invalidArgument("a slice step must be positive, got \(step)") }
            let size = shape[axis]
            func clampBound(_ bound: Int?, default value: Int) -> Int {
                guard let bound else { return value }
                return Swift.min(Swift.max(bound < 0 ? bound + size : bound, 0), size)
            }
            let lower = clampBound(start, default: 0)
            let upper = clampBound(end, default: size)
            let length = upper > lower ? (upper - lower - 1) / step + 1 : 0
            result.offset += length > 0 ? lower * strides[axis] : 0
            result.shape.append(length)
            result.strides.append(strides[axis] * step)
            axis += 1
        }
    }
    return result
}

extension Tensor {
    /// The view an index expression selects, NumPy style: integers drop their axis, ranges keep
    /// it; out-of-range integers throw, out-of-range range bounds are clipped.
    public func index(_ indices: [TensorIndex]) throws -> Tensor {
        let geometry = try indexGeometry(indices, shape: shape, strides: strides, offset: offset)
        let inputShape = shape
        return view(shape: geometry.shape, strides: geometry.strides, offset: geometry.offset)
            .recorded("index", inputs: [self]) { g, _ in
                let full = try Tensor.zeros(inputShape, dtype: g.dtype)
                let place = try indexGeometry(indices, shape: inputShape, strides: full.strides, offset: 0)
                copyElements(from: g, into: full.view(shape: place.shape, strides: place.strides, offset: place.offset))
                return [full]
            }
    }

    /// `x[1]`, `x[.all, .range(0, 2)]`: see `index(_:)`.
    public subscript(_ indices: TensorIndex...) -> Tensor {
        get throws { try index(indices) }
    }

    /// `x[0..<2]`: rows `lower..<upper` of the first axis.
    public subscript(_ range: Range<Int>) -> Tensor {
        get throws { try index([.range(range)]) }
    }

    /// The elements at `index` along `axis`, PyTorch's `gather`: `index` has this tensor's rank,
    /// and `out[i][j] = self[i][index[i][j]]` for axis 1. The gradient is added back at those places.
    public func gather(axis: Int, index: Tensor) throws -> Tensor {
        let axis = try normalizeAxis(axis, rank: rank)
        guard !index.dtype.isFloatingPoint else { throw TensorError.dtype("gather needs an integer index tensor, got \(index.dtype)") }
        guard index.rank == rank,
            (0..<rank).allSatisfy({ $0 == axis || index.shape[$0] <= shape[$0] })
        else {
            throw TensorError.shapeMismatch(
                "gather along axis \(axis) of \(formatShape(shape)) needs an index of rank \(rank) no larger off that axis, got \(formatShape(index.shape))")
        }
        let positions = index.toInts()
        let size = shape[axis]
        if let bad = positions.first(where: { $0 < -size || $0 >= size }) {
            throw TensorError.indexOutOfRange(index: bad, axis: axis, size: size)
        }
        // Offsets into a contiguous tensor of this shape, for every element of `index`.
        let indexStrides = contiguousStrides(index.shape)
        let ownStrides = contiguousStrides(shape)
        var offsets = [Int](repeating: 0, count: positions.count)
        for flat in 0..<positions.count {
            var remainder = flat
            var offset = 0
            for d in 0..<rank {
                let coordinate = remainder / indexStrides[d]
                remainder %= indexStrides[d]
                let actual = d == axis ? (positions[flat] < 0 ? positions[flat] + size : positions[flat]) : coordinate
                offset += actual * ownStrides[d]
            }
            offsets[flat] = offset
        }
        let output = try takeElements(at: offsets, shape: index.shape)
        let inputShape = shape
        return output.recorded("gather", inputs: [self]) { g, _ in [try g.scatterAdded(at: offsets, intoShape: inputShape)] }
    }

    /// The slices at `indices` along `axis`: `x.select(indices: [2, 0])` picks rows 2 and 0.
    /// The result's shape has `indices.shape` in place of the axis (an embedding lookup).
    public func select(indices: Tensor, axis: Int = 0) throws -> Tensor {
        let axis = try normalizeAxis(axis, rank: rank)
        guard !indices.dtype.isFloatingPoint else { throw TensorError.dtype("select needs integer indices, got \(indices.dtype)") }
        let positions = indices.toInts()
        let size = shape[axis]
        if let bad = positions.first(where: { $0 < -size || $0 >= size }) {
            throw TensorError.indexOutOfRange(index: bad, axis: axis, size: size)
        }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        // One run of `inner` contiguous elements per (outer position, index).
        var starts: [Int] = []
        starts.reserveCapacity(outer * positions.count)
        for o in 0..<outer {
            for p in positions { starts.append((o * size + (p < 0 ? p + size : p)) * inner) }
        }
        let outputShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
        let output = try takeElements(at: starts, runLength: inner, shape: outputShape)
        let inputShape = shape
        return output.recorded("select", inputs: [self]) { g, _ in
            [try g.scatterAdded(at: starts, runLength: inner, intoShape: inputShape)]
        }
    }

    /// A new tensor of `shape` from runs of `runLength` elements starting at each of `starts`
    /// (offsets into this tensor laid out contiguously), one run after another.
    func takeElements(at starts: [Int], runLength: Int = 1, shape: [Int]) throws -> Tensor {
        let source = try withNoGrad { try contiguous() }
        let output = try Tensor(uninitializedShape: shape, dtype: dtype)
        func take<T: TensorScalar>(_: T.Type) {
            let from = source.pointer(T.self), to = output.pointer(T.self)
            if runLength == 1 {
                for (i, start) in starts.enumerated() { to[i] = from[start] }
            } else {
                for (i, start) in starts.enumerated() { (to + i * runLength).update(from: from + start, count: runLength) }
            }
        }
        switch dtype {
        case .float32: take(Float.self)
        case .float64: take(Double.self)
        case .int32: take(Int32.self)
        case .int64: take(Int64.self)
        }
        return output
    }

    /// Zeros of `shape` with this tensor's runs of `runLength` elements added at each of `starts`.
    func scatterAdded(at starts: [Int], runLength: Int = 1, intoShape shape: [Int]) throws -> Tensor {
        let source = try contiguous()
        let output = try Tensor.zeros(shape, dtype: dtype)
        func add<T: TensorScalar>(_: T.Type) {
            let from = source.pointer(T.self), to = output.pointer(T.self)
            for (i, start) in starts.enumerated() {
                let run = from + i * runLength, target = to + start
                for j in 0..<runLength { target[j] += run[j] }
            }
        }
        switch dtype {
        case .float32: add(Float.self)
        case .float64: add(Double.self)
        case .int32: add(Int32.self)
        case .int64: add(Int64.self)
        }
        return output
    }

    /// The tensor surrounded by `value`: `widths[i]` = (before, after) for axis `i`, leading
    /// axes not listed are not padded.
    public func pad(_ widths: [(before: Int, after: Int)], value: Double = 0) throws -> Tensor {
        guard widths.count <= rank, widths.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw TensorError.invalidArgument(
                "pad of a tensor of shape \(formatShape(shape)) needs at most \(rank) (before, after) pairs of sizes >= 0")
        }
        let all = Array(repeating: (before: 0, after: 0), count: rank - widths.count) + widths
        let outputShape = zip(shape, all).map { $0 + $1.before + $1.after }
        let output = try Tensor.full(outputShape, value: value, dtype: dtype)
        let interior: [TensorIndex] = zip(shape, all).map { .range($1.before, $1.before + $0) }
        copyElements(from: self, into: try withNoGrad { try output.index(interior) })
        return output.recorded("pad", inputs: [self]) { g, _ in [try g.index(interior)] }
    }

    /// One row of `classes` float32 zeros per integer label, with a 1 at the label's position;
    /// the result has shape `shape + [classes]`.
    public func oneHot(classes: Int) throws -> Tensor {
        guard !dtype.isFloatingPoint || toDoubles().allSatisfy({ $0 == $0.rounded() }) else {
            throw TensorError.dtype("oneHot needs whole-number labels, got \(dtype) values with fractions")
        }
        guard classes > 0 else { throw TensorError.invalidSize("oneHot needs at least one class, got \(classes)") }
        let labels = toInts()
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw TensorError.invalidArgument("label \(bad) is outside 0..<\(classes) for oneHot with \(classes) classes")
        }
        let output = try Tensor.zeros(shape + [classes], dtype: .float32)
        let target = output.pointer(Float.self)
        for (row, label) in labels.enumerated() { target[row * classes + label] = 1 }
        return output
    }
}

/// The tensors joined along an existing axis; all other sizes must agree.
public func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError.invalidArgument("concat needs at least one tensor") }
    let axis = try normalizeAxis(axis, rank: Swift.max(first.rank, 1))
    let dtype = tensors.dropFirst().reduce(first.dtype) { DType.promoted($0, $1.dtype) }
    for tensor in tensors {
        guard tensor.rank == first.rank, tensor.rank > 0,
            (0..<first.rank).allSatisfy({ $0 == axis || tensor.shape[$0] == first.shape[$0] })
        else {
            throw TensorError.shapeMismatch(
                "cannot concatenate \(tensors.map { formatShape($0.shape) }.joined(separator: " and ")) along axis \(axis): other sizes differ")
        }
    }
    var outputShape = first.shape
    outputShape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
    let output = try Tensor(uninitializedShape: outputShape, dtype: dtype)
    var ranges: [TensorIndex] = []
    var start = 0
    for tensor in tensors {
        let index = Array(repeating: TensorIndex.all, count: axis) + [.range(start, start + tensor.shape[axis])]
        copyElements(from: tensor, into: try withNoGrad { try output.index(index) })
        ranges.append(.range(start, start + tensor.shape[axis]))
        start += tensor.shape[axis]
    }
    return output.recorded("concat", inputs: tensors) { g, _ in
        try ranges.map { try g.index(Array(repeating: TensorIndex.all, count: axis) + [$0]) }
    }
}

/// The tensors, all of one shape, stacked along a new axis.
public func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError.invalidArgument("stack needs at least one tensor") }
    if let other = tensors.first(where: { $0.shape != first.shape }) {
        throw TensorError.shapeMismatch("cannot stack tensors of shapes \(formatShape(first.shape)) and \(formatShape(other.shape))")
    }
    let position = try normalizeAxis(axis, rank: first.rank + 1)
    return try concat(tensors.map { try $0.unsqueeze(axis: position) }, axis: position)
}
