#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value bound to the current thread for the duration of a call, as `withValue` binds it:
/// what one piece of work sets (a memory budget, a way to stop a drawing) without it being a
/// parameter of every function in between, and without other threads seeing it.
///
/// Built on POSIX thread-specific data, so it works on the plain threads the language runs
/// cells on (Swift's task-locals are for tasks). The value need not be Sendable: it never
/// leaves the thread that bound it.
public final class ThreadLocal<Value>: Sendable {
    private let key: pthread_key_t
    private final class Box {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    public init() {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        self.key = key
    }

    /// The value bound on this thread by the innermost `withValue` under way, or nil.
    public var value: Value? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().value
    }

    /// Runs `body` with `value` bound on this thread (nil binds nothing), then restores what was bound.
    public func withValue<R>(_ value: Value?, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(key)
        let box = value.map { Unmanaged.passRetained(Box($0)) }
        pthread_setspecific(key, box.map { UnsafeRawPointer($0.toOpaque()) })
        defer {
            pthread_setspecific(key, previous)
            box?.release()
        }
        return try body()
    }
}
