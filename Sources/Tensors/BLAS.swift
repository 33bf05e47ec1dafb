import CBLAS
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// OpenBLAS, loaded on the first matrix product rather than when the program starts.
///
/// Loading late lets the engine pick the CPU kernels before OpenBLAS's constructor runs: Debian's
/// OpenBLAS 0.3.21 takes AVX-512 processors of recent families under virtualisation for old ones
/// ("Prescott") and multiplies several times slower; `OPENBLAS_CORETYPE`, set before loading,
/// overrides that. It also keeps OpenBLAS's thread pool out of processes that never multiply.
public enum BLAS {
    typealias GemmFloat = tensorcell_sgemm_fn
    typealias GemmDouble = tensorcell_dgemm_fn

    // Immutable C function pointers into a library that is never unloaded.
    struct Library: @unchecked Sendable {
        let sgemm: GemmFloat
        let dgemm: GemmDouble
        let setThreads: tensorcell_set_threads_fn?
        let coreName: String
        let parallelMode: Int32
    }

    static let rowMajor = CblasRowMajor
    static let noTranspose = CblasNoTrans
    static let transpose = CblasTrans

    static let library: Library? = load()
    static let threadsInUse = Mutex<Int32>(0)
    static let threadLimit = Atomic<Int>(threadsFromEnvironment() ?? Parallel.coreCount)

    /// A thread count the user asked OpenBLAS for, which the engine then keeps to.
    static func threadsFromEnvironment() -> Int? {
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            if let value = getenv(name), let count = Int(String(cString: value)), count > 0 { return count }
        }
        return nil
    }

    /// The most threads a large product may use (default: `OPENBLAS_NUM_THREADS` if set, else
    /// every core). Small products use one.
    public static var maximumThreads: Int {
        get { threadLimit.load(ordering: .relaxed) }
        set { threadLimit.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// Multiply-adds below which one thread beats waking the others (2²³, about 8.4 million).
    /// Measured on a 2-core AVX-512 machine: cubes up to 128 (2 million) ran as fast on one
    /// thread, and two threads were twice as fast for cubes from 384 up. The MLP's products of
    /// 128 x 784 x 128 (12.8 million) took its epoch from 0.34 s on one thread to 0.23 s on two
    /// with the machine otherwise idle; with the other core busy, two threads wait on it.
    static let singleThreadBelow = 1 << 23

    /// OpenBLAS's name for the kernels it runs ("SkylakeX", "Haswell" ...), or nil when it
    /// could not be loaded (the engine then multiplies with its own slower loops).
    public static var coreName: String? { library?.coreName }

    /// Whether OpenBLAS runs its own thread pool (the pthreads build), so products can use every core.
    public static var isThreaded: Bool { (library?.parallelMode ?? 0) != 0 }

    /// The `OPENBLAS_CORETYPE` the processor's features call for, from /proc/cpuinfo's flags.
    static func preferredCoreType() -> String? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
            if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) { return "SkylakeX" }
            if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
            return nil
        }
        return nil
    }

    static func load() -> Library? {
        if getenv("OPENBLAS_CORETYPE") == nil, let core = preferredCoreType() {
            setenv("OPENBLAS_CORETYPE", core, 0)
        }
        let names: [String] = ["libopenblas.so.0", "libopenblas.so"]
        guard let handle = names.lazy.compactMap({ name in dlopen(name, RTLD_NOW | RTLD_LOCAL) }).first
        else { return nil }
        func symbol<T>(_ name: String, as _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let sgemm = symbol("cblas_sgemm", as: GemmFloat.self), let dgemm = symbol("cblas_dgemm", as: GemmDouble.self)
        else { return nil }
        let coreName = symbol("openblas_get_corename", as: tensorcell_corename_fn.self)
            .flatMap { $0() }.map { String(cString: $0) } ?? "unknown"
        let parallel = symbol("openblas_get_parallel", as: tensorcell_parallel_fn.self)?() ?? 0
        return Library(
            sgemm: sgemm, dgemm: dgemm, setThreads: symbol("openblas_set_num_threads", as: tensorcell_set_threads_fn.self),
            coreName: coreName, parallelMode: parallel)
    }

    /// Tells OpenBLAS how many threads the next product of `work` multiply-adds should use.
    static func chooseThreads(forWork work: Int, library: Library) {
        guard let setThreads = library.setThreads else { return }
        let wanted: Int32 = work < singleThreadBelow ? 1 : Int32(maximumThreads)
        threadsInUse.withLock { current in
            if current != wanted {
                setThreads(wanted)
                current = wanted
            }
        }
    }
}

/// How one matrix operand lies in memory, as BLAS wants it.
struct MatrixLayout {
    let transposed: Bool
    let leadingDimension: Int

    /// The layout of a rows x columns matrix with these strides, or nil when BLAS cannot read it
    /// in place (then the caller copies it).
    init?(rows: Int, columns: Int, rowStride: Int, columnStride: Int) {
        if columnStride == 1 || columns == 1, rowStride >= columns || rows == 1 {
            transposed = false
            leadingDimension = Swift.max(rows == 1 ? columns : rowStride, columns, 1)
        } else if rowStride == 1 || rows == 1, columnStride >= rows || columns == 1 {
            transposed = true
            leadingDimension = Swift.max(columns == 1 ? rows : columnStride, rows, 1)
        } else {
            return nil
        }
    }
}

/// C = A B (C += A B with `accumulate`) for one pair of matrices, through BLAS or, without it, a
/// plain loop. `singleThreaded` keeps the product on the calling thread whatever its size, for
/// callers that run several products at once on their own threads.
func gemm<T: FloatScalar>(
    _ a: UnsafePointer<T>, _ aLayout: MatrixLayout, _ b: UnsafePointer<T>, _ bLayout: MatrixLayout,
    _ c: UnsafeMutablePointer<T>, m: Int, n: Int, k: Int, accumulate: Bool = false, singleThreaded: Bool = false
) {
    let beta: T = accumulate ? 1 : 0
    if let library = BLAS.library {
        BLAS.chooseThreads(forWork: singleThreaded ? 0 : m * n * k, library: library)
        let ta = aLayout.transposed ? BLAS.transpose : BLAS.noTranspose
        let tb = bLayout.transposed ? BLAS.transpose : BLAS.noTranspose
        let (lda, ldb) = (Int32(aLayout.leadingDimension), Int32(bLayout.leadingDimension))
        if T.self == Float.self {
            library.sgemm(
                BLAS.rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), lda,
                UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb, Float(beta),
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(n))
        } else {
            library.dgemm(
                BLAS.rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), lda,
                UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), ldb, Double(beta),
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(n))
        }
        return
    }
    let (aRow, aColumn) = aLayout.transposed ? (1, aLayout.leadingDimension) : (aLayout.leadingDimension, 1)
    let (bRow, bColumn) = bLayout.transposed ? (1, bLayout.leadingDimension) : (bLayout.leadingDimension, 1)
    for i in 0..<m {
        let row = c + i * n
        if !accumulate { for j in 0..<n { row[j] = 0 } }
        for p in 0..<k {
            let scale = a[i * aRow + p * aColumn]
            let bRowStart = b + p * bRow
            for j in 0..<n { row[j] += scale * bRowStart[j * bColumn] }
        }
    }
}
