import Testing
@testable import Tensors

@Suite struct BroadcastingTests {
    @Test func shapesFollowNumPyRules() throws {
        #expect(try broadcastShapes([2, 1, 3], [4, 1]) == [2, 4, 3])
        #expect(try broadcastShapes([], [5]) == [5])
        #expect(try broadcastShapes([0, 3], [3]) == [0, 3])
        #expect(try broadcastShapes([1, 0], [4, 1]) == [4, 0])
        #expect(try broadcastShapes([3, 1], [1]) == [3, 1])
        #expect(errorMessage { try broadcastShapes([2, 3], [4]) } == "cannot broadcast [2, 3] with [4]: sizes 3 and 4 differ on axis -1")
        #expect(errorMessage { try broadcastShapes([2, 1], [3, 1]) } != nil)
    }

    @Test func valuesAlongStretchedAxes() throws {
        let column = try Tensor([[1.0], [2], [3]])
        let row = try Tensor([10.0, 20])
        expectTensor(try column + row, [3, 2], [11, 21, 12, 22, 13, 23])
        expectTensor(try column * row, [3, 2], [10, 20, 20, 40, 30, 60])
        expectTensor(try row - column, [3, 2], [9, 19, 8, 18, 7, 17])
        // Three axes, with the size-1 axis in the middle.
        let cube = try Tensor.arange(0, 12, dtype: .float32).reshape([2, 3, 2])
        let middle = try Tensor([[[100.0, 200]]])
        expectTensor(try cube + middle, [2, 3, 2], [100, 201, 102, 203, 104, 205, 106, 207, 108, 209, 110, 211])
        // A scalar tensor on either side.
        expectTensor(try Tensor.scalar(5) - row, [2], [-5, -15])
        expectTensor(try 1 / Tensor([4.0, 8]), [2], [0.25, 0.125])
    }

    @Test func nonContiguousOperands() throws {
        let x = try Tensor.arange(0, 6, dtype: .float32).reshape([2, 3])
        let t = try x.transpose()
        #expect(!t.isContiguous)
        expectTensor(try t + 0, [3, 2], [0, 3, 1, 4, 2, 5])
        expectTensor(try t * Tensor([1.0, 10]), [3, 2], [0, 30, 1, 40, 2, 50])
        let everyOther = try Tensor.arange(0, 10, dtype: .float32)[.range(nil, nil, step: 2)]
        expectTensor(try everyOther.exp().log(), [5], [0, 2, 4, 6, 8], tolerance: 1e-5)
    }

    @Test func zeroSizedTensors() throws {
        let empty = try Tensor.zeros([0, 3])
        expectTensor(try empty + Tensor([1.0, 2, 3]), [0, 3], [])
        expectTensor(try empty.sum(axis: 0), [3], [0, 0, 0])
        expectTensor(try empty.sum(axis: 1), [0], [])
        expectTensor(try empty.exp(), [0, 3], [])
        expectTensor(try matmul(empty, Tensor.ones([3, 2])), [0, 2], [])
        expectTensor(try matmul(Tensor.ones([2, 0]), Tensor.ones([0, 2])), [2, 2], [0, 0, 0, 0])
        expectTensor(try concat([empty, Tensor.ones([1, 3])]), [1, 3], [1, 1, 1])
        #expect(errorMessage { try empty.max(axis: 0) }?.contains("no elements") == true)
        #expect(empty.description == "tensor([], shape: [0, 3], dtype: float32)")
    }

    @Test func largeLoopsSplitAcrossCoresGiveTheSameResult() throws {
        let n = 1 << 21
        let x = try Tensor.arange(0, Double(n), dtype: .float32)
        let y = try Tensor.full([n], value: 2)
        let values = try (x * y + 1).toDoubles()
        #expect(values.count == n && values[0] == 1 && values[n - 1] == Double(2 * (n - 1) + 1))
        #expect(values.enumerated().allSatisfy { $0.element == Double(2 * $0.offset + 1) })
        // One long row broadcast against a column: the inner axis is split across cores.
        let wide = try Tensor.ones([1, n]) * Tensor([[3.0]])
        #expect(try wide.sum().item() == Double(3 * n))
    }
}
