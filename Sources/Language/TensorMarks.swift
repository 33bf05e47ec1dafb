// Facts about tensors the engine does not record, kept by identity for as long as the tensor
// lives: which tensors are masks (made by a comparison) and which are a model's parameters.

import Tensors

/// A set of tensors held weakly, by identity. Only the interpreter's thread uses it.
final class TensorMarks: @unchecked Sendable {
    private final class Mark {
        weak var tensor: Tensor?
        init(_ tensor: Tensor) { self.tensor = tensor }
    }

    private var marks: [ObjectIdentifier: Mark] = [:]

    /// Tensors a comparison made: `x[x > 0]` selects with them instead of reading positions.
    static let masks = TensorMarks()
    /// Tensors that were a model's parameters (so a frozen one stays a parameter).
    static let parameters = TensorMarks()

    func insert(_ tensor: Tensor) {
        let key = ObjectIdentifier(tensor)
        guard marks[key]?.tensor !== tensor else { return }
        if marks.count > 4096 { marks = marks.filter { $0.value.tensor != nil } }
        marks[key] = Mark(tensor)
    }

    func contains(_ tensor: Tensor) -> Bool { marks[ObjectIdentifier(tensor)]?.tensor === tensor }
}
