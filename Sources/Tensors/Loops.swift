import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loop over every position of a shape for several operands, each with its own strides.
///
/// Axes of size 1 are dropped and neighbouring axes that every operand steps through evenly are
/// merged, so a contiguous tensor, or one broadcast along whole leading axes, becomes one long
/// inner loop that the compiler can vectorise.
struct StridedLoop {
    /// Sizes after merging; never empty.
    let shape: [Int]
    /// Per operand, strides after merging.
    let strides: [[Int]]
    /// Elements in the innermost axis.
    let innerCount: Int
    /// Positions of the outer axes.
    let rowCount: Int

    init(shape: [Int], strides operandStrides: [[Int]]) {
        var keptShape: [Int] = []
        var keptStrides = [[Int]](repeating: [], count: operandStrides.count)
        for axis in shape.indices where shape[axis] != 1 {
            if let last = keptShape.last,
                operandStrides.indices.allSatisfy({ keptStrides[$0].last! == operandStrides[$0][axis] * shape[axis] })
            {
                keptShape[keptShape.count - 1] = last * shape[axis]
                for k in operandStrides.indices { keptStrides[k][keptStrides[k].count - 1] = operandStrides[k][axis] }
            } else {
                keptShape.append(shape[axis])
                for k in operandStrides.indices { keptStrides[k].append(operandStrides[k][axis]) }
            }
        }
        if keptShape.isEmpty {
            keptShape = [shape.contains(0) ? 0 : 1]
            keptStrides = keptStrides.map { _ in [0] }
        }
        self.shape = keptShape
        self.strides = keptStrides
        self.innerCount = keptShape.last!
        self.rowCount = keptShape.dropLast().reduce(1, *)
    }

    /// The innermost stride of operand `k`.
    @inline(__always) func innerStride(_ k: Int) -> Int { strides[k][strides[k].count - 1] }

    /// Calls `body` with each operand's offset of the first element of every row in `rows`.
    @inline(__always)
    func forEachRow(_ rows: Range<Int>, _ body: (UnsafeMutablePointer<Int>) -> Void) {
        if rows.isEmpty || innerCount == 0 { return }
        let operands = strides.count
        let outerRank = shape.count - 1
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: operands)
        let index = UnsafeMutablePointer<Int>.allocate(capacity: max(outerRank, 1))
        defer {
            offsets.deallocate()
            index.deallocate()
        }
        // Position of the first row, from its linear number.
        var remainder = rows.lowerBound
        for axis in stride(from: outerRank - 1, through: 0, by: -1) {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        for k in 0..<operands {
            var offset = 0
            for axis in 0..<outerRank { offset += index[axis] * strides[k][axis] }
            offsets[k] = offset
        }
        for _ in rows {
            body(offsets)
            // Odometer step over the outer axes.
            var axis = outerRank - 1
            while axis >= 0 {
                index[axis] += 1
                for k in 0..<operands { offsets[k] += strides[k][axis] }
                if index[axis] < shape[axis] { break }
                for k in 0..<operands { offsets[k] -= strides[k][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Calls `body` with each row's operand offsets and a range of the inner axis, covering every
    /// position once; big loops are split over the cores (so `body` must write disjoint places).
    @inline(__always)
    func forEachSegment(costPerElement: Int = 1, _ body: (UnsafeMutablePointer<Int>, Range<Int>) -> Void) {
        let workers = Parallel.workers(forWork: rowCount * innerCount * costPerElement)
        if workers <= 1 {
            forEachRow(0..<rowCount) { body($0, 0..<innerCount) }
        } else if rowCount >= workers {
            Parallel.forEachChunk(count: rowCount, chunks: workers) { rows in
                forEachRow(rows) { body($0, 0..<innerCount) }
            }
        } else {
            // Fewer rows than cores: split the inner axis of each row instead.
            Parallel.forEachChunk(count: innerCount, chunks: workers) { inner in
                forEachRow(0..<rowCount) { body($0, inner) }
            }
        }
    }
}

/// How work is spread over the processor cores.
enum Parallel {
    /// Processors online, read once.
    static let coreCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Element operations below which one thread is faster than waking others.
    static let minimumWorkPerThread = 1 << 17

    static func workers(forWork work: Int) -> Int {
        min(coreCount, max(1, work / minimumWorkPerThread))
    }

    /// Calls `body` on `chunks` contiguous parts of `0..<count`, concurrently.
    static func forEachChunk(count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(chunks, count))
        if chunks == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            // Safe to share: every caller's body writes a disjoint part of its output, and
            // concurrentPerform returns only when all chunks are done, before `body` goes away.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                body(start..<end)
            }
        }
    }

    /// Calls `body(worker, item)` for every item of `0..<count` on `workers` threads, each
    /// worker taking the next item when it is done with one: on a shared machine a worker that
    /// gets less of a core takes fewer items. Each worker number is on one thread at a time, so
    /// per-worker scratch space needs no lock.
    static func forEachTaken(count: Int, workers: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let workers = max(1, min(workers, count))
        if workers == 1 {
            for item in 0..<count { body(0, item) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            // Safe to share: every caller's body writes its own item's part of the output and its
            // own worker's scratch, and concurrentPerform returns only when every worker is done.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let item = next.add(1, ordering: .relaxed).oldValue
                    if item >= count { break }
                    body(worker, item)
                }
            }
        }
    }
}
