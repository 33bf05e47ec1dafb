import Synchronization
import Testing
@testable import Tensors

@Suite struct ParallelTests {
    /// Every item is taken exactly once, by a worker numbered below the workers asked for, and no
    /// worker number runs on two threads at once.
    @Test(arguments: [(0, 4), (1, 4), (7, 1), (100, 2), (1000, 8)])
    func forEachTakenRunsEveryItemOnce(count: Int, workers: Int) {
        struct Seen {
            var taken: [Int]
            var busy: [Int]
            var overlaps = 0
            var wrongWorkers = 0
        }
        let seen = Mutex(Seen(taken: [Int](repeating: 0, count: count), busy: [Int](repeating: 0, count: workers)))
        Parallel.forEachTaken(count: count, workers: workers) { worker, item in
            let known = seen.withLock { seen in
                guard seen.busy.indices.contains(worker) else {
                    seen.wrongWorkers += 1
                    return false
                }
                seen.busy[worker] += 1
                if seen.busy[worker] != 1 { seen.overlaps += 1 }
                seen.taken[item] += 1
                return true
            }
            guard known else { return }
            for _ in 0..<200 { _ = seen.withLock { $0.overlaps } }  // stay busy a little
            seen.withLock { $0.busy[worker] -= 1 }
        }
        let result = seen.withLock { $0 }
        #expect(result.wrongWorkers == 0)
        #expect(result.overlaps == 0)
        #expect(result.taken.indices.filter { result.taken[$0] != 1 } == [], "items not taken exactly once")
    }
}
