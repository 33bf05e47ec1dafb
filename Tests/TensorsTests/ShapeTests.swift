import Testing
@testable import Tensors

@Suite struct ShapeTests {
    @Test func creation() throws {
        expectTensor(try Tensor.zeros([2, 2]), [2, 2], [0, 0, 0, 0])
        expectTensor(try Tensor.ones([3], dtype: .int32), [3], [1, 1, 1])
        expectTensor(try Tensor.full([2], value: 7.5, dtype: .float64), [2], [7.5, 7.5])
        expectTensor(try Tensor.eye(2, 3), [2, 3], [1, 0, 0, 0, 1, 0])
        expectTensor(try Tensor.eye(3), [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let range = try Tensor.arange(5)
        #expect(range.dtype == .int64)
        expectTensor(range, [5], [0, 1, 2, 3, 4])
        expectTensor(try Tensor.arange(1, 2, step: 0.25), [4], [1, 1.25, 1.5, 1.75])
        expectTensor(try Tensor.arange(5, 0, step: -2), [3], [5, 3, 1])
        expectTensor(try Tensor.linspace(0, 1, count: 5), [5], [0, 0.25, 0.5, 0.75, 1])
        expectTensor(try Tensor.linspace(3, 3, count: 1), [1], [3])
        expectTensor(try Tensor.scalar(4), [], [4])
        expectTensor(try Tensor([[[1, 2]], [[3, 4]]]), [2, 1, 2], [1, 2, 3, 4])
        expectTensor(try Tensor([] as NestedScalars), [0], [])
        #expect(try Tensor([1, 2, 3], dtype: .int32).toInts() == [1, 2, 3])
        #expect(try Tensor.scalar(2.5).item() == 2.5)
    }

    @Test func raggedAndInconsistentInputsAreRejected() {
        #expect(errorMessage { try Tensor([[1, 2], [3]]) } == "nested list is ragged: row [1] has 1 element, expected 2")
        #expect(errorMessage { try Tensor([[1, 2], 3]) }?.contains("ragged") == true)
        #expect(errorMessage { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) } == "shape [2, 2] holds 4 elements but 3 were given")
        #expect(errorMessage { try Tensor.zeros([2, -1]) } == "shape [2, -1] has a negative size -1")
        #expect(errorMessage { try Tensor.zeros([Int.max, 4]) }?.contains("more elements than can be counted") == true)
        #expect(errorMessage { try Tensor.ones([2]).item() } == "item() needs a tensor of one element, not shape [2]")
    }

    @Test func reshapeIsAViewWhenContiguous() throws {
        let x = try Tensor.arange(0, 6, dtype: .float32)
        let matrix = try x.reshape([2, -1])
        #expect(matrix.shape == [2, 3])
        #expect(matrix.storage === x.storage)
        let copied = try matrix.transpose().reshape([6])
        #expect(copied.storage !== x.storage)
        expectTensor(copied, [6], [0, 3, 1, 4, 2, 5])
        #expect(errorMessage { try x.reshape([4, -1]) } == "cannot reshape [6] (6 elements) to [4, -1]")
        #expect(errorMessage { try x.reshape([5]) } == "cannot reshape [6] (6 elements) to [5] (5 elements)")
        expectTensor(try Tensor.zeros([2, 3, 4]).flatten(startAxis: 1), [2, 12], [Double](repeating: 0, count: 24))
    }

    @Test func permuteTransposeSqueeze() throws {
        let x = try Tensor.arange(0, 24, dtype: .float32).reshape([2, 3, 4])
        let p = try x.permute([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p.storage === x.storage)
        expectTensor(try p[1], [2, 3], [1, 5, 9, 13, 17, 21])
        expectTensor(try x.transpose(0, -1)[.all, 2, 1], [4], [20, 21, 22, 23])
        #expect(try x.unsqueeze(axis: 1).shape == [2, 1, 3, 4])
        #expect(try x.unsqueeze(axis: -1).shape == [2, 3, 4, 1])
        #expect(try Tensor.zeros([1, 3, 1]).squeeze().shape == [3])
        #expect(errorMessage { try x.squeeze(axis: 0) } == "cannot squeeze axis 0 of shape [2, 3, 4]: its size is 2, not 1")
        #expect(errorMessage { try x.permute([0, 0, 1]) } == "permute needs each axis once, got [0, 0, 1]")
        #expect(errorMessage { try x.transpose(0, 3) } == "axis 3 is out of range for a tensor of rank 3 (valid: -3 to 2)")
    }

    @Test func indexingAndSlicing() throws {
        let x = try Tensor.arange(0, 12, dtype: .float32).reshape([3, 4])
        expectTensor(try x[1], [4], [4, 5, 6, 7])
        expectTensor(try x[-1, -2], [], [10])
        expectTensor(try x[0..<2], [2, 4], [0, 1, 2, 3, 4, 5, 6, 7])
        expectTensor(try x[.all, .range(1, nil, step: 2)], [3, 2], [1, 3, 5, 7, 9, 11])
        expectTensor(try x[.range(-2, 100)], [2, 4], [4, 5, 6, 7, 8, 9, 10, 11])
        expectTensor(try x[.range(3, 1)], [0, 4], [])
        expectTensor(try x[.newAxis, 2], [1, 4], [8, 9, 10, 11])
        expectTensor(try x[.range(0...1), 3], [2], [3, 7])
        #expect(errorMessage { try x[3] } == "index 3 is out of range for axis 0 of size 3")
        #expect(errorMessage { try x[0, 0, 0] } == "too many indices (3) for a tensor of shape [3, 4]")
    }

    @Test func gatherSelectOneHot() throws {
        let x = try Tensor([[1, 2, 3], [4, 5, 6]])
        let index = try Tensor([[2, 0], [1, 1]], dtype: .int64)
        expectTensor(try x.gather(axis: 1, index: index), [2, 2], [3, 1, 5, 5])
        expectTensor(try x.gather(axis: 0, index: Tensor([[1, 0, 1]], dtype: .int32)), [1, 3], [4, 2, 6])
        expectTensor(try x.select(indices: Tensor([1, 1, 0], dtype: .int64)), [3, 3], [4, 5, 6, 4, 5, 6, 1, 2, 3])
        expectTensor(try x.select(indices: Tensor([[2], [0]], dtype: .int64), axis: 1), [2, 2, 1], [3, 1, 6, 4])
        #expect(errorMessage { try x.gather(axis: 1, index: Tensor([[3]], dtype: .int64)) } == "index 3 is out of range for axis 1 of size 3")
        #expect(errorMessage { try x.select(indices: Tensor([0.5])) } == "select needs integer indices, got float32")
        let labels = try Tensor([2, 0, 1], dtype: .int64)
        expectTensor(try labels.oneHot(classes: 3), [3, 3], [0, 0, 1, 1, 0, 0, 0, 1, 0])
        #expect(errorMessage { try labels.oneHot(classes: 2) } == "label 2 is outside 0..<2 for oneHot with 2 classes")
    }

    @Test func concatStackPad() throws {
        let a = try Tensor([[1, 2], [3, 4]]), b = try Tensor([[5, 6]])
        expectTensor(try concat([a, b]), [3, 2], [1, 2, 3, 4, 5, 6])
        expectTensor(try concat([a, a], axis: -1), [2, 4], [1, 2, 1, 2, 3, 4, 3, 4])
        expectTensor(try stack([a, a], axis: 1), [2, 2, 2], [1, 2, 1, 2, 3, 4, 3, 4])
        expectTensor(try stack([Tensor([1.0]), Tensor([2.0])]), [2, 1], [1, 2])
        #expect(errorMessage { try concat([a, b], axis: 1) } == "cannot concatenate [2, 2] and [1, 2] along axis 1: other sizes differ")
        #expect(errorMessage { try stack([a, b]) } == "cannot stack tensors of shapes [2, 2] and [1, 2]")
        expectTensor(try b.pad([(1, 1)], value: 9), [1, 4], [9, 5, 6, 9])
        expectTensor(try b.pad([(0, 1), (1, 0)]), [2, 3], [0, 5, 6, 0, 0, 0])
    }

    @Test func assignFillAndCopy() throws {
        let x = try Tensor.zeros([2, 3])
        try x[1].assign(Tensor([1.0, 2, 3]))
        expectTensor(x, [2, 3], [0, 0, 0, 1, 2, 3])
        try x.transpose()[0].fill(7)
        expectTensor(x, [2, 3], [7, 0, 0, 7, 2, 3])
        let copy = try x.copy()
        try copy.fill(0)
        #expect(x.toDoubles()[0] == 7)
        #expect(errorMessage { try x.assign(Tensor.ones([3])) } == nil)
        #expect(errorMessage { try x.assign(Tensor.ones([4])) } != nil)
    }

    @Test func descriptionShowsValuesShapeAndType() throws {
        #expect(try Tensor([[1, 2], [3, 4]]).description == "tensor([[1., 2.], [3., 4.]], shape: [2, 2], dtype: float32)")
        #expect(try Tensor([1, 2], dtype: .int64).description == "tensor([1, 2], shape: [2], dtype: int64)")
        #expect(try Tensor.arange(10).description == "tensor([0, 1, 2, ..., 7, 8, 9], shape: [10], dtype: int64)")
    }
}

@Suite struct BytesTests {
    @Test func bytesRoundTrip() throws {
        let x = try Tensor([[1.5, -2], [3, 4]])
        let bytes = x.contiguousBytes()
        #expect(bytes.count == 16)
        // 1.5 as a little-endian float32 is 00 00 C0 3F.
        #expect(Array(bytes[0..<4]) == [0x00, 0x00, 0xC0, 0x3F])
        expectTensor(try Tensor(bytes: bytes, shape: [2, 2], dtype: .float32), [2, 2], [1.5, -2, 3, 4])
        let transposedBytes = try x.transpose().contiguousBytes()
        expectTensor(try Tensor(bytes: transposedBytes, shape: [2, 2], dtype: .float32), [2, 2], [1.5, 3, -2, 4])
        #expect(errorMessage { try Tensor(bytes: [0, 0, 0], shape: [1], dtype: .float32) } == "a float32 tensor of shape [1] needs 4 bytes, got 3")
        let labels = try Tensor([7, 8], dtype: .int64)
        expectTensor(try Tensor(bytes: labels.contiguousBytes(), shape: [2], dtype: .int64), [2], [7, 8])
    }

    @Test func typedScalars() throws {
        let x = try Tensor([[1, 2], [3, 4]]).transpose()
        #expect(try x.scalars(as: Float.self) == [1, 3, 2, 4])
        #expect(try x.scalars(as: Int64.self) == [1, 3, 2, 4])
        let total = try x.withScalars(as: Double.self) { $0.reduce(0, +) }
        #expect(total == 10)
        #expect(try pow(Tensor([2, 3], dtype: .int64), 2).dtype == .float32)
    }
}
