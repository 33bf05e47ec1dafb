import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// Toy data sets made on the spot, seeded: the same seed gives the same points everywhere.
/// Class data sets have float32 features [n, 2] and int64 labels [n], shuffled.
public enum Datasets {
    /// A generator for these data sets.
    static func generator(_ seed: UInt64?) throws -> RandomGenerator {
        if let seed { return RandomGenerator(seed: seed) }
        // Unseeded: continue the shared generator, so `Tensor.manualSeed` fixes these too.
        return RandomStream.shared.withGenerator { RandomGenerator(seed: $0.next()) }
    }

    static func make(_ points: [(Double, Double, Int)], classes: Int, seed: UInt64?, generator: inout RandomGenerator)
        throws -> Dataset
    {
        var order = Array(points.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(generator.nextInt(below: UInt64(i + 1))))
        }
        let features = order.flatMap { [points[$0].0, points[$0].1] }
        let labels = order.map { Double(points[$0].2) }
        return try Dataset(
            features: Tensor(shape: [points.count, 2], scalars: features),
            targets: Tensor(shape: [points.count], scalars: labels, dtype: .int64),
            classNames: (0..<classes).map { "class \($0)" })
    }

    static func check(_ n: Int, _ noise: Double, _ name: String) throws {
        try requirePositive(n, "n", in: name)
        guard noise >= 0 else { throw NeuralNetworkError.invalidArgument("\(name) needs noise >= 0, got \(noise)") }
    }

    /// y = x·weights + bias + noise·N(0, 1), with x uniform in [-1, 1]: features [n, d], targets [n, 1].
    public static func linear(
        n: Int = 100, weights: [Double] = [2], bias: Double = 1, noise: Double = 0.1, seed: UInt64? = nil
    ) throws -> Dataset {
        try check(n, noise, "linear")
        var g = try generator(seed)
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let row = weights.map { _ in 2 * g.nextUniform() - 1 }
            x += row
            y.append(zip(row, weights).reduce(bias) { $0 + $1.0 * $1.1 } + noise * g.nextNormal())
        }
        return try Dataset(
            features: Tensor(shape: [n, weights.count], scalars: x), targets: Tensor(shape: [n, 1], scalars: y))
    }

    /// The four rows of the XOR truth table: features [4, 2], targets [4, 1] (float32, 0 or 1).
    public static func xorTable() throws -> Dataset {
        try Dataset(features: Tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), targets: Tensor([[0], [1], [1], [0]]))
    }

    /// Points uniform in [-1, 1]², class 1 where exactly one coordinate is positive; each point
    /// is then moved by noise·N(0, 1).
    public static func xor(n: Int = 200, noise: Double = 0, seed: UInt64? = nil) throws -> Dataset {
        try check(n, noise, "xor")
        var g = try generator(seed)
        let points = (0..<n).map { _ -> (Double, Double, Int) in
            let a = 2 * g.nextUniform() - 1, b = 2 * g.nextUniform() - 1
            return (a + noise * g.nextNormal(), b + noise * g.nextNormal(), (a > 0) != (b > 0) ? 1 : 0)
        }
        return try make(points, classes: 2, seed: seed, generator: &g)
    }

    /// Two concentric circles: class 0 of radius 1, class 1 of radius `factor` (scikit-learn's make_circles).
    public static func circles(n: Int = 200, noise: Double = 0.05, factor: Double = 0.5, seed: UInt64? = nil) throws
        -> Dataset
    {
        try check(n, noise, "circles")
        guard factor > 0, factor < 1 else {
            throw NeuralNetworkError.invalidArgument("circles needs 0 < factor < 1, got \(factor)")
        }
        var g = try generator(seed)
        let outer = n - n / 2
        let points = (0..<n).map { i -> (Double, Double, Int) in
            let inner = i >= outer
            let count = inner ? n / 2 : outer
            let angle = 2 * Double.pi * Double(inner ? i - outer : i) / Double(count)
            let radius = inner ? factor : 1
            return (
                radius * cos(angle) + noise * g.nextNormal(), radius * sin(angle) + noise * g.nextNormal(),
                inner ? 1 : 0
            )
        }
        return try make(points, classes: 2, seed: seed, generator: &g)
    }

    /// Two interleaving half circles (scikit-learn's make_moons).
    public static func moons(n: Int = 200, noise: Double = 0.1, seed: UInt64? = nil) throws -> Dataset {
        try check(n, noise, "moons")
        var g = try generator(seed)
        let upper = n - n / 2
        let points = (0..<n).map { i -> (Double, Double, Int) in
            let lower = i >= upper
            let count = lower ? n / 2 : upper
            let t = Double.pi * Double(lower ? i - upper : i) / Double(max(count - 1, 1))
            let (x, y) = lower ? (1 - cos(t), 0.5 - sin(t)) : (cos(t), sin(t))
            return (x + noise * g.nextNormal(), y + noise * g.nextNormal(), lower ? 1 : 0)
        }
        return try make(points, classes: 2, seed: seed, generator: &g)
    }

    /// Interleaved spiral arms, one per class: point j of arm k lies at radius r = j/m and
    /// angle 2πk/classes + 4r + noise·N(0, 1) (as in Stanford's CS231n notes).
    public static func spirals(n: Int = 200, classes: Int = 2, noise: Double = 0.2, seed: UInt64? = nil) throws
        -> Dataset
    {
        try check(n, noise, "spirals")
        try requirePositive(classes, "classes", in: "spirals")
        var g = try generator(seed)
        let points = (0..<n).map { i -> (Double, Double, Int) in
            let arm = i % classes
            let perArm = (n - arm + classes - 1) / classes
            let radius = Double(i / classes) / Double(max(perArm - 1, 1))
            let angle = 2 * Double.pi * Double(arm) / Double(classes) + 4 * radius + noise * g.nextNormal()
            return (radius * sin(angle), radius * cos(angle), arm)
        }
        return try make(points, classes: classes, seed: seed, generator: &g)
    }

    /// Gaussian clusters of standard deviation `std` around `centers` centres drawn uniformly in
    /// [-10, 10]² (scikit-learn's make_blobs); label = cluster.
    public static func blobs(n: Int = 200, centers: Int = 3, std: Double = 1, seed: UInt64? = nil) throws -> Dataset {
        try check(n, std, "blobs")
        try requirePositive(centers, "centers", in: "blobs")
        var g = try generator(seed)
        let middles = (0..<centers).map { _ in (20 * g.nextUniform() - 10, 20 * g.nextUniform() - 10) }
        let points = (0..<n).map { i -> (Double, Double, Int) in
            let k = i % centers
            return (middles[k].0 + std * g.nextNormal(), middles[k].1 + std * g.nextNormal(), k)
        }
        return try make(points, classes: centers, seed: seed, generator: &g)
    }

    /// Two Gaussian clusters around (2, 2) (class 0) and (-2, -2) (class 1), of standard
    /// deviation `noise` (TensorFlow Playground's "gauss").
    public static func gauss(n: Int = 200, noise: Double = 1, seed: UInt64? = nil) throws -> Dataset {
        try check(n, noise, "gauss")
        var g = try generator(seed)
        let points = (0..<n).map { i -> (Double, Double, Int) in
            let k = i % 2
            let centre = k == 0 ? 2.0 : -2.0
            return (centre + noise * g.nextNormal(), centre + noise * g.nextNormal(), k)
        }
        return try make(points, classes: 2, seed: seed, generator: &g)
    }

    /// Fisher's Iris: features [150, 4] (sepal length, sepal width, petal length, petal width,
    /// in cm) and labels [150] (0 setosa, 1 versicolor, 2 virginica).
    public static func iris() throws -> Dataset {
        let (features, labels) = ShippedData.irisRows()
        return try Dataset(
            features: Tensor(features, shape: [labels.count, 4]),
            targets: Tensor(shape: [labels.count], scalars: labels.map(Double.init), dtype: .int64),
            classNames: ["setosa", "versicolor", "virginica"])
    }

    /// The UCI 8x8 handwritten digits: pixels [1797, 64] with values 0...16 (row-major 8x8
    /// images) and labels [1797] (the digit).
    public static func digits() throws -> Dataset {
        let (pixels, labels) = ShippedData.digitRows()
        return try Dataset(
            features: Tensor(pixels, shape: [labels.count, 64]),
            targets: Tensor(shape: [labels.count], scalars: labels.map(Double.init), dtype: .int64),
            classNames: (0...9).map(String.init))
    }

    /// A data set by name ("xor", "circles", "moons", "spirals", "blobs", "gauss", "linear",
    /// "iris", "digits"), with the generator's defaults for what is not given.
    public static func named(
        _ name: String, n: Int = 200, noise: Double? = nil, classes: Int? = nil, seed: UInt64? = nil
    ) throws -> Dataset {
        switch name {
        case "linear": return try linear(n: n, noise: noise ?? 0.1, seed: seed)
        case "xor": return try xor(n: n, noise: noise ?? 0, seed: seed)
        case "circles": return try circles(n: n, noise: noise ?? 0.05, seed: seed)
        case "moons": return try moons(n: n, noise: noise ?? 0.1, seed: seed)
        case "spirals": return try spirals(n: n, classes: classes ?? 2, noise: noise ?? 0.2, seed: seed)
        case "blobs": return try blobs(n: n, centers: classes ?? 3, std: noise ?? 1, seed: seed)
        case "gauss": return try gauss(n: n, noise: noise ?? 1, seed: seed)
        case "iris": return try iris()
        case "digits": return try digits()
        default:
            throw NeuralNetworkError.invalidArgument(
                "no data set named '\(name)'; known: linear, xor, circles, moons, spirals, blobs, gauss, iris, digits")
        }
    }
}
