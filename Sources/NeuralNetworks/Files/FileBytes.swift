#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file reads and writes with errors that name the file.
enum FileBytes {
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw NeuralNetworkError.file(
                path: path, reason: "cannot open for reading (\(String(cString: strerror(errno))))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[0..<got])
            if got < chunk.count {
                if ferror(file) != 0 { throw NeuralNetworkError.file(path: path, reason: "read failed") }
                return bytes
            }
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw NeuralNetworkError.file(
                path: path, reason: "cannot open for writing (\(String(cString: strerror(errno))))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw NeuralNetworkError.file(path: path, reason: "could write only \(written) of \(bytes.count) bytes")
        }
    }
}
