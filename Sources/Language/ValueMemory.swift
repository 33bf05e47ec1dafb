// Long strings and arrays count against the same memory limit as tensors: doubling a string
// forty times must be a MemoryError, not an allocation the host refuses by ending the process.

import Tensors

enum ValueMemory {
    /// Throws a MemoryError when a new value of `bytes` would not fit in what the limit leaves.
    static func check(_ bytes: Int, _ what: @autoclosure () -> String) throws {
        // Small values are always let through: checking costs more than they can hurt. A large
        // one may take a quarter of the room: building it copies its parts (which stay alive
        // until it is assigned), and a string or array may reserve up to twice what it holds.
        guard bytes > 1 << 20, bytes > TensorMemory.roomBytes / 4 else { return }
        throw LanguageError(
            .memoryError,
            "\(what()) would need \(byteText(bytes)), more than the memory limit allows (a quarter of the \(byteText(TensorMemory.roomBytes)) left of \(byteText(TensorMemory.limitBytes)))"
        )
    }

    /// The bytes of a string of `count` UTF-8 units.
    static func string(_ count: Int) -> Int { count }

    /// The bytes of an array of `count` values.
    static func array(_ count: Int) -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Value>.stride)
        return overflow ? .max : bytes
    }

    private static func byteText(_ bytes: Int) -> String {
        let gigabytes = Double(bytes) / Double(1 << 30)
        if gigabytes >= 1 { return formatFloat((gigabytes * 10).rounded() / 10) + " GB" }
        return formatFloat((Double(bytes) / Double(1 << 20) * 10).rounded() / 10) + " MB"
    }
}
