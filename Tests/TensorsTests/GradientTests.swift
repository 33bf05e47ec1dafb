import Testing
@testable import Tensors

/// Every differentiable op's gradient against central finite differences, in float64.
@Suite struct GradientTests {
    @Test func arithmeticWithBroadcasting() throws {
        let a = try sample([2, 3], seed: 1), b = try sample([3], seed: 2), c = try sample([2, 1], seed: 3, shift: 3)
        try expectGradients([a, b]) { try $0[0] + $0[1] }
        try expectGradients([a, b]) { try $0[0] - $0[1] }
        try expectGradients([a, b]) { try $0[0] * $0[1] }
        try expectGradients([a, c]) { try $0[0] / $0[1] }
        try expectGradients([a]) { try -$0[0] }
        try expectGradients([a]) { try 2 - $0[0] * 3 + 1 / ($0[0] * $0[0] + 1) }
    }

    @Test func power() throws {
        let base = try sample([2, 3], seed: 4, shift: 3), exponent = try sample([3], seed: 5)
        try expectGradients([base, exponent]) { try pow($0[0], $0[1]) }
        try expectGradients([base]) { try pow($0[0], 3) }
        try expectGradients([base]) { try pow($0[0], 2) }
    }

    @Test func maximumMinimumWhere() throws {
        let a = try sample([3, 4], seed: 6), b = try sample([4], seed: 7)
        try expectGradients([a, b]) { try maximum($0[0], $0[1]) }
        try expectGradients([a, b]) { try minimum($0[0], $0[1]) }
        let condition = try greater(a, Tensor.scalar(0, dtype: .float64)).detach()
        try expectGradients([a, b]) { try `where`(condition, $0[0], $0[1]) }
    }

    @Test func unaryFunctions() throws {
        let x = try sample([2, 5], seed: 8)
        let positive = try sample([2, 5], seed: 9, shift: 4)
        try expectGradients([x]) { try $0[0].exp() }
        try expectGradients([positive]) { try $0[0].log() }
        try expectGradients([positive]) { try $0[0].sqrt() }
        try expectGradients([x]) { try $0[0].abs() }
        try expectGradients([x]) { try $0[0].sin() }
        try expectGradients([x]) { try $0[0].cos() }
        try expectGradients([x]) { try $0[0].tanh() }
        try expectGradients([x]) { try $0[0].sigmoid() }
        try expectGradients([x]) { try $0[0].relu() }
        try expectGradients([x]) { try $0[0].leakyRelu(slope: 0.1) }
        try expectGradients([x]) { try $0[0].gelu() }
        try expectGradients([x]) { try $0[0].clamp(min: -0.5, max: 0.5) }
    }

    @Test func reductions() throws {
        let x = try sample([2, 3, 4], seed: 10)
        try expectGradients([x]) { try $0[0].sum() }
        try expectGradients([x]) { try $0[0].sum(axes: [0, 2], keepDims: true) }
        try expectGradients([x]) { try $0[0].sum(axes: [0, 2]) }
        try expectGradients([x]) { try $0[0].mean(axis: -1) }
        try expectGradients([x]) { try $0[0].max(axis: 1) }
        try expectGradients([x]) { try $0[0].min() }
        try expectGradients([x]) { try $0[0].variance(axis: 1, correction: 1) }
        try expectGradients([x]) { try $0[0].std(axes: [0, 2]) }
        try expectGradients([x]) { try $0[0].logSumExp(axes: [1]) }
    }

    @Test func softmaxFamily() throws {
        let x = try sample([3, 4], seed: 11)
        try expectGradients([x]) { try $0[0].softmax(axis: 1) }
        try expectGradients([x]) { try $0[0].softmax(axis: 0) }
        try expectGradients([x]) { try $0[0].logSoftmax(axis: -1) }
    }

    @Test func matrixProducts() throws {
        let a = try sample([3, 4], seed: 12), b = try sample([4, 2], seed: 13)
        try expectGradients([a, b]) { try matmul($0[0], $0[1]) }
        let batched = try sample([2, 3, 4], seed: 14)
        try expectGradients([batched, b]) { try matmul($0[0], $0[1]) }
        let vector = try sample([4], seed: 15)
        try expectGradients([a, vector]) { try matmul($0[0], $0[1]) }
        try expectGradients([vector, b]) { try matmul($0[0], $0[1]) }
        // Transposed operands go to BLAS as transposes, without copies.
        try expectGradients([a, b]) { try matmul($0[1].transpose(), $0[0].transpose()) }
    }

    @Test func shapeOperations() throws {
        let x = try sample([2, 3, 4], seed: 16)
        try expectGradients([x]) { try $0[0].reshape([4, -1]) * 2 }
        try expectGradients([x]) { try $0[0].permute([2, 0, 1]).exp() }
        try expectGradients([x]) { try $0[0].transpose(0, 2).reshape([-1]) }
        try expectGradients([x]) { try $0[0].flatten(startAxis: 1) }
        try expectGradients([x]) { try $0[0].unsqueeze(axis: 1).squeeze(axis: 1) }
        try expectGradients([x]) { try $0[0][1, .range(0, 3, step: 2)] }
        try expectGradients([x]) { try $0[0].index([.all, .all, 2]) }
        try expectGradients([x]) { try $0[0].pad([(1, 0), (2, 1)], value: 5) }
        let small = try sample([3, 1], seed: 17)
        try expectGradients([small]) { try $0[0].broadcast(to: [2, 3, 4]) }
    }

    @Test func gatherSelectConcatStack() throws {
        let x = try sample([3, 4], seed: 18)
        let index = try Tensor([[0, 0], [3, 1], [2, 2]], dtype: .int64)
        try expectGradients([x]) { try $0[0].gather(axis: 1, index: index) }
        let rows = try Tensor([2, 0, 2], dtype: .int64)
        try expectGradients([x]) { try $0[0].select(indices: rows) }
        try expectGradients([x]) { try $0[0].select(indices: rows, axis: 1) }
        let y = try sample([2, 4], seed: 19)
        try expectGradients([x, y]) { try concat([$0[0], $0[1]], axis: 0) }
        let z = try sample([3, 4], seed: 20)
        try expectGradients([x, z]) { try stack([$0[0], $0[1]], axis: 1) }
    }

    @Test func reusedInputsAccumulate() throws {
        // x appears on several paths; its gradient is the sum over them.
        let x = try sample([4], seed: 21)
        try expectGradients([x]) { inputs in
            let x = inputs[0]
            return try x * x.exp() + x.sin() * x - (x * 2).tanh()
        }
    }
}

@Suite struct GradientCheckTests {
    @Test func aWrongBackwardRuleIsCaught() throws {
        // exp with the derivative of x² instead of its own.
        let x = try sample([3], seed: 30)
        let report = try Tensors.checkGradients([x]) { inputs in
            let output = try withNoGrad { try inputs[0].exp() }
            return output.recorded("wrongExp", inputs: [inputs[0]]) { g, inputs in [try g * inputs[0] * 2] }
        }
        #expect(!report.passed)
        #expect(report.worstError > 0.01)
        #expect(report.description.contains("FAILED"))
    }

    @Test func inputsAreLeftAsTheyWere() throws {
        let x = try sample([4], seed: 31)
        let before = x.toDoubles()
        let report = try Tensors.checkGradients([x]) { try $0[0].tanh() }
        #expect(report.passed)
        #expect(x.toDoubles() == before && x.grad == nil)
        #expect(errorMessage { try Tensors.checkGradients([Tensor.ones([2])]) { $0[0] } } == "checkGradients needs float64 inputs, got float32 of shape [2]")
    }

    @Test func allCloseFollowsNumPy() throws {
        #expect(allClose(try Tensor([1.0, 2]), try Tensor([1.000001, 2])))
        #expect(!allClose(try Tensor([1.0, 2]), try Tensor([1.1, 2])))
        #expect(!allClose(try Tensor([1.0, 2]), try Tensor([[1.0, 2]])))
    }
}
