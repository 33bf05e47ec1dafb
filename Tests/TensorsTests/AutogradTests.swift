import Testing
@testable import Tensors

@Suite struct AutogradTests {
    @Test func gradientsOfASmallExpression() throws {
        // f = sum(w * x + b); df/dw = x, df/db = number of rows.
        let w = try Tensor([2.0, -1]).requiringGrad()
        let b = try Tensor.scalar(0.5).requiringGrad()
        let x = try Tensor([[1.0, 2], [3, 4]])
        try (w * x + b).sum().backward()
        expectTensor(try #require(w.grad), [2], [4, 6])
        expectTensor(try #require(b.grad), [], [4])
        #expect(x.grad == nil)
    }

    @Test func gradientsAccumulateUntilZeroed() throws {
        let w = try Tensor([1.0, 2]).requiringGrad()
        try (w * 3).sum().backward()
        try (w * 3).sum().backward()
        expectTensor(try #require(w.grad), [2], [6, 6])
        w.zeroGrad()
        try (w * w).sum().backward()
        expectTensor(try #require(w.grad), [2], [2, 4])
    }

    @Test func noGradDetachAndErrors() throws {
        let w = try Tensor([1.0]).requiringGrad()
        let y = try withNoGrad { try w * 2 }
        #expect(!y.requiresGrad && y.gradNode == nil)
        let z = try w * 2
        #expect(z.requiresGrad && z.gradNode?.name == "multiply")
        #expect(!z.detach().requiresGrad)
        #expect(errorMessage { try y.backward() }?.contains("require gradients") == true)
        #expect(errorMessage { try (w * Tensor([1.0, 2])).backward() }?.contains("one element") == true)
        let labels = try Tensor([1, 2], dtype: .int64).requiringGrad()
        #expect(!labels.requiresGrad)
    }

    @Test func backwardWithAnExplicitGradient() throws {
        let x = try Tensor([1.0, 2, 3]).requiringGrad()
        try (x * x).backward(Tensor([1.0, 0, 10]))
        expectTensor(try #require(x.grad), [3], [2, 0, 60])
    }

    @Test func intermediateGradientsOnRequest() throws {
        let x = try Tensor([3.0]).requiringGrad()
        let h = try x * x
        h.retainsGrad = true
        try (h * 2).sum().backward()
        expectTensor(try #require(h.grad), [1], [2])
        expectTensor(try #require(x.grad), [1], [12])
    }

    @Test func theGraphCanBeWalkedFromAResult() throws {
        let w = try Tensor([[1.0, 2]]).requiringGrad()
        w.label = "w"
        let x = try Tensor([[3.0], [4.0]])
        let loss = try matmul(w, x).relu().sum()
        let names = loss.graph().map { $0.gradNode?.name ?? ($0.label ?? "input") }
        #expect(names == ["w", "input", "matmul", "relu", "sum"])
        #expect(loss.gradNode?.inputs.first?.gradNode?.name == "relu")
        #expect(loss.graph().first === w)
    }

    @Test func aDeepChainNeitherOverflowsNorLeaks() throws {
        let x = try Tensor([1.0]).requiringGrad()
        weak var firstLink: Tensor?
        do {
            var y = try x + 1
            firstLink = y
            for _ in 0..<100_000 { y = try y + 1 }
            try y.backward()
            #expect(try y.item() == 100_002)
        }
        expectTensor(try #require(x.grad), [1], [1])
        #expect(firstLink == nil)
    }

    @Test func trainingStepsFreeTheirGraphs() throws {
        // A few thousand steps of a tiny model: each step's graph must be gone by the next.
        let w = try Tensor.randn([3, 1], seed: 3).requiringGrad()
        let x = try Tensor.randn([8, 3], seed: 4)
        let target = try matmul(x, Tensor([[1.0], [-2], [0.5]]))
        final class WeakStorage {
            weak var storage: TensorStorage?
            init(_ storage: TensorStorage) { self.storage = storage }
        }
        var previousStep: [WeakStorage] = []
        var lastLoss = Double.infinity
        for _ in 0..<3000 {
            do {
                let hidden = try matmul(x, w)
                let loss = try ((hidden - target) * (hidden - target)).mean()
                w.zeroGrad()
                try loss.backward()
                try withNoGrad { try w.addInPlace(#require(w.grad), scaledBy: -0.05) }
                lastLoss = try loss.item()
                // Buffers of every result in this step's graph, and of the gradient.
                previousStep = loss.graph().filter { !$0.isLeaf }.map { WeakStorage($0.storage) } + [WeakStorage(w.grad!.storage)]
            }
            w.zeroGrad()
            #expect(previousStep.allSatisfy { $0.storage == nil })
        }
        #expect(lastLoss < 1e-6)
    }
}

@Suite struct InPlaceTests {
    @Test func optimizerStyleUpdates() throws {
        let w = try Tensor([[1.0, 2], [3, 4]]).requiringGrad()
        let g = try Tensor([1.0, -1])
        try withNoGrad {
            try w.addInPlace(g, scaledBy: -0.5)
            try w.multiplyInPlace(by: 2)
        }
        expectTensor(w, [2, 2], [1, 5, 5, 9])
        #expect(w.requiresGrad && w.isLeaf)
        let strided = try Tensor.zeros([2, 3])
        try strided.transpose().addInPlace(Tensor([1.0, 2]))
        expectTensor(strided, [2, 3], [1, 1, 1, 2, 2, 2])
        try strided.addInPlace(strided, scaledBy: 1)
        expectTensor(strided, [2, 3], [2, 2, 2, 4, 4, 4])
    }

    @Test func changingAParameterOutsideNoGradIsRefused() throws {
        let w = try Tensor([1.0]).requiringGrad()
        #expect(errorMessage { try w.fill(0) } == "fill would change a tensor that requires gradients in place; do it inside withNoGrad { }")
        #expect(errorMessage { try w.addInPlace(Tensor([1.0])) } != nil)
        #expect(errorMessage { try withNoGrad { try w.assign(Tensor([2.0])) } } == nil)
        #expect(errorMessage { try Tensor.zeros([2]).addInPlace(Tensor.ones([3])) } == "cannot add values of shape [3] to a tensor of shape [2]")
    }
}
