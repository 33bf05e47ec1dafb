import Testing
@testable import Tensors

@Suite struct SoftmaxCrossEntropyTests {
    @Test(arguments: [true, false])
    func matchesLogSoftmaxAndGather(mean: Bool) throws {
        let logits = try sample([6, 4], seed: 1, shift: 30).requiringGrad()  // large: the shift must keep it finite
        let classes = try Tensor([2, 0, 3, 3, 1, 0], dtype: .int64)
        let fused = try logits.softmaxCrossEntropy(classIndices: classes, mean: mean)
        let picked = try logits.logSoftmax(axis: 1).gather(axis: 1, index: classes.reshape([6, 1]))
        let composed = try mean ? -picked.mean() : -picked.sum()
        expectTensor(fused, [], composed.toDoubles(), tolerance: 1e-12)
        try expectGradients([logits]) { try $0[0].softmaxCrossEntropy(classIndices: classes, mean: mean) * 3 }
    }

    @Test func float32AndBadIndices() throws {
        let logits = try Tensor.randn([3, 5], seed: 2)
        let classes = try Tensor([4, 0, 2], dtype: .int64)
        let composed = try -logits.logSoftmax(axis: 1).gather(axis: 1, index: classes.reshape([3, 1])).mean()
        expectTensor(try logits.softmaxCrossEntropy(classIndices: classes), [], composed.toDoubles())
        #expect(errorMessage { try logits.softmaxCrossEntropy(classIndices: Tensor([5, 0, 2], dtype: .int64)) } != nil)
        #expect(errorMessage { try logits.softmaxCrossEntropy(classIndices: Tensor([1, 0], dtype: .int64)) } != nil)
    }
}
