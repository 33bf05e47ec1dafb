import Testing
@testable import Tensors

@Test func smoke() throws {
    let a = try Tensor([[1, 2, 3], [4, 5, 6]])
    let b = try Tensor([10, 20, 30])
    expectTensor(try a + b, [2, 3], [11, 22, 33, 14, 25, 36])
    expectTensor(try matmul(a, a.transpose()), [2, 2], [14, 32, 32, 77])
    expectTensor(try a.sum(axis: 0), [3], [5, 7, 9])
    print(try a.softmax(axis: 1))
    print(BLAS.coreName ?? "none")
}
