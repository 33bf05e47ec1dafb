import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// The IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed): a magic number
/// 0 0 type rank, the sizes as big-endian 32-bit integers, then the elements big-endian.
public enum IDX {
    /// Reads an IDX file (gzip-compressed when it starts with the gzip magic number).
    ///
    /// Unsigned bytes become float32 0...255 when `asFloat` (images) or int64 (labels) otherwise;
    /// other element types keep their values, as float32, float64 or int64.
    public static func load(_ path: String, asFloat: Bool = true) throws -> Tensor {
        try decode(FileBytes.read(path), name: path, asFloat: asFloat)
    }

    /// Decodes the bytes of an IDX file (or its gzip).
    public static func decode(_ raw: [UInt8], name: String = "IDX data", asFloat: Bool = true) throws -> Tensor {
        let bytes = Gzip.isCompressed(raw) ? try Gzip.decompress(raw, name: name) : raw
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw NeuralNetworkError.format(
                "\(name): not an IDX file (it must start with two zero bytes, then a type and a rank)")
        }
        let rank = Int(bytes[3])
        let elementSize: Int
        switch bytes[2] {
        case 0x08, 0x09: elementSize = 1
        case 0x0B: elementSize = 2
        case 0x0C, 0x0D: elementSize = 4
        case 0x0E: elementSize = 8
        default: throw NeuralNetworkError.format("\(name): unknown IDX element type 0x\(String(bytes[2], radix: 16))")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw NeuralNetworkError.format("\(name): the IDX header is cut short") }
        let shape = (0..<rank).map { axis in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * axis + $1]) }
        }
        // A corrupt header can claim sizes whose product overflows; compare without overflowing.
        let count = shape.reduce(1) { total, size in
            total.multipliedReportingOverflow(by: size).overflow ? Int.max : total * size
        }
        guard count <= (bytes.count - headerSize) / elementSize, bytes.count == headerSize + count * elementSize else {
            throw NeuralNetworkError.format(
                "\(name): shape \(formatShape(shape, unknownSize: "N")) needs \(count == Int.max ? "more" : String(count * elementSize)) bytes of data, the file has \(bytes.count - headerSize)"
            )
        }
        func bigEndian(_ index: Int) -> UInt64 {
            (0..<elementSize).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[headerSize + index * elementSize + $1]) }
        }
        let values: [Double]
        let dtype: DType
        switch bytes[2] {
        case 0x08:
            values = bytes[headerSize...].map { Double($0) }
            dtype = asFloat ? .float32 : .int64
        case 0x09:
            values = bytes[headerSize...].map { Double(Int8(bitPattern: $0)) }
            dtype = asFloat ? .float32 : .int64
        case 0x0B:
            values = (0..<count).map { Double(Int16(bitPattern: UInt16(bigEndian($0)))) }
            dtype = asFloat ? .float32 : .int64
        case 0x0C:
            values = (0..<count).map { Double(Int32(bitPattern: UInt32(bigEndian($0)))) }
            dtype = asFloat ? .float32 : .int64
        case 0x0D:
            values = (0..<count).map { Double(Float(bitPattern: UInt32(bigEndian($0)))) }
            dtype = .float32
        default:
            values = (0..<count).map { Double(bitPattern: bigEndian($0)) }
            dtype = .float64
        }
        return try Tensor(shape: shape, scalars: values, dtype: dtype)
    }

    /// MNIST or Fashion-MNIST from the four files as published (`train-images-idx3-ubyte` and
    /// `train-labels-idx1-ubyte`, or `t10k-...` for the test part; with or without `.gz`)
    /// in `directory`: images float32 [N, 1, 28, 28] scaled to [0, 1], labels int64 [N].
    public static func loadMNIST(directory: String, train: Bool = true) throws -> Dataset {
        let prefix = train ? "train" : "t10k"
        func find(_ stem: String) throws -> String {
            let candidates = ["\(directory)/\(prefix)-\(stem)", "\(directory)/\(prefix)-\(stem).gz"]
            for path in candidates where access(path, R_OK) == 0 { return path }
            throw NeuralNetworkError.file(path: candidates[0], reason: "not found (nor with .gz)")
        }
        let images = try load(find("images-idx3-ubyte"))
        let labels = try load(find("labels-idx1-ubyte"), asFloat: false)
        guard images.rank == 3 else {
            throw NeuralNetworkError.format("MNIST images must be [N, rows, columns], got \(formatShape(images.shape))")
        }
        return try Dataset(
            features: (images / 255).reshape([images.shape[0], 1, images.shape[1], images.shape[2]]), targets: labels,
            classNames: (0...9).map(String.init))
    }
}
