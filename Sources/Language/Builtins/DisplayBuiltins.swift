// The display layer's charts, diagrams and tables as builtins: each returns a picture or table
// that shows as the cell's result, or at once through `display(...)`.

import Display
import NeuralNetworks
import Tensors

/// Objects that carry a training run's history (a trainer, a history), so `plot(...)` draws it.
public protocol TrainingHistoryHolder {
    var trainingHistory: TrainingHistory { get }
}

extension Builtins {
    static func registerDisplay(in library: Library) {
        library.topic = "Display"
        let title = Parameter.labelled("title", default: .void)

        func picture(_ bundle: MIMEBundle, _ kind: String) -> Value { .object(Picture(bundle, kind: kind)) }

        func model(_ args: Arguments, _ name: String) throws -> Layer {
            try args.object(name, as: Layer.self, expected: "a model (a layer or a Sequential)")
        }

        /// Display's errors as the language's, pointing at the argument named `about` when given,
        /// else at the whole call.
        func visualize<T>(_ args: Arguments, about argument: String? = nil, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let failure as VisualizeError {
                if let argument { throw args.error(argument, failure.message, kind: .valueError) }
                throw args.error(failure.message)
            }
        }

        library.add(
            "plot",
            [
                .positional("data", default: .void), .keywords("series"), .labelled("x", default: .void), title,
                .labelled("logScale", default: .bool(false)), .labelled("xLabel", default: .void),
                .labelled("yLabel", default: .void), .labelled("logX", default: .bool(false)),
            ],
            doc: "A line chart of a history (history(), a trainer, its history), of a tensor or array of numbers, or of several named series: plot(train: a, validation: b); a series given as (xs, ys) has x values of its own. logScale: true draws the y axis in powers of ten, logX: true the x axis (sizes from 10 to 1,000, learning rates). A history with a loss and an accuracy is drawn as two panels, each axis labelled.",
            example: "log(loss: 1.0)\nlog(loss: 0.5)\nlog(loss: 0.3)\nplot(history())\nplot(tensor([1, 4, 9, 16]), title: \"squares\")\nplot(up: [1, 2, 3], down: [3, 2, 1])\nplot(accuracy: [0.6, 0.8, 0.9], x: [10, 100, 1000], logX: true)\nplot(curve: ([0, 1, 2, 3], [0, 1, 4, 9]), points: ([0.5, 2.5], [0.25, 6.25]))"
        ) { args in
            let chartTitle = try args.stringIfPresent("title")
            let logScale = try args.bool("logScale")
            let data = args.value("data")
            var series: [(name: String, x: [Double]?, y: [Double])] = []
            switch data {
            case .void: break
            case .object(let object):
                if let history = object as? HistoryObject {
                    guard !history.series.isEmpty else { throw args.error("data", "the history is empty: record values with log(loss: value) first", kind: .valueError) }
                    return picture(Visualize.plot(history: history.series, title: chartTitle, logScale: logScale, xLabel: try args.stringIfPresent("xLabel") ?? "step"), "Chart")
                }
                if let holder = object as? TrainingHistoryHolder {
                    return picture(Visualize.plot(holder.trainingHistory, title: chartTitle, logScale: logScale), "Chart")
                }
                throw args.error("data", "cannot plot \(describeKind(data)): plot a history, a tensor or an array of numbers")
            default:
                series.append(("y", nil, try numbers(data, args, "data")))
            }
            for item in try args.array("series") {
                guard case .tuple(let pair) = item, case .string(let name) = pair[0] else { continue }
                // name: (xs, ys) is a line with x values of its own, as matplotlib's plot(x, y).
                if case .tuple(let points) = pair[1], points.count == 2, points.allSatisfy(isSequence) {
                    let (x, y) = (try numbers(points[0], args, "series"), try numbers(points[1], args, "series"))
                    guard x.count == y.count else {
                        throw args.error("series", "the series \(name) has \(x.count) x values but \(y.count) y values", kind: .shapeError)
                    }
                    series.append((name, x, y))
                } else {
                    series.append((name, nil, try numbers(pair[1], args, "series")))
                }
            }
            guard !series.isEmpty else { throw args.error("plot needs something to draw: plot(history()), plot(values) or plot(name: values)", kind: .typeError) }
            let x = args.has("x") ? try numbers(args.value("x"), args, "x") : nil
            if let x, let longest = series.filter({ $0.x == nil }).map(\.y.count).max(), x.count != longest {
                throw args.error("x", "x has \(x.count) values but the series have \(longest)", kind: .shapeError)
            }
            return picture(
                Visualize.plot(
                    lines: series.map { Series($0.name, x: $0.x ?? x, y: $0.y) }, title: chartTitle, logScale: logScale,
                    xLabel: try args.stringIfPresent("xLabel"), yLabel: try args.stringIfPresent("yLabel"), logX: try args.bool("logX")),
                "Chart")
        }
        library.add(
            "scatter", [.positional("points"), .positional("labels", default: .void), title],
            doc: "Points [n, 2] as a scatter chart, coloured by class when labels (class numbers [n] or one-hot [n, k]) are given.",
            example: "let (x, y) = dataset(\"moons\", n: 100, seed: 1)\nscatter(x, y, title: \"two moons\")"
        ) { args in
            let points = try args.tensor("points")
            let labels = try args.tensorIfPresent("labels")
            return picture(try visualize(args) { try Visualize.scatter(points, labels, title: try args.stringIfPresent("title")) }, "Chart")
        }
        library.add(
            "histogram", [.positional("values"), .labelled("bins", default: .int(30)), title],
            doc: "How the values of a tensor are spread: a histogram with the given number of bins.",
            example: "histogram(randn([1000], seed: 1), bins: 20)"
        ) { args in
            let values = try args.tensor("values")
            let bins = try args.int("bins")
            guard bins >= 1 && bins <= 10_000 else { throw args.error("bins", "bins must be from 1 to 10000", kind: .valueError) }
            return picture(try visualize(args) { try Visualize.histogram(values, bins: bins, title: try args.stringIfPresent("title")) }, "Chart")
        }
        library.add(
            "heatmap", [.positional("values"), title],
            doc: "A 2-d tensor as coloured cells with a colour bar (a weight matrix, a feature map).",
            example: "heatmap(tensor([[1, 2, 3], [4, 5, 6]]), title: \"a matrix\")"
        ) { args in
            let values = try args.tensor("values")
            return picture(try visualize(args) { try Visualize.heatmap(values, title: try args.stringIfPresent("title")) }, "Chart")
        }
        library.add(
            "images", [.positional("images"), .labelled("labels", default: .void), .labelled("columns", default: .void), title, .labelled("signed", default: .bool(false))],
            doc: "Tensors as greyscale pictures: [n, h, w], [n, 1, h, w], one [h, w], or flattened square images [n, 64]; labels are shown under each. signed: true draws values of both signs (weights, filters) in blue (positive) and orange (negative) around white for 0, with a colour bar.",
            example: "let (x, y) = digits()\nimages(x[0..<10], labels: y[0..<10])\nimages(randn([4, 3, 3], seed: 1), signed: true)"
        ) { args in
            let images = try args.tensor("images")
            let labels = try args.tensorIfPresent("labels")
            let columns = try args.intIfPresent("columns")
            if let columns, columns < 1 { throw args.error("columns", "columns must be at least 1", kind: .valueError) }
            return picture(try visualize(args) { try Visualize.images(images, labels: labels, columns: columns, title: try args.stringIfPresent("title"), signed: try args.bool("signed")) }, "Chart")
        }
        library.add(
            "boundary",
            [
                .positional("model"), .positional("points"), .positional("labels"), .labelled("resolution", default: .int(100)), title,
                .labelled("xLabel", default: .void), .labelled("yLabel", default: .void), .labelled("shading", default: .bool(true)),
            ],
            doc: "The decision boundary of a model with 2 inputs over its data, as TensorFlow Playground shows it: the regions each class gets, paler where the model is unsure (a colour bar gives the probability), and the points. shading: false paints each region in one colour with the boundary as a line, as a step (a perceptron) answers.",
            example: "let (x, y) = dataset(\"moons\", n: 100, seed: 1)\nlet model = Sequential([Dense(2, 8, activation: relu), Dense(8, 2)])\nboundary(model, x, y)"
        ) { args in
            let network = try model(args, "model")
            let points = try args.tensor("points")
            let labels = try args.tensor("labels")
            let resolution = try args.int("resolution")
            guard (2...400).contains(resolution) else { throw args.error("resolution", "resolution must be from 2 to 400", kind: .valueError) }
            let (xLabel, yLabel) = (try args.stringIfPresent("xLabel"), try args.stringIfPresent("yLabel"))
            let shading = try args.bool("shading")
            return picture(
                try visualize(args) {
                    try Visualize.boundary(
                        network, points, labels, resolution: resolution, title: try args.stringIfPresent("title"), xLabel: xLabel,
                        yLabel: yLabel, shading: shading)
                }, "Chart")
        }
        library.add(
            "confusion", [.positional("predictions"), .positional("targets"), .labelled("classes", default: .void), title],
            doc: "The confusion matrix of predictions (class numbers, or scores [n, k] whose largest wins) against targets: which classes are mistaken for which.",
            example: "confusion(tensor([0, 1, 1, 2]), tensor([0, 1, 2, 2]))"
        ) { args in
            let predictions = try args.tensor("predictions")
            let targets = try args.tensor("targets")
            let classes = try args.intIfPresent("classes")
            return picture(try visualize(args) { try Visualize.confusion(predictions: predictions, targets: targets, classes: classes, title: try args.stringIfPresent("title")) }, "Chart")
        }
        library.add(
            "graph", [.positional("value")],
            doc: "The computation graph that made a tensor: each value with its gradient (after backward()), and the operations between them, as micrograd draws it.",
            example: "let a = tensor(2.0, requiresGrad: true)\nlet b = tensor(-3.0, requiresGrad: true)\nlet c = a * b + a\nc.backward()\ngraph(c)"
        ) { args in
            let value = try args.tensor("value")
            return picture(try visualize(args) { try Visualize.graph(value) }, "Diagram")
        }
        library.add(
            "activations", [],
            doc: "The activation functions (sigmoid, tanh, ReLU, ...) and their derivatives, side by side.",
            example: "activations()"
        ) { _ in picture(Visualize.activations(), "Chart") }
        library.add(
            "learningRateSweep", [.labelled("rates"), .labelled("losses")],
            doc: "Loss against learning rate on a log axis, to pick a rate where the loss falls fastest.",
            example: "learningRateSweep(rates: [0.001, 0.01, 0.1, 1], losses: [0.9, 0.5, 0.2, 3.0])"
        ) { args in
            let rates = try numbers(args.value("rates"), args, "rates")
            let losses = try numbers(args.value("losses"), args, "losses")
            return picture(try visualize(args) { try Visualize.learningRateSweep(rates: rates, losses: losses) }, "Chart")
        }
        library.add(
            "summary", [.positional("model"), .labelled("inputShape", default: .void)],
            doc: "A model's layers as a table: Layer (type), Output Shape, Param #, with totals, trainable and frozen counts. inputShape is one example's shape (without the batch axis); a model of your own class is run once on zeros of it to show each part's output shape.",
            example: "summary(Sequential([Dense(2, 16, activation: relu), Dense(16, 2)]))"
        ) { args in
            let network = try model(args, "model")
            let shape = args.has("inputShape") ? try args.shape("inputShape") : nil
            return picture(Visualize.summary(network, inputShape: shape), "Table")
        }
        library.add(
            "diagram", [.positional("model")],
            doc: "A model drawn as a network: neurons as circles while layers are small (boxes with counts when large), edges coloured by the sign of their weight and as thick as its size.",
            example: "diagram(Sequential([Dense(2, 4, activation: tanh), Dense(4, 1)]))"
        ) { args in
            let network = try model(args, "model")
            return picture(try visualize(args) { try Visualize.diagram(network) }, "Diagram")
        }
        library.add(
            "table", [.positional("value"), .labelled("columns", default: .void), title],
            doc: "A tensor as a table (shape and dtype above it; columns: names its columns), or an array of records (arrays or tuples) under the given column names.",
            example: "table([(\"sgd\", 0.31), (\"adam\", 0.12)], columns: [\"optimizer\", \"loss\"])"
        ) { args in
            let value = args.value("value")
            if case .tensor(let tensor) = value {
                if args.has("columns") {
                    let names = try args.array("columns").map(\.text)
                    return picture(try visualize(args, about: "columns") { try Visualize.table(tensor, columns: names) }, "Table")
                }
                return picture(Visualize.table(tensor), "Table")
            }
            let rows = try args.array("value")
            var records: [[TableCell]] = []
            var width = 0
            for row in rows {
                let cells: [Value]
                switch row {
                case .array(let items), .tuple(let items): cells = items
                default: cells = [row]
                }
                width = max(width, cells.count)
                records.append(cells.map(tableCell))
            }
            var columns = args.has("columns") ? try args.array("columns").map(\.text) : []
            if columns.count < width { columns += (columns.count..<width).map { "column \($0 + 1)" } }
            records = records.map { $0 + Array(repeating: TableCell.empty, count: max(0, columns.count - $0.count)) }
            let table = RecordTable(columns: columns, rows: records, caption: try args.stringIfPresent("title"))
            return picture(table.mimeBundle(), "Table")
        }
    }

    static func tableCell(_ value: Value) -> TableCell {
        switch value {
        case .int(let number): .integer(number)
        case .float(let number): .number(number)
        case .tensor(let tensor) where tensor.count == 1: .number(tensor.toDoubles()[0])
        default: .text(value.text)
        }
    }

    /// Whether `numbers` reads the value as a sequence of its own (not as one number).
    static func isSequence(_ value: Value) -> Bool {
        switch value {
        case .tensor, .array, .range: true
        default: false
        }
    }

    /// Numbers from a tensor (flattened), an array of numbers, or a range.
    static func numbers(_ value: Value, _ args: Arguments, _ name: String) throws -> [Double] {
        switch value {
        case .tensor(let tensor): return tensor.toDoubles()
        case .array(let items), .tuple(let items):
            return try items.map { item in
                if let number = item.number { return number }
                if case .tensor(let tensor) = item, tensor.count == 1 { return tensor.toDoubles()[0] }
                throw args.error(name, "expected numbers, found \(describeKind(item))")
            }
        case .range(let lower?, let upper?, let closed):
            let end = closed ? upper + 1 : upper
            guard end - lower <= 1_000_000 else { throw args.error(name, "the range is too long to plot", kind: .valueError) }
            return lower < end ? (lower..<end).map(Double.init) : []
        default:
            throw args.error(name, "expected numbers (a tensor or an array), not \(describeKind(value))")
        }
    }
}
