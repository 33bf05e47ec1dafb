// Stopping a long drawing. Display knows nothing of interrupts or of the language that calls
// it; the caller binds a check to its thread for the duration of its call, and the loops that
// may run long (a million scatter points, a long line) ask it every few thousand steps and
// stop drawing. What a stopped drawing returns is unfinished: the caller, which knows why it
// stopped, throws its own error instead of showing it.

import Tensors

/// The caller's "should the drawing stop?" check, bound to its thread for the duration of a call:
///
///     DrawingCancellation.whileChecking({ interruptRequested }) { ... Visualize.scatter(...) ... }
public enum DrawingCancellation {
    private static let check = ThreadLocal<() -> Bool>()

    /// Steps a loop takes between two questions.
    public static let interval = 4096

    /// Runs `body` with `check` asked by the drawings it makes on this thread.
    public static func whileChecking<R>(_ check: @escaping () -> Bool, _ body: () throws -> R) rethrows -> R {
        try self.check.withValue(check, body)
    }

    /// Whether the caller asked the drawing to stop.
    public static var isRequested: Bool { check.value?() ?? false }

    /// Whether a loop at step `step` should stop: asks only every `interval` steps.
    @inline(__always)
    static func stops(at step: Int) -> Bool {
        step % interval == interval - 1 && isRequested
    }
}
