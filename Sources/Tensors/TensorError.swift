/// Why a tensor operation refused its input. Each case carries the shapes or sizes involved.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shapes that an operation cannot combine; `message` names them.
    case shapeMismatch(String)
    /// An axis outside `-rank..<rank`.
    case axisOutOfRange(axis: Int, rank: Int)
    /// An index outside an axis of the given size.
    case indexOutOfRange(index: Int, axis: Int, size: Int)
    /// A size that no tensor can have (negative, overflowing, or inconsistent with the data).
    case invalidSize(String)
    /// An allocation larger than the memory limit allows.
    case tooLarge(requestedBytes: Int, limitBytes: Int, shape: [Int])
    /// An element type an operation does not accept.
    case dtype(String)
    /// An argument outside what an operation accepts (not about shapes).
    case invalidArgument(String)
    /// Autograd misuse, such as `backward()` on a tensor that needs no gradient.
    case autograd(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message), .invalidSize(let message), .dtype(let message),
            .invalidArgument(let message), .autograd(let message):
            return message
        case .axisOutOfRange(let axis, let rank):
            return "axis \(axis) is out of range for a tensor of rank \(rank) (valid: \(-max(rank, 1)) to \(max(rank, 1) - 1))"
        case .indexOutOfRange(let index, let axis, let size):
            return "index \(index) is out of range for axis \(axis) of size \(size)"
        case .tooLarge(let requested, let limit, let shape):
            return "a tensor of shape \(shape) needs \(formatBytes(requested)), more than the memory limit of \(formatBytes(limit))"
        }
    }

    /// The family the error belongs to, as a learner sees it: "ShapeError" or "ValueError".
    public var kind: String {
        switch self {
        case .shapeMismatch, .axisOutOfRange, .indexOutOfRange: "ShapeError"
        case .dtype: "TypeError"
        case .tooLarge: "MemoryError"
        case .invalidSize, .invalidArgument, .autograd: "ValueError"
        }
    }
}

func formatBytes(_ bytes: Int) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    return String(Int((value * 10).rounded()) / 10) + "." + String(Int((value * 10).rounded()) % 10) + " " + units[unit]
}
