import Tensors
import Testing

@testable import NeuralNetworks

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LayerTests {
    @Test func denseComputesXWTransposePlusBiasThenActivation() throws {
        let layer = try Dense(2, 3, activation: .relu, dtype: .float64)
        try overwrite(layer.weight, Tensor([[1, 2], [-1, 0.5], [0, -3]], dtype: .float64))
        try overwrite(layer.bias!, Tensor([0.5, -1, 2], dtype: .float64))
        let x = try Tensor([[1, 1], [2, -1]], dtype: .float64)
        // Row 1: [3.5, -1.5, -1] -> relu [3.5, 0, 0]; row 2: [0.5, -3.5, 5] -> [0.5, 0, 5].
        expectTensor(try layer(x), [2, 3], [3.5, 0, 0, 0.5, 0, 5])
        #expect(layer.weight.shape == [3, 2])
        #expect(layer.parameterCount == 9)
        #expect(layer.description == "Dense(2, 3, activation: relu)")
    }

    /// The name is read from the Swift class once, at init, and is the most derived class's.
    @Test func typeNameIsTheClassOfTheObject() throws {
        final class Doubling: Layer {
            override func forward(_ input: Tensor) throws -> Tensor { try input * 2 }
        }
        #expect(try Dense(2, 3).typeName == "Dense")
        #expect(Sequential([]).typeName == "Sequential")
        #expect(Doubling().typeName == "Doubling")
        #expect(Doubling().description == "Doubling()")
        let layers: [Layer] = [try Dense(1, 1), Sequential([]), Doubling()]
        #expect(layers.map(\.typeName) == ["Dense", "Sequential", "Doubling"])
    }

    @Test func denseGradientsMatchFiniteDifferences() throws {
        let layer = try Dense(3, 2, activation: .tanh, seed: 3, dtype: .float64)
        let x = try sample([4, 3], seed: 5).requiringGrad()
        try checkGradientsInPlace([x, layer.weight, layer.bias!]) { try layer(x) }
    }

    @Test func activationLayersMatchTheirFormulas() throws {
        let x = try Tensor([-2, 0, 1.5], dtype: .float64)
        expectTensor(try ReLU()(x), [3], [0, 0, 1.5])
        expectTensor(try Sigmoid()(x), [3], [1 / (1 + exp(2)), 0.5, 1 / (1 + exp(-1.5))])
        expectTensor(try Tanh()(x), [3], [-0.9640275800758169, 0, 0.9051482536448664])
        expectTensor(try LeakyReLU(slope: 0.1)(x), [3], [-0.2, 0, 1.5])
        let softmax = try Softmax()(x)
        let total = exp(-2) + 1 + exp(1.5)
        expectTensor(softmax, [3], [exp(-2) / total, 1 / total, exp(1.5) / total])
        // GELU(1.5) = 1.5 Φ(1.5) = 1.5 × 0.9331928.
        expectTensor(try GELU()(x), [3], [-2 * 0.022750131948179195, 0, 1.5 * 0.9331927987311419], tolerance: 1e-6)
        for layer: Layer in [ReLU(), Sigmoid(), Tanh(), Softmax(), LeakyReLU(), GELU()] {
            let input = try Tensor([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]], dtype: .float64).requiringGrad()
            try checkGradientsInPlace([input]) { try layer(input) }
        }
    }

    @Test func sequentialNamesParametersLikePyTorchAndCountsThem() throws {
        let model = Sequential([
            try Dense(2, 16, activation: .relu), try Dense(16, 16, activation: .relu), try Dense(16, 2),
        ])
        #expect(
            model.namedParameters().map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"])
        #expect(model.parameterCount == (2 * 16 + 16) + (16 * 16 + 16) + (16 * 2 + 2))
        #expect(try model.outputShape(for: [-1, 2]) == [-1, 2])
        let rows = try model.summary(inputShape: [-1, 2])
        #expect(rows.map(\.outputShape) == [[-1, 16], [-1, 16], [-1, 2]])
        #expect(rows.map(\.parameterCount) == [48, 272, 34])
        #expect(try model(Tensor.zeros([5, 2])).shape == [5, 2])
        try model[0].freeze()
        #expect(
            try model.summaryText(inputShape: [-1, 2]) == """
                Layer (type)  Output Shape  Param #
                -------------------------------------
                0 (Dense)     [N, 16]       48
                1 (Dense)     [N, 16]       272
                2 (Dense)     [N, 2]        34
                -------------------------------------
                Total params: 354
                Trainable params: 306
                Non-trainable params: 48
                """)
        let nested = Sequential([model, try Dense(2, 1)])
        #expect(nested.namedParameters().first?.name == "0.0.weight")
    }

    @Test func wrongInputShapeIsAnErrorNamingTheShapes() throws {
        let model = Sequential([try Dense(4, 3)])
        let message = errorMessage { try model(Tensor.zeros([2, 5])) }
        #expect(message == "Dense(4, 3) expects 4 features along axis 1, got input of shape [2, 5]")
        #expect(errorMessage { try Dense(0, 3) } == "Dense needs inFeatures > 0, got 0")
    }

    @Test func freezeStopsTrainingAndUnfreezeResumes() throws {
        let first = try Dense(2, 2, seed: 1), second = try Dense(2, 1, seed: 2)
        let model = Sequential([first, second])
        first.freeze()
        #expect(first.isFrozen && !second.isFrozen)
        #expect(model.trainableParameterCount == 3)
        let before = first.weight.toDoubles(), secondBefore = second.weight.toDoubles()
        let optimizer = try SGD(model, lr: 0.1)
        try mse(model(Tensor([[1, 2]])), Tensor([[1]])).backward()
        try optimizer.step()
        #expect(first.weight.toDoubles() == before)
        #expect(second.weight.toDoubles() != secondBefore)
        first.unfreeze()
        #expect(model.trainableParameterCount == model.parameterCount)
    }

    @Test func trainAndEvalReachEveryLayer() throws {
        let dropout = try Dropout(0.5, seed: 1)
        let model = Sequential([try Dense(4, 4), Sequential([dropout])])
        #expect(dropout.isTraining)
        model.eval()
        #expect(!dropout.isTraining)
        let x = try Tensor.ones([2, 4])
        #expect(try dropout(x).toDoubles() == x.toDoubles())
        model.train()
        #expect(dropout.isTraining)
    }

    @Test func dropoutZeroesAboutPAndKeepsTheExpectation() throws {
        let dropout = try Dropout(0.25, seed: 7)
        let out = try dropout(Tensor.ones([10_000])).toDoubles()
        let zeros = Double(out.filter { $0 == 0 }.count) / 10_000
        #expect(abs(zeros - 0.25) < 0.02)
        #expect(out.filter { $0 != 0 }.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        #expect(try dropout(Tensor.ones([100])).toDoubles() != dropout(Tensor.ones([100])).toDoubles())
    }

    @Test func initializersAreSeededAndScaled() throws {
        let a = try Dense(100, 50, seed: 42), b = try Dense(100, 50, seed: 42), c = try Dense(100, 50, seed: 43)
        #expect(a.weight.toDoubles() == b.weight.toDoubles())
        #expect(a.weight.toDoubles() != c.weight.toDoubles())
        let limit = (6.0 / 150).squareRoot()
        #expect(a.weight.toDoubles().allSatisfy { abs($0) <= limit })
        #expect(a.weight.toDoubles().max()! > 0.9 * limit)
        #expect(a.bias!.toDoubles().allSatisfy { $0 == 0 })
        let he = try Initializer.heNormal.make([200, 200], fanIn: 200, fanOut: 200, seed: 1).toDoubles()
        let variance = he.reduce(0) { $0 + $1 * $1 } / Double(he.count)
        #expect(abs(variance - 2.0 / 200) < 0.0005)
        Tensor.manualSeed(5)
        let first = try Dense(3, 3).weight.toDoubles()
        Tensor.manualSeed(5)
        #expect(try Dense(3, 3).weight.toDoubles() == first)
    }

    @Test func conv2DMatchesHandComputedValuesAndGradients() throws {
        let conv = try Conv2D(1, 1, kernelSize: 2, dtype: .float64)
        try overwrite(conv.weight, Tensor([1, 0, 0, -1], shape: [1, 1, 2, 2], dtype: .float64))
        try overwrite(conv.bias!, Tensor([0.5], dtype: .float64))
        let x = try Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [1, 1, 3, 3], dtype: .float64)
        // Each window: top-left minus bottom-right = -4, plus 0.5.
        expectTensor(try conv(x), [1, 1, 2, 2], [-3.5, -3.5, -3.5, -3.5])
        let wide = try Conv2D(2, 3, kernelSize: 3, stride: 2, padding: 1, seed: 4, dtype: .float64)
        let input = try sample([2, 2, 5, 5], seed: 8).requiringGrad()
        #expect(try wide.outputShape(for: [-1, 2, 5, 5]) == [-1, 3, 3, 3])
        try checkGradientsInPlace([input, wide.weight, wide.bias!]) { try wide(input) }
        #expect(wide.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(wide.parameterCount == 3 * 2 * 9 + 3)
    }

    @Test func poolingAndFlattenShapesValuesAndGradients() throws {
        let x = try Tensor([1, 5, 2, 0, 3, 4, 8, 1, 0, 2, 6, 7, 1, 1, 3, 9], shape: [1, 1, 4, 4], dtype: .float64)
        expectTensor(try MaxPool2D(kernelSize: 2)(x), [1, 1, 2, 2], [5, 8, 2, 9])
        expectTensor(try AvgPool2D(kernelSize: 2)(x), [1, 1, 2, 2], [13.0 / 4, 11.0 / 4, 4.0 / 4, 25.0 / 4])
        #expect(try Flatten()(Tensor.zeros([2, 3, 4, 5])).shape == [2, 60])
        #expect(try Flatten().outputShape(for: [-1, 3, 4, 5]) == [-1, 60])
        let input = try sample([1, 2, 4, 4], seed: 9).requiringGrad()
        try checkGradientsInPlace([input]) { try AvgPool2D(kernelSize: 2)(input) }
        try checkGradientsInPlace([input]) { try MaxPool2D(kernelSize: 2)(input) }
    }

    @Test func batchNormNormalisesInTrainingAndUsesRunningStatisticsInEval() throws {
        let norm = try BatchNorm(2, dtype: .float64)
        let x = try Tensor([[1, 10], [3, 20], [5, 30]], dtype: .float64)
        let y = try norm(x)
        // Column 1: mean 3, biased variance 8/3.
        let s1 = (8.0 / 3 + 1e-5).squareRoot(), s2 = (200.0 / 3 + 1e-5).squareRoot()
        expectTensor(y, [3, 2], [-2 / s1, -10 / s2, 0, 0, 2 / s1, 10 / s2])
        // Running statistics: 0.9 · initial + 0.1 · batch (unbiased variance 4 and 100).
        expectTensor(norm.runningMean, [2], [0.3, 2])
        expectTensor(norm.runningVariance, [2], [0.9 + 0.4, 0.9 + 10])
        #expect(
            norm.stateDict().map(\.name) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        norm.eval()
        expectTensor(try norm(Tensor([[0.3, 2]], dtype: .float64)), [1, 2], [0, 0])
        norm.train()
        let input = try sample([4, 2, 3, 3], seed: 2).requiringGrad()
        let image = try BatchNorm(2, dtype: .float64)
        try checkGradientsInPlace([input, image.weight, image.bias]) { try image(input) }
    }

    @Test func embeddingLooksUpRowsAndRejectsBadIndices() throws {
        let table = try Embedding(4, 2, seed: 1, dtype: .float64)
        try overwrite(table.weight, Tensor([[0, 1], [2, 3], [4, 5], [6, 7]], dtype: .float64))
        let indices = try Tensor(shape: [2, 2], scalars: [3, 0, 1, 1], dtype: .int64)
        expectTensor(try table(indices), [2, 2, 2], [6, 7, 0, 1, 2, 3, 2, 3])
        #expect(
            errorMessage { try table(Tensor(shape: [1], scalars: [4], dtype: .int64)) }
                == "Embedding(4, 2): index 4 is out of range 0..<4")
        try checkGradientsInPlace([table.weight]) { try table(indices) }
    }

    @Test func descriptionsAppendAndSubscriptOfSequential() throws {
        let model = Sequential([
            try Conv2D(1, 4, kernelSize: 3, padding: 1, activation: .relu), try MaxPool2D(kernelSize: 2),
        ])
        try model.append(Flatten())
        try model.append(Dense(64, 10))
        try model.append(LeakyReLU(slope: 0.2))
        #expect(try model.layers.count == 5 && model[3] is Dense && model[-1] is LeakyReLU)
        #expect(
            model.description
                == "Sequential(Conv2D(1, 4, kernelSize: 3, padding: 1, activation: relu), MaxPool2D(kernelSize: 2), Flatten(), Dense(64, 10), LeakyReLU(slope: 0.2))"
        )
        #expect(try model.outputShape(for: [-1, 1, 8, 8]) == [-1, 10])
        #expect(try model(Tensor.zeros([3, 1, 8, 8])).shape == [3, 10])
        model.eval()
        try model.append(Dropout(0.5))
        #expect(try !model[5].isTraining)
        #expect(errorMessage { try model[6] } == "index 6 is out of range for a Sequential of 6 layers")
        #expect(
            errorMessage { try model.outputShape(for: [-1, 3, 8, 8]) }
                == "Conv2D(1, 4, kernelSize: 3, padding: 1, activation: relu) expects 1 channels along axis 1, got input of shape [N, 3, 8, 8]"
        )
    }
}
