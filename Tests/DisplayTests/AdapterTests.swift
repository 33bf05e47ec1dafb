// Visualize and LiveTrainingDisplay: golden files for the examples in `Gallery.adapters`, and
// the edge cases a learner's tensors and models bring: each gives a readable picture or a
// VisualizeError, never a trap.

import NeuralNetworks
import Tensors
import Testing

@testable import Display
@testable import tensorcell_gallery

// MARK: Golden files

@Test(arguments: Gallery.adapters.map(\.name))
func adapterMatchesGoldenFiles(name: String) throws {
    let make = try #require(Gallery.adapters.first { $0.name == name }?.make)
    let bundle = try make()
    var checked = 0
    for (type, suffix) in [("image/svg+xml", "svg"), ("text/html", "html"), ("text/markdown", "md")] {
        if let text = bundle.text(type) {
            try Golden.check(text + (suffix == "svg" ? "" : "\n"), "\(name).\(suffix)")
            checked += 1
        }
    }
    try Golden.check(bundle.plainText + "\n", "\(name).txt")
    // A picture whose SVG is too large to go beside its PNG is checked as a PNG of its size in
    // adapterPicturesAreValidPNGsOfTheirSize; its drawing, by the chart kinds' golden SVGs.
    if bundle.text("image/png") != nil { checked += 1 }
    #expect(checked > 0, "\(name) has neither a picture nor a table")
}

@Test(arguments: Gallery.adapters.map(\.name))
func adapterPicturesAreValidPNGsOfTheirSize(name: String) throws {
    let make = try #require(Gallery.adapters.first { $0.name == name }?.make)
    let bundle = try make()
    guard let png = bundle.pngBytes else {
        #expect(bundle.text("image/svg+xml") == nil, "\(name) has SVG but no PNG")
        return
    }
    // A 2x picture, shown at its CSS size: the metadata says half its pixels.
    let bitmap = try Bitmap(png: png)
    let size = try #require(bundle.metadata["image/png"])
    #expect(size["width"]?.intValue.map { 2 * $0 } == bitmap.width && size["height"]?.intValue.map { 2 * $0 } == bitmap.height)
    #expect(png.count < 150 * 1024)
    #expect((bundle.text("image/svg+xml")?.utf8.count ?? 0) < ChartBundle.svgLimit)
}

@Test func adaptersGiveTheSameBytesTwice() throws {
    for (name, make) in Gallery.adapters {
        #expect(try make().data == make().data, "\(name) is not deterministic")
    }
}

// MARK: A freshly trained model through every adapter

/// A tiny classifier trained for a few epochs on two moons, with its data.
private func trainedModel() throws -> (model: Sequential, data: Dataset, trainer: Trainer) {
    let data = try Datasets.moons(n: 60, noise: 0.1, seed: 3)
    let model = Sequential([try Dense(2, 6, activation: .tanh, seed: 1), try Dense(6, 2, seed: 2)])
    let trainer = try Trainer(
        model, loss: .crossEntropy, optimizer: try Adam(model, lr: 0.05), data: data, validation: 0.2, batchSize: 16,
        metrics: [.accuracy], seed: 4)
    try trainer.fit(epochs: 5)
    return (model, data, trainer)
}

/// A bundle a notebook can show: text always; a picture as a PNG, with an SVG document beside
/// it when that is small.
private func expectReadable(_ bundle: MIMEBundle, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!bundle.plainText.isEmpty, "\(what): no text/plain", sourceLocation: sourceLocation)
    if let svg = bundle.text("image/svg+xml") {
        #expect(svg.hasSuffix("</svg>\n"), "\(what): SVG not finished", sourceLocation: sourceLocation)
        #expect(
            !svg.contains("nan\"") && !svg.contains("inf\""), "\(what): a non-finite number in an SVG attribute",
            sourceLocation: sourceLocation)
    }
    if bundle.text("image/svg+xml") != nil || bundle.text("image/png") != nil {
        #expect(
            bundle.pngBytes.map { (try? Bitmap(png: $0)) != nil } == true, "\(what): no valid PNG",
            sourceLocation: sourceLocation)
    } else {
        #expect(bundle.text("text/html") != nil, "\(what): neither picture nor table", sourceLocation: sourceLocation)
    }
}

/// Either a readable bundle or a VisualizeError with a message; any other error fails.
private func expectReadableOrRefused(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ make: () throws -> MIMEBundle
) {
    do {
        expectReadable(try make(), what, sourceLocation: sourceLocation)
    } catch let error as VisualizeError {
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

private func expectRefused(
    _ what: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ make: () throws -> MIMEBundle
) {
    do {
        _ = try make()
        Issue.record("\(what) was drawn; expected a VisualizeError", sourceLocation: sourceLocation)
    } catch let error as VisualizeError {
        #expect(error.message.contains(text), "\(what): \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Test func aTrainedModelGoesThroughEveryAdapter() throws {
    let (model, data, trainer) = try trainedModel()
    let output = try trainer.predict(data.features)
    expectReadable(Visualize.table(output), "table")
    expectReadable(Visualize.summary(model), "summary")
    expectReadable(try Visualize.diagram(model), "diagram")
    expectReadable(Visualize.plot(trainer.history), "history")
    expectReadable(try Visualize.histogram(output), "histogram")
    expectReadable(try Visualize.heatmap(model.parameters()[0]), "heatmap")
    expectReadable(try Visualize.scatter(data.features, output), "scatter by predicted class")
    expectReadable(try Visualize.boundary(model, data.features, data.targets, resolution: 20), "boundary")
    expectReadable(try Visualize.confusion(predictions: output, targets: data.targets), "confusion")
    let loss = try crossEntropy(model(data.features), data.targets)
    try loss.backward()
    expectReadable(try Visualize.graph(loss), "graph")
}

@Test func trainedGalleryExamplesAreReadable() throws {
    for (name, bundle) in try Gallery.trainedExamples() { expectReadable(bundle, name) }
}

@Test func theHistoryOfARunBecomesNamedSeries() throws {
    let (_, _, trainer) = try trainedModel()
    let series = Visualize.series(of: trainer.history)
    #expect(series.map(\.name) == ["loss", "val_loss", "accuracy", "val_accuracy"])
    #expect(series.allSatisfy { $0.values.count == 5 })
    let bundle = Visualize.plot(trainer.history)
    // A loss and an accuracy: a panel each, each y axis labelled with its measure.
    #expect(bundle.plainText.hasPrefix("<HistoryChart: 2 panels (loss, accuracy), 4 series, 20 points>"))
    #expect(bundle.plainText.contains("\n  val_accuracy: 5 points"))
}

// MARK: Edge cases

@Test func modelOutputWithNaNInfinityAndExtremesIsDrawnOrRefused() throws {
    let (model, data, trainer) = try trainedModel()
    let output = try trainer.predict(data.features).toDoubles()
    var broken = output
    broken[0] = .nan
    broken[1] = .infinity
    broken[2] = -.infinity
    let nasty = try Tensor(broken, shape: [output.count / 2, 2], dtype: .float64)
    let huge = try Tensor(output.map { $0 * 1e300 }, shape: [output.count / 2, 2], dtype: .float64)
    let tiny = try Tensor(output.map { $0 * 1e-300 }, shape: [output.count / 2, 2], dtype: .float64)
    let constant = try Tensor.full([30], value: 0.25)
    let empty = try Tensor.zeros([0])
    let emptyPoints = try Tensor.zeros([0, 2])
    let onePoint = try Tensor([0.5, 0.5], shape: [1, 2])
    for (name, t) in [
        ("nan", nasty), ("huge", huge), ("tiny", tiny), ("constant", constant), ("empty", empty),
        ("one point", onePoint), ("empty points", emptyPoints),
    ] {
        expectReadableOrRefused("table \(name)") { Visualize.table(t) }
        expectReadableOrRefused("histogram \(name)") { try Visualize.histogram(t) }
        expectReadableOrRefused("heatmap \(name)") { try Visualize.heatmap(t) }
        expectReadableOrRefused("scatter \(name)") { try Visualize.scatter(t, nil) }
        expectReadableOrRefused("images \(name)") { try Visualize.images(t) }
        expectReadableOrRefused("confusion \(name)") { try Visualize.confusion(predictions: t, targets: t) }
        expectReadableOrRefused("boundary \(name)") {
            try Visualize.boundary(model, t, try Tensor.zeros([t.shape.first ?? 0], dtype: .int64), resolution: 20)
        }
        expectReadableOrRefused("plot \(name)") { Visualize.plot(series: [("y", t.toDoubles())]) }
        expectReadableOrRefused("log plot \(name)") { Visualize.plot(series: [("y", t.toDoubles())], logScale: true) }
        expectReadableOrRefused("sweep \(name)") {
            try Visualize.learningRateSweep(rates: t.toDoubles(), losses: t.toDoubles())
        }
    }
}

@Test func aModelThatGivesNaNStillHasABoundaryPicture() throws {
    let (model, data, _) = try trainedModel()
    try withNoGrad { try model.parameters()[0].fill(.nan) }
    let bundle = try Visualize.boundary(model, data.features, data.targets, resolution: 10)
    expectReadable(bundle, "NaN model boundary")
}

@Test func boundaryEvaluatesInEvalModeWithoutGradientsAndRestoresTheMode() throws {
    let model = Sequential([
        try Dense(2, 4, activation: .relu, seed: 1), try Dropout(0.5, seed: 2),
        try Dense(4, 1, activation: .sigmoid, seed: 3),
    ])
    let x = try Tensor([0, 0, 1, 1, 0, 1, 1, 0], shape: [4, 2])
    let y = try Tensor([0, 0, 1, 1], dtype: .int64)
    model.train()
    let first = try Visualize.boundary(model, x, y, resolution: 16)
    #expect(model.isTraining)
    #expect(model.parameters().allSatisfy { $0.grad == nil })
    // Dropout is off in eval mode, so drawing twice gives the same regions.
    #expect(first.pngBytes == (try Visualize.boundary(model, x, y, resolution: 16)).pngBytes)
    model.eval()
    _ = try Visualize.boundary(model, x, y, resolution: 16)
    #expect(!model.isTraining)
}

@Test func boundaryReadsLogitsProbabilitiesAndClassScores() throws {
    let x = try Tensor([-1, -1, 1, 1, -1, 1, 1, -1], shape: [4, 2])
    let y = try Tensor([0, 1, 0, 1], dtype: .int64)
    for model in [
        Sequential([try Dense(2, 1, seed: 1)]),  // a logit
        Sequential([try Dense(2, 1, seed: 1), Sigmoid()]),  // a probability
        Sequential([try Dense(2, 3, seed: 1)]),  // scores for three classes
        Sequential([try Dense(2, 3, activation: .softmax, seed: 1)]),
    ] {
        let bundle = try Visualize.boundary(model, x, y, resolution: 8)
        #expect(bundle.plainText.contains("8×8 grid"))
    }
}

@Test func impossibleInputsAreRefusedWithAClearMessage() throws {
    let model = Sequential([try Dense(3, 2, seed: 1)])
    let points = try Tensor([0, 0, 1, 1], shape: [2, 2])
    let labels = try Tensor([0, 1], dtype: .int64)
    expectRefused("boundary of a 3-input model", containing: "could not be evaluated") {
        try Visualize.boundary(model, points, labels)
    }
    expectRefused("boundary with too few labels", containing: "1 labels for 2 points") {
        try Visualize.boundary(Sequential([try Dense(2, 1)]), points, try Tensor([1], dtype: .int64))
    }
    expectRefused("boundary resolution", containing: "resolution") {
        try Visualize.boundary(model, points, labels, resolution: 1)
    }
    expectRefused("scatter of a vector", containing: "[n, 2]") { try Visualize.scatter(try Tensor([1, 2, 3]), nil) }
    expectRefused("scatter with fractional labels", containing: "class ids") {
        try Visualize.scatter(points, try Tensor([0.5, 1]))
    }
    expectRefused("scatter with negative labels", containing: "class ids") {
        try Visualize.scatter(points, try Tensor([-1, 1]))
    }
    expectRefused("heatmap of rank 3", containing: "matrix") { try Visualize.heatmap(try Tensor.zeros([2, 2, 2])) }
    expectRefused("histogram with no bins", containing: "bin") { try Visualize.histogram(points, bins: 0) }
    expectRefused("colour images", containing: "one channel") { try Visualize.images(try Tensor.zeros([2, 3, 8, 8])) }
    expectRefused("images of a non-square vector", containing: "square") { try Visualize.images(try Tensor.zeros([7])) }
    expectRefused("images with too few labels", containing: "labels") {
        try Visualize.images(try Tensor.zeros([3, 4, 4]), labels: try Tensor([1, 2], dtype: .int64))
    }
    expectRefused("images in no columns", containing: "column") {
        try Visualize.images(try Tensor.zeros([3, 4, 4]), columns: 0)
    }
    expectRefused("confusion with a class out of range", containing: "out of range") {
        try Visualize.confusion(predictions: try Tensor([0, 5], dtype: .int64), targets: labels, classes: 3)
    }
    expectRefused("confusion with NaN", containing: "finite") {
        try Visualize.confusion(predictions: try Tensor([.nan, 1]), targets: labels)
    }
    expectRefused("confusion of different lengths", containing: "labels") {
        try Visualize.confusion(predictions: try Tensor([0, 1, 1], dtype: .int64), targets: labels)
    }
    expectRefused("sweep of different lengths", containing: "one loss per rate") {
        try Visualize.learningRateSweep(rates: [0.1], losses: [])
    }
    expectRefused("diagram of a convolution", containing: "Conv2D") {
        try Visualize.diagram(Sequential([try Conv2D(1, 4, kernelSize: 3), Flatten(), try Dense(4, 2)]))
    }
    expectRefused("diagram of no layers", containing: "no Dense") { try Visualize.diagram(Sequential([])) }
    expectRefused("diagram of a broken chain", containing: "takes 3 inputs") {
        try Visualize.diagram(Sequential([try Dense(2, 4), try Dense(3, 1)]))
    }
    // A long chain of operations: the graph is refused, not drawn thousands of columns wide.
    var x = try Tensor.scalar(1).requiringGrad()
    for _ in 0..<300 { x = try x * 1.0001 }
    expectRefused("graph of 601 values", containing: "up to 200") { try Visualize.graph(x) }
}

@Test func summariesShowShapesWhenTheyCanAndSayWhyNotOtherwise() throws {
    let dense = try Dense(4, 3, activation: .relu, seed: 1)
    #expect(Visualize.summary(dense).plainText.contains("dense (Dense · relu)  (None, 3)"))
    let nested = Sequential([Sequential([try Dense(2, 5, seed: 1), ReLU()]), try Dense(5, 1, seed: 2)])
    let text = Visualize.summary(nested).plainText
    #expect(text.contains("0.0 (Dense)"))
    #expect(text.contains("0.1 (ReLU)"))
    #expect(text.contains("(None, 1)"))
    let mismatched = Visualize.summary(Sequential([try Dense(2, 4), try Dense(3, 1)])).plainText
    #expect(mismatched.contains("?"))
    #expect(mismatched.contains("output shapes stop where the input does not fit"))
    let partly = try Dense(2, 2, seed: 1)
    partly.weight.requiresGrad = false
    let partlyText = Visualize.summary(partly).plainText
    #expect(partlyText.contains("[partly frozen]"))
    #expect(partlyText.contains("Trainable: 2 · Frozen: 4"))
    expectReadable(Visualize.summary(Sequential([])), "empty model")
}

@Test func tablesOfLargeTensorsReadOnlyWhatTheyShow() throws {
    let big = try Tensor.zeros([2000, 1000])
    let text = Visualize.table(big).plainText
    #expect(text.contains("Tensor [2000, 1000] float32 (summarised)"))
    #expect(text.contains("2,000,000 values · min 0 · max 0 · mean 0 · std 0"))
    let scalar = Visualize.table(try Tensor.scalar(7, dtype: .int32)).plainText
    #expect(scalar == "Scalar int32\nvalue\n─────\n    7")
}

@Test func imagesAreReadFromEveryUsualLayout() throws {
    let one = try Tensor.arange(0, 64).reshape([8, 8])
    #expect(try Visualize.images(one).plainText.hasPrefix("<ImageGrid: 1 images of 8×8"))
    #expect(try Visualize.images(try Tensor.zeros([5, 64])).plainText.hasPrefix("<ImageGrid: 5 images of 8×8"))
    #expect(try Visualize.images(try Tensor.zeros([5, 1, 6, 4])).plainText.hasPrefix("<ImageGrid: 5 images of 4×6"))
    #expect(try Visualize.images(try Tensor.zeros([5, 6, 4, 1])).plainText.hasPrefix("<ImageGrid: 5 images of 4×6"))
    #expect(try Visualize.images(try Tensor.zeros([28, 28])).plainText.hasPrefix("<ImageGrid: 1 images of 28×28"))
    let many = try Visualize.images(try Tensor.zeros([1000, 16]), labels: try Tensor.zeros([1000], dtype: .int64))
    #expect(many.plainText.hasPrefix("<ImageGrid: 100 images of 4×4"))
    // A grid of 100 pictures makes an SVG too large to go beside the PNG; the caption that says
    // only the first 100 are shown is in the drawing.
    if let svg = many.text("image/svg+xml") {
        #expect(svg.contains("(first 100 of 1,000)"))
    } else {
        #expect(many.pngBytes != nil)
    }
    let oneHot = try Visualize.images(try Tensor.zeros([2, 4, 4]), labels: try Tensor([0, 1, 1, 0], shape: [2, 2]))
    #expect(oneHot.plainText.contains("labels 1 0"))
}

@Test func confusionTakesIdsScoresProbabilitiesAndOneHotTargets() throws {
    let targets = try Tensor([0, 1, 1, 0], dtype: .int64)
    let ids = try Visualize.confusion(predictions: try Tensor([0, 1, 0, 0], dtype: .int64), targets: targets)
    #expect(ids.plainText.contains("accuracy 75% (3 of 4)"))
    let probabilities = try Visualize.confusion(predictions: try Tensor([0.1, 0.9, 0.4, 0.2]), targets: targets)
    #expect(probabilities.plainText.contains("accuracy 75% (3 of 4)"))
    let scores = try Tensor([2, 1, 0, 3, 5, 1, 1, 0], shape: [4, 2])
    let oneHot = try Tensor([1, 0, 0, 1, 0, 1, 1, 0], shape: [4, 2])
    let fromScores = try Visualize.confusion(predictions: scores, targets: oneHot, classes: 3, title: "Mine")
    #expect(fromScores.plainText.contains("<ConfusionMatrix: 3 classes, accuracy 75% (3 of 4)>"))
    #expect((fromScores.text("image/svg+xml") ?? "").contains(">Mine<"))
}

@Test func activationsAreTheSmallMultiples() throws {
    #expect(Visualize.activations().pngBytes == (try SmallMultiples.activationFunctions().png(scale: 2)))
}

@Test func graphsShowValuesGradientsAndOperations() throws {
    let graph = try Visualize.graph(try Gallery.neuron())
    #expect(graph.plainText == "<ComputationGraph: 10 values, 5 operations; o = 0.7071>")
    let svg = try #require(graph.text("image/svg+xml"))
    #expect(svg.contains("x1 │ data 2 │ grad -1.5"))
    #expect(svg.contains(">tanh<"))
    let leaf = try Visualize.graph(try Tensor.scalar(3))
    #expect(leaf.plainText.hasPrefix("<ComputationGraph: 1 values, 0 operations"))
}

// MARK: Live training display

/// A trainer on a small data set, and a display whose clock the test moves.
private final class LiveHarness {
    var now = 0.0
    var published: [(bundle: MIMEBundle, isUpdate: Bool)] = []
    lazy var display = LiveTrainingDisplay(interval: 0.25, clock: { [unowned self] in now }) {
        [unowned self] bundle, isUpdate in
        published.append((bundle, isUpdate))
    }
    let trainer: Trainer

    init(validation: Validation = 0.25) throws {
        let data = try Datasets.moons(n: 40, noise: 0.1, seed: 1)
        let model = Sequential([try Dense(2, 4, activation: .tanh, seed: 1), try Dense(4, 2, seed: 2)])
        trainer = try Trainer(
            model, loss: .crossEntropy, optimizer: try SGD(model, lr: 0.1), data: data, validation: validation,
            batchSize: 10,
            metrics: [.accuracy], seed: 2)
        trainer.observer = display
    }
}

@Test func liveDisplayPublishesOnceThenUpdatesAndAlwaysShowsTheEnd() throws {
    let h = try LiveHarness()
    // The clock stands still: only the first and the final state are published.
    try h.trainer.fit(epochs: 3)
    #expect(h.published.map(\.isUpdate) == [false, true])
    let final = h.published.last!.bundle
    #expect(final.plainText.hasPrefix("[██████████████████████████████] 100%  done: 3/3 epochs · train loss"))
    // The finished state, the one a notebook saves, carries no wall time: a re-run is identical.
    #expect(final.plainText.contains("epoch  train loss  validation loss  accuracy  validation accuracy\n"))
    #expect(!final.plainText.contains(" s\n") && !final.plainText.hasSuffix(" s"))
    #expect(!final.text("text/html")!.contains(">time<"))
    #expect(final.text("text/html")!.contains("#009e73"))
    // The bar is a block of its own, not squeezed beside a status line that cannot wrap.
    #expect(!final.text("text/html")!.contains("nowrap"))
    #expect(!final.text("text/html")!.contains("display:flex"))
    #expect(h.display.lastBundle == final)
}

@Test func liveDisplayUpdatesAtMostOncePerInterval() throws {
    let h = try LiveHarness(validation: .none)
    // Each batch takes 0.1 s: 4 batches an epoch for 10 epochs are 40 steps over 4 s, which
    // allow about 16 updates at 0.25 s, not 50.
    final class Ticking: TrainingObserver {
        let inner: LiveTrainingDisplay
        let tick: () -> Void
        init(_ inner: LiveTrainingDisplay, _ tick: @escaping () -> Void) {
            self.inner = inner
            self.tick = tick
        }
        func trainingWillStart(_ t: Trainer, epochs: Int, batchesPerEpoch: Int) {
            inner.trainingWillStart(t, epochs: epochs, batchesPerEpoch: batchesPerEpoch)
        }
        func trainingDidStep(_ t: Trainer, _ r: StepRecord) {
            tick()
            inner.trainingDidStep(t, r)
        }
        func trainingDidFinishEpoch(_ t: Trainer, _ r: EpochRecord) { inner.trainingDidFinishEpoch(t, r) }
        func trainingDidEnd(_ t: Trainer, _ o: FitOutcome) { inner.trainingDidEnd(t, o) }
    }
    h.trainer.observer = Ticking(h.display) { h.now += 0.1 }
    try h.trainer.fit(epochs: 10)
    let count = h.published.count
    #expect(count >= 10 && count <= 20, "\(count) updates")
    #expect(h.published.first!.isUpdate == false)
    #expect(h.published.dropFirst().allSatisfy { $0.isUpdate })
    #expect(h.published.last!.bundle.plainText.contains("done: 10/10 epochs"))
    // While the run goes on, epoch times from the display's clock (4 batches of 0.1 s) show,
    // in milliseconds below a second; the finished state drops them.
    let running = h.published.dropLast().last!.bundle.plainText
    #expect(running.contains("400 ms") && running.contains("time"))
    #expect(!h.published.last!.bundle.plainText.contains("400 ms"))
}

@Test func liveDisplayMarksInterruptedAndFailedRuns() throws {
    let h = try LiveHarness()
    let stop = StopFlag()
    h.trainer.isInterrupted = { stop.raised }
    final class StopAfterOneEpoch: TrainingObserver {
        let inner: LiveTrainingDisplay
        let stop: StopFlag
        init(_ inner: LiveTrainingDisplay, _ stop: StopFlag) {
            self.inner = inner
            self.stop = stop
        }
        func trainingWillStart(_ t: Trainer, epochs: Int, batchesPerEpoch: Int) {
            inner.trainingWillStart(t, epochs: epochs, batchesPerEpoch: batchesPerEpoch)
        }
        func trainingDidStep(_ t: Trainer, _ r: StepRecord) { inner.trainingDidStep(t, r) }
        func trainingDidFinishEpoch(_ t: Trainer, _ r: EpochRecord) {
            inner.trainingDidFinishEpoch(t, r)
            stop.raised = true
        }
        func trainingDidEnd(_ t: Trainer, _ o: FitOutcome) { inner.trainingDidEnd(t, o) }
    }
    h.trainer.observer = StopAfterOneEpoch(h.display, stop)
    #expect(try h.trainer.fit(epochs: 5) == .interrupted)
    let last = h.published.last!.bundle
    #expect(last.plainText.contains("interrupted: 1/5 epochs"))
    #expect(last.text("text/html")!.contains("#e69f00"))

    // A second run on the same display is a new output, numbered on from the first.
    stop.raised = false
    h.trainer.observer = h.display
    h.published = []
    try h.trainer.fit(epochs: 1)
    #expect(h.published.first!.isUpdate == false)
    #expect(h.published.last!.bundle.plainText.contains("\n    2 "))

    // fit that throws does not tell its observer; the caller ends the display.
    h.published = []
    h.display.trainingWillStart(h.trainer, epochs: 2, batchesPerEpoch: 3)
    h.display.trainingDidFail(VisualizeError("boom"))
    #expect(h.published.last!.bundle.plainText.contains("stopped by an error: 0/2 epochs"))
    let count = h.published.count
    h.display.trainingDidFail(VisualizeError("again"))
    #expect(h.published.count == count, "a finished display is not published again")
}

@Test func liveDisplayDrawsBatchLossesDuringTheFirstEpoch() throws {
    var progress = TrainingProgress(epoch: 0, epochs: 3, batch: 5, batches: 10, stepLosses: [0.9, 0.8, 0.7, 0.72, 0.6])
    #expect(progress.lossChart().series.map(\.name) == ["batch loss"])
    #expect(progress.mimeBundle().text("text/html")!.contains("alt=\"loss curve\""))
    progress.metrics = [("train loss", [0.7, 0.5])]
    #expect(progress.lossChart().series.map(\.name) == ["train loss"])
}

@Test func longRunsKeepTheEpochTableShort() throws {
    let progress = TrainingProgress(
        epoch: 100, epochs: 100, metrics: [("train loss", (1...100).map { 1 / Double($0) })], finished: true)
    let table = progress.table()
    #expect(table.rows.count == TrainingProgress.tableRowLimit)
    #expect(table.rows[2].allSatisfy { $0 == .ellipsis })
    #expect(table.rows.last?.first == .integer(100))
}

private final class StopFlag: @unchecked Sendable {
    var raised = false
}
