/// Direct access to a tensor's elements, for code outside the engine that updates tensors in
/// place in one pass (optimizers, data loaders) instead of through several whole-tensor ops.

extension Tensor {
    /// Calls `body` with the elements of this contiguous tensor of element type `T`, in
    /// row-major order, writable in place. Nothing is recorded for autograd.
    ///
    /// - Throws: `TensorError.dtype` when `T` is not the tensor's dtype, and
    ///   `TensorError.invalidArgument` for a view that is not contiguous.
    public func withUnsafeMutableElements<T: TensorScalar, Result>(
        as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> Result
    ) throws -> Result {
        guard T.dtype == dtype else {
            throw TensorError.dtype("cannot read a \(dtype) tensor of shape \(formatShape(shape)) as \(T.dtype)")
        }
        guard isContiguous else {
            throw TensorError.invalidArgument(
                "direct element access needs a contiguous tensor; shape \(formatShape(shape)) is a strided view")
        }
        return try body(UnsafeMutableBufferPointer(start: pointer(T.self), count: count))
    }
}
