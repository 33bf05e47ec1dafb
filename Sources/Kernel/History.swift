// The inputs of this session, for `history_request`.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cells run with `store_history`, numbered by their execution count.
///
/// Only the current session is kept (in memory), so it is session number 1; requests for
/// session 0 mean "the current one" as in IPython.
public struct History: Sendable {
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var input: String
    }

    public static let session = 1
    public private(set) var entries: [Entry] = []

    public init() {}

    public mutating func record(line: Int, input: String) {
        entries.append(Entry(line: line, input: input))
    }

    /// The last `count` entries.
    public func tail(_ count: Int) -> [Entry] {
        Array(entries.suffix(max(0, count)))
    }

    /// Entries with `start <= line < stop` of a session; a stop of nil means to the end.
    public func range(session: Int, start: Int, stop: Int?) -> [Entry] {
        guard session == 0 || session == History.session else { return [] }
        return entries.filter { entry in entry.line >= start && (stop.map { entry.line < $0 } ?? true) }
    }

    /// Entries whose input matches a shell-style glob, the last `count` (or all) of them.
    ///
    /// - Parameter unique: keep only the latest of identical inputs.
    public func search(pattern: String, count: Int?, unique: Bool) -> [Entry] {
        var found = entries.filter { fnmatch(pattern, $0.input, 0) == 0 }
        if unique {
            var seen: Set<String> = []
            found = found.reversed().filter { seen.insert($0.input).inserted }.reversed()
        }
        if let count { found = Array(found.suffix(max(0, count))) }
        return found
    }
}
