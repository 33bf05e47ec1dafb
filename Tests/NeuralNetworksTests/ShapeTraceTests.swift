import Tensors
import Testing

@testable import NeuralNetworks

/// One forward pass on zeros tells each part's output shape, and changes nothing in the model.
@Suite struct ShapeTraceTests {
    @Test func eachLayerCalledShowsItsOutputWithAnOpenBatchAxis() throws {
        let first = try Dense(2, 5, activation: .relu, seed: 1)
        let dropout = try Dropout(0.5, seed: 2)
        let last = try Dense(5, 3, seed: 3)
        let unused = try Dense(7, 7, seed: 4)
        let model = Sequential([first, dropout, last])
        let trace = try ShapeTrace.run(model, inputShape: [2])
        #expect(trace.outputShape(of: first) == [nil, 5])
        #expect(trace.outputShape(of: dropout) == [nil, 5])
        #expect(trace.outputShape(of: last) == [nil, 3])
        #expect(trace.outputShape(of: model) == [nil, 3])
        #expect(trace.outputShape(of: unused) == nil)
        // Training mode comes back, and no gradient was recorded.
        #expect(model.isTraining && dropout.isTraining)
        #expect(model.namedParameters().allSatisfy { $0.tensor.grad == nil })
    }

    @Test func anInputTheModelCannotTakeIsThrownAndNothingIsLeftRecording() throws {
        let dense = try Dense(2, 5, seed: 1)
        #expect(throws: (any Error).self) { try ShapeTrace.run(Sequential([dense]), inputShape: [3]) }
        // Outside a trace, recording does nothing.
        ShapeTrace.record(dense, try Tensor.zeros([1, 5]))
        let trace = try ShapeTrace.run(Sequential([try Dense(4, 1, seed: 0)]), inputShape: [4])
        #expect(trace.outputShape(of: dense) == nil)
    }
}
