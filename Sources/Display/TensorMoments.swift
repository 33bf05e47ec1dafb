import Tensors

/// The least, greatest, mean and standard deviation of a tensor's finite elements, in two passes
/// over its elements where they lie, without copying them.
struct TensorMoments {
    var low = Double.infinity
    var high = -Double.infinity
    var mean = 0.0
    var std = 0.0
    var finite = 0

    init?(_ tensor: Tensor) {
        guard let dense = try? withNoGrad({ try tensor.detach().contiguous() }) else { return nil }
        var sum = 0.0, squares = 0.0
        // Two passes, sums then squared deviations: no division per element, and no drift.
        func visit<T: TensorScalar>(_: T.Type) -> Bool {
            (try? dense.withUnsafeMutableElements(as: T.self) { (elements: UnsafeMutableBufferPointer<T>) -> Void in
                for element in elements {
                    let value = element.doubleValue
                    guard value.isFinite else { continue }
                    finite += 1
                    sum += value
                    low = Swift.min(low, value)
                    high = Swift.max(high, value)
                }
                mean = finite > 0 ? sum / Double(finite) : 0
                for element in elements {
                    let value = element.doubleValue
                    if value.isFinite { squares += (value - mean) * (value - mean) }
                }
            }) != nil
        }
        let read: Bool
        switch dense.dtype {
        case .float32: read = visit(Float.self)
        case .float64: read = visit(Double.self)
        case .int32: read = visit(Int32.self)
        case .int64: read = visit(Int64.self)
        }
        guard read else { return nil }
        std = finite > 0 ? (squares / Double(finite)).squareRoot() : 0
    }
}
