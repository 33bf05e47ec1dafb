// The tensor memory limit is one number for the whole process, and tests run in parallel: the
// tests that lower it, and those that need the usual one, take turns.

import Synchronization
import Tensors

enum MemoryLimitTurns {
    private static let turn = Mutex(())

    /// Runs `body` while no other test holds the turn, with `limit` in force if one is given.
    static func take(limit: Int? = nil, _ body: () throws -> Void) throws {
        var failure: (any Error)?
        turn.withLock { _ in
            let saved = TensorMemory.limitBytes
            if let limit { TensorMemory.limitBytes = limit }
            defer { TensorMemory.limitBytes = saved }
            do { try body() } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
