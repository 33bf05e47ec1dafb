#if canImport(Glibc)
    import Glibc
#endif

/// The one folder a notebook's program may read and write: every file builtin goes through it.
///
/// Names are resolved component by component from a descriptor of the folder (`openat` with
/// `O_NOFOLLOW`), so no symbolic link, dangling or not, can lead a read or a write outside it;
/// only regular files are read (a FIFO or a device would block or never end); a write goes to
/// a temporary file that is renamed over the old one only once it is complete, so a failed save
/// leaves the old file as it was; and each kind of file is written only under its own suffixes,
/// so a model or a table can never overwrite the notebook or its notes.
public struct NotebookFolder: Sendable {
    /// What a write produces, and so which names it may take.
    public enum FileKind: Sendable {
        /// Model weights: `.safetensors`.
        case model
        /// A table of numbers: `.csv` or `.tsv`.
        case table
        /// An IDX tensor (MNIST's format): `.idx`, or a name with `-idx` as MNIST's files have.
        case idx

        var description: String {
            switch self {
            case .model: "model files are written only as .safetensors"
            case .table: "tables are written only as .csv or .tsv"
            case .idx: "IDX files are written only to names ending in .idx or with -idx in them (as MNIST's)"
            }
        }

        func accepts(_ name: String) -> Bool {
            let lower = name.lowercased()
            switch self {
            case .model: return lower.hasSuffix(".safetensors")
            case .table: return lower.hasSuffix(".csv") || lower.hasSuffix(".tsv")
            case .idx: return lower.hasSuffix(".idx") || lower.contains("-idx")
            }
        }
    }

    /// The folder, as the kernel was started in it.
    public let path: String

    public init(path: String) { self.path = path }

    /// Why a name is not one of a file inside the folder, or nil: the checks that need no disk.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "an empty file name" }
        if name.utf8.contains(0) { return "a file name cannot contain a NUL character" }
        if name.hasPrefix("/") || name.hasPrefix("~") {
            return "'\(name)' is not inside the notebook's folder: use a path relative to it"
        }
        if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "'\(name)' leaves the notebook's folder ('..' is not allowed)"
        }
        return nil
    }

    /// The whole content of the regular file `name`.
    public func read(_ name: String) throws -> [UInt8] {
        let (directory, leaf) = try openParent(of: name)
        defer { close(directory) }
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        let file = openat(directory, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else { throw failure(name, errno, reading: true) }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else { throw failure(name, errno, reading: true) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw NeuralNetworkError.file(path: name, reason: "is not a regular file (\(kind(of: status))); only files are read")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure(name, errno, reading: true)
            }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// Replaces (or creates) the file `name` with `bytes`, all or nothing.
    public func write(_ bytes: [UInt8], to name: String, as kind: FileKind) throws {
        let (directory, leaf) = try openParent(of: name)
        defer { close(directory) }
        guard kind.accepts(leaf) else {
            throw NeuralNetworkError.invalidArgument("\(name): \(kind.description), so that nothing else is overwritten")
        }
        var status = stat()
        if fstatat(directory, leaf, &status, AT_SYMLINK_NOFOLLOW) == 0 {
            let type = status.st_mode & S_IFMT
            guard type == S_IFREG else {
                throw NeuralNetworkError.file(
                    path: name, reason: "is \(self.kind(of: status)), not a file: it is not replaced")
            }
        }
        let temporary = ".\(leaf).\(getpid()).partial"
        let file = openat(directory, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw failure(name, errno, reading: false) }
        var written = 0
        var failed: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = Glibc.write(file, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                written += count
            }
        }
        if failed == 0, fsync(file) != 0 { failed = errno }
        if close(file) != 0, failed == 0 { failed = errno }
        if failed == 0, renameat(directory, temporary, directory, leaf) != 0 { failed = errno }
        if failed != 0 {
            unlinkat(directory, temporary, 0)
            throw NeuralNetworkError.file(
                path: name,
                reason: "could not be written (\(String(cString: strerror(failed)))); the old file, if any, is unchanged")
        }
    }

    /// A descriptor of the folder that holds `name`'s last component, reached without following
    /// any symbolic link, and that component.
    private func openParent(of name: String) throws -> (descriptor: Int32, leaf: String) {
        if let problem = Self.problem(with: name) { throw NeuralNetworkError.invalidArgument(problem) }
        let parts = name.split(separator: "/").map(String.init).filter { $0 != "." }
        guard let leaf = parts.last else { throw NeuralNetworkError.invalidArgument("'\(name)' names a folder, not a file") }
        var directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            throw NeuralNetworkError.file(path: name, reason: "the notebook's folder cannot be opened (\(String(cString: strerror(errno))))")
        }
        for part in parts.dropLast() {
            let next = openat(directory, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            var error = errno
            // A link to a folder fails with ENOTDIR under O_DIRECTORY: name it for what it is.
            var status = stat()
            if next < 0, error == ENOTDIR, fstatat(directory, part, &status, AT_SYMLINK_NOFOLLOW) == 0,
                status.st_mode & S_IFMT == S_IFLNK
            {
                error = ELOOP
            }
            close(directory)
            guard next >= 0 else { throw failure(name, error, reading: true, component: part) }
            directory = next
        }
        return (directory, leaf)
    }

    private func failure(_ name: String, _ error: Int32, reading: Bool, component: String? = nil) -> NeuralNetworkError {
        let subject = component.map { "'\($0)'" } ?? "it"
        switch error {
        case ELOOP:
            return .file(
                path: name,
                reason: "\(subject) is a symbolic link; files are read and written only inside the notebook's folder, not through links")
        case ENOTDIR:
            return .file(path: name, reason: "\(subject) is not a folder")
        case ENOENT where component != nil:
            return .file(path: name, reason: "there is no folder \(subject)")
        default:
            let action = reading ? "cannot open for reading" : "cannot open for writing"
            return .file(path: name, reason: "\(action) (\(String(cString: strerror(error))))")
        }
    }

    private func kind(of status: stat) -> String {
        switch status.st_mode & S_IFMT {
        case S_IFLNK: "a symbolic link"
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
