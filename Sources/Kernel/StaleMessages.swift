// The restart race: after a kernel died, jupyter_client starts a new one on the same ports, and
// a request it had queued for the dead one (a `shutdown_request`, say) is delivered to the new
// one as soon as it binds. A kernel must not act on a message older than itself, so one whose
// header date is before the process started is logged and dropped.
//
// The start is the kernel's own: the process start time the operating system records, which a
// front end's launch always follows (its first request may well arrive before `main` runs, so
// the time at `main` would be too late). It counts in clock ticks, so it is rounded down, which
// errs towards keeping messages. Stale messages arrive when the new kernel first connects; the
// check is made only in the first seconds, so a front end whose clock runs behind the kernel's
// (another machine) loses at most its first requests, which it repeats while it waits.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells messages sent before this kernel started from the rest.
struct StaleMessageFilter: Sendable {
    /// When the process started, in microseconds since the Unix epoch.
    let processStart: Int64
    /// Until when (monotonic nanoseconds) messages are checked.
    let checkedUntil: UInt64

    /// How long after start messages are checked.
    static let window: UInt64 = 5_000_000_000

    init(processStart: Int64, checkedFrom now: UInt64 = monotonicNanoseconds()) {
        self.processStart = processStart
        checkedUntil = now + StaleMessageFilter.window
    }

    /// A filter for this process, or nil where its start time cannot be known.
    static func forThisProcess() -> StaleMessageFilter? {
        processStartMicroseconds().map { StaleMessageFilter(processStart: $0) }
    }

    /// Whether a message was sent before the kernel started: its header has a date with a time
    /// zone (a date without one says nothing certain), earlier than the start.
    func isStale(_ header: JSON, now: UInt64 = monotonicNanoseconds()) -> Bool {
        guard now < checkedUntil, let date = header["date"]?.stringValue,
            let sent = StaleMessageFilter.microsecondsSinceEpoch(iso8601: date)
        else { return false }
        // A date with no fraction of a second (or a zero one, as some clients write) may stand
        // for any moment of that second: it is stale only if the whole second is before the start.
        let resolution: Int64 = sent % 1_000_000 == 0 ? 1_000_000 : 1
        return sent + resolution <= processStart
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as Jupyter headers carry dates.
    /// - Returns: nil for anything else, dates without a time zone included.
    static func microsecondsSinceEpoch(iso8601 text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, is character: Unicode.Scalar) -> Bool {
            index < bytes.count && bytes[index] == UInt8(ascii: character)
        }
        guard let year = number(0, 4), byte(4, is: "-"), let month = number(5, 2), byte(7, is: "-"),
            let day = number(8, 2), byte(10, is: "T") || byte(10, is: " "), let hour = number(11, 2),
            byte(13, is: ":"), let minute = number(14, 2), byte(16, is: ":"), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if byte(index, is: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, let digit = number(index, 1) {
                if digits < 6 { micros = micros * 10 + digit }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds: Int64
        if byte(index, is: "Z") && index + 1 == bytes.count {
            offsetSeconds = 0
        } else if (byte(index, is: "+") || byte(index, is: "-")) && index + 6 == bytes.count,
            let offsetHours = number(index + 1, 2), byte(index + 3, is: ":"), let offsetMinutes = number(index + 4, 2)
        {
            offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60
            if byte(index, is: "-") { offsetSeconds = -offsetSeconds }
        } else {
            return nil
        }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return (seconds - offsetSeconds) * 1_000_000 + micros
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Counted in eras of 400 years from March, so the leap day ends a year.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// When this process started, in microseconds since the Unix epoch, from /proc/self/stat
/// (field 22, clock ticks since boot) and the boot clock; nil where there is no /proc.
func processStartMicroseconds() -> Int64? {
    #if os(Linux)
        let descriptor = open("/proc/self/stat", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let text = buffer[0..<count]
        // The command name (field 2) is in parentheses and may hold spaces; count after it.
        guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        guard fields.count > 19, let ticks = Int64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0 else { return nil }
        var boot = timespec()
        var real = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        clock_gettime(CLOCK_REALTIME, &real)
        let bootMicros = Int64(boot.tv_sec) * 1_000_000 + Int64(boot.tv_nsec) / 1000
        let realMicros = Int64(real.tv_sec) * 1_000_000 + Int64(real.tv_nsec) / 1000
        let startSinceBoot = ticks * 1_000_000 / ticksPerSecond
        return realMicros - (bootMicros - startSinceBoot)
    #else
        return nil
    #endif
}
