/// An n-dimensional array of numbers, row-major, that records the operations made on it so
/// that gradients can flow back to it.
///
/// A `Tensor` is a reference: parameters keep their identity, and `grad` is filled in by
/// `backward()` on a result computed from them. Views (reshape, transpose, slices) share the
/// buffer of the tensor they come from; ops never modify their inputs. Operations that can fail
/// throw a `TensorError`.
///
/// Spelling: operations on one tensor (with parameters, even an index tensor) are methods,
/// `x.sum(axes: [0])`, `x.relu()`, `x.gather(axis: 1, index: i)`; operations that combine
/// tensors as equals are free functions, `matmul(a, b)`, `concat([a, b])`, `where(c, a, b)`,
/// plus throwing operators `+ - * /` and prefix `-`.
///
/// Like a PyTorch tensor it may be read from several threads at once, but changing it (`grad`,
/// `requiresGrad`, in-place updates) while another thread uses it is the caller's to prevent.
public final class Tensor: @unchecked Sendable {
    /// Sizes of the axes, outermost first.
    public let shape: [Int]
    /// Elements to step in the buffer for one step along each axis (0 for broadcast axes).
    public let strides: [Int]
    let offset: Int
    let storage: TensorStorage

    /// Whether `backward()` should compute a gradient for this tensor.
    ///
    /// Set it on leaves (parameters); results of operations inherit it from their inputs.
    /// Integer tensors never require gradients.
    public var requiresGrad: Bool {
        didSet { if !dtype.isFloatingPoint { requiresGrad = false } }
    }

    /// The accumulated gradient of the last `backward()` calls with respect to this tensor,
    /// for leaves that require gradients (and other tensors with `retainsGrad`).
    ///
    /// Gradients add up across calls until set to `nil` (or zeroed).
    public var grad: Tensor?

    /// Keep `grad` on this tensor even though it is the result of an operation.
    public var retainsGrad = false

    /// The operation that produced this tensor, when it was recorded for autograd.
    public internal(set) var gradNode: GradNode?

    /// A name shown when the graph is drawn ("weight", "loss" ...).
    public var label: String?

    init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.requiresGrad = false
    }

    /// A fresh contiguous tensor with uninitialised elements.
    convenience init(uninitializedShape shape: [Int], dtype: DType) throws {
        let count = try checkedElementCount(shape)
        let storage = try TensorStorage(dtype: dtype, count: count, shape: shape)
        self.init(storage: storage, shape: shape, strides: contiguousStrides(shape), offset: 0)
    }

    /// The element type.
    public var dtype: DType { storage.dtype }
    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of elements (the product of the shape; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    /// Whether this tensor was made by the user rather than by a recorded operation.
    public var isLeaf: Bool { gradNode == nil }

    /// Whether the elements lie in the buffer in row-major order without gaps.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// The same values, with no history and not requiring gradients; shares the buffer.
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    /// Marks this tensor as needing a gradient and returns it, for chaining.
    @discardableResult
    public func requiringGrad(_ value: Bool = true) -> Tensor {
        requiresGrad = value
        return self
    }

    /// A view with another shape and strides onto the same buffer (no autograd record).
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    /// Pointer to the first element, typed.
    @inline(__always) func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        storage.pointer(T.self) + offset
    }
}

/// Row-major strides for `shape`.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = step
        step *= max(shape[axis], 1)
    }
    return strides
}

/// Resolves a possibly negative axis against `rank`.
func normalizeAxis(_ axis: Int, rank: Int) throws -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0, resolved < rank else { throw TensorError.axisOutOfRange(axis: axis, rank: rank) }
    return resolved
}

/// Resolves axes, rejecting repeats; `nil` means every axis.
func normalizeAxes(_ axes: [Int]?, rank: Int) throws -> [Int] {
    guard let axes else { return Array(0..<rank) }
    var seen = Set<Int>()
    var result: [Int] = []
    for axis in axes {
        let resolved = try normalizeAxis(axis, rank: rank)
        guard seen.insert(resolved).inserted else {
            throw TensorError.invalidArgument("axis \(axis) is given more than once")
        }
        result.append(resolved)
    }
    return result.sorted()
}
