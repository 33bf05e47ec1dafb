import Tensors

/// Why a layer, loss, optimizer, data set or file refused its input. Messages name the shapes,
/// names or places involved.
public enum NeuralNetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shapes that do not fit together (a layer's input, a loss's prediction and target).
    case shapeMismatch(String)
    /// An argument outside what is accepted (a negative size, a probability above 1).
    case invalidArgument(String)
    /// A file that cannot be read or written; `path` names it.
    case file(path: String, reason: String)
    /// Data whose content is malformed (a corrupt safetensors header, a bad CSV cell).
    case format(String)
    /// Saved weights that do not fit a model: every missing, unexpected or mismatched name.
    case stateMismatch(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message), .invalidArgument(let message), .format(let message),
            .stateMismatch(let message):
            return message
        case .file(let path, let reason):
            return "\(path): \(reason)"
        }
    }

    /// The family a learner sees: "ShapeError", "ValueError" or "IOError".
    public var kind: String {
        switch self {
        case .shapeMismatch, .stateMismatch: "ShapeError"
        case .invalidArgument, .format: "ValueError"
        case .file: "IOError"
        }
    }
}

/// Throws `invalidArgument` unless `value` is positive.
func requirePositive(_ value: Int, _ name: String, in context: String) throws {
    guard value > 0 else { throw NeuralNetworkError.invalidArgument("\(context) needs \(name) > 0, got \(value)") }
}
