import Interchange
import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// The safetensors file format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header mapping each tensor's name to its dtype, shape and byte range (plus optional string
/// `__metadata__`), then the tensors' little-endian bytes, back to back.
public enum Safetensors {
    static let names: [DType: String] = [.float32: "F32", .float64: "F64", .int32: "I32", .int64: "I64"]

    /// The bytes of a safetensors file holding `tensors` (in that order) and `metadata`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws
        -> [UInt8]
    {
        var seen = Set<String>()
        var header: [String: JSON] = [:]
        var order: [String] = []
        if !metadata.isEmpty {
            header["__metadata__"] = .object(metadata.mapValues { .string($0) })
            order.append("__metadata__")
        }
        var data: [UInt8] = []
        for (name, tensor) in tensors {
            guard seen.insert(name).inserted else {
                throw NeuralNetworkError.invalidArgument("safetensors: the name '\(name)' appears twice")
            }
            guard name != "__metadata__" else {
                throw NeuralNetworkError.invalidArgument("safetensors: '__metadata__' cannot name a tensor")
            }
            let start = data.count
            try appendBytes(of: tensor, to: &data)
            header[name] = [
                "dtype": .string(names[tensor.dtype]!),
                "shape": .array(tensor.shape.map { .int($0) }),
                "data_offsets": [.int(start), .int(data.count)],
            ]
            order.append(name)
        }
        // The reference writer's order: metadata first, then tensors as given, each with its
        // dtype, shape and offsets in that order; the metadata's own keys sorted.
        var headerBytes = JSON.object(header).serialized { path in
            switch path.count {
            case 0: order
            case 1 where path[0] != "__metadata__": ["dtype", "shape", "data_offsets"]
            default: nil
            }
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + data.count)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += headerBytes
        bytes += data
        return bytes
    }

    /// The tensors (in the order of their data) and metadata of a safetensors file's bytes.
    ///
    /// - Throws: `NeuralNetworkError.format` naming what is wrong: a truncated file, a header
    ///   that is not JSON, an unknown dtype, byte ranges that do not fit the shapes or the file.
    public static func decode(_ bytes: [UInt8], name: String = "safetensors data") throws -> (
        tensors: [(name: String, tensor: Tensor)], metadata: [String: String]
    ) {
        func failure(_ message: String) -> NeuralNetworkError { .format("\(name): \(message)") }
        guard bytes.count >= 8 else {
            throw failure("only \(bytes.count) bytes; a safetensors file starts with an 8-byte header length")
        }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw failure(
                "the header claims \(headerLength) bytes but the file has only \(bytes.count - 8) after the length (truncated or not safetensors)"
            )
        }
        let dataStart = 8 + Int(headerLength)
        let header: JSON
        do {
            header = try JSON.parse(bytes[8..<dataStart])
        } catch {
            throw failure("the header is not valid JSON: \(error.reason) at byte \(error.offset)")
        }
        guard case .object(let members) = header else { throw failure("the header must be a JSON object") }
        let dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: DType, shape: [Int], start: Int, end: Int)] = []
        // Sorted, so that of several faults the same one is reported every time.
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            if key == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw failure("__metadata__ must be an object of strings")
                }
                for (metaKey, metaValue) in pairs {
                    guard case .string(let text) = metaValue else {
                        throw failure("__metadata__ value '\(metaKey)' is not a string")
                    }
                    metadata[metaKey] = text
                }
                continue
            }
            guard case .string(let dtypeName)? = value["dtype"] else { throw failure("tensor '\(key)' has no dtype") }
            guard let dtype = names.first(where: { $0.value == dtypeName })?.key else {
                throw failure("tensor '\(key)' has dtype \(dtypeName); supported: F32, F64, I32, I64")
            }
            guard case .array(let shapeItems)? = value["shape"], case .array(let offsetItems)? = value["data_offsets"],
                offsetItems.count == 2
            else {
                throw failure("tensor '\(key)' needs a shape and two data_offsets")
            }
            func whole(_ item: JSON) throws -> Int {
                guard let number = item.intValue, number >= 0, number < 1_000_000_000_000_000 else {
                    throw failure("tensor '\(key)' has a shape or offset that is not a non-negative integer")
                }
                return number
            }
            let shape = try shapeItems.map(whole)
            let (start, end) = (try whole(offsetItems[0]), try whole(offsetItems[1]))
            // Shapes in a corrupt header can multiply past Int.max; saturate instead of trapping.
            let expected = (shape + [dtype.byteSize]).reduce(1) { total, size in
                total.multipliedReportingOverflow(by: size).overflow ? Int.max : total * size
            }
            guard end >= start, end - start == expected else {
                throw failure(
                    "tensor '\(key)' of shape \(describe(shape)) and dtype \(dtypeName) needs \(expected) bytes, its offsets [\(start), \(end)] give \(end - start)"
                )
            }
            guard end <= dataLength else {
                throw failure(
                    "tensor '\(key)' ends at byte \(end) of the data but the file holds only \(dataLength) (truncated?)"
                )
            }
            entries.append((key, dtype, shape, start, end))
        }
        entries.sort { $0.start < $1.start }
        var covered = 0
        for entry in entries {
            guard entry.start == covered else {
                throw failure(
                    "tensor '\(entry.name)' starts at byte \(entry.start) where \(covered) was expected (gaps or overlaps)"
                )
            }
            covered = entry.end
        }
        guard covered == dataLength else {
            throw failure("the tensors cover \(covered) bytes of data but the file holds \(dataLength)")
        }
        let tensors = try bytes.withUnsafeBytes { raw in
            try entries.map { entry -> (name: String, tensor: Tensor) in
                let range = (dataStart + entry.start)..<(dataStart + entry.end)
                return (
                    entry.name,
                    try Tensor(
                        bytes: UnsafeRawBufferPointer(rebasing: raw[range]), shape: entry.shape, dtype: entry.dtype)
                )
            }
        }
        return (tensors, metadata)
    }

    /// Writes `tensors` and `metadata` to a safetensors file at `path`.
    public static func save(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to path: String
    ) throws {
        try FileBytes.write(encode(tensors, metadata: metadata), to: path)
    }

    /// Reads the safetensors file at `path`.
    public static func load(_ path: String) throws -> (
        tensors: [(name: String, tensor: Tensor)], metadata: [String: String]
    ) {
        try decode(FileBytes.read(path), name: path)
    }

    static func appendBytes(of tensor: Tensor, to data: inout [UInt8]) throws {
        data += tensor.contiguousBytes()
    }
}

extension Layer {
    /// Saves the parameters and buffers as a safetensors file, named as PyTorch names them
    /// (`0.weight` [out, in]), with metadata giving the architecture.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        var all = metadata
        all["format"] = "pt"
        all["architecture"] = description
        try Safetensors.save(stateDict(), metadata: all, to: path)
    }

    /// Loads weights saved by `save(to:)` or by PyTorch's `safetensors.torch.save_file`.
    public func load(from path: String) throws {
        try loadStateDict(Safetensors.load(path).tensors, source: path)
    }

    /// Copies `tensors` into the parameters and buffers of the same names.
    ///
    /// - Throws: `NeuralNetworkError.stateMismatch` listing every missing name, unexpected
    ///   name, shape mismatch and dtype mismatch; nothing is changed then.
    public func loadStateDict(_ tensors: [(name: String, tensor: Tensor)], source: String = "the weights") throws {
        let own = stateDict()
        let given = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        let ownNames = Set(own.map(\.name))
        var problems: [String] = []
        let missing = own.map(\.name).filter { given[$0] == nil }
        if !missing.isEmpty { problems.append("missing: \(missing.joined(separator: ", "))") }
        let unexpected = tensors.map(\.name).filter { !ownNames.contains($0) }
        if !unexpected.isEmpty { problems.append("unexpected: \(unexpected.joined(separator: ", "))") }
        for (name, tensor) in own {
            guard let loaded = given[name] else { continue }
            if loaded.shape != tensor.shape {
                problems.append(
                    "\(name): the model has shape \(describe(tensor.shape)), \(source) has \(describe(loaded.shape))")
            } else if loaded.dtype != tensor.dtype {
                problems.append("\(name): the model has dtype \(tensor.dtype), \(source) has \(loaded.dtype)")
            }
        }
        guard problems.isEmpty else {
            throw NeuralNetworkError.stateMismatch(
                "cannot load \(source) into \(typeName): " + problems.joined(separator: "; "))
        }
        try withNoGrad {
            for (name, tensor) in own { try tensor.assign(given[name]!) }
        }
    }
}
