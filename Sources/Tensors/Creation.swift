#if canImport(Glibc)
import Glibc
#endif
import Interchange

/// A nested list of numbers, as a learner writes it: `[[1, 2], [3, 4]]`.
public indirect enum NestedScalars: Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral
{
    case scalar(Double)
    case list([NestedScalars])

    public init(floatLiteral value: Double) { self = .scalar(value) }
    public init(integerLiteral value: Int) { self = .scalar(Double(value)) }
    public init(arrayLiteral elements: NestedScalars...) { self = .list(elements) }
}

extension Tensor {
    /// A tensor from a shape and its elements in row-major order.
    public convenience init(shape: [Int], scalars: [Double], dtype: DType = .float32) throws {
        let count = try checkedElementCount(shape)
        guard count == scalars.count else {
            throw TensorError.invalidSize(
                "shape \(formatShape(shape)) holds \(count) elements but \(scalars.count) were given")
        }
        try self.init(uninitializedShape: shape, dtype: dtype)
        scalars.withUnsafeBufferPointer { source in
            func fill<T: TensorScalar>(_: T.Type) {
                let target = pointer(T.self)
                for i in 0..<count { target[i] = T(fromDouble: source[i]) }
            }
            switch dtype {
            case .float32: fill(Float.self)
            case .float64: fill(Double.self)
            case .int32: fill(Int32.self)
            case .int64: fill(Int64.self)
            }
        }
    }

    /// A tensor from float elements in row-major order (default: a vector).
    public convenience init(_ scalars: [Float], shape: [Int]? = nil) throws {
        try self.init(shape: shape ?? [scalars.count], scalars: scalars.map(Double.init), dtype: .float32)
    }

    /// A tensor from double elements in row-major order (default: a vector).
    public convenience init(_ scalars: [Double], shape: [Int]? = nil, dtype: DType = .float32) throws {
        try self.init(shape: shape ?? [scalars.count], scalars: scalars, dtype: dtype)
    }

    /// A tensor from a nested list; every row of one level must have the same length.
    public convenience init(_ nested: NestedScalars, dtype: DType = .float32) throws {
        var shape: [Int] = []
        var level = nested
        while case .list(let items) = level {
            shape.append(items.count)
            guard let first = items.first else { break }
            level = first
        }
        var scalars: [Double] = []
        scalars.reserveCapacity(try checkedElementCount(shape))
        // Iterative walk with the path, so a ragged list can be reported where it breaks.
        var stack: [(value: NestedScalars, depth: Int, path: [Int])] = [(nested, 0, [])]
        while let (value, depth, path) = stack.popLast() {
            switch value {
            case .scalar(let number):
                guard depth == shape.count else {
                    throw TensorError.invalidSize(
                        "nested list is ragged: element \(formatShape(path)) is a number where a list of \(shape[depth]) was expected")
                }
                scalars.append(number)
            case .list(let items):
                guard depth < shape.count, items.count == shape[depth] else {
                    let expected = depth < shape.count ? "\(shape[depth])" : "a number"
                    throw TensorError.invalidSize(
                        "nested list is ragged: row \(formatShape(path)) has \(items.count) element\(items.count == 1 ? "" : "s"), expected \(expected)")
                }
                for (index, item) in items.enumerated().reversed() { stack.append((item, depth + 1, path + [index])) }
            }
        }
        try self.init(shape: shape, scalars: scalars, dtype: dtype)
    }

    /// A tensor of `shape` with every element `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) throws -> Tensor {
        let tensor = try Tensor(uninitializedShape: shape, dtype: dtype)
        func fill<T: TensorScalar>(_: T.Type) {
            let target = tensor.pointer(T.self)
            let element = T(fromDouble: value)
            let count = tensor.count
            Parallel.forEachChunk(count: count, chunks: Parallel.workers(forWork: count)) { range in
                for i in range { target[i] = element }
            }
        }
        switch dtype {
        case .float32: fill(Float.self)
        case .float64: fill(Double.self)
        case .int32: fill(Int32.self)
        case .int64: fill(Int64.self)
        }
        return tensor
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 0, dtype: dtype)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 1, dtype: dtype)
    }

    /// A zero-dimensional tensor holding `value`.
    public static func scalar(_ value: Double, dtype: DType = .float32) throws -> Tensor {
        try full([], value: value, dtype: dtype)
    }

    /// Zeros shaped like `other`, of its dtype unless given.
    public static func zeros(like other: Tensor, dtype: DType? = nil) throws -> Tensor {
        try full(other.shape, value: 0, dtype: dtype ?? other.dtype)
    }

    /// The `rows` x `columns` matrix with ones on the main diagonal and zeros elsewhere.
    public static func eye(_ rows: Int, _ columns: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let columns = columns ?? rows
        let tensor = try zeros([rows, columns], dtype: dtype)
        let diagonal = tensor.view(shape: [Swift.min(rows, columns)], strides: [columns + 1], offset: 0)
        copyElements(from: try scalar(1, dtype: dtype), into: diagonal)
        return tensor
    }

    /// `start, start + step, ...` up to but excluding `end`, like NumPy's `arange`.
    ///
    /// The dtype is int64 when every argument is a whole number, float32 otherwise, unless given.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType? = nil) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument("arange needs finite bounds and a non-zero step, got \(start), \(end), step \(step)")
        }
        // The count in Double first: (end - start) / step can overflow to ±infinity or exceed Int.
        let steps = ((end - start) / step).rounded(.up)
        guard !(steps >= 9e15) else {
            throw TensorError.invalidSize("arange(\(start), \(end), step: \(step)) would have \(steps) values")
        }
        let count = steps > 0 ? Int(steps) : 0
        // Whole bounds make int64 values, when int64 holds them.
        let whole = [start, end, step].allSatisfy { $0.wholeNumber(below: DType.int64.wholeNumberLimit) != nil }
        let dtype = dtype ?? (whole ? .int64 : .float32)
        return try Tensor(shape: [count], scalars: (0..<count).map { start + Double($0) * step }, dtype: dtype)
    }

    /// `0, 1, ..., end - 1` (int64 unless given).
    public static func arange(_ end: Int, dtype: DType = .int64) throws -> Tensor {
        try arange(0, Double(end), dtype: dtype)
    }

    /// `count` evenly spaced values from `start` to `end`, both included.
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32) throws -> Tensor {
        guard count >= 0 else { throw TensorError.invalidSize("linspace needs a count of at least 0, got \(count)") }
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        return try Tensor(
            shape: [count], scalars: (0..<count).map { $0 == count - 1 && count > 1 ? end : start + Double($0) * step },
            dtype: dtype)
    }

    /// The same values in another dtype (`self` when it already has it). Not differentiable
    /// across integer types; between float types the gradient is converted back.
    public func converted(to target: DType) throws -> Tensor {
        if target == dtype { return self }
        let output = try Tensor(uninitializedShape: shape, dtype: target)
        copyElements(from: self, into: output)
        guard target.isFloatingPoint else { return output }
        let sourceDType = dtype
        return output.recorded("convert", inputs: [self]) { gradient, _ in [try gradient.converted(to: sourceDType)] }
    }

    /// A contiguous copy with its own buffer; gradients flow through it.
    public func copy() throws -> Tensor {
        let output = try Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, into: output)
        return output.recorded("copy", inputs: [self]) { gradient, _ in [gradient] }
    }

    /// `self` when contiguous, otherwise a contiguous copy.
    public func contiguous() throws -> Tensor {
        isContiguous ? self : try copy()
    }

    /// The elements in row-major order, as doubles.
    public func toDoubles() -> [Double] {
        guard count > 0 else { return [] }
        func read<T: TensorScalar>(_: T.Type) -> [Double] {
            let dense = isContiguous ? self : (try? withNoGrad { try copy() }) ?? self
            let source = dense.pointer(T.self)
            return (0..<count).map { source[$0].doubleValue }
        }
        switch dtype {
        case .float32: return read(Float.self)
        case .float64: return read(Double.self)
        case .int32: return read(Int32.self)
        case .int64: return read(Int64.self)
        }
    }

    /// The elements in row-major order, as floats.
    public func toFloats() -> [Float] { toDoubles().map { Float($0) } }

    /// The elements in row-major order, as integers (floats rounded toward zero).
    public func toInts() -> [Int] {
        toDoubles().map { value -> Int in
            let whole: Int64 = Int64(fromDouble: value)
            return Int(whole)
        }
    }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError.invalidSize("item() needs a tensor of one element, not shape \(formatShape(shape))")
        }
        return toDoubles()[0]
    }

}
