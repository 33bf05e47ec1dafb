import Testing
@testable import Tensors

@Suite struct ConvolutionTests {
    /// Cross-correlation the direct way, in doubles: the reference for im2col.
    func directConvolution(
        _ x: [Double], _ xs: [Int], _ w: [Double], _ ws: [Int], bias: [Double], stride: Int, padding: Int
    ) -> (values: [Double], shape: [Int]) {
        let (n, c, h, wd) = (xs[0], xs[1], xs[2], xs[3])
        let (f, kh, kw) = (ws[0], ws[2], ws[3])
        let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
        var out = [Double](repeating: 0, count: n * f * oh * ow)
        for b in 0..<n {
            for o in 0..<f {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var total = bias.isEmpty ? 0 : bias[o]
                        for ch in 0..<c {
                            for p in 0..<kh {
                                for q in 0..<kw {
                                    let y = i * stride + p - padding, z = j * stride + q - padding
                                    guard y >= 0, y < h, z >= 0, z < wd else { continue }
                                    total += x[((b * c + ch) * h + y) * wd + z] * w[((o * c + ch) * kh + p) * kw + q]
                                }
                            }
                        }
                        out[((b * f + o) * oh + i) * ow + j] = total
                    }
                }
            }
        }
        return (out, [n, f, oh, ow])
    }

    @Test(arguments: [(1, 0), (1, 1), (2, 0), (2, 1)])
    func convolutionMatchesTheDirectSum(stride: Int, padding: Int) throws {
        let x = try Tensor.randn([2, 3, 6, 5], seed: 1, dtype: .float64)
        let w = try Tensor.randn([4, 3, 3, 2], seed: 2, dtype: .float64)
        let bias = try Tensor([0.5, -1, 2, 0], dtype: .float64)
        let expected = directConvolution(
            x.toDoubles(), x.shape, w.toDoubles(), w.shape, bias: bias.toDoubles(), stride: stride, padding: padding)
        expectTensor(try conv2d(x, w, bias: bias, stride: stride, padding: padding), expected.shape, expected.values, tolerance: 1e-12)
    }

    @Test func convolutionGradients() throws {
        let x = try sample([2, 2, 5, 4], seed: 3), w = try sample([3, 2, 2, 3], seed: 4), b = try sample([3], seed: 5)
        try expectGradients([x, w, b]) { try conv2d($0[0], $0[1], bias: $0[2], stride: 1, padding: 1) }
        try expectGradients([x, w]) { try conv2d($0[0], $0[1], stride: 2) }
    }

    @Test func pooling() throws {
        let x = try Tensor.arange(0, 16, dtype: .float32).reshape([1, 1, 4, 4])
        expectTensor(try x.maxPool2d(kernelSize: 2), [1, 1, 2, 2], [5, 7, 13, 15])
        expectTensor(try x.avgPool2d(kernelSize: 2), [1, 1, 2, 2], [2.5, 4.5, 10.5, 12.5])
        expectTensor(try x.maxPool2d(kernelSize: 3, stride: 1), [1, 1, 2, 2], [10, 11, 14, 15])
        expectTensor(try x.avgPool2d(kernelSize: (1, 4)), [1, 1, 4, 1], [1.5, 5.5, 9.5, 13.5])
        let y = try sample([2, 2, 5, 5], seed: 6)
        try expectGradients([y]) { try $0[0].maxPool2d(kernelSize: 2) }
        try expectGradients([y]) { try $0[0].maxPool2d(kernelSize: 3, stride: 1) }
        try expectGradients([y]) { try $0[0].avgPool2d(kernelSize: 2, stride: 1) }
    }

    /// The im2col layout must place padding and strides right for every kernel offset, also
    /// when the padding is wider than a stride and the picture is not square.
    @Test(arguments: [(2, 2), (3, 1), (1, 2), (2, 3)])
    func batchedConvolutionMatchesTheDirectSum(stride: Int, padding: Int) throws {
        let x = try Tensor.randn([3, 2, 7, 9], seed: 7, dtype: .float64)
        let w = try Tensor.randn([5, 2, 3, 4], seed: 8, dtype: .float64)
        let expected = directConvolution(x.toDoubles(), x.shape, w.toDoubles(), w.shape, bias: [], stride: stride, padding: padding)
        expectTensor(try conv2d(x, w, stride: stride, padding: padding), expected.shape, expected.values, tolerance: 1e-12)
    }

    @Test func batchedConvolutionGradients() throws {
        let x = try sample([3, 2, 6, 5], seed: 9), w = try sample([4, 2, 3, 3], seed: 10), b = try sample([4], seed: 11)
        try expectGradients([x, w, b]) { try conv2d($0[0], $0[1], bias: $0[2], stride: 2, padding: 2) }
        try expectGradients([x, w]) { try conv2d($0[0], $0[1], stride: 1, padding: 1).relu().maxPool2d(kernelSize: 2) }
    }

    /// Float32 gives the float64 result to float precision, and only the gradients asked for.
    @Test func float32ConvolutionAgreesAndSkipsUnwantedGradients() throws {
        let x64 = try sample([4, 3, 8, 8], seed: 12), w64 = try sample([6, 3, 5, 5], seed: 13)
        let x = try x64.converted(to: .float32), w = try w64.converted(to: .float32).requiringGrad()
        let y = try conv2d(x, w, padding: 2)
        expectTensor(y, [4, 6, 8, 8], try conv2d(x64, w64, padding: 2).toDoubles(), tolerance: 1e-4)
        try y.sum().backward()
        #expect(x.grad == nil)
        let w64Leaf = w64.requiringGrad()
        try conv2d(x64, w64Leaf, padding: 2).sum().backward()
        expectTensor(w.grad!, w.shape, w64Leaf.grad!.toDoubles(), tolerance: 1e-4)
    }

    @Test func poolingGradientsWithOverlapAndTies() throws {
        // Ties share the gradient equally, as the max reduction sends it.
        let tied = try Tensor([[1, 3, 3, 0], [2, 3, 1, 1], [0, 0, 4, 4], [0, 0, 4, 4]], dtype: .float64).reshape([1, 1, 4, 4]).requiringGrad()
        try tied.maxPool2d(kernelSize: 2).sum().backward()
        expectTensor(tied.grad!, [1, 1, 4, 4], [0, 0.5, 1, 0, 0, 0.5, 0, 0, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25])
        // Overlapping windows add up; float32 agrees with the float64 rule.
        let y = try sample([2, 3, 6, 5], seed: 14)
        try expectGradients([y]) { try $0[0].maxPool2d(kernelSize: (3, 2), stride: (2, 1)) }
        try expectGradients([y]) { try $0[0].avgPool2d(kernelSize: (2, 3), stride: (1, 2)) }
        let single = try y.converted(to: .float32).requiringGrad()
        let double = try y.detach().requiringGrad()
        try (single.maxPool2d(kernelSize: 3, stride: 1) * 2).sum().backward()
        try (double.maxPool2d(kernelSize: 3, stride: 1) * 2).sum().backward()
        expectTensor(single.grad!, y.shape, double.grad!.toDoubles())
        // A NaN in a window is that window's maximum, as for max().
        let withNaN = try Tensor([1, .nan, 3, 4], dtype: .float32).reshape([1, 1, 2, 2])
        #expect(try withNaN.maxPool2d(kernelSize: 2).item().isNaN)
        // Integer tensors pool too.
        expectTensor(try Tensor.arange(16).reshape([1, 1, 4, 4]).maxPool2d(kernelSize: 2), [1, 1, 2, 2], [5, 7, 13, 15])
    }

    /// Cut into chunks of pictures (the last one shorter), the convolution and its gradients
    /// are what one chunk gives, and what the direct sum gives, also with stride and padding.
    @Test(arguments: [(1, 2), (2, 1), (1, 0)])
    func chunksOfTheBatchAgree(stride: Int, padding: Int) throws {
        let x = try sample([5, 2, 7, 6], seed: 15), w = try sample([3, 2, 3, 3], seed: 16), b = try sample([3], seed: 17)
        let expected = directConvolution(x.toDoubles(), x.shape, w.toDoubles(), w.shape, bias: b.toDoubles(), stride: stride, padding: padding)
        for perChunk in [1, 2, 3, 5] {
            let y = try convolution2d(x, w, bias: b, stride: stride, padding: padding, picturesPerChunk: perChunk)
            expectTensor(y, expected.shape, expected.values, tolerance: 1e-12)
            try expectGradients([x, w, b]) {
                try convolution2d($0[0], $0[1], bias: $0[2], stride: stride, padding: padding, picturesPerChunk: perChunk)
            }
        }
    }

    /// A batch large enough to be shared out among the cores gives the one-chunk result, and the
    /// same gradients on every run, whichever core took which chunk.
    @Test func chunksSharedAmongCoresAreExactAndRepeatable() throws {
        let x64 = try sample([9, 3, 12, 12], seed: 18), w64 = try sample([8, 3, 5, 5], seed: 19), b64 = try sample([8], seed: 20)
        let g = ConvolutionGeometry(input: x64.shape, weight: w64.shape, stride: 1, padding: 2)
        let chunks = ConvolutionChunks(g, elementSize: 4, picturesPerChunk: 1)
        #expect(chunks.count == 9)
        #expect(chunks.workers == Swift.min(Parallel.coreCount, 9))
        func gradients(_ perChunk: Int?) throws -> (Tensor, [Double], [Double], [Double]) {
            let x = try x64.converted(to: .float32).requiringGrad(), w = try w64.converted(to: .float32).requiringGrad()
            let b = try b64.converted(to: .float32).requiringGrad()
            let y = try convolution2d(x, w, bias: b, stride: 1, padding: 2, picturesPerChunk: perChunk)
            try (y * y).sum().backward()
            return (y, x.grad!.toDoubles(), w.grad!.toDoubles(), b.grad!.toDoubles())
        }
        let whole = try gradients(9)
        let first = try gradients(1)
        expectTensor(first.0, [9, 8, 12, 12], whole.0.toDoubles(), tolerance: 1e-5)
        #expect(close(first.1, whole.1, tolerance: 1e-4))
        #expect(close(first.2, whole.2, tolerance: 1e-4))
        #expect(close(first.3, whole.3, tolerance: 1e-4))
        for _ in 0..<5 {
            let again = try gradients(1)
            #expect(again.2 == first.2 && again.3 == first.3 && again.1 == first.1)
        }
        // The size chosen for this batch also agrees.
        let chosen = try gradients(nil)
        #expect(close(chosen.2, whole.2, tolerance: 1e-4))
    }

    @Test func badShapesAreNamed() {
        let x = try? Tensor.zeros([1, 3, 4, 4])
        #expect(errorMessage { try conv2d(x!, Tensor.zeros([2, 2, 3, 3])) } == "conv2d input [1, 3, 4, 4] has 3 channels but the weights [2, 2, 3, 3] expect 2")
        #expect(errorMessage { try conv2d(x!, Tensor.zeros([2, 3, 5, 5])) } == "conv2d window 5x5 is larger than the input's 4x4 (shape [1, 3, 4, 4])")
        #expect(errorMessage { try conv2d(x!, Tensor.zeros([2, 3, 7, 7]), padding: 1) } == "conv2d window 7x7 is larger than the input's 6x6 (shape [1, 3, 6, 6])")
        #expect(errorMessage { try Tensor.zeros([3, 4]).maxPool2d(kernelSize: 2) } == "maxPool2d needs an [N, C, H, W] input, got [3, 4]")
    }
}
