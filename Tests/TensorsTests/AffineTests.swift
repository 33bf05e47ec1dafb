import Testing
@testable import Tensors

@Suite struct AffineTests {
    /// The fused operation against matmul, add and relu composed, values and gradients.
    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func affineMatchesTheComposedOperations(withBias: Bool, relu: Bool) throws {
        let x = try sample([5, 7], seed: 1).requiringGrad(), w = try sample([3, 7], seed: 2).requiringGrad()
        let b = withBias ? try sample([3], seed: 3).requiringGrad() : nil
        let fused = try affine(x, w, bias: b, relu: relu)
        var composed = try matmul(x, w.transpose())
        if let b { composed = try composed + b }
        if relu { composed = try composed.relu() }
        expectTensor(fused, [5, 3], composed.toDoubles(), tolerance: 1e-12)
        #expect(fused.gradNode?.name == (relu ? "affine+relu" : "affine"))
        let inputs = [x, w] + (b.map { [$0] } ?? [])
        try expectGradients(inputs) { try affine($0[0], $0[1], bias: $0.count > 2 ? $0[2] : nil, relu: relu) }
    }

    @Test func onlyTheWantedGradientsAndOtherShapesTakeTheComposedPath() throws {
        let x = try Tensor.randn([4, 6], seed: 4), w = try Tensor.randn([2, 6], seed: 5).requiringGrad()
        try affine(x, w, relu: true).sum().backward()
        #expect(x.grad == nil && w.grad?.shape == [2, 6])
        // A transposed (strided) input and a batch axis still give the composed values.
        let xt = try Tensor.randn([6, 4], seed: 6).transpose()
        expectTensor(try affine(xt, w), [4, 2], try matmul(xt, w.transpose()).toDoubles())
        let batched = try Tensor.randn([2, 4, 6], seed: 7)
        expectTensor(try affine(batched, w), [2, 4, 2], try matmul(batched, w.transpose()).toDoubles())
    }
}
