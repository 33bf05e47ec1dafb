import Tensors
import Testing

@testable import NeuralNetworks

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LossTests {
    let prediction: Tensor
    let target: Tensor

    init() throws {
        prediction = try Tensor([[0.5, 2], [-1, 3]], dtype: .float64)
        target = try Tensor([[1, 0], [0, 3.5]], dtype: .float64)
    }

    @Test func regressionLossesMatchHandValues() throws {
        // Differences -0.5, 2, -1, -0.5.
        expectTensor(try mse(prediction, target), [], [(0.25 + 4 + 1 + 0.25) / 4])
        expectTensor(try mae(prediction, target), [], [(0.5 + 2 + 1 + 0.5) / 4])
        expectTensor(try mse(prediction, target, reduction: .sum), [], [5.5])
        expectTensor(try mse(prediction, target, reduction: .none), [2, 2], [0.25, 4, 1, 0.25])
        // Huber, delta 1: 0.125, 1.5, 0.5, 0.125.
        expectTensor(try huber(prediction, target), [], [(0.125 + 1.5 + 0.5 + 0.125) / 4])
        expectTensor(try huber(prediction, target, delta: 2), [], [(0.125 + 2 + 0.5 + 0.125) / 4])
    }

    @Test func binaryCrossEntropyFromProbabilitiesAndFromLogits() throws {
        let p = try Tensor([0.9, 0.2, 0.6], dtype: .float64), t = try Tensor([1, 0, 0], dtype: .float64)
        expectTensor(try bce(p, t), [], [-(log(0.9) + log(0.8) + log(0.4)) / 3])
        let logits = try Tensor([2, -1, 0.5], dtype: .float64)
        let sigmoid = logits.toDoubles().map { 1 / (1 + exp(-$0)) }
        expectTensor(
            try bceWithLogits(logits, t), [], [-(log(sigmoid[0]) + log(1 - sigmoid[1]) + log(1 - sigmoid[2])) / 3])
        // Far logits stay finite and exact where the naive formula would give infinity.
        let far = try bceWithLogits(Tensor([200, -200], dtype: .float64), Tensor([0, 1], dtype: .float64)).item()
        #expect(abs(far - 200) < 1e-9)
        #expect(try bce(Tensor([0, 1], dtype: .float64), Tensor([1, 0], dtype: .float64)).item() == 100)
        // Saturated float32 probabilities: each wrong one costs 100, as in PyTorch, and the
        // gradients stay finite (no 0 / 0).
        let saturated = try Tensor([0, 1, 1, 0]).requiringGrad()
        let loss = try bce(saturated, Tensor([1, 0, 1, 0]))
        let value = try loss.item()
        #expect(abs(value - 2 * 100.0 / 4) < 1e-3)
        try loss.backward()
        let gradients = saturated.grad?.toDoubles() ?? []
        #expect(gradients.count == 4 && gradients.allSatisfy { $0.isFinite })
    }

    @Test func bceWithLogitsHasTheSigmoidGradientAtZero() throws {
        // d/dx = sigmoid(x) - t, which at x = 0 is 0.5 - t (a kinked formula gives -t there).
        let logits = try Tensor([0, 0, 3], dtype: .float64).requiringGrad()
        let t = try Tensor([1, 0, 0.25], dtype: .float64)
        try bceWithLogits(logits, t, reduction: .sum).backward()
        let gradients = logits.grad?.toDoubles() ?? []
        let expected = [0.5 - 1, 0.5 - 0, 1 / (1 + exp(-3)) - 0.25]
        #expect(gradients.count == 3 && zip(gradients, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(gradients)")
    }

    @Test func crossEntropyWithIndicesEqualsOneHotAndIsStable() throws {
        let logits = try Tensor([[2, 1, 0.1], [0.5, 2.5, -1]], dtype: .float64)
        let indices = try Tensor(shape: [2], scalars: [0, 1], dtype: .int64)
        func expected(_ row: [Double], _ k: Int) -> Double { -(row[k] - log(row.map { exp($0) }.reduce(0, +))) }
        let value = (expected([2, 1, 0.1], 0) + expected([0.5, 2.5, -1], 1)) / 2
        expectTensor(try crossEntropy(logits, indices), [], [value])
        expectTensor(try crossEntropy(logits, indices.oneHot(classes: 3).converted(to: .float64)), [], [value])
        expectTensor(try crossEntropy(logits, Tensor([0, 1], dtype: .float64)), [], [value])
        let huge = try crossEntropy(
            Tensor([[1000, 0], [0, -1000]]), Tensor(shape: [2], scalars: [1, 1], dtype: .int64)
        ).item()
        #expect(abs(huge - 1000) < 1e-3)
    }

    @Test func lossGradientsMatchFiniteDifferences() throws {
        let p = try sample([3, 4], seed: 1)
        let t = try sample([3, 4], seed: 2)
        let classes = try Tensor(shape: [3], scalars: [0, 3, 1], dtype: .int64)
        let checks: [(String, ([Tensor]) throws -> Tensor)] = [
            ("mse", { try mse($0[0], t) }), ("mae", { try mae($0[0], t) }),
            ("huber", { try huber($0[0], t, delta: 0.7) }),
            ("bceWithLogits", { try bceWithLogits($0[0], t.sigmoid()) }),
            ("crossEntropy", { try crossEntropy($0[0], classes) }),
            ("crossEntropy one-hot", { try crossEntropy($0[0], t.softmax(axis: 1)) }),
        ]
        for (name, function) in checks {
            let report = try checkGradients([p], function)
            #expect(report.passed, "\(name): \(report)")
        }
        let probabilities = try Tensor([0.2, 0.7, 0.4], dtype: .float64)
        let report = try checkGradients([probabilities]) { try bce($0[0], Tensor([0, 1, 1], dtype: .float64)) }
        #expect(report.passed, "bce: \(report)")
    }

    @Test func mismatchedShapesAndBadLabelsAreClearErrors() throws {
        #expect(
            errorMessage { try mse(Tensor.zeros([4, 1]), Tensor.zeros([4])) }
                == "mse: prediction has shape [4, 1] but target has shape [4]; reshape one to match the other")
        #expect(
            errorMessage {
                try crossEntropy(Tensor.zeros([2, 3]), Tensor(shape: [2], scalars: [0, 3], dtype: .int64))
            }
                == "crossEntropy: class index 3 is out of range for 3 classes (0...2)")
        #expect(
            errorMessage { try crossEntropy(Tensor.zeros([1, 3]), Tensor([1e300], dtype: .float64)) }
                == "crossEntropy: class index 1e+300 is out of range for 3 classes (0...2)")
        #expect(
            errorMessage { try accuracy(Tensor.zeros([1, 3]), Tensor([Double.nan], dtype: .float64)) }
                == "targets must be class indices (whole numbers), got nan")
        #expect(
            errorMessage { try crossEntropy(Tensor.zeros([2, 3]), Tensor.zeros([3])) }
                == "crossEntropy: logits of shape [2, 3] need class indices of shape [2] or one-hot targets of shape [2, 3], got [3]"
        )
    }

    @Test func accuracyAndConfusionMatrix() throws {
        let scores = try Tensor([[0.1, 0.9, 0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
        let labels = try Tensor(shape: [4], scalars: [1, 0, 1, 2], dtype: .int64)
        #expect(try accuracy(scores, labels) == 0.5)
        #expect(try accuracy(scores, labels.oneHot(classes: 3)) == 0.5)
        #expect(try accuracy(Tensor([[0.7], [0.2], [0.5]]), Tensor([[1], [1], [0]])) == 1.0 / 3)
        let matrix = try confusionMatrix(scores, labels)
        #expect(matrix.shape == [3, 3])
        #expect(matrix.dtype == .int64)
        // Rows: true class; columns: predicted.
        #expect(matrix.toInts() == [1, 0, 0, 0, 1, 1, 1, 0, 0])
    }
}
