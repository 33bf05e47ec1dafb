// `playground()`: TensorFlow Playground inside a notebook. A small network learns a 2-D data set
// while the learner turns its controls; the picture (every neuron's map, the weights, the
// decision over the plane, the losses) is redrawn as it trains. Training runs in the kernel in
// short idle slices, so the kernel answers requests (and the learner's controls) meanwhile; the
// model is an ordinary value, so the next cell can summarise it, save it or train it on.

import Display
import Kernel
import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data sets, features, activations and rates the playground offers.
enum PlaygroundChoices {
    static let datasets = ["circle", "xor", "gaussians", "spiral", "moons"]
    /// Feature names as shown, and the ASCII spellings a program may use.
    static let features = ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"]
    static let featureSpellings = ["x1": 0, "x2": 1, "x1^2": 2, "x2^2": 3, "x1*x2": 4, "sin(x1)": 5, "sin(x2)": 6]
    static let activations = ["relu", "tanh", "sigmoid", "linear"]
    static let learningRates: [Double] = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
    static let regularizations = ["none", "L1", "L2"]
    static let regularizationRates: [Double] = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
    /// The plane is -6...6 on both axes, as in TensorFlow Playground.
    static let extent = 6.0
    static let pointCount = 400
    static let maxLayers = 6
    static let maxNeurons = 8

    static func featureIndex(_ name: String) -> Int? {
        features.firstIndex(of: name) ?? featureSpellings[name]
    }

    static func activation(_ name: String) -> Activation? {
        switch name {
        case "relu": .relu
        case "tanh": .tanh
        case "sigmoid": .sigmoid
        case "linear": nil
        default: nil
        }
    }
}

/// A playground: its settings, its data, its network and the widgets that show and steer it.
final class Playground: ScriptObject, WidgetShowable, IdleWork {
    unowned let comms: WidgetComms
    // Settings.
    var dataset: String
    var noise: Double
    var trainRatio: Double
    var features: [Int]
    var hidden: [Int]
    var activationName: String
    var learningRate: Double
    var regularization: String
    var regularizationRate: Double
    var batchSize: Int
    var seed: UInt64
    // Data: points in the plane and their labels, split in two.
    var trainPoints: [PlaygroundPicture.LabelledPoint] = []
    var testPoints: [PlaygroundPicture.LabelledPoint] = []
    var trainInputs: Tensor
    var trainLabels: Tensor
    var testInputs: Tensor
    var testLabels: Tensor
    // The network and its training.
    var model: Sequential
    var optimizer: SGD
    var steps = 0
    var order: [Int] = []
    var cursor = 0
    var trainLosses: [Double] = []
    var testLosses: [Double] = []
    var lossSteps: [Int] = []
    var isPlaying = false
    var resets = 0
    // Drawing.
    var lastPNG: [UInt8] = []
    var lastDrawn = 0.0
    var redraws = 0
    /// Seconds between the starts of two redraws while playing: about 14 pictures a second,
    /// with the time between drawings spent training.
    var redrawInterval = 0.07
    /// The grid the output is computed on, and the coarser one of the neuron maps.
    static let outputSize = 60
    static let mapStride = 3
    // Widgets.
    var root: Widget!
    var image: Widget!
    var status: Widget!
    var playButton: Widget!
    var layersRow: Widget!

    init(
        comms: WidgetComms, dataset: String, noise: Double, trainRatio: Double, features: [Int], hidden: [Int],
        activation: String, learningRate: Double, regularization: String, regularizationRate: Double, batchSize: Int,
        seed: UInt64
    ) throws {
        self.comms = comms
        self.dataset = dataset
        self.noise = noise
        self.trainRatio = trainRatio
        self.features = features
        self.hidden = hidden
        self.activationName = activation
        self.learningRate = learningRate
        self.regularization = regularization
        self.regularizationRate = regularizationRate
        self.batchSize = batchSize
        self.seed = seed
        let empty = try Tensor(shape: [0, 1], scalars: [])
        (trainInputs, trainLabels, testInputs, testLabels) = (empty, empty, empty, empty)
        model = Sequential([])
        optimizer = try SGD(parameters: [], lr: learningRate)
        try makeData()
        try makeModel()
    }

    static let valueType = ValueType(named: "Playground")
    var plainText: String {
        "Playground(\(dataset), features \(features.map { PlaygroundChoices.features[$0] }.joined(separator: ", ")), hidden \(hidden), \(activationName), lr \(formatFloat(learningRate)), step \(steps)"
            + (trainLosses.last.map { ", train loss \(fixedDecimals($0, 3)), test loss \(fixedDecimals(testLosses.last ?? .nan, 3))" } ?? "") + ")"
    }

    // MARK: Data

    /// Points of the chosen shape in the plane, with noise, split into train and test.
    func makeData() throws {
        var generator = RandomGenerator(seed: seed &+ 0x9E37)
        let n = PlaygroundChoices.pointCount
        var points: [PlaygroundPicture.LabelledPoint] = []
        func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * generator.nextUniform() }
        let radius = 5.0
        switch dataset {
        case "circle":
            for index in 0..<n {
                let inside = index < n / 2
                let r = inside ? uniform(0, radius * 0.5) : uniform(radius * 0.7, radius)
                let angle = uniform(0, 2 * Double.pi)
                let x = r * sin(angle) + uniform(-radius, radius) * noise
                let y = r * cos(angle) + uniform(-radius, radius) * noise
                points.append(.init(x: x, y: y, label: inside ? 1 : 0))
            }
        case "xor":
            for _ in 0..<n {
                var x = uniform(-5, 5), y = uniform(-5, 5)
                x += x > 0 ? 0.3 : -0.3
                y += y > 0 ? 0.3 : -0.3
                let label = x * y >= 0 ? 1 : 0
                points.append(.init(x: x + uniform(-5, 5) * noise, y: y + uniform(-5, 5) * noise, label: label))
            }
        case "gaussians":
            let spread = 0.5 + 3.5 * noise * 2
            for index in 0..<n {
                let label = index < n / 2 ? 1 : 0
                let centre = label == 1 ? 2.0 : -2.0
                points.append(
                    .init(x: centre + generator.nextNormal() * spread.squareRoot(), y: centre + generator.nextNormal() * spread.squareRoot(), label: label))
            }
        case "spiral":
            let half = n / 2
            for (label, delta) in [(1, 0.0), (0, Double.pi)] {
                for index in 0..<half {
                    let r = Double(index) / Double(half) * radius
                    let t = 1.75 * Double(index) / Double(half) * 2 * Double.pi + delta
                    points.append(
                        .init(x: r * sin(t) + uniform(-1, 1) * noise * 2, y: r * cos(t) + uniform(-1, 1) * noise * 2, label: label))
                }
            }
        default:  // moons
            let half = n / 2
            for index in 0..<n {
                let upper = index < half
                let t = Double.pi * Double(upper ? index : index - half) / Double(half - 1)
                let (x, y) = upper ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
                points.append(
                    .init(x: (x - 0.5) * 3.5 + uniform(-1, 1) * noise * 2, y: (y - 0.25) * 3.5 + uniform(-1, 1) * noise * 2, label: upper ? 1 : 0))
            }
        }
        points.shuffle(using: &generator)
        let trainCount = max(1, min(points.count - 1, Int((Double(points.count) * trainRatio).rounded())))
        trainPoints = Array(points[..<trainCount])
        testPoints = Array(points[trainCount...])
        try makeInputs()
    }

    /// The feature columns of a set of points.
    func featureRows(_ xs: [Double], _ ys: [Double]) throws -> Tensor {
        var scalars: [Double] = []
        scalars.reserveCapacity(xs.count * features.count)
        for (x, y) in zip(xs, ys) {
            // x1 and x2 on a scale of about -2...2, so the usual learning rates suit them.
            let u = x / 3, v = y / 3
            for feature in features {
                switch feature {
                case 0: scalars.append(u)
                case 1: scalars.append(v)
                case 2: scalars.append(u * u)
                case 3: scalars.append(v * v)
                case 4: scalars.append(u * v)
                case 5: scalars.append(sin(x))
                default: scalars.append(sin(y))
                }
            }
        }
        return try Tensor(shape: [xs.count, features.count], scalars: scalars)
    }

    func makeInputs() throws {
        trainInputs = try featureRows(trainPoints.map(\.x), trainPoints.map(\.y))
        trainLabels = try Tensor(shape: [trainPoints.count, 1], scalars: trainPoints.map { Double($0.label) })
        testInputs = try featureRows(testPoints.map(\.x), testPoints.map(\.y))
        testLabels = try Tensor(shape: [testPoints.count, 1], scalars: testPoints.map { Double($0.label) })
        order = Array(trainPoints.indices)
        cursor = order.count
    }

    // MARK: The network

    /// A fresh network for the current features and layers; training starts over.
    func makeModel() throws {
        resets += 1
        let activation = PlaygroundChoices.activation(activationName)
        var layers: [Layer] = []
        var width = features.count
        for (index, size) in hidden.enumerated() {
            layers.append(try Dense(width, size, activation: activation, seed: seed &+ UInt64(resets * 16 + index)))
            width = size
        }
        layers.append(try Dense(width, 1, seed: seed &+ UInt64(resets * 16 + 15)))
        model = Sequential(layers)
        optimizer = try SGD(model, lr: learningRate)
        steps = 0
        trainLosses = []
        testLosses = []
        lossSteps = []
        try recordLosses()
    }

    var denseLayers: [Dense] { model.layers.compactMap { $0 as? Dense } }

    func loss(_ inputs: Tensor, _ labels: Tensor) throws -> Double {
        try withNoGrad { try bceWithLogits(try model(inputs), labels).toDoubles()[0] }
    }

    func recordLosses() throws {
        trainLosses.append(try loss(trainInputs, trainLabels))
        testLosses.append(testPoints.isEmpty ? .nan : try loss(testInputs, testLabels))
        lossSteps.append(steps)
    }

    /// One step of gradient descent on the next batch. - Returns: the batch's loss.
    @discardableResult
    func step() throws -> Double {
        if cursor + batchSize > order.count {
            var generator = RandomGenerator(seed: seed &+ UInt64(steps) &* 31)
            order.shuffle(using: &generator)
            cursor = 0
        }
        let batch = Array(order[cursor..<min(cursor + batchSize, order.count)])
        cursor += batch.count
        let indices = try Tensor(shape: [batch.count], scalars: batch.map(Double.init), dtype: .int64)
        let inputs = try trainInputs.select(indices: indices, axis: 0)
        let labels = try trainLabels.select(indices: indices, axis: 0)
        var loss = try bceWithLogits(try model(inputs), labels)
        if regularization != "none" && regularizationRate > 0 {
            for layer in denseLayers {
                let penalty = regularization == "L1" ? try layer.weight.abs().sum() : try (layer.weight * layer.weight).sum()
                loss = try loss + penalty * regularizationRate
            }
        }
        optimizer.learningRate = learningRate
        optimizer.zeroGrad()
        try loss.backward()
        try optimizer.step()
        steps += 1
        if steps % 10 == 0 { try recordLosses() }
        return loss.toDoubles()[0]
    }

    // MARK: Picture

    /// The current state as numbers for the picture: one forward pass over a grid of the plane
    /// gives the output and every hidden neuron's map at once.
    func picture() throws -> PlaygroundPicture {
        let size = Playground.outputSize
        let extent = PlaygroundChoices.extent
        var xs: [Double] = [], ys: [Double] = []
        for row in 0..<size {
            for column in 0..<size {
                xs.append(-extent + (Double(column) + 0.5) / Double(size) * 2 * extent)
                ys.append(extent - (Double(row) + 0.5) / Double(size) * 2 * extent)
            }
        }
        let stride = Playground.mapStride
        let mapSize = size / stride
        let mapIndices = (0..<mapSize).flatMap { row in (0..<mapSize).map { column in (row * stride + 1) * size + column * stride + 1 } }
        let inputs = try featureRows(xs, ys)
        var hiddenMaps: [[[Double]]] = []
        var output: [Double] = []
        try withNoGrad {
            var activations = inputs
            for (index, layer) in model.layers.enumerated() {
                activations = try layer(activations)
                let values = activations.toDoubles()
                let width = activations.shape.last ?? 1
                if index < model.layers.count - 1 {
                    hiddenMaps.append((0..<width).map { neuron in mapIndices.map { values[$0 * width + neuron] } })
                } else {
                    output = values.map { 1 / (1 + exp(-$0)) }
                }
            }
        }
        let inputValues = inputs.toDoubles()
        let inputMaps = features.indices.map { feature in mapIndices.map { inputValues[$0 * features.count + feature] } }
        let weights = denseLayers.map { layer -> [[Double]] in
            let values = layer.weight.toDoubles()
            return (0..<layer.outFeatures).map { row in Array(values[row * layer.inFeatures..<(row + 1) * layer.inFeatures]) }
        }
        let caption =
            "step \(steps) · \(dataset) · lr \(formatFloat(learningRate)) · \(activationName) · batch \(batchSize)"
            + (regularization == "none" ? "" : " · \(regularization) \(formatFloat(regularizationRate))")
        return PlaygroundPicture(
            inputNames: features.map { PlaygroundChoices.features[$0] }, inputMaps: inputMaps, hiddenMaps: hiddenMaps,
            weights: weights, mapSize: mapSize, output: output, outputSize: size, extent: extent, trainPoints: trainPoints,
            testPoints: testPoints, trainLoss: trainLosses, testLoss: testLosses, caption: caption)
    }

    /// Draws the picture and sends it to the front end.
    func redraw() throws {
        // Timed from the start of the drawing, so the redraw rate holds whatever drawing costs.
        lastDrawn = Runtime.now()
        lastPNG = try picture().png()
        redraws += 1
        guard let image else { return }
        image.binaryState["value"] = lastPNG
        comms.sync(image, ["value"])
        let losses =
            "step \(steps), train loss \(trainLosses.last.map { fixedDecimals($0, 3) } ?? "–"), test loss \(testLosses.last.map { fixedDecimals($0, 3) } ?? "–")"
        comms.set(status, ["value": .string("<b>\(isPlaying ? "playing" : "paused")</b> · \(losses)")])
    }

    // MARK: Playing

    /// Trains for about `budget` seconds, redrawing when the last picture is old enough.
    /// - Returns: whether it is still playing.
    func runSlice() -> Bool {
        guard isPlaying else { return false }
        do {
            let start = Runtime.now()
            repeat {
                try step()
            } while Runtime.now() - start < 0.02
            if Runtime.now() - lastDrawn >= redrawInterval { try redraw() }
        } catch {
            comms.log("the playground stopped: \(error)")
            isPlaying = false
            try? redraw()
        }
        return isPlaying
    }

    func play() {
        isPlaying = true
        comms.set(playButton, ["description": "❚❚ pause", "button_style": "warning"])
        comms.startIdleWork(self)
    }

    func pause() {
        isPlaying = false
        comms.stopIdleWork(self)
        comms.set(playButton, ["description": "▶ play", "button_style": "success"])
        try? recordLosses()
        try? redraw()
    }

    /// Runs `count` steps now, in the running cell: redraws as it goes, takes the learner's
    /// controls between steps, and stops on an interrupt or a pause.
    func play(steps count: Int, runtime: Runtime) throws {
        isPlaying = true
        comms.set(playButton, ["description": "❚❚ pause", "button_style": "warning"])
        defer {
            isPlaying = false
            comms.set(playButton, ["description": "▶ play", "button_style": "success"])
            try? recordLosses()
            try? redraw()
        }
        for _ in 0..<count {
            try runtime.checkInterruptEveryTurn()
            try step()
            runtime.safePoint()
            if !isPlaying { break }
            if Runtime.now() - lastDrawn >= redrawInterval { try redraw() }
        }
    }

    // MARK: Widgets

    /// Builds the controls, the picture and the status line, and wires the controls to the
    /// settings.
    func makeWidgets() throws {
        let comms = self.comms
        func labelled(_ text: String) -> Widget { comms.make(.html, state: ["value": .string("<b>\(text)</b>")]) }
        func observe(_ widget: Widget, _ body: @escaping (Playground, Widget) throws -> Void) {
            widget.observers.append { [weak self] widget in
                guard let self else { return }
                do { try body(self, widget) } catch { comms.log("playground: \(error)") }
            }
        }
        // Data.
        let datasetMenu = try Builtins.makeDropdown(
            PlaygroundChoices.datasets.map(Value.string), value: .string(dataset), label: "data", comms: comms)
        observe(datasetMenu) { pg, widget in
            pg.dataset = widget.value.text
            try pg.makeData()
            try pg.makeModel()
            try pg.redraw()
        }
        let noiseSlider = comms.make(
            .intSlider, state: ["description": "noise %", "min": 0, "max": 50, "step": 5, "value": .int(Int(noise * 100)), "readout_format": "d"])
        observe(noiseSlider) { pg, widget in
            pg.noise = Double(widget.state["value"]?.intValue ?? 0) / 100
            try pg.makeData()
            try pg.makeModel()
            try pg.redraw()
        }
        let ratioSlider = comms.make(
            .intSlider,
            state: ["description": "train %", "min": 10, "max": 90, "step": 10, "value": .int(Int(trainRatio * 100)), "readout_format": "d"])
        observe(ratioSlider) { pg, widget in
            pg.trainRatio = Double(widget.state["value"]?.intValue ?? 50) / 100
            try pg.makeData()
            try pg.makeModel()
            try pg.redraw()
        }
        let batchSlider = comms.make(
            .intSlider, state: ["description": "batch", "min": 1, "max": 30, "step": 1, "value": .int(batchSize), "readout_format": "d"])
        observe(batchSlider) { pg, widget in pg.batchSize = widget.state["value"]?.intValue ?? 10 }
        // Features.
        var featureBoxes: [Widget] = []
        for (index, name) in PlaygroundChoices.features.enumerated() {
            let box = comms.make(.checkbox, state: ["description": .string(name), "value": .bool(features.contains(index)), "indent": false])
            observe(box) { pg, widget in
                var chosen = Set(pg.features)
                if widget.state["value"]?.boolValue == true { chosen.insert(index) } else { chosen.remove(index) }
                if chosen.isEmpty {
                    // A network needs an input: the last feature stays on.
                    comms.set(widget, ["value": true])
                    return
                }
                pg.features = chosen.sorted()
                try pg.makeInputs()
                try pg.makeModel()
                try pg.redraw()
            }
            featureBoxes.append(box)
        }
        // The network.
        let activationMenu = try Builtins.makeDropdown(
            PlaygroundChoices.activations.map(Value.string), value: .string(activationName), label: "activation", comms: comms)
        observe(activationMenu) { pg, widget in
            pg.activationName = widget.value.text
            try pg.makeModel()
            try pg.redraw()
        }
        let rateMenu = try Builtins.makeDropdown(
            PlaygroundChoices.learningRates.map(Value.float), value: .float(learningRate), label: "learning rate", comms: comms)
        observe(rateMenu) { pg, widget in pg.learningRate = widget.value.number ?? pg.learningRate }
        let regularizationMenu = try Builtins.makeDropdown(
            PlaygroundChoices.regularizations.map(Value.string), value: .string(regularization), label: "regularisation", comms: comms)
        observe(regularizationMenu) { pg, widget in pg.regularization = widget.value.text }
        let regularizationRateMenu = try Builtins.makeDropdown(
            PlaygroundChoices.regularizationRates.map(Value.float), value: .float(regularizationRate), label: "reg. rate", comms: comms)
        observe(regularizationRateMenu) { pg, widget in pg.regularizationRate = widget.value.number ?? 0 }
        // The network's menus have the longest labels ("regularisation"): wide enough for them,
        // where ipywidgets gives 80 pixels and cuts the rest.
        for menu in [activationMenu, rateMenu, regularizationMenu, regularizationRateMenu] {
            comms.set(menu.style!, ["description_width": "100px"])
        }
        // The layers' buttons wrap onto a second line when the column is narrow.
        layersRow = comms.make(.hbox, state: [:], layout: ["flex_flow": "row wrap"])
        // Play, step, reset.
        playButton = comms.make(.button, state: ["description": "▶ play", "button_style": "success"])
        let stepButton = comms.make(.button, state: ["description": "step", "button_style": ""])
        let resetButton = comms.make(.button, state: ["description": "reset", "button_style": ""])
        for (button, action) in [
            (playButton!, { (pg: Playground) in pg.isPlaying ? pg.pause() : pg.play() }),
            (stepButton, { (pg: Playground) in
                try? pg.step()
                try? pg.recordLosses()
                try? pg.redraw()
            }),
            (resetButton, { (pg: Playground) in
                if pg.isPlaying { pg.pause() }
                try? pg.makeModel()
                try? pg.redraw()
            }),
        ] {
            button.clickObservers.append { [weak self] in if let self { action(self) } }
        }
        status = comms.make(.html, state: ["value": ""])
        try redraw()
        // At most its 900 pixels, narrower in a narrower notebook (less its margins).
        image = comms.make(
            .image, state: ["format": "png", "width": "900"],
            layout: ["max_width": "calc(100% - 2 * var(--jp-widgets-margin))", "height": "auto"], binary: ["value": lastPNG])
        let area = comms.make(.output, state: ["outputs": []])
        // The three columns of controls share the notebook's width, and each control stretches
        // to its column's: ipywidgets' controls are 300 pixels wide otherwise, and three of them
        // overflow a notebook beside JupyterLab's file browser.
        func controlColumn(_ items: [Widget]) -> Widget {
            for item in items { comms.set(item.layout!, ["width": "auto"]) }
            return comms.make(.vbox, state: [:], layout: ["flex": "1 1 0%", "min_width": "0"], children: items)
        }
        func row(_ items: [Widget]) -> Widget { comms.make(.hbox, state: [:], children: items) }
        let controls = row([
            controlColumn([labelled("data"), datasetMenu, noiseSlider, ratioSlider, batchSlider]),
            controlColumn([labelled("features")] + featureBoxes),
            controlColumn([labelled("network"), layersRow, activationMenu, rateMenu, regularizationMenu, regularizationRateMenu]),
        ])
        root = comms.make(.vbox, state: [:], children: [row([playButton, stepButton, resetButton, status]), controls, image, area])
        root.outputArea = area
        rebuildLayerControls()
        try redraw()
    }

    /// The row of hidden layers, each with its neuron count and buttons, and buttons to add or
    /// remove a layer; rebuilt when the layers change.
    func rebuildLayerControls() {
        let comms = self.comms
        var items: [Widget] = []
        func button(_ label: String, _ action: @escaping (Playground) -> Void) -> Widget {
            let widget = comms.make(.button, state: ["description": .string(label)], layout: ["width": "34px"])
            widget.clickObservers.append { [weak self] in
                guard let self else { return }
                action(self)
                try? self.makeModel()
                self.rebuildLayerControls()
                try? self.redraw()
            }
            return widget
        }
        items.append(button("−") { pg in if !pg.hidden.isEmpty { pg.hidden.removeLast() } })
        items.append(button("+") { pg in if pg.hidden.count < PlaygroundChoices.maxLayers { pg.hidden.append(4) } })
        for (index, size) in hidden.enumerated() {
            let label = comms.make(.html, state: ["value": .string("&nbsp;L\(index + 1): \(size)")])
            items.append(label)
            items.append(button("−") { pg in if index < pg.hidden.count, pg.hidden[index] > 1 { pg.hidden[index] -= 1 } })
            items.append(button("+") { pg in
                if index < pg.hidden.count, pg.hidden[index] < PlaygroundChoices.maxNeurons { pg.hidden[index] += 1 }
            })
        }
        let old = layersRow.children
        layersRow.children = items
        for item in items { comms.open(item) }
        comms.sync(layersRow, ["children"])
        for widget in old { comms.close(widget) }
    }

    func bundle(in comms: WidgetComms) -> MimeBundle {
        if lastPNG.isEmpty { try? redraw() }
        return comms.bundle(
            for: root, extra: ["image/png": .string(PlaygroundPicture.base64(lastPNG)), "text/plain": .string(plainText)])
    }
}

extension Builtins {
    static func registerPlayground(in library: Library) {
        library.add(
            "playground",
            [.labelled("dataset", default: .string("circle")), .labelled("noise", default: .float(0)),
             .labelled("trainRatio", default: .float(0.5)), .labelled("features", default: .array([.string("x1"), .string("x2")])),
             .labelled("hidden", default: .array([.int(4), .int(2)])), .labelled("activation", default: .string("tanh")),
             .labelled("lr", default: .float(0.03)), .labelled("regularization", default: .string("none")),
             .labelled("regularizationRate", default: .float(0)), .labelled("batchSize", default: .int(10)),
             .labelled("seed", default: .void)],
            doc: "TensorFlow Playground in the notebook: a small network learns a 2-D data set (circle, xor, gaussians, spiral, moons) while you turn its controls (noise, train/test ratio, input features x1, x2, x1², x2², x1·x2, sin x1, sin x2, layers and neurons, activation, learning rate, L1/L2 regularisation, batch size; play, pause, step, reset). The picture shows every neuron's output over the plane, the weights, the decision with the train and test points, and both losses. pg.model, pg.history, pg.step() and pg.play(steps:) reach it from code.",
            example: "let pg = playground(dataset: \"xor\", hidden: [8, 8], lr: 0.1, seed: 1)\npg.play(steps: 50)\nsummary(pg.model)"
        ) { args in
            let dataset = try args.string("dataset")
            guard PlaygroundChoices.datasets.contains(dataset) else {
                throw args.error("dataset", "the data sets are \(PlaygroundChoices.datasets.joined(separator: ", "))", kind: .valueError)
            }
            let noise = try args.double("noise"), ratio = try args.double("trainRatio")
            guard (0...0.5).contains(noise) else { throw args.error("noise", "noise is between 0 and 0.5", kind: .valueError) }
            guard ratio > 0 && ratio < 1 else { throw args.error("trainRatio", "trainRatio is between 0 and 1", kind: .valueError) }
            var features: [Int] = []
            for item in try args.array("features") {
                guard case .string(let name) = item, let index = PlaygroundChoices.featureIndex(name) else {
                    throw args.error(
                        "features", "the features are \(PlaygroundChoices.features.joined(separator: ", ")) (or x1^2, x2^2, x1*x2, sin(x1), sin(x2))",
                        kind: .valueError)
                }
                if !features.contains(index) { features.append(index) }
            }
            guard !features.isEmpty else { throw args.error("features", "the network needs at least one feature", kind: .valueError) }
            var hidden: [Int] = []
            for item in try args.array("hidden") {
                guard case .int(let size) = item, (1...PlaygroundChoices.maxNeurons).contains(size) else {
                    throw args.error("hidden", "each hidden layer has 1 to \(PlaygroundChoices.maxNeurons) neurons", kind: .valueError)
                }
                hidden.append(size)
            }
            guard hidden.count <= PlaygroundChoices.maxLayers else {
                throw args.error("hidden", "at most \(PlaygroundChoices.maxLayers) hidden layers", kind: .valueError)
            }
            let activation = try args.string("activation")
            guard PlaygroundChoices.activations.contains(activation) else {
                throw args.error("activation", "the activations are \(PlaygroundChoices.activations.joined(separator: ", "))", kind: .valueError)
            }
            let regularization = try args.string("regularization")
            guard PlaygroundChoices.regularizations.contains(regularization) else {
                throw args.error("regularization", "regularization is none, L1 or L2", kind: .valueError)
            }
            let lr = try args.double("lr"), rate = try args.double("regularizationRate")
            guard lr > 0, lr.isFinite else { throw args.error("lr", "the learning rate must be above 0", kind: .valueError) }
            guard rate >= 0, rate.isFinite else { throw args.error("regularizationRate", "the rate must be ≥ 0", kind: .valueError) }
            let batch = try args.int("batchSize")
            guard (1...30).contains(batch) else { throw args.error("batchSize", "the batch size is 1 to 30", kind: .valueError) }
            let playground = try Playground(
                comms: args.runtime.widgets, dataset: dataset, noise: noise, trainRatio: ratio, features: features, hidden: hidden,
                activation: activation, learningRate: lr, regularization: regularization, regularizationRate: rate, batchSize: batch,
                seed: args.runtime.seed(try args.intIfPresent("seed")))
            try playground.makeWidgets()
            return .object(playground)
        }
        library.addProperty(Playground.valueType, "model", doc: "The playground's network now: a Sequential that takes the chosen features and gives one logit.") { value in
            guard case .object(let playground as Playground) = value else { return .void }
            return .object(playground.model)
        }
        library.addProperty(Playground.valueType, "history", doc: "The train and test losses so far (every 10 steps), as a history that plots.") { value in
            guard case .object(let playground as Playground) = value else { return .void }
            return .object(HistoryObject(series: [("train loss", playground.trainLosses), ("test loss", playground.testLosses)]))
        }
        library.addProperty(Playground.valueType, "data", doc: "The training set as (features, labels): what the model takes, for a Trainer.") { value in
            guard case .object(let playground as Playground) = value else { return .void }
            return .tuple([.tensor(playground.trainInputs), .tensor(playground.trainLabels)])
        }
        library.addProperty(Playground.valueType, "testData", doc: "The test set as (features, labels).") { value in
            guard case .object(let playground as Playground) = value else { return .void }
            return .tuple([.tensor(playground.testInputs), .tensor(playground.testLabels)])
        }
        library.addProperty(
            Playground.valueType, "lr", doc: "The learning rate; assign to change it, even while it plays.",
            get: { value in
                guard case .object(let playground as Playground) = value else { return .void }
                return .float(playground.learningRate)
            },
            set: { value, new in
                guard case .object(let playground as Playground) = value else { return }
                guard let rate = new.number, rate > 0, rate.isFinite else {
                    throw LanguageError(.valueError, "the learning rate must be a number above 0, not \(describeKind(new))")
                }
                playground.learningRate = rate
            })
        library.addProperty(Playground.valueType, "steps", doc: "Training steps taken since the last reset.") { value in
            guard case .object(let playground as Playground) = value else { return .void }
            return .int(playground.steps)
        }
        library.addMethod(
            Playground.valueType, "step", [], doc: "One training step on the next batch; redraws and gives the batch's loss.",
            example: "let pg = playground(seed: 1)\npg.step()"
        ) { args in
            let playground = try args.receiverObject(as: Playground.self)
            let loss = try playground.step()
            try playground.recordLosses()
            try playground.redraw()
            return .float(loss)
        }
        library.addMethod(
            Playground.valueType, "play", [.labelled("steps", default: .void)],
            doc: "With steps, trains that many steps now, redrawing as it goes (the controls, pause included, act meanwhile); without, starts playing in the background, as the play button does.",
            example: "let pg = playground(dataset: \"moons\", seed: 2)\npg.play(steps: 20)\npg.steps"
        ) { args in
            let playground = try args.receiverObject(as: Playground.self)
            if let count = try args.intIfPresent("steps") {
                guard count >= 0 else { throw args.error("steps", "steps must be ≥ 0", kind: .valueError) }
                try playground.play(steps: count, runtime: args.runtime)
            } else {
                playground.play()
            }
            return .void
        }
        library.addMethod(
            Playground.valueType, "pause", [], doc: "Stops playing.", example: "let pg = playground(seed: 1)\npg.play()\npg.pause()"
        ) { args in
            try args.receiverObject(as: Playground.self).pause()
            return .void
        }
        library.addMethod(
            Playground.valueType, "reset", [], doc: "A fresh network with new initial weights; the history starts over.",
            example: "let pg = playground(seed: 1)\npg.reset()\npg.steps"
        ) { args in
            let playground = try args.receiverObject(as: Playground.self)
            try playground.makeModel()
            try playground.redraw()
            return .void
        }
    }
}
