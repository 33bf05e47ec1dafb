// Facts about tensors the engine does not record, kept by identity for as long as the tensor
// lives: which tensors are masks (made by a comparison) and which are a model's parameters.

import Synchronization
import Tensors

/// A set of tensors held weakly, by identity. The sets are the process's, and sessions in one
/// process (tests run many) may run on several threads at once, so a lock guards them.
final class TensorMarks: Sendable {
    private final class Mark {
        weak var tensor: Tensor?
        init(_ tensor: Tensor) { self.tensor = tensor }
    }

    private let marks = Mutex<[ObjectIdentifier: Mark]>([:])

    /// Tensors a comparison made: `x[x > 0]` selects with them instead of reading positions.
    static let masks = TensorMarks()
    /// Tensors that were a model's parameters (so a frozen one stays a parameter).
    static let parameters = TensorMarks()

    func insert(_ tensor: Tensor) {
        let key = ObjectIdentifier(tensor)
        marks.withLock { marks in
            guard marks[key]?.tensor !== tensor else { return }
            if marks.count > 4096 { marks = marks.filter { $0.value.tensor != nil } }
            marks[key] = Mark(tensor)
        }
    }

    func contains(_ tensor: Tensor) -> Bool { marks.withLock { $0[ObjectIdentifier(tensor)]?.tensor === tensor } }
}
