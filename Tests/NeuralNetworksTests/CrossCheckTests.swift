import Foundation
import Tensors
import Testing

@testable import NeuralNetworks

/// The Swift half of the cross-check with Python's `safetensors` (Tests/protocol/test_safetensors.py).
@Suite struct CrossCheckTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let metadata = ["format": "pt", "architecture": "Sequential(Dense(2, 3, activation: relu))"]

    /// The same values as `expected_tensors()` in the Python test.
    func expectedTensors() throws -> [(name: String, tensor: Tensor)] {
        [
            ("0.weight", try Tensor((0..<6).map { Float($0) * 0.5 - 1 }, shape: [3, 2])),
            ("0.bias", try Tensor([Float(0.25), -0.125, 3.0e-8])),
            ("counts", try Tensor(shape: [2, 2], scalars: [1, -2, 3, 1_099_511_627_776], dtype: .int64)),
            ("scale", try Tensor(shape: [], scalars: [Double.pi], dtype: .float64)),
            ("steps", try Tensor(shape: [2], scalars: [7, -9], dtype: .int32)),
        ]
    }

    func expectSame(_ loaded: [(name: String, tensor: Tensor)], sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let expected = try expectedTensors()
        #expect(Set(loaded.map(\.name)) == Set(expected.map(\.name)), sourceLocation: sourceLocation)
        for (name, tensor) in expected {
            let found = loaded.first { $0.name == name }?.tensor
            #expect(
                found?.dtype == tensor.dtype && found?.shape == tensor.shape, "\(name)", sourceLocation: sourceLocation)
            #expect(found?.toDoubles() == tensor.toDoubles(), "\(name)", sourceLocation: sourceLocation)
        }
    }

    @Test func swiftStillWritesTheCommittedFileThatPythonChecks() throws {
        let bytes = try Safetensors.encode(expectedTensors(), metadata: Self.metadata)
        let path = Self.fixtures.appendingPathComponent("from_swift.safetensors").path
        if ProcessInfo.processInfo.environment["TENSORCELL_WRITE_FIXTURES"] == "1" {
            try FileBytes.write(bytes, to: path)
        }
        #expect(try FileBytes.read(path) == bytes)
    }

    @Test func swiftLoadsWhatPythonWrote() throws {
        let (tensors, metadata) = try Safetensors.load(
            Self.fixtures.appendingPathComponent("from_python.safetensors").path)
        try expectSame(tensors)
        #expect(metadata == Self.metadata)
        let model = Sequential([try Dense(2, 3, activation: .relu)])
        try model.loadStateDict(tensors.filter { $0.name.hasPrefix("0.") })
        #expect(
            try model[0].namedParameters()[0].tensor.toDoubles()
                == tensors.first { $0.name == "0.weight" }!.tensor.toDoubles())
    }
}
