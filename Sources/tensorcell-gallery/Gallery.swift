import Display
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The engine's seeded generator, so examples look the same on every run and every machine.
typealias SeededRandom = RandomGenerator

extension RandomGenerator {
    mutating func uniform() -> Double { nextUniform() }
    mutating func normal() -> Double { nextNormal() }
}

/// One example of every chart and table kind, on made-up but plausible data: the gallery
/// renders them for people to look at, and the golden-file tests pin their output.
public enum Gallery {
    public static var charts: [(name: String, chart: any Chart)] {
        [
            ("line-loss", lossCurves),
            ("line-log", LineChart(lossCurves.series, title: "Loss (log scale)", xLabel: "epoch", yLabel: "loss", yScale: .log)),
            ("line-10k", bigLine),
            ("line-edge-cases", edgeCases),
            ("line-empty", LineChart([], title: "Nothing yet")),
            ("line-one-point", LineChart([Series("only", y: [3.5])], title: "One point")),
            ("line-constant", LineChart([Series("flat", y: Array(repeating: 2, count: 50))], title: "A constant series")),
            ("line-tiny", LineChart([Series("tiny", y: (0..<50).map { 1e-9 * (1 + sin(Double($0) / 5)) })], title: "Tiny values")),
            ("line-huge", LineChart([Series("huge", y: (0..<50).map { 3e12 * Double($0 * $0) })], title: "Huge values")),
            ("scatter-moons", moons),
            ("scatter-empty", ScatterChart(x: [], y: [], title: "No points")),
            ("scatter-10k", blobs),
            ("decision-boundary", decisionBoundary),
            ("decision-boundary-line", stepBoundary),
            ("loss-surface", lossSurface),
            ("neuron-pictures", neuronPictures),
            ("histogram", histogram),
            ("histogram-constant", Histogram(Array(repeating: 0.5, count: 20) + [.nan], title: "All values equal")),
            ("histogram-empty", Histogram([], title: "Nothing to count")),
            ("heatmap", heatmap),
            ("heatmap-large", largeHeatmap),
            ("confusion-matrix", confusionMatrix),
            ("image-grid", digits),
            ("learning-rate-sweep", learningRateSweep),
            ("activations", SmallMultiples.activationFunctions()),
            ("network-small", smallNetwork),
            ("network-large", NetworkDiagram(layerSizes: [784, 128, 64, 10], title: "An MNIST classifier")),
            ("network-empty", NetworkDiagram(layerSizes: [])),
            ("computation-graph", computationGraph),
            ("computation-graph-empty", ComputationGraph([])),
        ]
    }

    public static var tables: [(name: String, table: any MIMERepresentable)] {
        [
            ("table-history", history),
            ("table-history-metrics", RecordTable(history: [("loss", [0.69, 0.41, 0.22]), ("accuracy", [0.5, 0.81, 0.93]), ("val_loss", [0.7, 0.45])])),
            ("table-model-summary", modelSummary),
            ("table-confusion", confusionMatrix.table()),
            ("training-progress", trainingProgress),
            ("training-finished", { var done = trainingProgress; done.epoch = 8; done.finished = true; return done }()),
            ("tensor-small", TensorTable(values: [0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])),
            ("tensor-large", TensorTable(values: (0..<2000).map { sin(Double($0)) * 3 }, shape: [100, 20])),
            ("tensor-rank3", TensorTable(values: (0..<24).map(Double.init), shape: [2, 3, 4], dtype: "int64")),
            ("tensor-vector", TensorTable(values: (0..<50).map { Double($0) / 7 }, shape: [50])),
            ("tensor-scalar", TensorTable(values: [0.6931], shape: [])),
        ]
    }

    static var smallNetwork: NetworkDiagram {
        var random = SeededRandom(seed: 8)
        let sizes = [2, 4, 4, 1]
        let weights = zip(sizes, sizes.dropFirst()).map { n, m in
            (0..<n).map { _ in (0..<m).map { _ in random.normal() } }
        }
        return NetworkDiagram(layerSizes: sizes, weights: weights, title: "A small network with random weights")
    }

    /// micrograd's neuron example: o = tanh(x1*w1 + x2*w2 + b), after o.backward().
    static var computationGraph: ComputationGraph {
        let x1 = 2.0, x2 = 0.0, w1 = -3.0, w2 = 1.0, b = 6.8813735870195432
        let n = x1 * w1 + x2 * w2 + b
        let o = tanh(n)
        let dn = 1 - o * o
        return ComputationGraph(
            [
                GraphNode(id: 0, label: "x1", value: x1, grad: w1 * dn),
                GraphNode(id: 1, label: "w1", value: w1, grad: x1 * dn),
                GraphNode(id: 2, label: "x2", value: x2, grad: w2 * dn),
                GraphNode(id: 3, label: "w2", value: w2, grad: x2 * dn),
                GraphNode(id: 4, label: "x1*w1", value: x1 * w1, grad: dn, op: "*", inputs: [0, 1]),
                GraphNode(id: 5, label: "x2*w2", value: x2 * w2, grad: dn, op: "*", inputs: [2, 3]),
                GraphNode(id: 6, label: "b", value: b, grad: dn),
                GraphNode(id: 7, label: "x1w1+x2w2", value: x1 * w1 + x2 * w2, grad: dn, op: "+", inputs: [4, 5]),
                GraphNode(id: 8, label: "n", value: n, grad: dn, op: "+", inputs: [7, 6]),
                GraphNode(id: 9, label: "o", value: o, grad: 1, op: "tanh", inputs: [8]),
            ], title: "o = tanh(x1·w1 + x2·w2 + b)")
    }

    static var trainingProgress: TrainingProgress {
        TrainingProgress(
            epoch: 8, epochs: 20, batch: 12, batches: 40,
            metrics: [
                ("train loss", (1...8).map { 0.7 * exp(-Double($0) / 3) + 0.05 }),
                ("validation loss", (1...8).map { 0.75 * exp(-Double($0) / 3.5) + 0.08 }),
                ("accuracy", (1...8).map { 0.98 - 0.45 * exp(-Double($0) / 2.5) }),
            ], epochSeconds: Array(repeating: 1.25, count: 8))
    }

    static var modelSummary: ModelSummary {
        ModelSummary([
            LayerDescription(name: "dense", type: "Dense", outputShape: [nil, 16], parameters: 48),
            LayerDescription(name: "dense_1", type: "Dense", outputShape: [nil, 16], parameters: 272),
            LayerDescription(name: "embedding", type: "Embedding", outputShape: [nil, 8, 4], parameters: 400, trainable: false),
            LayerDescription(name: "dense_2", type: "Dense", outputShape: [nil, 2], parameters: 34),
        ])
    }

    static var history: RecordTable {
        var random = SeededRandom(seed: 9)
        let rows: [[TableCell]] = (1...5).map { epoch in
            let e = Double(epoch)
            return [
                .integer(epoch), .number(0.9 * exp(-e / 2) + 0.01 * random.uniform()),
                .number(1.0 * exp(-e / 2.4) + 0.05 + 0.01 * random.uniform()), .number(0.6 + 0.07 * e),
                .text(NumberFormat.fixed(0.8 + 0.1 * random.uniform(), decimals: 2) + " s"),
            ]
        }
        return RecordTable(
            columns: ["epoch", "train loss", "validation loss", "accuracy", "time"], rows: rows,
            caption: "Training history", footer: "5 epochs, best validation loss at epoch 5")
    }

    /// Two interleaved half circles with noise, the classic two-class toy set.
    static var moonsData: (x: [Double], y: [Double], labels: [Int]) {
        var random = SeededRandom(seed: 3)
        var xs: [Double] = []
        var ys: [Double] = []
        var labels: [Int] = []
        for i in 0..<200 {
            let t = Double.pi * Double(i % 100) / 99
            let upper = i < 100
            xs.append((upper ? cos(t) : 1 - cos(t)) + 0.12 * random.normal())
            ys.append((upper ? sin(t) : 0.5 - sin(t)) + 0.12 * random.normal())
            labels.append(upper ? 0 : 1)
        }
        return (xs, ys, labels)
    }

    /// 10,000 points in four Gaussian clusters, as an embedding of a large data set looks.
    static var blobs: ScatterChart {
        var random = SeededRandom(seed: 10)
        let centres = [(-2.0, 1.0), (2.0, 2.0), (0.0, -2.0), (3.0, -1.0)]
        var xs: [Double] = []
        var ys: [Double] = []
        var labels: [Int] = []
        for i in 0..<10_000 {
            let c = i % centres.count
            xs.append(centres[c].0 + 0.8 * random.normal())
            ys.append(centres[c].1 + 0.8 * random.normal())
            labels.append(c)
        }
        return ScatterChart(x: xs, y: ys, labels: labels, title: "10,000 points in four clusters")
    }

    static var moons: ScatterChart {
        let data = moonsData
        return ScatterChart(
            x: data.x, y: data.y, labels: data.labels, classNames: ["upper moon", "lower moon"], title: "Two moons",
            xLabel: "x₁", yLabel: "x₂")
    }

    /// A made-up smooth classifier standing in for a trained one.
    static var decisionBoundary: DecisionBoundary {
        let columns = 90
        let rows = 70
        let xRange = -1.5...2.5
        let yRange = -1.0...1.5
        var probabilities: [[Double]] = []
        for r in 0..<rows {
            let y = yRange.upperBound - (yRange.upperBound - yRange.lowerBound) * (Double(r) + 0.5) / Double(rows)
            for c in 0..<columns {
                let x = xRange.lowerBound + (xRange.upperBound - xRange.lowerBound) * (Double(c) + 0.5) / Double(columns)
                let score = 3 * (y - 0.25 - 0.6 * sin(2.2 * (x - 0.5)) * -1)
                let p = 1 / (1 + exp(-score))
                probabilities.append([p, 1 - p])
            }
        }
        var scatter = moons
        scatter.title = "Decision boundary"
        return DecisionBoundary(
            probabilities: probabilities, columns: columns, rows: rows, xRange: xRange, yRange: yRange, scatter: scatter)
    }

    /// A perceptron's answer: one class on each side of a line, no shading.
    static var stepBoundary: DecisionBoundary {
        let n = 60
        let probabilities = (0..<(n * n)).map { i -> [Double] in
            let x = (Double(i % n) + 0.5) / Double(n)
            let y = 1 - (Double(i / n) + 0.5) / Double(n)
            return 0.8 * x + 0.5 * y > 0.7 ? [0, 1] : [1, 0]
        }
        let scatter = ScatterChart(
            x: [0, 0, 1, 1], y: [0, 1, 0, 1], labels: [0, 0, 0, 1], title: "AND: one line", xLabel: "a", yLabel: "b")
        return DecisionBoundary(
            probabilities: probabilities, columns: n, rows: n, xRange: -0.1...1.1, yRange: -0.1...1.1, scatter: scatter,
            shaded: false)
    }

    /// The loss of w·x + b on four examples of y = 3x + 2, with gradient descent's path.
    static var lossSurface: LossSurface {
        let xs: [Double] = [1, 2, 3, 4]
        func loss(_ w: Double, _ b: Double) -> Double {
            xs.map { x in (w * x + b - (3 * x + 2)) * (w * x + b - (3 * x + 2)) }.reduce(0, +) / 4
        }
        let ws = (0...40).map { -1 + 0.2 * Double($0) }
        let bs = (0...40).map { -4 + 0.3 * Double($0) }
        var path: [(x: Double, y: Double)] = [(-0.5, 7)]
        var (w, b) = (-0.5, 7.0)
        for _ in 0..<40 {
            let dw = xs.map { x in 2 * x * (w * x + b - (3 * x + 2)) }.reduce(0, +) / 4
            let db = xs.map { x in 2 * (w * x + b - (3 * x + 2)) }.reduce(0, +) / 4
            (w, b) = (w - 0.05 * dw, b - 0.05 * db)
            path.append((w, b))
        }
        return LossSurface(
            values: bs.map { b in ws.map { w in loss(w, b) } }, x: ws, y: bs, path: path, title: "Loss of w·x + b",
            xLabel: "w", yLabel: "b")
    }

    /// Three tanh neurons over the plane: two edges at angles, one a gentle slope.
    static var neuronPictures: NeuronPictures {
        let n = 30
        func grid(_ f: (Double, Double) -> Double) -> [Double] {
            (0..<(n * n)).map { i in
                let x = -1 + 2 * (Double(i % n) + 0.5) / Double(n)
                let y = 1 - 2 * (Double(i / n) + 0.5) / Double(n)
                return tanh(f(x, y))
            }
        }
        return NeuronPictures(
            outputs: [grid { x, y in 3 * x - 2 * y }, grid { x, y in -x - 4 * y + 1 }, grid { x, _ in 0.5 * x }],
            columns: n, rows: n, xRange: -1...1, yRange: -1...1, title: "Hidden neurons", xLabel: "x[.., 0]",
            yLabel: "x[.., 1]")
    }

    static var histogram: Histogram {
        var random = SeededRandom(seed: 4)
        let weights = (0..<2000).map { _ in 0.5 * random.normal() } + [.nan, .infinity]
        return Histogram(weights, title: "Weights of layer 1", xLabel: "weight")
    }

    static var heatmap: Heatmap {
        let names = ["the", "cat", "sat", "on", "the", "mat"]
        var random = SeededRandom(seed: 5)
        var values: [[Double]] = []
        for r in 0..<names.count {
            var row = (0..<names.count).map { c in c <= r ? exp(2 * random.uniform()) + (c == r ? 2 : 0) : 0 }
            let total = row.reduce(0, +)
            row = row.map { $0 / total }
            values.append(row)
        }
        values[5][0] = .nan
        return Heatmap(
            values, rowLabels: names, columnLabels: names, title: "Attention weights", xLabel: "key", yLabel: "query")
    }

    static var largeHeatmap: Heatmap {
        let n = 120
        let values = (0..<n).map { r in (0..<n).map { c in sin(Double(r) / 9) * cos(Double(c) / 13) } }
        return Heatmap(values, title: "A 120×120 matrix", xLabel: "column", yLabel: "row")
    }

    static var confusionMatrix: ConfusionMatrix {
        var random = SeededRandom(seed: 6)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for t in 0..<10 {
            for _ in 0..<100 {
                let u = random.uniform()
                let p = u < 0.88 ? t : (u < 0.94 ? (t + 3) % 10 : Int(random.uniform() * 10))
                counts[t][p] += 1
            }
        }
        return ConfusionMatrix(counts, classNames: (0..<10).map(String.init))
    }

    /// 8×8 digit shapes, as in the small scikit-learn digits set; `#` is ink.
    static let digitShapes: [[String]] = [
        ["..####..", ".##..##.", ".##..##.", ".##..##.", ".##..##.", ".##..##.", ".##..##.", "..####.."],
        ["...##...", "..###...", ".####...", "...##...", "...##...", "...##...", "...##...", ".######."],
        ["..####..", ".##..##.", ".....##.", "....##..", "...##...", "..##....", ".##.....", ".######."],
        ["..####..", ".##..##.", ".....##.", "...###..", ".....##.", ".....##.", ".##..##.", "..####.."],
        ["....##..", "...###..", "..#.##..", ".#..##..", ".######.", "....##..", "....##..", "....##.."],
        [".######.", ".##.....", ".##.....", ".#####..", ".....##.", ".....##.", ".##..##.", "..####.."],
        ["..####..", ".##.....", ".##.....", ".#####..", ".##..##.", ".##..##.", ".##..##.", "..####.."],
        [".######.", ".....##.", "....##..", "....##..", "...##...", "...##...", "..##....", "..##...."],
        ["..####..", ".##..##.", ".##..##.", "..####..", ".##..##.", ".##..##.", ".##..##.", "..####.."],
        ["..####..", ".##..##.", ".##..##.", "..#####.", ".....##.", ".....##.", "....##..", "..###..."],
    ]

    static var digits: ImageGrid {
        var random = SeededRandom(seed: 7)
        var images: [[Double]] = []
        var labels: [String] = []
        var flagged: Set<Int> = []
        for i in 0..<20 {
            let digit = i % 10
            let pixels = digitShapes[digit].flatMap { row in
                row.map { ch in (ch == "#" ? 14.0 : 1.0) + 2 * random.uniform() }
            }
            images.append(pixels)
            // Two deliberate mistakes, to show how wrong predictions stand out.
            let predicted = (i == 7 || i == 13) ? (digit + 2) % 10 : digit
            labels.append(predicted == digit ? "\(digit)" : "\(predicted) (true \(digit))")
            if predicted != digit { flagged.insert(i) }
        }
        return ImageGrid(images: images, width: 8, height: 8, labels: labels, flagged: flagged, title: "Digits and predictions")
    }

    static var learningRateSweep: LineChart {
        let rates = (0..<25).map { pow(10, -5 + 5 * Double($0) / 24) }
        let losses = rates.map { lr -> Double in
            let l = log10(lr)
            return l > -0.8 ? 2.3 + 4 * (l + 0.8) : 2.3 - 1.9 / (1 + exp(-2.5 * (l + 3.4))) + 0.4 * max(0, l + 1.6)
        }
        return .learningRateSweep(learningRates: rates, losses: losses)
    }

    static var lossCurves: LineChart {
        var random = SeededRandom(seed: 1)
        let epochs = (1...60).map(Double.init)
        let train = epochs.map { 2.3 * exp(-$0 / 12) + 0.05 + 0.02 * random.normal() }
        let validation = epochs.map { 2.3 * exp(-$0 / 14) + 0.12 + 0.002 * $0 + 0.03 * random.normal() }
        return LineChart(
            [Series("train", x: epochs, y: train), Series("validation", x: epochs, y: validation, dashed: true)],
            title: "Training history", xLabel: "epoch", yLabel: "cross-entropy loss")
    }

    /// 10,000 noisy steps: the size the benchmark draws.
    public static var bigLine: LineChart {
        var random = SeededRandom(seed: 2)
        var loss = 2.5
        let ys = (0..<10_000).map { step -> Double in
            loss = loss * 0.9995 + 0.0004 * (1 + random.normal())
            return loss + 0.15 * abs(random.normal()) * exp(-Double(step) / 4000)
        }
        return LineChart([Series("batch loss", y: ys)], title: "10,000 steps", xLabel: "step", yLabel: "loss")
    }

    static var edgeCases: LineChart {
        var ys = (0..<40).map { sin(Double($0) / 4) }
        ys[10] = .nan
        ys[20] = .infinity
        ys[21] = -.infinity
        return LineChart(
            [Series("with gaps", y: ys), Series("short", x: [5, 15, 25], y: [0.5, .nan, -0.5])],
            title: "NaN and infinity are skipped", xLabel: "i", yLabel: "value")
    }
}
