import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The time this process has spent drawing charts and pictures (SVG markup and PNG pixels,
/// encoding included), so a kernel can tell how much of a cell went to drawing.
///
/// Every `Chart.svg()`, `Chart.png()` and `PlaygroundPicture.png()` adds its time; reading the
/// total before and after a cell gives the cell's share. Two clock reads a picture.
public enum DrawingClock {
    private static let nanoseconds = Atomic<UInt64>(0)

    /// Seconds spent drawing since the process started.
    public static var seconds: Double { Double(nanoseconds.load(ordering: .relaxed)) / 1e9 }

    /// Runs `body`, adding its time to the total.
    static func measure<T>(_ body: () throws -> T) rethrows -> T {
        let start = monotonicNanoseconds()
        defer { nanoseconds.add(monotonicNanoseconds() &- start, ordering: .relaxed) }
        return try body()
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
