import Testing
@testable import Tensors

/// Values of ops against hand-computed results and NumPy 2.x (fixtures printed once by NumPy).
@Suite struct ValueTests {
    static let a: NestedScalars = [[0.5, -1.25, 2.0, 3.5], [-0.75, 1.5, -2.25, 0.25], [1.0, 2.0, -3.0, 4.0]]
    static let b: NestedScalars = [
        [1.5, -0.5, 0.25, 2.0, -1.0], [0.75, 1.25, -1.5, 0.5, 2.5], [-2.0, 0.5, 1.0, -0.25, 0.125], [0.375, -1.75, 2.25, 1.0, -0.5],
    ]

    @Test(arguments: [DType.float32, .float64])
    func matrixProductMatchesNumPy(dtype: DType) throws {
        let product = try matmul(Tensor(Self.a, dtype: dtype), Tensor(Self.b, dtype: dtype))
        expectTensor(
            product, [3, 5],
            [-2.875, -6.9375, 11.875, 3.375, -5.125, 4.59375, 0.6875, -4.125, 0.0625, 4.09375, 10.5, -6.5, 3.25, 7.75, 1.625])
        #expect(product.dtype == dtype)
    }

    @Test func elementaryFunctionsMatchNumPy() throws {
        let x = try Tensor([[-3.0, -0.5, 0.0, 0.7, 2.5, 10.0]], dtype: .float64)
        expectTensor(try x.exp(), [1, 6], [0.049787068367863944, 0.6065306597126334, 1.0, 2.0137527074704766, 12.182493960703473, 22026.465794806718], tolerance: 1e-12)
        expectTensor(try x.tanh(), [1, 6], [-0.9950547536867305, -0.46211715726000974, 0.0, 0.6043677771171634, 0.9866142981514303, 0.9999999958776927], tolerance: 1e-12)
        expectTensor(try x.sigmoid(), [1, 6], [0.04742587317756678, 0.3775406687981454, 0.5, 0.6681877721681662, 0.9241418199787566, 0.9999546021312976], tolerance: 1e-12)
        expectTensor(try x.gelu(), [1, 6], [-0.00404969409489031, -0.15426876936299344, 0.0, 0.5306254434438489, 2.4844758366855597, 10.0], tolerance: 1e-12)
        expectTensor(try x.relu(), [1, 6], [0, 0, 0, 0.7, 2.5, 10])
        expectTensor(try x.leakyRelu(slope: 0.1), [1, 6], [-0.3, -0.05, 0, 0.7, 2.5, 10])
        expectTensor(try x.abs(), [1, 6], [3, 0.5, 0, 0.7, 2.5, 10])
        expectTensor(try x.clamp(min: -1, max: 1), [1, 6], [-1, -0.5, 0, 0.7, 1, 1])
        expectTensor(try Tensor([4.0, 0.25]).sqrt(), [2], [2, 0.5])
        let logs = try Tensor([1.0, 0, -1]).log().toDoubles()
        #expect(logs[0] == 0 && logs[1] == -.infinity && logs[2].isNaN)
    }

    @Test func sigmoidAndSoftmaxStayFiniteForLargeInputs() throws {
        let big = try Tensor([-1000.0, 1000.0])
        expectTensor(try big.sigmoid(), [2], [0, 1])
        expectTensor(try big.softmax(), [2], [0, 1])
        expectTensor(try big.logSoftmax(), [2], [-2000, 0])
    }

    @Test func softmaxMatchesNumPy() throws {
        let x = try Tensor(Self.a, dtype: .float64)
        expectTensor(try x.softmax(axis: 1), [3, 4], [0.038848529678271355, 0.006750862199444865, 0.17410703085781265, 0.7802935772644711, 0.0744648888398495, 0.7065031943962942, 0.016615362572270642, 0.20241655419158566, 0.04197776671083263, 0.11410740044934936, 0.0007688496164311372, 0.8431459832233869], tolerance: 1e-12)
        expectTensor(try x.logSoftmax(axis: -1), [3, 4], [-3.2480850490038047, -4.998085049003804, -1.7480850490038045, -0.24808504900380454, -2.5974275554292854, -0.3474275554292852, -4.097427555429285, -1.5974275554292852, -3.170615164889167, -2.170615164889167, -7.170615164889167, -0.17061516488916714], tolerance: 1e-12)
        expectTensor(try x.softmax(axis: 0).sum(axis: 0), [4], [1, 1, 1, 1])
    }

    @Test func reductionsMatchNumPy() throws {
        let x = try Tensor(Self.a, dtype: .float64)
        expectTensor(try x.sum(), [], [7.5])
        expectTensor(try x.sum(axis: 0), [4], [0.75, 2.25, -3.25, 7.75])
        expectTensor(try x.sum(axis: -1, keepDims: true), [3, 1], [4.75, -1.25, 4])
        expectTensor(try x.mean(axes: [0, 1]), [], [0.625])
        expectTensor(try x.max(axis: 1), [3], [3.5, 1.5, 4])
        expectTensor(try x.min(axis: 0, keepDims: true), [1, 4], [-0.75, -1.25, -3, 0.25])
        expectTensor(try x.argmax(axis: 1), [3], [3, 1, 3])
        expectTensor(try x.argmin(), [], [10])
        expectTensor(try x.variance(axis: 0), [4], [0.5416666666666666, 2.0416666666666665, 4.847222222222221, 2.7638888888888893], tolerance: 1e-12)
        expectTensor(try x.std(axis: 1, correction: 1), [3], [2.0348525745124633, 1.58607219255619, 2.943920288775949], tolerance: 1e-12)
        #expect(try x.argmax(axis: 1).dtype == .int64)
    }

    @Test func reductionsOfThreeAxesInAnyCombination() throws {
        // x[i, j, k] = 100 i + 10 j + k.
        var values: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { values.append(Double(100 * i + 10 * j + k)) } } }
        let x = try Tensor(shape: [2, 3, 4], scalars: values, dtype: .float64)
        // Over i and k: 4 * 100 + 2 * 6 + 8 * 10 j.
        expectTensor(try x.sum(axes: [0, 2]), [3], [412, 492, 572])
        expectTensor(try x.sum(axis: 1), [2, 4], [30, 33, 36, 39, 330, 333, 336, 339])
        expectTensor(try x.max(axes: [0, 1]), [4], [120, 121, 122, 123])
        expectTensor(try x.argmax(axis: 0), [3, 4], [Double](repeating: 1, count: 12))
        expectTensor(try x.transpose(0, 2).sum(axis: 0), [3, 2], [6, 406, 46, 446, 86, 486])
    }

    @Test func largeSumsAreAccurateAndParallelPathsAgree() throws {
        let n = 1 << 20
        let x = try Tensor.full([n], value: 0.1)
        #expect(Swift.abs(try x.sum().item() - 0.1 * Double(n)) < 0.1 * Double(n) * 1e-4)
        let grid = try Tensor.arange(0, Double(4 * n), dtype: .float64).reshape([4, n])
        expectTensor(try grid.max(axis: 1), [4], (1...4).map { Double($0 * n - 1) })
        expectTensor(try grid.sum(axis: 0).sum(), [], [Double(4 * n) * Double(4 * n - 1) / 2])
    }

    @Test func integerArithmeticAndPromotion() throws {
        let i = try Tensor([7, -7, 3], dtype: .int64)
        let sum = try i + 1
        #expect(sum.dtype == .int64)
        expectTensor(sum, [3], [8, -6, 4])
        let quotient = try i / 2
        #expect(quotient.dtype == .float32)
        expectTensor(quotient, [3], [3.5, -3.5, 1.5])
        let mixed = try i + Tensor([0.5, 0.5, 0.5])
        #expect(mixed.dtype == .float32)
        #expect(try (Tensor([1.0], dtype: .float32) + Tensor([1.0], dtype: .float64)).dtype == .float64)
        #expect(try (i * 2.5).dtype == .float32)
        #expect(try i.mean().dtype == .float32)
        expectTensor(try i.abs(), [3], [7, 7, 3])
    }

    @Test func comparisonsAndWhere() throws {
        let x = try Tensor([1.0, 2, 3, 4]), y = try Tensor([3.0])
        expectTensor(try less(x, y), [4], [1, 1, 0, 0])
        expectTensor(try lessEqual(x, y), [4], [1, 1, 1, 0])
        expectTensor(try greater(x, y), [4], [0, 0, 0, 1])
        expectTensor(try greaterEqual(x, y), [4], [0, 0, 1, 1])
        expectTensor(try equal(x, y), [4], [0, 0, 1, 0])
        expectTensor(try notEqual(x, y), [4], [1, 1, 0, 1])
        expectTensor(try `where`(greater(x, y), x, Tensor.scalar(-1)), [4], [-1, -1, -1, 4])
        // The unchosen side may be infinite without spoiling the chosen one.
        expectTensor(try `where`(Tensor([1.0, 0]), Tensor([1.0, 2]), Tensor([Double.infinity, 5])), [2], [1, 5])
        expectTensor(try maximum(x, y), [4], [3, 3, 3, 4])
        expectTensor(try minimum(x, y), [4], [1, 2, 3, 3])
        let withNaN = try Tensor([Double.nan, 1])
        #expect(try maximum(withNaN, Tensor([0.0, 2])).toDoubles()[0].isNaN)
        #expect(try minimum(Tensor([0.0, 2]), withNaN).toDoubles()[0].isNaN)
        #expect(try withNaN.max().item().isNaN)
    }

    @Test func powerValues() throws {
        expectTensor(try pow(Tensor([2.0, 3, 4]), 2), [3], [4, 9, 16])
        expectTensor(try pow(Tensor([4.0, 9]), 0.5), [2], [2, 3])
        expectTensor(try pow(Tensor([2.0]), Tensor([[1.0], [3]])), [2, 1], [2, 8])
    }
}

@Suite struct NumPyFixtureTests {
    @Test(arguments: numPyCases.indices)
    func caseMatchesNumPy(index: Int) throws {
        let c = numPyCases[index]
        let a = try Tensor(shape: c.aShape, scalars: c.a, dtype: .float64)
        let result: Tensor
        if c.kind == "binary" {
            let b = try Tensor(shape: c.bShape, scalars: c.b, dtype: .float64)
            switch c.operation {
            case "add": result = try a + b
            case "subtract": result = try a - b
            case "multiply": result = try a * b
            case "divide": result = try a / b
            default: result = try maximum(a, b)
            }
        } else {
            switch c.operation {
            case "sum": result = try a.sum(axes: c.axes, keepDims: c.keepDims)
            case "mean": result = try a.mean(axes: c.axes, keepDims: c.keepDims)
            case "max": result = try a.max(axes: c.axes, keepDims: c.keepDims)
            default: result = try a.min(axes: c.axes, keepDims: c.keepDims)
            }
        }
        expectTensor(result, c.resultShape, c.result, tolerance: 1e-12)
    }
}
