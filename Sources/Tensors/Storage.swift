#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The memory limit and the live-allocation counters shared by every tensor.
///
/// The limit bounds the bytes held by all live tensors together, so a program that asks for too
/// much gets a `TensorError.tooLarge` instead of being killed by the operating system.
public enum TensorMemory {
    private static let limit = Atomic<Int>(defaultLimit())
    private static let liveBytesCounter = Atomic<Int>(0)
    private static let liveStoragesCounter = Atomic<Int>(0)

    /// The most bytes all live tensors may hold together. Default: half of what the host allows
    /// (`MemoryCeiling`: physical memory, RLIMIT_AS, the cgroup's memory.max).
    public static var limitBytes: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(max(0, newValue), ordering: .relaxed) }
    }

    /// Bytes currently held by tensor buffers.
    public static var liveBytes: Int { liveBytesCounter.load(ordering: .relaxed) }

    /// Tensor buffers currently alive (views share one).
    public static var liveStorages: Int { liveStoragesCounter.load(ordering: .relaxed) }

    static func defaultLimit() -> Int { MemoryCeiling.bytes() / 2 }

    /// Reserves `bytes` against the limit, or throws naming `shape`.
    static func reserve(_ bytes: Int, shape: [Int]) throws {
        let limit = limitBytes
        let before = liveBytesCounter.wrappingAdd(bytes, ordering: .relaxed).oldValue
        if bytes > limit || before > limit - bytes {
            liveBytesCounter.wrappingSubtract(bytes, ordering: .relaxed)
            throw TensorError.tooLarge(requestedBytes: bytes, limitBytes: limit, shape: shape)
        }
        liveStoragesCounter.wrappingAdd(1, ordering: .relaxed)
    }

    static func release(_ bytes: Int) {
        liveBytesCounter.wrappingSubtract(bytes, ordering: .relaxed)
        liveStoragesCounter.wrappingSubtract(1, ordering: .relaxed)
    }
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

    /// Allocates room for `count` elements (uninitialised) once the memory limit allows it.
    init(dtype: DType, count: Int, shape: [Int]) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else {
            throw TensorError.invalidSize("shape \(formatShape(shape)) has more bytes than can be counted")
        }
        try TensorMemory.reserve(bytes, shape: shape)
        // posix_memalign, not allocate(byteCount:alignment:): the system can still refuse
        // (another process took the memory), and a refusal must be an error, not an abort.
        var fresh: UnsafeMutableRawPointer? = BufferCache.take(byteCount: bytes)
        if fresh == nil, posix_memalign(&fresh, 64, max(bytes, 1)) != 0 { fresh = nil }
        guard let base = fresh else {
            TensorMemory.release(bytes)
            throw TensorError.tooLarge(requestedBytes: bytes, limitBytes: TensorMemory.limitBytes, shape: shape)
        }
        self.dtype = dtype
        self.count = count
        self.byteCount = bytes
        self.base = base
    }

    deinit {
        if !BufferCache.keep(base, byteCount: byteCount) { free(base) }
        TensorMemory.release(byteCount)
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
