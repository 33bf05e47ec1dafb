import Tensors
import Testing

@testable import NeuralNetworks

/// Expected values come from PyTorch 2 on the same problem: loss = Σ ½ aᵢθᵢ² + cᵢθᵢ with
/// a = [1, 2, 3], c = [0.1, -0.3, 0.2], θ₀ = [1, -2, 0.5], three steps.
@Suite struct OptimizerTests {
    func run(_ make: ([Tensor]) throws -> Optimizer) throws -> [[Double]] {
        let theta = try Tensor([1, -2, 0.5], dtype: .float64).requiringGrad()
        let a = try Tensor([1, 2, 3], dtype: .float64), c = try Tensor([0.1, -0.3, 0.2], dtype: .float64)
        let optimizer = try make([theta])
        var trajectory: [[Double]] = []
        for _ in 0..<3 {
            optimizer.zeroGrad()
            try ((theta * theta * a * 0.5).sum() + (theta * c).sum()).backward()
            try optimizer.step()
            trajectory.append(theta.toDoubles())
        }
        return trajectory
    }

    func expectTrajectory(
        _ actual: [[Double]], _ expected: [[Double]], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            close(actual.flatMap { $0 }, expected.flatMap { $0 }, tolerance: 1e-9), "\(actual)",
            sourceLocation: sourceLocation)
    }

    @Test func sgdPlainMomentumNesterovAndWeightDecay() throws {
        expectTrajectory(
            try run { try SGD(parameters: $0, lr: 0.1) },
            [[0.89, -1.57, 0.33], [0.791, -1.226, 0.211], [0.7019, -0.9508, 0.1277]])
        expectTrajectory(
            try run { try SGD(parameters: $0, lr: 0.1, momentum: 0.9) },
            [[0.89, -1.57, 0.33], [0.692, -0.839, 0.058], [0.4346, 0.0167, -0.2242]])
        expectTrajectory(
            try run { try SGD(parameters: $0, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01) },
            [
                [0.7890999999999999, -1.1792, 0.17605],
                [0.5287617099999999, -0.3219435199999999, -0.10073799500000007],
                [0.25471706685099993, 0.38922026228800016, -0.26454318615950007],
            ])
    }

    /// Adam updates eight elements at a time and the rest one by one: a parameter of 19 elements
    /// moves exactly as each of its elements does alone, in float32 and float64, with either
    /// kind of weight decay.
    @Test(arguments: [DType.float32, .float64])
    func adamLanesAgreeWithSingleElements(dtype: DType) throws {
        let count = 19
        let start = (0..<count).map { Double($0) * 0.37 - 3 }
        let a = (0..<count).map { 1 + Double($0 % 5) }, c = (0..<count).map { Double($0 % 3) * 0.2 - 0.25 }
        func trajectory(_ values: [Double], _ a: [Double], _ c: [Double], _ make: ([Tensor]) throws -> Optimizer) throws -> [Double] {
            let theta = try Tensor(values, dtype: dtype).requiringGrad()
            let at = try Tensor(a, dtype: dtype), ct = try Tensor(c, dtype: dtype)
            let optimizer = try make([theta])
            for _ in 0..<4 {
                optimizer.zeroGrad()
                try ((theta * theta * at * 0.5).sum() + (theta * ct).sum()).backward()
                try optimizer.step()
            }
            return theta.toDoubles()
        }
        let makers: [([Tensor]) throws -> Optimizer] = [
            { try Adam(parameters: $0, lr: 0.1) }, { try Adam(parameters: $0, lr: 0.1, weightDecay: 0.1) },
            { try AdamW(parameters: $0, lr: 0.1) },
        ]
        for make in makers {
            let whole = try trajectory(start, a, c, make)
            let alone = try (0..<count).map { try trajectory([start[$0]], [a[$0]], [c[$0]], make)[0] }
            #expect(whole == alone)
        }
    }

    @Test func adamAndAdamW() throws {
        expectTrajectory(
            try run { try Adam(parameters: $0, lr: 0.1) },
            [
                [0.9000000009090909, -1.900000000232558, 0.40000000058823526],
                [0.8003611627734645, -1.8001524222844993, 0.30096721936953813],
                [0.70138244621909, -1.700569748619489, 0.20390589284668764],
            ])
        expectTrajectory(
            try run { try Adam(parameters: $0, lr: 0.1, weightDecay: 0.1) },
            [
                [0.9000000008333333, -1.9000000002222222, 0.4000000005714286],
                [0.8003653057760263, -1.8001530391886036, 0.30097316725653245],
                [0.7013989139686005, -1.7005720981156949, 0.20393166604883534],
            ])
        expectTrajectory(
            try run { try AdamW(parameters: $0, lr: 0.1) },
            [
                [0.8990000009090909, -1.898000000232558, 0.3995000005882353],
                [0.7984671369959828, -1.7962581351558768, 0.30007553008504756],
                [0.698704042386194, -1.6948893775133036, 0.20273777746532684],
            ])
    }

    @Test func rmspropWithAndWithoutMomentum() throws {
        expectTrajectory(
            try run { try RMSprop(parameters: $0, lr: 0.01) },
            [
                [0.9000000090909083, -1.9000000023255814, 0.4000000058823526],
                [0.8325478262848031, -1.8308110276302547, 0.33623903091003593],
                [0.7791114439875177, -1.7750403008312117, 0.2878279013339121],
            ])
        expectTrajectory(
            try run { try RMSprop(parameters: $0, lr: 0.01, momentum: 0.9) },
            [
                [0.9000000090909083, -1.9000000023255814, 0.4000000058823526],
                [0.7425478344666205, -1.740811029723278, 0.24623903620415324],
                [0.5512432575967718, -1.5435533668379287, 0.06837628698277577],
            ])
    }

    @Test func adamCountsStepsPerParameterSoALateUnfrozenOneStartsFresh() throws {
        let early = try Tensor([1.0], dtype: .float64).requiringGrad(), late = try Tensor([1.0], dtype: .float64)
        let optimizer = try Adam(parameters: [early, late], lr: 0.1)
        for _ in 0..<5 {
            early.grad = try Tensor([0.5], dtype: .float64)
            try optimizer.step()
        }
        late.requiresGrad = true
        late.grad = try Tensor([0.5], dtype: .float64)
        try optimizer.step()
        // A first Adam step moves by lr · sign(g) (bias-corrected m / √v = ±1, up to eps).
        #expect(abs(late.toDoubles()[0] - 0.9) < 1e-7)
    }

    @Test func float32ParametersFollowTheSameFormulas() throws {
        let theta = try Tensor([1, -2, 0.5]).requiringGrad()
        let optimizer = try SGD(parameters: [theta], lr: 0.1)
        try (theta * theta * 0.5).sum().backward()
        try optimizer.step()
        expectTensor(theta, [3], [0.9, -1.8, 0.45])
        #expect(theta.dtype == .float32)
    }

    @Test func gradientClippingScalesTheJointNorm() throws {
        let a = try Tensor([1, 1], dtype: .float64).requiringGrad(),
            b = try Tensor([1], dtype: .float64).requiringGrad()
        a.grad = try Tensor([3, 0], dtype: .float64)
        b.grad = try Tensor([4], dtype: .float64)
        #expect(gradientNorm([a, b]) == 5)
        let before = try clipGradientNorm([a, b], maxNorm: 1)
        #expect(before == 5)
        expectTensor(a.grad!, [2], [0.6, 0], tolerance: 1e-6)
        expectTensor(b.grad!, [1], [0.8], tolerance: 1e-6)
        #expect(try clipGradientNorm([a, b], maxNorm: 10) < 1.0001)
        expectTensor(b.grad!, [1], [0.8], tolerance: 1e-6)
    }

    @Test func learningRateSchedulesMatchPyTorch() throws {
        let optimizer = try SGD(parameters: [Tensor([0]).requiringGrad()], lr: 0.1)
        let cosine = LearningRateScheduler(optimizer, schedule: .cosine(steps: 4, minimum: 0.01))
        var rates: [Double] = []
        for _ in 0..<5 {
            rates.append(optimizer.learningRate)
            cosine.step()
        }
        #expect(close(rates, [0.1, 0.08681980515339464, 0.055, 0.023180194846605363, 0.01], tolerance: 1e-12))
        let oneCycle = (0..<10).map {
            LearningRateSchedule.oneCycle(maximum: 1, steps: 10).learningRate(base: 0.1, at: $0)
        }
        #expect(
            close(
                oneCycle,
                [
                    0.04, 0.52, 1.0, 0.9504846320134737, 0.8117456539497631, 0.6112620219362893, 0.38874197806371075,
                    0.18825834605023697,
                    0.049519367986526286, 4e-06,
                ], tolerance: 1e-9))
        #expect(
            close(
                (0..<5).map { LearningRateSchedule.step(every: 2, factor: 0.5).learningRate(base: 1, at: $0) },
                [1, 1, 0.5, 0.5, 0.25]))
        #expect(
            close(
                (0..<3).map { LearningRateSchedule.exponential(factor: 0.9).learningRate(base: 1, at: $0) },
                [1, 0.9, 0.81]))
    }

    @Test func badHyperparametersAreErrors() {
        #expect(errorMessage { try SGD(parameters: [], lr: -1) } == "SGD needs a learning rate >= 0, got -1.0")
        #expect(
            errorMessage { try Adam(parameters: [], betas: (1, 0.9)) } == "Adam needs betas in [0, 1), got (1.0, 0.9)")
    }
}
