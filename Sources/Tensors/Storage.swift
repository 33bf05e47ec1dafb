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

    /// The most bytes all live tensors may hold together. Default: half the physical memory.
    public static var limitBytes: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(max(0, newValue), ordering: .relaxed) }
    }

    /// Bytes currently held by tensor buffers.
    public static var liveBytes: Int { liveBytesCounter.load(ordering: .relaxed) }

    /// Tensor buffers currently alive (views share one).
    public static var liveStorages: Int { liveStoragesCounter.load(ordering: .relaxed) }

    static func defaultLimit() -> Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 1 << 32 }
        return pages / 2 * pageSize
    }

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
            throw TensorError.invalidSize("shape \(describe(shape)) has a negative size \(size)")
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else {
            throw TensorError.invalidSize("shape \(describe(shape)) has more elements than can be counted")
        }
        count = product
    }
    return count
}

/// A buffer of elements of one dtype; tensors are views onto it.
final class TensorStorage: @unchecked Sendable {
    let dtype: DType
    let count: Int
    let byteCount: Int
    let base: UnsafeMutableRawPointer

    /// Allocates room for `count` elements (uninitialised) once the memory limit allows it.
    init(dtype: DType, count: Int, shape: [Int]) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else {
            throw TensorError.invalidSize("shape \(describe(shape)) has more bytes than can be counted")
        }
        try TensorMemory.reserve(bytes, shape: shape)
        self.dtype = dtype
        self.count = count
        self.byteCount = bytes
        self.base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
    }

    deinit {
        base.deallocate()
        TensorMemory.release(byteCount)
    }

    @inline(__always) func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        base.assumingMemoryBound(to: T.self)
    }
}
