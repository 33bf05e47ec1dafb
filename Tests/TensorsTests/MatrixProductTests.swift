import Testing
@testable import Tensors

@Suite struct MatrixProductTests {
    /// The product computed the slow, obvious way, in doubles.
    func reference(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return c
    }

    @Test func largeProductsMatchTheObviousLoop() throws {
        // Large enough that OpenBLAS uses every thread.
        let (m, k, n) = (200, 300, 150)
        let a = try Tensor.randn([m, k], seed: 1), b = try Tensor.randn([k, n], seed: 2)
        let expected = reference(a.toDoubles(), b.toDoubles(), m: m, k: k, n: n)
        expectTensor(try matmul(a, b), [m, n], expected, tolerance: 1e-4)
        // Transposed views go to BLAS as transposes.
        let at = try Tensor.randn([k, m], seed: 1), bt = try Tensor.randn([n, k], seed: 2)
        let viaTransposes = try matmul(at.transpose(), bt.transpose())
        expectTensor(viaTransposes, [m, n], reference(try at.transpose().toDoubles(), try bt.transpose().toDoubles(), m: m, k: k, n: n), tolerance: 1e-4)
        // A strided view BLAS cannot read directly is copied first.
        let wide = try Tensor.randn([m, 2 * k], seed: 3, dtype: .float64)
        let everyOther = try wide[.all, .range(nil, nil, step: 2)]
        let b64 = try b.converted(to: .float64)
        expectTensor(try matmul(everyOther, b64), [m, n], reference(everyOther.toDoubles(), b64.toDoubles(), m: m, k: k, n: n), tolerance: 1e-10)
    }

    @Test func batchedProductsBroadcastTheirBatchAxes() throws {
        let a = try Tensor.randn([2, 1, 3, 4], seed: 4, dtype: .float64)
        let b = try Tensor.randn([5, 4, 2], seed: 5, dtype: .float64)
        let product = try matmul(a, b)
        #expect(product.shape == [2, 5, 3, 2])
        for i in 0..<2 {
            for j in 0..<5 {
                let expected = reference(try a[.at(i), 0].toDoubles(), try b[.at(j)].toDoubles(), m: 3, k: 4, n: 2)
                expectTensor(try product[.at(i), .at(j)], [3, 2], expected, tolerance: 1e-12)
            }
        }
    }

    @Test func vectorsActAsRowsOrColumns() throws {
        let m = try Tensor([[1, 2], [3, 4], [5, 6]])
        expectTensor(try matmul(m, Tensor([1.0, -1])), [3], [-1, -1, -1])
        expectTensor(try matmul(Tensor([1.0, 0, 2]), m), [2], [11, 14])
        expectTensor(try matmul(Tensor([1.0, 2]), Tensor([3.0, 4])), [], [11])
        expectTensor(try matmul(Tensor([[1, 2]], dtype: .int64), Tensor([[3], [4]], dtype: .int64)), [1, 1], [11])
    }

    @Test func mismatchedShapesAreNamed() {
        #expect(errorMessage { try matmul(Tensor.zeros([4, 2]), Tensor.zeros([3, 1])) } == "cannot multiply [4, 2] by [3, 1]: inner sizes 2 and 3 differ")
        #expect(errorMessage { try matmul(Tensor.zeros([3]), Tensor.zeros([2])) } == "cannot multiply [3] by [2]: inner sizes 3 and 2 differ")
        #expect(errorMessage { try matmul(Tensor.zeros([2, 2, 3]), Tensor.zeros([3, 3, 1])) } == "cannot multiply [2, 2, 3] by [3, 3, 1]: batch shapes [2] and [3] do not broadcast")
        #expect(errorMessage { try matmul(Tensor.scalar(1), Tensor.zeros([1])) }?.hasPrefix("cannot multiply [] by [1]") == true)
    }

    @Test func openBLASRunsTheKernelsTheProcessorCallsFor() throws {
        _ = try matmul(Tensor.ones([2, 2]), Tensor.ones([2, 2]))
        let name = try #require(BLAS.coreName)
        #expect(name.lowercased() != "prescott")
        if let preferred = BLAS.preferredCoreType() {
            #expect(name.lowercased() == preferred.lowercased())
        }
    }
}

@Suite struct LimitTests {
    @Test func tensorsLargerThanTheMemoryLimitAreRefused() {
        let message = errorMessage { try Tensor.zeros([1 << 20, 1 << 20]) }
        #expect(message?.hasPrefix("a tensor of shape [1048576, 1048576] needs 4.0 TB, more than the memory limit of") == true)
        #expect(TensorMemory.limitBytes > 0)
        do {
            _ = try Tensor.ones([1 << 30, 1 << 10], dtype: .float64)
            Issue.record("an 8 TB tensor was allocated")
        } catch let error as TensorError {
            #expect(error.kind == "MemoryError")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func axisErrorsNameTheAxisAndRank() {
        #expect(errorMessage { try Tensor.zeros([2, 3]).sum(axis: 2) } == "axis 2 is out of range for a tensor of rank 2 (valid: -2 to 1)")
        #expect(errorMessage { try Tensor.zeros([2, 3]).sum(axes: [0, -2]) } == "axis -2 is given more than once")
        #expect(TensorError.axisOutOfRange(axis: 2, rank: 2).kind == "ShapeError")
    }
}
