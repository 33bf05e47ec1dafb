// A value that one thread owns inside an object that several threads share.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Holds a value that is not Sendable for an object that is (the dispatcher, which the shell
/// and control threads share). The first thread to use the value owns it; a use from any
/// other thread stops the process, as a data race caught in the act, instead of racing.
final class ThreadConfined<Value>: @unchecked Sendable {
    private let wrapped: Value
    /// The owner, as `pthread_self()` gives it; nil until the first use.
    private let owner = Mutex<pthread_t?>(nil)

    init(_ value: Value) { wrapped = value }

    var value: Value {
        let current = pthread_self()
        let owned = owner.withLock { owner -> Bool in
            guard let owner else {
                owner = current
                return true
            }
            return pthread_equal(owner, current) != 0
        }
        precondition(owned, "a value confined to one thread was used from another")
        return wrapped
    }
}
