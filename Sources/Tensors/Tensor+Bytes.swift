/// Raw access to elements: for files (safetensors), drawing, and other modules' fast paths.

extension Tensor {
    /// A tensor of `shape` and `dtype` from its elements' bytes, row-major, in the machine's
    /// byte order (little-endian on every platform Tensorcell runs on).
    public convenience init(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType) throws {
        let count = try checkedElementCount(shape)
        let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, bytes.count == expected else {
            throw TensorError.invalidSize(
                "a \(dtype) tensor of shape \(formatShape(shape)) needs \(count * dtype.byteSize) bytes, got \(bytes.count)")
        }
        try self.init(uninitializedShape: shape, dtype: dtype)
        if expected > 0 { storage.base.copyMemory(from: bytes.baseAddress!, byteCount: expected) }
    }

    /// A tensor from an array of bytes; see `init(bytes:shape:dtype:)`.
    public convenience init(bytes: [UInt8], shape: [Int], dtype: DType) throws {
        let count = try checkedElementCount(shape)
        guard bytes.count == count * dtype.byteSize else {
            throw TensorError.invalidSize(
                "a \(dtype) tensor of shape \(formatShape(shape)) needs \(count * dtype.byteSize) bytes, got \(bytes.count)")
        }
        try self.init(uninitializedShape: shape, dtype: dtype)
        let base = storage.base
        bytes.withUnsafeBytes { source in
            if let address = source.baseAddress { base.copyMemory(from: address, byteCount: source.count) }
        }
    }

    /// The elements' bytes, row-major, in the machine's byte order.
    public func contiguousBytes() -> [UInt8] {
        let dense = isContiguous ? self : (try? withNoGrad { try copy() }) ?? self
        let byteCount = count * dtype.byteSize
        return [UInt8](UnsafeRawBufferPointer(start: dense.storage.base + dense.offset * dtype.byteSize, count: byteCount))
    }

    /// Calls `body` with the elements in row-major order as `T`, converting the dtype when it
    /// differs (a copy then, as for a non-contiguous tensor).
    public func withScalars<T: TensorScalar, Result>(
        as _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> Result
    ) throws -> Result {
        let dense = try withNoGrad { try converted(to: T.dtype).contiguous() }
        return try withExtendedLifetime(dense) {
            try body(UnsafeBufferPointer(start: dense.pointer(T.self), count: dense.count))
        }
    }

    /// The elements in row-major order as `T` (converted when the dtype differs).
    public func scalars<T: TensorScalar>(as type: T.Type) throws -> [T] {
        try withScalars(as: type) { Array($0) }
    }
}
