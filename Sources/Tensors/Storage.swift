#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The memory limit and the live-allocation counters shared by every tensor.
///
/// The limit bounds the bytes held by all live tensors together, so a program that asks for too
/// much gets a `TensorError.tooLarge` instead of being killed by the operating system. Work that
/// needs a lower limit of its own (a test of what a small hub allows) runs inside
/// `withLimit`: its tensors count against that `MemoryBudget` as well as the process's limit,
/// and nothing else in the process sees the lower one.
public enum TensorMemory {
    private static let processLimit = defaultLimit()
    private static let liveBytesCounter = Atomic<Int>(0)

    /// The budget of the work running on this thread, bound by `withLimit`; nil outside any.
    public static var budget: MemoryBudget? { boundBudget.value }
    /// Where `withLimit` binds a budget (and the language's cell threads bind their caller's).
    public static let boundBudget = ThreadLocal<MemoryBudget>()

    /// The most bytes the live tensors may hold together: the budget's limit inside `withLimit`,
    /// else the process's, half of what the host allows (`MemoryCeiling`: physical memory,
    /// RLIMIT_AS, the cgroup's memory.max).
    public static var limitBytes: Int {
        guard let budget else { return processLimit }
        return min(budget.limitBytes, processLimit)
    }

    /// Bytes currently held by tensor buffers: the budget's inside `withLimit`, else the process's.
    public static var liveBytes: Int { budget?.liveBytes ?? liveBytesCounter.load(ordering: .relaxed) }

    /// Runs `body` with a limit of `bytes` on the tensors it makes (and on the threads that
    /// carry the budget on, as the language's cell threads do).
    public static func withLimit<R>(_ bytes: Int, _ body: () throws -> R) rethrows -> R {
        try boundBudget.withValue(MemoryBudget(limitBytes: bytes), body)
    }

    static func defaultLimit() -> Int { MemoryCeiling.bytes() / 2 }

    /// Reserves `bytes` against the process's limit and the budget's, or throws naming `shape`;
    /// gives the budget to release them from.
    static func reserve(_ bytes: Int, shape: [Int]) throws -> MemoryBudget? {
        let before = liveBytesCounter.wrappingAdd(bytes, ordering: .relaxed).oldValue
        if bytes > processLimit || before > processLimit - bytes {
            liveBytesCounter.wrappingSubtract(bytes, ordering: .relaxed)
            throw TensorError.tooLarge(requestedBytes: bytes, limitBytes: processLimit, shape: shape)
        }
        let budget = budget
        if let budget, !budget.reserve(bytes) {
            liveBytesCounter.wrappingSubtract(bytes, ordering: .relaxed)
            throw TensorError.tooLarge(requestedBytes: bytes, limitBytes: budget.limitBytes, shape: shape)
        }
        return budget
    }

    static func release(_ bytes: Int, from budget: MemoryBudget?) {
        budget?.release(bytes)
        liveBytesCounter.wrappingSubtract(bytes, ordering: .relaxed)
    }
}

/// A limit on the tensors made by one piece of work, counted apart from the rest of the
/// process (`TensorMemory.withLimit`).
public final class MemoryBudget: Sendable {
    public let limitBytes: Int
    private let live = Atomic<Int>(0)

    public init(limitBytes: Int) { self.limitBytes = max(0, limitBytes) }

    /// Bytes held by the live tensors made under this budget.
    public var liveBytes: Int { live.load(ordering: .relaxed) }

    func reserve(_ bytes: Int) -> Bool {
        let before = live.wrappingAdd(bytes, ordering: .relaxed).oldValue
        if bytes > limitBytes || before > limitBytes - bytes {
            live.wrappingSubtract(bytes, ordering: .relaxed)
            return false
        }
        return true
    }

    func release(_ bytes: Int) { live.wrappingSubtract(bytes, ordering: .relaxed) }
}

/// The number of elements of `shape`, or a thrown error for negative or overflowing sizes.
func checkedElementCount(_ shape: [Int]) throws -> Int {
    var count = 1
    for size in shape {
        guard size >= 0 else {
            throw TensorError.invalidSize("shape \(formatShape(shape)) has a negative size \(size)")
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else {
            throw TensorError.invalidSize("shape \(formatShape(shape)) has more elements than can be counted")
        }
        count = product
    }
    return count
}

/// A buffer of elements of one dtype; tensors are views onto it.
// Sendable as a tensor is: the buffer may be read from any thread; ops never write a buffer
// they did not just allocate, and in-place updates are the caller's to serialise.
final class TensorStorage: @unchecked Sendable {
    let dtype: DType
    let count: Int
    let byteCount: Int
    let base: UnsafeMutableRawPointer
    /// The budget the bytes were reserved against besides the process's, if any.
    let budget: MemoryBudget?

    /// Allocates room for `count` elements (uninitialised) once the memory limit allows it.
    init(dtype: DType, count: Int, shape: [Int]) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else {
            throw TensorError.invalidSize("shape \(formatShape(shape)) has more bytes than can be counted")
        }
        let budget = try TensorMemory.reserve(bytes, shape: shape)
        // posix_memalign, not allocate(byteCount:alignment:): the system can still refuse
        // (another process took the memory), and a refusal must be an error, not an abort.
        var fresh: UnsafeMutableRawPointer? = BufferCache.take(byteCount: bytes)
        if fresh == nil, posix_memalign(&fresh, 64, max(bytes, 1)) != 0 { fresh = nil }
        guard let base = fresh else {
            TensorMemory.release(bytes, from: budget)
            throw TensorError.tooLarge(requestedBytes: bytes, limitBytes: TensorMemory.limitBytes, shape: shape)
        }
        self.dtype = dtype
        self.count = count
        self.byteCount = bytes
        self.base = base
        self.budget = budget
    }

    deinit {
        if !BufferCache.keep(base, byteCount: byteCount) { free(base) }
        TensorMemory.release(byteCount, from: budget)
    }

    @inline(__always) func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        base.assumingMemoryBound(to: T.self)
    }
}

/// Recently freed large buffers, kept for the next tensor of the same size.
///
/// A training step allocates tensors of the same sizes again and again; reusing a buffer that is
/// already mapped saves the system the work of unmapping, mapping and zeroing its pages, which
/// costs as much as a memory-bound operation itself.
enum BufferCache {
    /// Buffers smaller than this come and go through malloc's own free lists.
    static let minimumBytes = 64 << 10
    /// The most buffers kept (lookups scan them).
    static let capacityCount = 64
    /// The most bytes kept in the cache.
    static let capacityBytes = 256 << 20

    // The pointers are owned by the cache and only touched under its lock.
    struct State: @unchecked Sendable {
        var buffers: [(bytes: Int, pointer: UnsafeMutableRawPointer)] = []
        var cachedBytes = 0
    }

    static let state = Mutex(State())

    static func take(byteCount: Int) -> UnsafeMutableRawPointer? {
        guard byteCount >= minimumBytes else { return nil }
        return state.withLock { state in
            guard let index = state.buffers.lastIndex(where: { $0.bytes == byteCount }) else { return nil }
            state.cachedBytes -= byteCount
            return state.buffers.remove(at: index).pointer
        }
    }

    /// Keeps `pointer` for reuse when it is large and there is room; false when the caller must free it.
    static func keep(_ pointer: UnsafeMutableRawPointer, byteCount: Int) -> Bool {
        guard byteCount >= minimumBytes, byteCount <= capacityBytes else { return false }
        var evicted: [UnsafeMutableRawPointer] = []
        state.withLock { state in
            // Oldest buffers make room for the newest.
            while state.cachedBytes + byteCount > capacityBytes || state.buffers.count >= capacityCount, !state.buffers.isEmpty {
                let oldest = state.buffers.removeFirst()
                state.cachedBytes -= oldest.bytes
                evicted.append(oldest.pointer)
            }
            state.buffers.append((byteCount, pointer))
            state.cachedBytes += byteCount
        }
        for buffer in evicted { free(buffer) }
        return true
    }

    /// Frees every cached buffer.
    static func empty() {
        let buffers = state.withLock { state in
            defer {
                state.buffers = []
                state.cachedBytes = 0
            }
            return state.buffers
        }
        for buffer in buffers { free(buffer.pointer) }
    }
}

extension TensorMemory {
    /// Bytes of freed tensor buffers kept for reuse (not counted in `liveBytes`).
    public static var cachedBytes: Int { BufferCache.state.withLock { $0.cachedBytes } }

    /// Returns the buffers kept for reuse to the system.
    public static func releaseCachedBuffers() { BufferCache.empty() }
}
