// MurmurHash2 (32-bit), the hash JupyterLab's debugger uses to name a cell's source file.

/// The cell names of the debugger protocol: a front end hashes a cell's code with the method
/// and seed the kernel announces in `debugInfo`, and must arrive at the same path the kernel
/// gives the cell when it runs, so both compute MurmurHash2 over the code's UTF-8 bytes.
public enum Murmur2 {
    public static func hash<Bytes: Collection>(_ bytes: Bytes, seed: UInt32) -> UInt32 where Bytes.Element == UInt8 {
        let multiplier: UInt32 = 0x5bd1_e995
        let data = Array(bytes)
        var h = seed ^ UInt32(truncatingIfNeeded: data.count)
        var index = 0
        while data.count - index >= 4 {
            var k = UInt32(data[index]) | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2]) << 16
                | UInt32(data[index + 3]) << 24
            k = k &* multiplier
            k ^= k >> 24
            k = k &* multiplier
            h = (h &* multiplier) ^ k
            index += 4
        }
        let remaining = data.count - index
        if remaining >= 3 { h ^= UInt32(data[index + 2]) << 16 }
        if remaining >= 2 { h ^= UInt32(data[index + 1]) << 8 }
        if remaining >= 1 {
            h ^= UInt32(data[index])
            h = h &* multiplier
        }
        h ^= h >> 13
        h = h &* multiplier
        h ^= h >> 15
        return h
    }

    public static func hash(_ text: String, seed: UInt32) -> UInt32 { hash(text.utf8, seed: seed) }
}
