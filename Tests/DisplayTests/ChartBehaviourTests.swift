import Testing

@testable import Display
@testable import tensorcell_gallery

@Test func mimeBundleCarriesA2xPNGAndTheSVGWhenItIsSmall() throws {
    let small = LineChart([Series("loss", y: [4, 2, 1, 0.5])], size: Size(width: 300, height: 200))
    #expect(small.svg().utf8.count < ChartBundle.svgLimit)
    let bundle = small.mimeBundle()
    #expect(bundle.mimeTypes == ["image/png", "image/svg+xml", "text/plain"])
    #expect(bundle.text("image/svg+xml")!.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    // Base64 of a PNG always starts with the encoded signature.
    #expect(bundle.text("image/png")!.hasPrefix("iVBORw0KGgo"))
    // Twice the pixels, shown at the chart's CSS size.
    #expect(bundle.metadata["image/png"] == ["width": 300, "height": 200])
    let bitmap = try Bitmap(png: try #require(bundle.pngBytes))
    #expect(bitmap.width == 600 && bitmap.height == 400)

    // A chart of many marks: its SVG is large, so the bundle carries the PNG alone.
    let large = try #require(Gallery.charts.first { $0.name == "scatter-10k" }?.chart)
    #expect(large.svg().utf8.count >= ChartBundle.svgLimit)
    let heavy = large.mimeBundle()
    #expect(heavy.mimeTypes == ["image/png", "text/plain"])
    #expect(heavy.metadata["image/png"] == ["width": .int(Int(large.size.width)), "height": .int(Int(large.size.height))])
}

@Test func chartsAreStoredAsIndexedPNGsAndKeepTheirColours() throws {
    // A chart has few colours: the palette form (colour type 3) is used, and colours survive.
    let chart = LineChart([Series("flat", y: [1, 1, 1, 1])], size: Size(width: 300, height: 200))
    let png = try chart.png(scale: 2)
    #expect(png[25] == 3)
    let bitmap = try Bitmap(png: png)
    let corner = bitmap.pixel(x: 1, y: 1)
    #expect(corner.red == 255 && corner.green == 255 && corner.blue == 255)
}

@Test func aPictureOfManyDistantColoursStaysTruecolour() throws {
    // 64 × 64 cells, each its own colour, far from one another: no palette of 256 holds them.
    var pixels = [UInt32](repeating: 0, count: 64 * 64)
    for i in pixels.indices {
        pixels[i] = UInt32(i % 64 * 4) << 16 | UInt32(i / 64 * 4) << 8 | UInt32(i * 53 % 256)
    }
    let png = try pixels.withUnsafeBytes { raw in
        try PNGEncoder.encode(width: 64, height: 64, stride: 64 * 4, pixels: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
    #expect(png[25] == 2)
    let bitmap = try Bitmap(png: png)
    let p = bitmap.pixel(x: 5, y: 0)
    #expect(UInt32(p.red) << 16 | UInt32(p.green) << 8 | UInt32(p.blue) == pixels[5])
}

@Test func tablesBundleHTMLMarkdownAndText() {
    let bundle = TensorTable(values: [1, 2], shape: [2]).mimeBundle()
    #expect(bundle.mimeTypes == ["text/html", "text/markdown", "text/plain"])
}

@Test func downsamplingKeepsExtremesAndBoundsThePointCount() {
    let n = 100_000
    var points: [Point] = []
    for i in 0..<n {
        let y: Double = i == 31_337 ? 1000 : (i == 77_777 ? -1000 : Double(i % 7))
        points.append(Point(Double(i) * 500 / Double(n), y))
    }
    let thinned = downsampleMinMax(points)
    #expect(thinned.count <= 4 * 500)
    #expect(thinned.contains(points[31_337]))
    #expect(thinned.contains(points[77_777]))
    #expect(thinned.first == points.first && thinned.last == points.last)
    #expect(zip(thinned, thinned.dropFirst()).allSatisfy { $0.x <= $1.x })
}

@Test func bigLineChartsAreDownsampledInTheSVG() {
    let svg = Gallery.bigLine.svg()
    let polyline = svg.split(separator: "\n").first { $0.hasPrefix("<polyline") }!
    let points = polyline.split(separator: " ").filter { $0.contains(",") && !$0.contains("=") }.count
    #expect(points < 4 * 640)
    #expect(svg.utf8.count < 200 * 1024)
}

@Test func nonFiniteValuesAreSkippedAndNoted() {
    let chart = LineChart([Series("s", y: [1, .nan, 3, .infinity, 5])])
    let svg = chart.svg()
    #expect(svg.contains("2 points not drawn (not finite)"))
    // NaN splits the line: the three finite points are three separate dots, no polyline.
    #expect(!svg.contains("<polyline"))
    #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
}

@Test func logAxisSkipsValuesThatAreNotPositive() {
    let svg = LineChart([Series("s", y: [1, 10, 0, -5, 100])], yScale: .log).svg()
    #expect(svg.contains("2 points not drawn (not finite or not positive on a log axis)"))
}

@Test func emptyAndDegenerateInputsDrawAMessageInsteadOfCrashing() {
    #expect(LineChart([]).svg().contains("No data to plot"))
    #expect(LineChart([Series("n", y: [.nan])]).svg().contains("No finite values to plot"))
    #expect(ScatterChart(x: [], y: []).svg().contains("No points to plot"))
    #expect(Histogram([]).svg().contains("No values to count"))
    #expect(Heatmap([]).svg().contains("No values to show"))
    #expect(ImageGrid(images: [], width: 8, height: 8).svg().contains("No images to show"))
    #expect(SmallMultiples([]).svg().contains("No panels to show"))
    #expect(ConfusionMatrix([]).svg().contains("no predictions"))
    // Mismatched lengths and extreme magnitudes still give a picture.
    #expect(LineChart([Series("s", x: [1, 2, 3], y: [1, 2])]).svg().contains("<polyline"))
    #expect(LineChart([Series("s", y: [1e-300, 2e-300, 1e300])]).svg().contains("<polyline"))
    #expect(LineChart([Series("s", y: [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1])]).svg().contains("2 points not drawn"))
    #expect(Histogram([1e-12, 1e-12]).summary.contains("1 bins"))
}

@Test func confusionMatrixCountsPairsAndReportsAccuracy() {
    let matrix = ConfusionMatrix(trueLabels: [0, 0, 1, 1, 2], predicted: [0, 1, 1, 1, 0])
    #expect(matrix.counts == [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    #expect(matrix.accuracyText == "accuracy 60% (3 of 5)")
}

@Test func learningRateSweepMarksTheLowestLoss() {
    let chart = LineChart.learningRateSweep(learningRates: [1e-4, 1e-3, 1e-2, 1e-1], losses: [2, 1, 0.5, 3])
    #expect(chart.xScale == .log)
    #expect(chart.annotations == [Annotation(x: 1e-2, y: 0.5, label: "lowest loss 0.5 at lr 0.01")])
}

@Test func textIsEscapedInSVG() {
    let svg = LineChart([Series("a<b & \"c\"", y: [1, 2]), Series("d", y: [2, 1])], title: "<script>").svg()
    #expect(svg.contains("&lt;script&gt;"))
    #expect(svg.contains("a&lt;b &amp; &quot;c&quot;"))
    #expect(!svg.contains("<script>"))
}

@Test func awkwardInputsNeverCrashAnyKind() throws {
    let nasty: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-320, 1e308, -1e308, .leastNonzeroMagnitude]
    let charts: [any Chart] = [
        LineChart([Series("", y: nasty)], title: String(repeating: "long title ", count: 500), xScale: .log, yScale: .log),
        LineChart([Series("s", x: [], y: [1, 2])]),
        ScatterChart(x: nasty, y: nasty.reversed(), labels: [-3, 7, 1_000_000]),
        ScatterChart(points: [[], [1], [1, 2, 3]]),
        DecisionBoundary(probabilities: [[0.5]], columns: 3, rows: 3, xRange: 0...1, yRange: 0...1, scatter: ScatterChart(x: [0.5], y: [0.5])),
        DecisionBoundary(probabilities: [[], [.nan, 2], [1], [0, 0]], columns: 2, rows: 2, xRange: 0...1, yRange: 0...1, scatter: ScatterChart(x: [], y: [])),
        Histogram(nasty, bins: -5),
        Histogram([1, 2, 3], bins: 100_000),
        Heatmap([[1], [], [.nan, 2, 3]], rowLabels: ["only one"]),
        Heatmap([[.nan]]),
        ImageGrid(images: [[], [1, 2, 3], nasty], width: 0, height: -2, labels: ["a", "b", "c", "d"], flagged: [99], columns: 0),
        ConfusionMatrix([[1, 2], [3]], classNames: ["a"]),
        ConfusionMatrix(trueLabels: [-1, 5], predicted: [0]),
        SmallMultiples([Panel(title: "", series: [])], columns: -1),
        NetworkDiagram(layerSizes: [0, 3, -1, 20], weights: [[[.nan]]]),
        ComputationGraph([GraphNode(id: 1, value: .nan, inputs: [1, 42]), GraphNode(id: 1, value: 2, op: "+", inputs: [1])]),
    ]
    for chart in charts {
        let svg = chart.svg()
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(!svg.contains("nan\"") && !svg.contains("inf\""), "a non-finite number reached an SVG attribute")
        let png = try chart.png()
        #expect(png.count > 100)
        _ = chart.summary
    }
    _ = TensorTable(values: nasty, shape: [3, 3]).mimeBundle()
    _ = TensorTable(values: [1], shape: [-1]).mimeBundle()
    _ = RecordTable(columns: [], rows: [[.text("orphan")]]).mimeBundle()
    _ = TrainingProgress(epoch: 5, epochs: 0, batch: 3, batches: 0).mimeBundle()
}

@Test func imageGridsTakeNestedRowsOfPixels() throws {
    let grid = ImageGrid(matrices: [[[0, 1], [1, 0]], [[1, 1], [0, 0]]], labels: ["a", "b"])
    #expect(grid.width == 2 && grid.height == 2)
    #expect(grid.images == [[0, 1, 1, 0], [1, 1, 0, 0]])
    #expect(grid.summary == "<ImageGrid: 2 images of 2×2, labels a b>")
}

/// A history with a loss and an accuracy: one panel each, each y axis named after its measure.
@Test func aHistoryOfLossAndAccuracyHasAPanelEach() throws {
    let history: [(name: String, values: [Double])] = [
        ("loss", [1.0, 0.5, 0.25]), ("val_loss", [1.1, 0.6, 0.4]), ("accuracy", [0.5, 0.8, 0.9]),
        ("val_accuracy", [0.4, 0.7, 0.85]),
    ]
    #expect(HistoryChart.needsPanels(history))
    #expect(!HistoryChart.needsPanels(Array(history.prefix(2))))
    let chart = HistoryChart(history: history, title: "run")
    #expect(chart.measures.map(\.name) == ["loss", "accuracy"])
    #expect(chart.measures[1].validation == [0.4, 0.7, 0.85])
    let svg = chart.svg()
    #expect(svg.contains(">loss<") && svg.contains(">accuracy<") && svg.contains(">validation<"))
    #expect(chart.summary.contains("2 panels (loss, accuracy)"))
    #expect(chart.summary.contains("  val_accuracy: 3 points, first 0.4, last 0.85"))
    let text = try #require(Visualize.plot(history: history, title: "run").text("text/plain"))
    #expect(text.hasPrefix("<HistoryChart \"run\""))
    // Losses alone stay one line chart with a "loss" axis.
    let alone = try #require(Visualize.plot(history: Array(history.prefix(2))).text("text/plain"))
    #expect(alone.hasPrefix("<LineChart"))
}

/// Ten classes get ten colours: digits 0 to 9 in one scatter chart are told apart.
@Test func tenClassesHaveTenColours() {
    let colours = (0..<10).map { CategoricalPalette.color($0) }
    #expect(Set(colours.map { "\($0)" }).count == 10)
}

/// A signed image grid is centred on zero and carries a colour bar; a wide heatmap is not
/// drawn on a tall picture.
@Test func signedImagesAndFittedHeatmaps() {
    let grid = ImageGrid(images: [[-1, 0, 0.5, 2]], width: 2, height: 2, colormap: .signed)
    let plain = ImageGrid(images: [[-1, 0, 0.5, 2]], width: 2, height: 2)
    #expect(grid.size.width == plain.size.width + ImageGrid.colorBarRoom)
    #expect(grid.svg().contains(">-2<") || grid.svg().contains(">−2<"))
    let wide = Heatmap(Array(repeating: Array(repeating: 1.0, count: 16), count: 10), title: "wide")
    let square = Heatmap(Array(repeating: Array(repeating: 1.0, count: 8), count: 8))
    #expect(wide.size.height < 420)
    #expect(square.size.height == 480)
}
