#if canImport(Glibc)
    import Glibc
#endif

/// How much memory the host lets this process have: the least of the physical memory, the
/// address-space limit (`ulimit -v`, RLIMIT_AS) and the memory limit of the process's cgroup
/// (v2 `memory.max`, v1 `memory.limit_in_bytes`, checked up the hierarchy).
///
/// On a JupyterHub or Binder the cgroup limit is far below the machine's memory, and going over
/// it gets the process killed or its allocations refused; the tensor limit derives from this
/// ceiling so that asking for too much is a MemoryError instead.
public enum MemoryCeiling {
    /// The ceiling in bytes, read now.
    public static func bytes() -> Int {
        var ceiling = physicalBytes() ?? Int.max
        if let limit = addressSpaceLimit() { ceiling = min(ceiling, limit) }
        if let limit = cgroupLimit(membership: readText("/proc/self/cgroup") ?? "", read: readText) {
            ceiling = min(ceiling, limit)
        }
        return ceiling == Int.max ? 1 << 32 : ceiling
    }

    static func physicalBytes() -> Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? nil : bytes
    }

    /// The soft RLIMIT_AS, or nil when unlimited.
    static func addressSpaceLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return limit.rlim_cur > UInt(Int.max) ? nil : Int(limit.rlim_cur)
    }

    /// The least memory limit on the cgroups named in `membership` (the text of
    /// /proc/self/cgroup), from each one's folder up to the root; nil when none is set.
    ///
    /// `read` returns a file's text, or nil when it does not exist; tests pass their own.
    public static func cgroupLimit(membership: String, read: (String) -> String?) -> Int? {
        var limits: [Int] = []
        for line in membership.split(separator: "\n") {
            // hierarchy-id:controllers:path; v2 has the id 0 and no controllers.
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            let file: String
            let root: String
            if fields[0] == "0" && controllers.isEmpty {
                (root, file) = ("/sys/fs/cgroup", "memory.max")
            } else if controllers.contains("memory") {
                (root, file) = ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")
            } else {
                continue
            }
            // In a container the path is often the host's, absent from the container's view;
            // then only the folders that exist (the root at least) are read.
            var parts = fields[2].split(separator: "/").map(String.init)
            while true {
                let folder = parts.isEmpty ? root : root + "/" + parts.joined(separator: "/")
                if let text = read(folder + "/" + file), let limit = parseLimit(text) { limits.append(limit) }
                if parts.isEmpty { break }
                parts.removeLast()
            }
        }
        return limits.min()
    }

    /// A limit file's number; nil for "max" and for v1's "unlimited" (a page-rounded Int.max).
    static func parseLimit(_ text: String) -> Int? {
        let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
        guard let value = Int(trimmed), value > 0, value < 1 << 60 else { return nil }
        return value
    }

    static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[0..<got]
            if got < chunk.count || bytes.count > 1 << 16 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension TensorMemory {
    /// Bytes the limit still leaves, for values outside tensors (long strings and arrays) that
    /// must not take what the host would refuse.
    public static var roomBytes: Int { max(0, limitBytes - liveBytes) }
}
