// Visualize: what the notebook language calls to show tensors, models and training runs. Each
// function reads the engine's values, reshapes them into the plain inputs of the charts and
// tables in this module, and returns a finished MIME bundle (SVG + PNG + text for pictures,
// HTML + Markdown + text for tables). Impossible input is a thrown `VisualizeError` whose
// message can be shown to the learner as it is; nothing here traps. docs/display.md lists
// the functions with what each shows.

import Interchange
import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tensors, models and histories turned into MIME bundles: the functions the notebook's
/// `plot`, `show`, `summary` ... builtins call.
public enum Visualize {
    // MARK: Tables

    /// A tensor as a table with its shape and dtype; rank 3 and up shows the first matrix,
    /// long axes show their ends. Summarised tensors get a line of statistics under them.
    /// Only the cells shown are read, so a tensor of any size is cheap to show.
    public static func table(_ tensor: Tensor) -> MIMEBundle { table(tensor, names: nil) }

    /// The table with the columns (the last axis) named in place of their positions, one name
    /// a column.
    public static func table(_ tensor: Tensor, columns: [String]) throws(VisualizeError) -> MIMEBundle {
        guard tensor.rank >= 1 else { throw VisualizeError("columns: names a tensor's columns, but a scalar has none") }
        let count = tensor.shape[tensor.rank - 1]
        guard columns.count == count else {
            let names = columns.count == 1 ? "1 name" : "\(columns.count) names"
            throw VisualizeError("columns: gives \(names), but a tensor of shape \(formatShape(tensor.shape)) has \(count) columns")
        }
        return table(tensor, names: columns)
    }

    private static func table(_ tensor: Tensor, names columns: [String]?) -> MIMEBundle {
        let t = tensor.detach()
        var layout = TensorTable(values: [], shape: t.shape, dtype: t.dtype.rawValue)
        layout.columnNames = columns
        // The first matrix of the leading axes, as a view: reading it copies nothing.
        let lead = max(0, t.rank - 2)
        let matrix =
            lead == 0 || t.count == 0 ? t : ((try? t.index(Array(repeating: TensorIndex.at(0), count: lead))) ?? t)
        var table = layout.table { r, c in
            let index: [TensorIndex] =
                switch matrix.rank {
                case 0: []
                case 1: [.at(c)]
                default: [.at(r), .at(c)]
                }
            return (try? matrix.index(index).item()) ?? .nan
        }
        let summarised = t.rank > 2 || t.shape.contains { $0 > layout.limit }
        if summarised && t.count > 0 {
            table.footer = statistics(t)
        }
        return table.mimeBundle()
    }

    /// "n values · min … · max … · mean … · std …" of the finite elements, with the count of
    /// those that are not. Up to a million values are counted here, in order, so the line is
    /// the same on every machine; larger tensors are reduced by the engine.
    static func statistics(_ t: Tensor) -> String? {
        var low = Double.infinity
        var high = -Double.infinity
        var mean = 0.0
        var std = 0.0
        var skipped = 0
        if t.count <= 1_000_000 {
            let values = t.toDoubles()
            let finite = values.filter(\.isFinite)
            skipped = values.count - finite.count
            guard !finite.isEmpty else { return "\(NumberFormat.grouped(t.count)) values, none finite" }
            low = finite.min()!
            high = finite.max()!
            mean = finite.reduce(0, +) / Double(finite.count)
            std = (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count)).squareRoot()
        } else {
            // One pass over the elements in place: the engine's min, max and std each read the
            // whole tensor (seconds for a hundred million), for one line under six numbers.
            guard let moments = TensorMoments(t) else { return nil }
            guard moments.finite > 0 else { return "\(NumberFormat.grouped(t.count)) values, none finite" }
            (low, high, mean, std, skipped) = (moments.low, moments.high, moments.mean, moments.std, t.count - moments.finite)
        }
        var line =
            "\(NumberFormat.grouped(t.count)) values · min \(NumberFormat.general(low)) · max \(NumberFormat.general(high)) · mean \(NumberFormat.general(mean)) · std \(NumberFormat.general(std))"
        if skipped > 0 { line += " · \(NumberFormat.grouped(skipped)) not finite (left out)" }
        return line
    }

    /// A Keras-style summary: `Layer (type)`, `Output Shape`, `Param #`, with total, trainable
    /// and frozen counts. Layers inside a `Sequential` are listed by their dotted names.
    ///
    /// - Parameter inputShape: one example's shape, without the batch axis (`[2]`); when nil it
    ///   is taken from the first `Dense` layer if only shape-keeping layers come before it,
    ///   otherwise the output shapes are shown as `?`. A model that is not a chain (its own
    ///   class) is run once on zeros of that shape, and each part shows what it gave.
    public static func summary(_ model: Layer, inputShape: [Int]? = nil) -> MIMEBundle {
        // A model of one's own (not a chain) lists its parts; their shapes do not chain, so
        // they are traced through one forward pass.
        let composite = !(model is Sequential) && !model.children.isEmpty
        let layers = composite ? parts(of: model) : flattened(model)
        var shape: [Int]? = composite ? nil : (inputShape ?? inferredInputShape(layers)).map { [-1] + $0 }
        var problem: String?
        var trace: ShapeTrace?
        if composite, let inputShape {
            do { trace = try ShapeTrace.run(model, inputShape: inputShape) } catch { problem = "\(error)" }
        }
        var rows: [LayerDescription] = []
        for (name, layer) in layers {
            var output: [Int?] = []
            if let trace {
                output = trace.outputShape(of: layer) ?? []
            } else if let current = shape {
                do {
                    let next = try layer.outputShape(for: current)
                    output = next.map { $0 < 0 ? nil : $0 }
                    shape = next
                } catch {
                    problem = "\(error)"
                    shape = nil
                }
            }
            let count = layer.parameterCount
            let trainable = layer.trainableParameterCount
            rows.append(
                LayerDescription(
                    name: name, type: typeText(layer), outputShape: output, parameters: count,
                    trainable: count == 0 || trainable > 0, trainableParameters: trainable))
        }
        var table = ModelSummary(rows, modelName: model.typeName).table()
        if let problem, composite {
            table.footer = (table.footer ?? "") + " · output shapes: the model does not run on an input of shape "
                + formatShape([-1] + (inputShape ?? []), unknownSize: "N") + ": " + problem
        } else if let problem {
            table.footer = (table.footer ?? "") + " · output shapes stop where the input does not fit: " + problem
        } else if inputShape == nil && shape == nil && !layers.isEmpty {
            table.footer =
                (table.footer ?? "") + " · output shapes need an input shape: summary(model, inputShape: [...])"
        }
        return table.mimeBundle()
    }

    /// A layer's type, with the activation a Dense layer applies: `Dense · relu`.
    static func typeText(_ layer: Layer) -> String {
        if let dense = layer as? Dense, let activation = dense.activation { return "\(layer.typeName) · \(activation)" }
        return layer.typeName
    }

    /// The layers of a model with their dotted names; nested `Sequential`s are opened.
    static func flattened(_ model: Layer) -> [(name: String, layer: Layer)] {
        guard let sequential = model as? Sequential else { return [(model.typeName.lowercased(), model)] }
        return sequential.children.flatMap { name, child -> [(name: String, layer: Layer)] in
            child is Sequential ? flattened(child).map { ("\(name).\($0.name)", $0.layer) } : [(name, child)]
        }
    }

    /// The parts of a model that is not a chain, with dotted names: parameters it holds itself
    /// (one row), and each child; an array of layers (a child of type name "Array", as the
    /// language names the lists its objects hold) is opened.
    static func parts(of model: Layer) -> [(name: String, layer: Layer)] {
        var result: [(name: String, layer: Layer)] = []
        if !model.ownParameters.isEmpty { result.append(("(own)", OwnParameters(of: model))) }
        for (name, child) in model.children {
            if child.ownParameters.isEmpty && !child.children.isEmpty && child.typeName == "Array" {
                result += parts(of: child).map { ("\(name).\($0.name)", $0.layer) }
            } else {
                result.append((name, child))
            }
        }
        return result
    }

    /// A model's own parameters, as a row of its summary.
    private final class OwnParameters: Layer {
        let owner: Layer
        init(of owner: Layer) { self.owner = owner }
        override var ownParameters: [(name: String, tensor: Tensor)] { owner.ownParameters }
        override var typeName: String { "parameters of \(owner.typeName)" }
    }

    /// `[inFeatures]` of the first Dense layer, when only shape-keeping layers precede it.
    static func inferredInputShape(_ layers: [(name: String, layer: Layer)]) -> [Int]? {
        for (_, layer) in layers {
            if let dense = layer as? Dense { return [dense.inFeatures] }
            if layer is ActivationLayer || layer is Dropout { continue }
            return nil
        }
        return nil
    }

    // MARK: Diagrams

    /// The network of a chain of Dense layers: neurons, and weights coloured by sign.
    /// Activation and dropout layers between them are named under the layer they follow.
    public static func diagram(_ model: Layer) throws -> MIMEBundle {
        var dense: [Dense] = []
        var activations: [String?] = []
        // A model of one's own is drawn when its parts, in the order they are held, chain.
        let composite = !(model is Sequential) && !model.children.isEmpty
        for (name, layer) in composite ? parts(of: model) : flattened(model) {
            switch layer {
            case let d as Dense:
                if let previous = dense.last, previous.outFeatures != d.inFeatures {
                    throw VisualizeError(
                        "diagram: layer \(name) takes \(d.inFeatures) inputs but the layer before gives \(previous.outFeatures)"
                    )
                }
                dense.append(d)
                activations.append(d.activation.map { "\($0)" })
            case let a as ActivationLayer:
                if !activations.isEmpty { activations[activations.count - 1] = "\(a.activation)" }
            case is Dropout, is Flatten:
                continue
            default:
                throw VisualizeError(
                    "diagram draws chains of Dense layers; layer \(name) is \(layer.typeName). summary(model) lists any model"
                )
            }
        }
        guard let first = dense.first else {
            throw VisualizeError("diagram: the model has no Dense layer to draw")
        }
        let sizes = [first.inFeatures] + dense.map(\.outFeatures)
        // Weights only where both ends are drawn as neurons; boxes stand for all of theirs.
        let weights: [[[Double]]] = dense.map { d in
            guard d.inFeatures <= NetworkDiagram.circleLimit && d.outFeatures <= NetworkDiagram.circleLimit else {
                return []
            }
            let w = d.weight.detach().toDoubles()  // [out, in]
            return (0..<d.inFeatures).map { i in (0..<d.outFeatures).map { j in w[j * d.inFeatures + i] } }
        }
        let names =
            ["input"]
            + dense.indices.map { l in
                let base = l == dense.count - 1 ? "output" : "hidden \(l + 1)"
                return activations[l].map { "\(base) · \($0)" } ?? base
            }
        return NetworkDiagram(
            layerSizes: sizes, weights: weights.allSatisfy(\.isEmpty) ? [] : weights, layerNames: names
        )
        .mimeBundle()
    }

    /// The autograd graph that made `tensor`: each value a box with its data and gradient,
    /// operations in circles between them. A gradient is drawn where the engine keeps one: on
    /// leaves after `backward()`, and on results that have `retainsGrad` set. Graphs of more
    /// than `graphLimit` values are refused.
    public static func graph(_ tensor: Tensor) throws -> MIMEBundle {
        let tensors = tensor.graph()
        guard tensors.count <= graphLimit else {
            throw VisualizeError(
                "graph draws up to \(graphLimit) values; this one has \(NumberFormat.grouped(tensors.count)). Draw a smaller expression, such as one neuron's output"
            )
        }
        var ids: [ObjectIdentifier: Int] = [:]
        for (i, t) in tensors.enumerated() { ids[ObjectIdentifier(t)] = i }
        let nodes = tensors.enumerated().map { i, t -> GraphNode in
            var node = GraphNode(
                id: i, label: t.label ?? "", value: t.count == 1 ? ((try? t.item()) ?? .nan) : .nan,
                grad: t.grad.flatMap { $0.count == 1 ? try? $0.item() : nil },
                op: t.gradNode.map { operatorSymbol($0.name) },
                inputs: t.gradNode?.inputs.compactMap { ids[ObjectIdentifier($0)] } ?? [])
            if t.count != 1 {
                node.valueText = valuesText(t)
                node.gradText = t.grad.map(valuesText)
            }
            return node
        }
        return ComputationGraph(nodes).mimeBundle()
    }

    static let graphLimit = 200

    /// Operations as micrograd writes them: `+`, `*`, ...; other names as the engine gives them.
    static func operatorSymbol(_ name: String) -> String {
        switch name {
        case "add": "+"
        case "subtract": "−"
        case "multiply": "*"
        case "divide": "/"
        case "negate": "−x"
        case "matmul": "@"
        case "pow": "^"
        default: name
        }
    }

    /// A non-scalar value in a graph box: its few values (`[0.5, -1]`), or its shape (`4×8`).
    static func valuesText(_ t: Tensor) -> String {
        if t.count <= 3 && t.count > 0 {
            return "[" + t.toDoubles().map { NumberFormat.general($0, significant: 3) }.joined(separator: ", ") + "]"
        }
        return t.shape.map(String.init).joined(separator: "×")
    }

    // MARK: Line charts

    /// Per-epoch (or per-step) metrics as lines, one per name; the later ones dashed. A loss
    /// beside other measures (accuracy) gives one panel per measure (`HistoryChart`).
    public static func plot(
        history: [(name: String, values: [Double])], title: String? = nil, logScale: Bool = false,
        xLabel: String = "epoch"
    ) -> MIMEBundle {
        // A loss and an accuracy have different units: one panel each, each axis labelled.
        if HistoryChart.needsPanels(history) {
            return HistoryChart(history: history, title: title, xLabel: xLabel, logLoss: logScale).mimeBundle()
        }
        let allLoss = !history.isEmpty && history.allSatisfy { $0.name.lowercased().contains("loss") }
        return LineChart(
            history: history, title: title, yLabel: allLoss ? "loss" : nil, xLabel: xLabel,
            yScale: logScale ? .log : .linear
        ).mimeBundle()
    }

    /// A training run's history: loss and metrics per epoch (`loss`, `val_loss`, `accuracy`,
    /// `val_accuracy`), or the loss of every step when no epoch has finished.
    public static func plot(_ history: TrainingHistory, title: String? = nil, logScale: Bool = false) -> MIMEBundle {
        plot(
            history: series(of: history), title: title, logScale: logScale,
            xLabel: history.epochs.isEmpty ? "step" : "epoch")
    }

    /// The named series of a training history, as `plot(history:)` takes them.
    public static func series(of history: TrainingHistory) -> [(name: String, values: [Double])] {
        guard !history.epochs.isEmpty else { return history.steps.isEmpty ? [] : [("loss", history.stepLosses)] }
        var out: [(name: String, values: [Double])] = [("loss", history.epochLosses)]
        if history.epochs.contains(where: { $0.validationLoss != nil }) {
            out.append(("val_loss", history.epochs.map { $0.validationLoss ?? .nan }))
        }
        let names = Set(history.epochs.flatMap(\.metrics.keys)).sorted()
        for name in names { out.append((name, history.epochs.map { $0.metrics[name] ?? .nan })) }
        let validationNames = Set(history.epochs.flatMap(\.validationMetrics.keys)).sorted()
        for name in validationNames {
            out.append(("val_" + name, history.epochs.map { $0.validationMetrics[name] ?? .nan }))
        }
        return out
    }

    /// Lines of y values against shared x values (0, 1, 2, ... when nil).
    public static func plot(
        series: [(name: String, y: [Double])], x: [Double]? = nil, title: String? = nil, logScale: Bool = false,
        xLabel: String? = nil, yLabel: String? = nil, logX: Bool = false
    ) -> MIMEBundle {
        plot(
            lines: series.map { Series($0.name, x: x, y: $0.y) }, title: title, logScale: logScale, xLabel: xLabel,
            yLabel: yLabel, logX: logX)
    }

    /// Lines, each with its own x values (0, 1, 2, ... where a line has none).
    public static func plot(
        lines: [Series], title: String? = nil, logScale: Bool = false, xLabel: String? = nil, yLabel: String? = nil,
        logX: Bool = false
    ) -> MIMEBundle {
        LineChart(
            // One line has no legend: its name labels the y axis instead.
            lines, title: title, xLabel: xLabel,
            yLabel: yLabel ?? (lines.count == 1 && !lines[0].name.isEmpty ? lines[0].name : nil),
            xScale: logX ? .log : .linear, yScale: logScale ? .log : .linear
        ).mimeBundle()
    }

    /// The loss after a short run at each learning rate, on a log axis, with the lowest marked.
    public static func learningRateSweep(rates: [Double], losses: [Double]) throws -> MIMEBundle {
        guard rates.count == losses.count else {
            throw VisualizeError(
                "learningRateSweep needs one loss per rate: \(rates.count) rates, \(losses.count) losses")
        }
        return LineChart.learningRateSweep(learningRates: rates, losses: losses).mimeBundle()
    }

    /// The activation functions and their derivatives, side by side.
    public static func activations() -> MIMEBundle {
        SmallMultiples.activationFunctions().mimeBundle()
    }

    // MARK: Data

    /// Points of the first two columns of `x` ([n, 2] or wider), coloured by class when `y`
    /// (class ids [n] or [n, 1], or one-hot rows [n, k]) is given.
    public static func scatter(_ x: Tensor, _ y: Tensor?, title: String? = nil) throws -> MIMEBundle {
        let (xs, ys) = try columns(x, "scatter")
        let labels = try y.map { try classLabels($0, count: xs.count, role: "scatter: y") }
        if let labels, Set(labels).count > maxScatterClasses {
            throw VisualizeError("scatter colours up to \(maxScatterClasses) classes; y has \(Set(labels).count)")
        }
        return ScatterChart(x: xs, y: ys, labels: labels, title: title, xLabel: "x[.., 0]", yLabel: "x[.., 1]")
            .mimeBundle()
    }

    static let maxScatterClasses = 30

    /// How the values of a tensor of any shape spread, in `bins` bins (at most 200).
    public static func histogram(_ values: Tensor, bins: Int = 30, title: String? = nil) throws -> MIMEBundle {
        guard bins >= 1 else { throw VisualizeError("histogram needs at least 1 bin, got \(bins)") }
        return Histogram(values.detach().toDoubles(), bins: bins, title: title, xLabel: values.label ?? "value")
            .mimeBundle()
    }

    /// A matrix as coloured cells with a colour bar; a vector is one row. Values of both signs
    /// are drawn orange (negative) to white (0) to blue (positive), as the network diagram
    /// colours weights; others with viridis.
    public static func heatmap(_ values: Tensor, title: String? = nil) throws -> MIMEBundle {
        guard values.rank == 1 || values.rank == 2 else {
            throw VisualizeError(
                "heatmap draws a matrix (2-d tensor); this one has shape \(formatShape(values.shape)). Pick one, e.g. x[0], or reshape it"
            )
        }
        let rows = values.rank == 1 ? 1 : values.shape[0]
        let columns = values.shape[values.rank - 1]
        guard rows * columns <= maxHeatmapCells else {
            throw VisualizeError(
                "heatmap draws up to \(NumberFormat.grouped(maxHeatmapCells)) cells; this one has \(NumberFormat.grouped(rows * columns)). Slice it first"
            )
        }
        let flat = values.detach().toDoubles()
        let matrix = (0..<rows).map { r in Array(flat[(r * columns)..<((r + 1) * columns)]) }
        // Weights and other signed values get a diverging map centred on zero.
        let finite = flat.filter(\.isFinite)
        let signed = (finite.min() ?? 0) < 0 && (finite.max() ?? 0) > 0
        return Heatmap(matrix, colormap: signed ? .signed : .viridis, title: title).mimeBundle()
    }

    static let maxHeatmapCells = 512 * 512

    /// Greyscale pictures in a grid: [n, h, w], [n, 1, h, w], [n, h, w, 1], [h, w], or flattened
    /// squares [n, side²]; `labels` (class ids [n] or one-hot [n, k]) are written under them.
    /// A 2-d tensor [a, b] is a batch of flattened squares when a != b and b is a square
    /// (digits [n, 64]), otherwise one picture. At most 100 images are drawn.
    public static func images(
        _ images: Tensor, labels: Tensor? = nil, columns: Int? = nil, title: String? = nil, signed: Bool = false
    ) throws -> MIMEBundle
    {
        if let columns, columns < 1 { throw VisualizeError("images needs at least 1 column, got \(columns)") }
        let s = images.shape
        func square(_ n: Int) -> Int? {
            let side = Int(Double(n).squareRoot().rounded())
            return side >= 2 && side * side == n ? side : nil
        }
        // The number of pictures and their size; `batched` holds them one after another.
        let total: Int
        let height: Int
        let width: Int
        switch s.count {
        case 1:
            guard let side = square(s[0]) else {
                throw VisualizeError("images: \(s[0]) values are not a square picture; reshape to [height, width]")
            }
            (total, height, width) = (1, side, side)
        case 2:
            if s[0] != s[1], let side = square(s[1]) {
                (total, height, width) = (s[0], side, side)
            } else {
                (total, height, width) = (1, s[0], s[1])
            }
        case 3 where s[2] == 1 && s[0] > 1 && s[1] > 1 && labels == nil:
            (total, height, width) = (1, s[0], s[1])
        case 3:
            (total, height, width) = (s[0], s[1], s[2])
        case 4 where s[1] == 1:
            (total, height, width) = (s[0], s[2], s[3])
        case 4 where s[3] == 1:
            (total, height, width) = (s[0], s[1], s[2])
        case 4:
            throw VisualizeError(
                "images draws one channel; this tensor has shape \(formatShape(s)). Take one channel, e.g. x[.all, 0]")
        default:
            throw VisualizeError(
                "images takes [n, height, width], [n, 1, height, width], [height, width] or [n, side²]; got \(formatShape(s))"
            )
        }
        guard height > 0, width > 0 else {
            throw VisualizeError("images: pictures of \(height)×\(width) pixels have nothing to show")
        }
        let pixels = height * width
        let shown = min(total, maxImages)
        // Only the images drawn are read.
        let flat = withNoGrad { () -> [Double] in
            let t = images.detach()
            if total <= shown { return t.toDoubles() }
            return (try? t.index([.range(0, shown)]).toDoubles()) ?? []
        }
        guard flat.count == shown * pixels else {
            throw VisualizeError(
                "images: could not read \(shown) pictures of \(height)×\(width) from shape \(formatShape(s))")
        }
        let pictures = (0..<shown).map { Array(flat[($0 * pixels)..<(($0 + 1) * pixels)]) }
        var captions: [String] = []
        if let labels {
            captions = try labelTexts(labels)
            if captions.count != total {
                throw VisualizeError(
                    "images: \(total) pictures but \(captions.count) labels (shape \(formatShape(labels.shape)))")
            }
            captions = Array(captions.prefix(shown))
        }
        var heading = title
        if shown < total {
            heading = (title.map { $0 + " " } ?? "") + "(first \(shown) of \(NumberFormat.grouped(total)))"
        }
        return ImageGrid(
            images: pictures, width: width, height: height, labels: captions, columns: columns, title: heading,
            colormap: signed ? .signed : .greys
        )
        .mimeBundle()
    }

    static let maxImages = 100

    /// A label under a picture: a class id as an integer, any other number as a number.
    static func labelTexts(_ labels: Tensor) throws -> [String] {
        if labels.rank == 2 && labels.shape[1] > 1 {
            return try withNoGrad { try labels.argmax(axis: 1).toInts().map(String.init) }
        }
        guard labels.rank == 1 || (labels.rank == 2 && labels.shape[1] == 1) else {
            throw VisualizeError("labels must be [n], [n, 1] or one-hot [n, k], got \(formatShape(labels.shape))")
        }
        return labels.detach().toDoubles().map { v in
            v.wholeNumber(below: 1e15).map(String.init) ?? NumberFormat.general(v, significant: 3)
        }
    }

    // MARK: Models on data

    /// What a 2-input classifier predicts over the plane around `x`, under the points of `x`
    /// coloured by their class `y`. The model runs in evaluation mode without gradients, and
    /// its mode is restored. One output is a probability (sigmoid applied when the outputs
    /// leave [0, 1], as logits do); k outputs are class scores (softmax applied unless the
    /// last layer has one).
    public static func boundary(
        _ model: Layer, _ x: Tensor, _ y: Tensor, resolution: Int = 100, title: String? = nil, xLabel: String? = nil,
        yLabel: String? = nil, shading: Bool = true
    ) throws -> MIMEBundle
    {
        guard (2...500).contains(resolution) else {
            throw VisualizeError("boundary needs a resolution between 2 and 500, got \(resolution)")
        }
        guard x.rank == 2 && x.shape[1] == 2 else {
            throw VisualizeError(
                "boundary needs points x of shape [n, 2] for a model with 2 inputs, got \(formatShape(x.shape))")
        }
        let (xs, ys) = try columns(x, "boundary")
        let labels = try classLabels(y, count: xs.count, role: "boundary: y")
        let finite = (0..<xs.count).filter { xs[$0].isFinite && ys[$0].isFinite }
        guard !finite.isEmpty else {
            throw VisualizeError("boundary needs at least one point with finite coordinates in x")
        }
        let xRange = PlaneGrid.paddedRange(of: finite.map { xs[$0] })
        let yRange = PlaneGrid.paddedRange(of: finite.map { ys[$0] })
        let n = resolution
        let grid = PlaneGrid.centres(x: xRange, y: yRange, resolution: n)
        let dtype = model.parameters().first?.dtype ?? .float32
        let output: Tensor
        let wasTraining = model.isTraining
        model.eval()
        defer { model.setTraining(wasTraining) }
        do {
            output = try withNoGrad { try model(Tensor(shape: [n * n, 2], scalars: grid, dtype: dtype)) }
        } catch {
            throw VisualizeError("boundary: the model could not be evaluated on points with 2 features: \(error)")
        }
        let values = output.toDoubles()
        let last = lastActivation(model)
        let probabilities: [[Double]]
        if output.rank == 1 || (output.rank == 2 && output.shape[1] == 1) {
            guard values.count == n * n else {
                throw VisualizeError("boundary: the model gave \(formatShape(output.shape)) for \(n * n) points")
            }
            let logits = last != .sigmoid && last != .softmax && values.contains { $0.isFinite && ($0 < 0 || $0 > 1) }
            probabilities = values.map { v in
                let p = logits ? 1 / (1 + exp(-v)) : min(1, max(0, v))
                return [1 - p, p]
            }
        } else if output.rank == 2 && output.shape[0] == n * n {
            let k = output.shape[1]
            let scores = last != .softmax && last != .sigmoid
            probabilities = (0..<(n * n)).map { i in
                let row = Array(values[(i * k)..<((i + 1) * k)])
                guard scores else { return row }
                let top = row.filter(\.isFinite).max() ?? 0
                let e = row.map { exp($0 - top) }
                let total = e.reduce(0, +)
                return e.map { $0 / total }
            }
        } else {
            throw VisualizeError(
                "boundary needs a model with one output (a probability or logit) or one score per class; it gave \(formatShape(output.shape))"
            )
        }
        let scatter = ScatterChart(
            x: xs, y: ys, labels: labels, title: title ?? "Decision boundary", xLabel: xLabel ?? "x[.., 0]",
            yLabel: yLabel ?? "x[.., 1]")
        return DecisionBoundary(
            probabilities: probabilities, columns: n, rows: n, xRange: xRange, yRange: yRange, scatter: scatter,
            shaded: shading
        ).mimeBundle()
    }

    /// The activation at the end of a model: a Dense layer's, or an activation layer's.
    static func lastActivation(_ model: Layer) -> Activation? {
        for (_, layer) in flattened(model).reversed() {
            if let a = layer as? ActivationLayer { return a.activation }
            if let d = layer as? Dense { return d.activation }
            if layer is Dropout || layer is Flatten { continue }
            return nil
        }
        return nil
    }

    /// Counts of true class against predicted class.
    ///
    /// - Parameters:
    ///   - predictions: class ids [n], scores [n, k] (argmax), or probabilities of class 1 [n]
    ///     (threshold 0.5) when they are not whole numbers.
    ///   - targets: class ids [n] or [n, 1], or one-hot rows [n, k].
    public static func confusion(predictions: Tensor, targets: Tensor, classes: Int? = nil, title: String? = nil) throws
        -> MIMEBundle
    {
        let predicted: [Int]
        if predictions.rank == 2 && predictions.shape[1] > 1 {
            predicted = try classLabels(predictions, count: predictions.shape[0], role: "confusion: predictions")
        } else {
            guard predictions.rank == 1 || (predictions.rank == 2 && predictions.shape[1] == 1) else {
                throw VisualizeError(
                    "confusion: predictions must be class ids [n], scores [n, classes] or probabilities [n], got \(formatShape(predictions.shape))"
                )
            }
            let values = predictions.detach().toDoubles()
            if let bad = values.first(where: { !$0.isFinite }) {
                throw VisualizeError("confusion: predictions must be finite, got \(NumberFormat.general(bad))")
            }
            // Whole numbers are class ids (`classLabels` bounds them), anything else scores.
            if values.allSatisfy({ $0 == $0.rounded() }) {
                predicted = try classLabels(predictions, count: values.count, role: "confusion: predictions")
            } else {
                predicted = values.map { $0 >= 0.5 ? 1 : 0 }
            }
        }
        let actual = try classLabels(targets, count: predicted.count, role: "confusion: targets")
        let needed = max(predicted.max() ?? -1, actual.max() ?? -1) + 1
        let scoreClasses = predictions.rank == 2 && predictions.shape[1] > 1 ? predictions.shape[1] : 0
        let n = classes ?? max(needed, scoreClasses, 1)
        guard n >= 1 else { throw VisualizeError("confusion needs at least 1 class, got \(n)") }
        guard needed <= n else {
            throw VisualizeError("confusion: class \(needed - 1) is out of range for \(n) classes")
        }
        guard n <= maxConfusionClasses else {
            throw VisualizeError("confusion draws up to \(maxConfusionClasses) classes, got \(n)")
        }
        var chart = ConfusionMatrix(trueLabels: actual, predicted: predicted, classes: n)
        if let title { chart.title = title }
        return chart.mimeBundle()
    }

    static let maxConfusionClasses = 200

    // MARK: Reading tensors

    /// The first two columns of an [n, k ≥ 2] tensor.
    static func columns(_ x: Tensor, _ name: String) throws -> (x: [Double], y: [Double]) {
        guard x.rank == 2 && x.shape[1] >= 2 else {
            throw VisualizeError(
                "\(name) needs points x of shape [n, 2] (or more columns, the first two drawn), got \(formatShape(x.shape))"
            )
        }
        let k = x.shape[1]
        let flat = x.detach().toDoubles()
        let n = x.shape[0]
        return ((0..<n).map { flat[$0 * k] }, (0..<n).map { flat[$0 * k + 1] })
    }

    /// Class ids from ids [n] or [n, 1] or one-hot (or score) rows [n, k], checked.
    static func classLabels(_ y: Tensor, count: Int, role: String) throws -> [Int] {
        let labels: [Int]
        if y.rank == 2 && y.shape[1] > 1 {
            labels = try withNoGrad { try y.argmax(axis: 1).toInts() }
        } else {
            guard y.rank == 1 || (y.rank == 2 && y.shape[1] == 1) else {
                throw VisualizeError(
                    "\(role) must be class ids [n] or one-hot rows [n, classes], got shape \(formatShape(y.shape))")
            }
            let values = y.detach().toDoubles()
            if let bad = values.first(where: { ($0.wholeNumber(below: 1_000_001) ?? -1) < 0 }) {
                throw VisualizeError(
                    "\(role) must be class ids (whole numbers from 0), got \(NumberFormat.general(bad))")
            }
            labels = values.map { Int($0) }
        }
        guard labels.count == count else {
            throw VisualizeError("\(role) has \(labels.count) labels for \(count) points")
        }
        return labels
    }

}
