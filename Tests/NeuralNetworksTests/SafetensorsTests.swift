import Foundation
import Tensors
import Testing

@testable import NeuralNetworks

@Suite struct SafetensorsTests {
    func model(seed: UInt64) throws -> Sequential {
        Sequential([try Dense(3, 4, activation: .relu, seed: seed), try BatchNorm(4), try Dense(4, 2, seed: seed + 1)])
    }

    @Test func roundTripKeepsNamesShapesDtypesValuesAndMetadata() throws {
        let source = try model(seed: 1)
        _ = try source(Tensor.randn([5, 3], seed: 2))  // moves BatchNorm's running statistics
        let path = scratchPath("model.safetensors")
        defer { unlink(path) }
        try source.save(to: path)
        let (tensors, metadata) = try Safetensors.load(path)
        #expect(tensors.map(\.name) == source.stateDict().map(\.name))
        #expect(tensors.first { $0.name == "0.weight" }?.tensor.shape == [4, 3])
        #expect(tensors.first { $0.name == "1.num_batches_tracked" }?.tensor.dtype == .int64)
        #expect(metadata["format"] == "pt")
        #expect(metadata["architecture"] == "Sequential(Dense(3, 4, activation: relu), BatchNorm(4), Dense(4, 2))")
        let target = try model(seed: 7)
        try target.load(from: path)
        for ((name, a), (_, b)) in zip(source.stateDict(), target.stateDict()) {
            #expect(a.toDoubles() == b.toDoubles(), "\(name)")
        }
    }

    @Test func headerFollowsTheFormat() throws {
        let bytes = try Safetensors.encode(
            [("b", Tensor([1, 2])), ("a", Tensor(shape: [1], scalars: [7], dtype: .int64))], metadata: ["k": "v"])
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(length % 8 == 0)
        #expect(
            header.trimmingSpaces()
                == #"{"__metadata__":{"k":"v"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"#
        )
        #expect(Array(bytes[(8 + length)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 7, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func mismatchesAreListedExactly() throws {
        let small = Sequential([try Dense(3, 4), try Dense(4, 2)])
        let other = Sequential([try Dense(3, 5), try Dense(5, 2), try Dense(2, 1)])
        let message = errorMessage { try small.loadStateDict(other.stateDict(), source: "other.safetensors") }
        #expect(
            message
                == "cannot load other.safetensors into Sequential: unexpected: 2.weight, 2.bias; 0.weight: the model has shape [4, 3], other.safetensors has [5, 3]; 0.bias: the model has shape [4], other.safetensors has [5]; 1.weight: the model has shape [2, 4], other.safetensors has [2, 5]"
        )
        let doubles = Sequential([try Dense(3, 4, dtype: .float64), try Dense(4, 2, dtype: .float64)])
        let partial = Array(doubles.stateDict().dropLast())
        #expect(
            errorMessage { try small.loadStateDict(partial) }
                == "cannot load the weights into Sequential: missing: 1.bias"
        )
    }

    @Test func float64WeightsLoadIntoAFloat32ModelConverted() throws {
        let small = Sequential([try Dense(3, 4), try Dense(4, 2)])
        let doubles = Sequential([try Dense(3, 4, dtype: .float64), try Dense(4, 2, dtype: .float64)])
        try small.loadStateDict(doubles.stateDict())
        for ((name, loaded), (_, source)) in zip(small.stateDict(), doubles.stateDict()) {
            #expect(loaded.dtype == .float32, "\(name)")
            #expect(loaded.toDoubles().map { Float($0) } == source.toDoubles().map { Float($0) }, "\(name)")
        }
    }

    @Test func corruptAndTruncatedFilesGiveClearErrors() throws {
        let good = try Safetensors.encode([("w", Tensor([1, 2, 3]))])
        #expect(
            errorMessage { try Safetensors.decode([1, 2, 3]) }
                == "safetensors data: only 3 bytes; a safetensors file starts with an 8-byte header length")
        #expect(
            errorMessage { try Safetensors.decode(Array(good.prefix(20))) }?.hasPrefix(
                "safetensors data: the header claims") == true)
        #expect(
            errorMessage { try Safetensors.decode(Array(good.dropLast(4))) }
                == "safetensors data: tensor 'w' ends at byte 12 of the data but the file holds only 8 (truncated?)")
        var broken = good
        broken[9] = UInt8(ascii: "x")
        #expect(
            errorMessage { try Safetensors.decode(broken) }?.hasPrefix("safetensors data: the header is not valid JSON")
                == true)
        let f16 = headerOnly(#"{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, dataBytes: 2)
        #expect(
            errorMessage { try Safetensors.decode(f16) }
                == "safetensors data: tensor 'w' has dtype F16; supported: F32, F64, I32, I64")
        let wrongSize = headerOnly(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}"#, dataBytes: 8)
        #expect(
            errorMessage { try Safetensors.decode(wrongSize) }
                == "safetensors data: tensor 'w' of shape [2, 2] and dtype F32 needs 16 bytes, its offsets [0, 8] give 8"
        )
        let huge = headerOnly(
            #"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, dataBytes: 8)
        #expect(errorMessage { try Safetensors.decode(huge) }?.contains("needs 9223372036854775807 bytes") == true)
        #expect(
            errorMessage { try Safetensors.load(scratchPath("missing.safetensors")) }?.contains(
                "cannot open for reading") == true)
    }

    func headerOnly(_ json: String, dataBytes: Int) -> [UInt8] {
        let header = Array(json.utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + header + [UInt8](repeating: 0, count: dataBytes)
    }
}
