// The language thread: one long-lived thread with a large stack that runs all of a session's
// language work (cells, widget callbacks, user expressions), while the thread that asked for
// the work (the kernel's shell thread) waits and runs what the work hands back to it.
//
// The language recurses as deep as a program does, so it needs a stack far larger than a
// thread's default. A thread made for each cell or callback would map and unmap such a stack
// every time (the C library keeps no cache of stacks this large); this one is made on first use
// and lives as long as the session's runtime.

import Synchronization
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One session's language thread and the hand-over between it and the thread waiting for it.
///
/// Exactly one of the two threads runs at any time: the waiter hands the worker a piece of work
/// (`run`) and waits; the worker may hand a piece back (`runOnWaiter`, a safe point reading the
/// shell socket) and waits in turn, and so on, nested as deep as the calls nest. So the
/// interpreter, which is not Sendable, still has one user at a time, and each side's waiting
/// loop runs what the other hands it.
final class LanguageThread {
    /// Large enough for the deepest recursion the evaluator allows (`Evaluator.maxCallDepth`).
    static let stackSize = 512 << 20

    private let link = Link()
    /// The worker, once started.
    private var worker: pthread_t?
    /// Set when the thread could not be made (an address-space limit too small for its
    /// stack); work then runs on the caller's thread.
    private var unavailable = false

    deinit {
        if worker != nil { link.toWorker.post(.exit) }
    }

    /// Whether the calling thread is this language thread.
    var isCurrent: Bool {
        guard let worker else { return false }
        return pthread_equal(worker, pthread_self()) != 0
    }

    /// Runs `body` on the language thread and waits for it, meanwhile running what it hands
    /// back (`runOnWaiter`). On the language thread itself, runs it at once. A memory budget
    /// bound to the caller's thread (`TensorMemory.withLimit`) goes on with the work.
    func run<T>(_ body: @escaping () -> T) -> T {
        if isCurrent || !startIfNeeded() { return body() }
        var result: T? = nil
        let budget = TensorMemory.budget
        link.toWorker.post(.run { result = TensorMemory.boundBudget.withValue(budget) { body() } })
        link.serve(link.toWaiter, replyingTo: link.toWorker)
        return result!
    }

    /// On the language thread: runs `body` on the thread waiting for it, and waits. On any
    /// other thread (a test that runs a cell without the language thread): runs it at once.
    func runOnWaiter(_ body: @escaping () -> Void) {
        guard isCurrent else {
            body()
            return
        }
        link.toWaiter.post(.run(body))
        link.serve(link.toWorker, replyingTo: link.toWaiter)
    }

    private func startIfNeeded() -> Bool {
        if worker != nil { return true }
        if unavailable { return false }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, LanguageThread.stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
            var thread: pthread_t? = nil
        #else
            var thread = pthread_t()
        #endif
        let context = Unmanaged.passRetained(link).toOpaque()
        let created = pthread_create(
            &thread, &attributes,
            { raw in
                Unmanaged<Link>.fromOpaque(raw!).takeRetainedValue().workerLoop()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<Link>.fromOpaque(context).release()
            unavailable = true
            return false
        }
        worker = thread
        return true
    }

    /// What the two threads pass each other.
    enum Handover {
        /// Run this, then answer `done`.
        case run(() -> Void)
        /// The work you handed me is finished.
        case done
        /// The session is gone: the language thread ends.
        case exit
    }

    /// One direction of the hand-over: a slot and a semaphore. The threads take turns, so the
    /// slot holds at most one hand-over at a time; the semaphore orders the slot's writes
    /// before its reads.
    final class Mailbox {
        private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        private var slot: Handover?

        init() { sem_init(semaphore, 0, 0) }

        deinit {
            sem_destroy(semaphore)
            semaphore.deallocate()
        }

        func post(_ handover: Handover) {
            slot = handover
            sem_post(semaphore)
        }

        func take() -> Handover {
            while sem_wait(semaphore) != 0 {}
            defer { slot = nil }
            return slot!
        }
    }

    /// The two mailboxes, shared by the session and its thread. Unchecked Sendable: its
    /// mailboxes carry closures that are not Sendable to the other thread, which runs them
    /// while their sender waits (the rule the semaphores enforce and the compiler cannot see).
    final class Link: @unchecked Sendable {
        let toWorker = Mailbox()
        let toWaiter = Mailbox()

        /// The language thread's life: it runs what it is handed until the session ends.
        func workerLoop() {
            let stack = StackPages()
            while true {
                switch toWorker.take() {
                case .run(let work):
                    work()
                    stack.releaseDeepPages()
                    toWaiter.post(.done)
                case .exit:
                    return
                case .done:
                    preconditionFailure("the language thread was told a call was done while it made none")
                }
            }
        }

        /// Waits at `inbox` for the other thread to finish the work this one handed it, running
        /// meanwhile whatever that work hands back.
        func serve(_ inbox: Mailbox, replyingTo outbox: Mailbox) {
            while true {
                switch inbox.take() {
                case .run(let work):
                    work()
                    outbox.post(.done)
                case .done:
                    return
                case .exit:
                    preconditionFailure("the language thread was stopped while its session waited for it")
                }
            }
        }
    }
}

/// The language thread's stack. A deep recursion makes its pages resident, and a thread that
/// lives on would keep them; after each piece of work, the pages more than a megabyte below
/// where the stack stands are given back to the system (one `madvise` that finds nothing to
/// do when the work stayed shallow).
struct StackPages {
    #if os(Linux)
        /// The lowest address given back: the stack's bottom as its size and the frame the
        /// thread starts in place it, plus a megabyte, so that the thread's own data above
        /// its first frame and the guard page below can never be reached.
        private let lowest: UInt
        private let page = UInt(sysconf(Int32(_SC_PAGESIZE)))

        /// Called in the thread's first frame.
        init() {
            var marker = 0
            let top = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
            lowest = (top - UInt(LanguageThread.stackSize) + (1 << 20) + page - 1) & ~(page - 1)
        }

        func releaseDeepPages() {
            var marker = 0
            let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
            let keep: UInt = 1 << 20
            guard here > lowest + keep + page else { return }
            let high = (here - keep) & ~(page - 1)
            _ = madvise(UnsafeMutableRawPointer(bitPattern: lowest), Int(high - lowest), MADV_DONTNEED)
        }
    #else
        init() {}
        func releaseDeepPages() {}
    #endif
}
