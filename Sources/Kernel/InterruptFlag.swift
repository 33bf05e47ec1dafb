// The interrupt flag, and waits that end the moment it is raised.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process-wide "please stop" flag, raised by SIGINT or by an `interrupt_request`.
///
/// A signal handler may do almost nothing safely; storing into a lock-free atomic and writing
/// to a pipe are among the few things it may do, which is why the flag is a global
/// `InterruptSignal` and its handler does nothing else. Running work polls the flag; a wait
/// (`sleep`, `input`) watches the signal's pipe, so it wakes as the flag goes up.
public enum InterruptFlag {
    /// Made on first use; `installInterruptHandler` lowers the flag before installing the
    /// handler, so the handler never makes it.
    static let signal = InterruptSignal()

    public static var isRaised: Bool { signal.isRaised }
    public static func raise() { signal.raise() }
    public static func lower() { signal.lower() }
    /// Waits until the flag is raised or `seconds` have passed. - Returns: whether it is raised.
    @discardableResult
    public static func wait(seconds: Double) -> Bool { signal.wait(seconds: seconds) }
    /// The file descriptor that is readable while the flag is raised, for a poll that waits on
    /// other things too (the stdin socket while `input` waits).
    public static var wakeupDescriptor: Int32 { signal.wakeupDescriptor }
    public static func discardStaleWakeup() { signal.discardStaleWakeup() }
}

/// A flag that threads (and a signal handler) raise, with a pipe that holds a byte while it
/// is raised, so a thread can wait for it in `poll` instead of looking at it again and again.
public final class InterruptSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    private let pipe = WakeupPipe()

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .acquiring) }

    /// Async-signal-safe: an atomic exchange and at most one `write`.
    public func raise() {
        if !raised.exchange(true, ordering: .acquiringAndReleasing) { pipe.fill() }
    }

    public func lower() {
        if raised.exchange(false, ordering: .acquiringAndReleasing) { pipe.drain() }
    }

    public var wakeupDescriptor: Int32 { pipe.readEnd }

    /// Waits until the flag is raised or `seconds` have passed, with no polling in between.
    /// - Returns: whether the flag is raised.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(max(0, min(seconds, 1e9))))
        while true {
            if isRaised { return true }
            let remaining = clock.now.duration(to: end).inSeconds
            guard remaining > 0 else { return false }
            if pipe.waitReadable(seconds: remaining) { discardStaleWakeup() }
        }
    }

    /// Empties the pipe when it holds a byte while the flag is down: a raise that a lower
    /// overtook left it there, and it would wake every wait at once.
    public func discardStaleWakeup() {
        if !isRaised { pipe.drain() }
    }

    /// For tests: leaves a byte in the pipe with the flag down, as a lower that overtakes a
    /// raise does.
    func leaveStaleWakeup() { pipe.fill() }

}

/// A non-blocking pipe that holds one byte while the interrupt flag is raised.
final class WakeupPipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Async-signal-safe: one `write`.
    func fill() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func drain() {
        var bytes = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Waits until the pipe is readable or `seconds` have passed. `poll` counts whole
    /// milliseconds, so the last fraction of one is slept without watching the pipe.
    /// - Returns: whether it is readable.
    func waitReadable(seconds: Double) -> Bool {
        var item = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        let milliseconds = (min(seconds, 1e6) * 1000).rounded(.down)
        if milliseconds < 1 {
            var rest = timespec(tv_sec: 0, tv_nsec: Int(max(seconds, 0) * 1e9))
            nanosleep(&rest, nil)
            return poll(&item, 1, 0) > 0 && item.revents & Int16(POLLIN) != 0
        }
        return poll(&item, 1, Int32(milliseconds)) > 0 && item.revents & Int16(POLLIN) != 0
    }
}
