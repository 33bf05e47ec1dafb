// Safe points: where a running cell takes the front end's comm messages (a slider moved during
// `run.fit` or a loop). Cells run on a thread of their own with a large stack, but only the
// kernel's shell thread may read the shell socket; that thread is waiting for the cell, so at a
// safe point the cell hands the work to it and waits. One thread runs the language at a time.

import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The link between a large-stack thread and the thread that waits for it to finish.
final class WaitingThreadBridge: @unchecked Sendable {
    private let toWaiter = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    private let toWorker = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    /// Work the worker asked the waiting thread to run; read and written in turn, the
    /// semaphores ordering the two threads.
    private var request: (() -> Void)?
    private var finished = false
    /// The thread that runs the language while the waiter waits.
    var worker: pthread_t?

    /// Bridges of the threads running now, innermost last (a widget callback run at a safe
    /// point of a cell gets its own thread, and its waiter is the shell thread again).
    static let active = Mutex<[WaitingThreadBridge]>([])

    init() {
        sem_init(toWaiter, 0, 0)
        sem_init(toWorker, 0, 0)
    }

    deinit {
        sem_destroy(toWaiter)
        sem_destroy(toWorker)
        toWaiter.deallocate()
        toWorker.deallocate()
    }

    /// On the waiting thread: runs what the worker asks until it finishes.
    func serve() {
        while true {
            while sem_wait(toWaiter) != 0 {}
            if finished { return }
            request?()
            request = nil
            sem_post(toWorker)
        }
    }

    /// On the worker, when its body has returned.
    func finish() {
        finished = true
        sem_post(toWaiter)
    }

    /// Runs `body` on the thread waiting for the current large-stack thread, and waits for it;
    /// runs it here when this thread is no such worker.
    static func runOnWaitingThread(_ body: @escaping () -> Void) {
        // Sessions on other threads (tests run several at once) have bridges of their own.
        let current = pthread_self()
        let innermost = active.withLock { bridges in
            bridges.last { bridge in bridge.worker.map { pthread_equal($0, current) != 0 } ?? false }
        }
        guard let innermost else {
            body()
            return
        }
        innermost.request = body
        sem_post(innermost.toWaiter)
        while sem_wait(innermost.toWorker) != 0 {}
    }
}

extension Runtime {
    /// A safe point: applies the comm messages that arrived (a widget's onChange runs here).
    /// Loops call it every iteration and training every batch; it looks at most every 5 ms.
    public func safePoint() {
        guard let comms = context.comms else { return }
        let now = Runtime.now()
        guard now - lastSafePoint >= 0.005 else { return }
        lastSafePoint = now
        WaitingThreadBridge.runOnWaitingThread { comms.processPendingEvents() }
    }
}
