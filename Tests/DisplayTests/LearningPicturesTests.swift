// The loss surface with a descent path, each neuron's picture, and the decision boundary drawn
// as a line (a step) or shaded with a colour bar (a probability).

import NeuralNetworks
import Tensors
import Testing

@testable import Display

private func bowl(_ xs: [Double], _ ys: [Double]) throws -> Tensor {
    try Tensor(shape: [ys.count, xs.count], scalars: ys.flatMap { y in xs.map { x in (x - 1) * (x - 1) + 2 * y * y + 0.5 } })
}

@Test func lossSurfaceFindsTheLowestPointAndDrawsThePath() throws {
    let xs = (0...20).map { -1 + 0.2 * Double($0) }
    let ys = (0...10).map { -1 + 0.2 * Double($0) }
    let path = try Tensor(shape: [3, 2], scalars: [-0.8, 0.8, 0.2, 0.3, 1.0, 0.0])
    let bundle = try Visualize.lossSurface(try bowl(xs, ys), x: xs, y: ys, path: path, xLabel: "w", yLabel: "b")
    let text = bundle.plainText
    #expect(text.contains("21×11 grid"))
    #expect(text.contains("values from 0.5 to"))
    #expect(text.contains("lowest at (1, 0)"))
    #expect(text.contains("path of 3 points from (-0.8, 0.8) to (1, 0)"))
    let bitmap = try Bitmap(png: try #require(bundle.pngBytes))
    #expect(bitmap.width == 1120 && bitmap.height == 920)

    let surface = LossSurface(values: [[1, 2], [3, 4]], x: [0, 1], y: [0, 1])
    #expect(surface.value(atX: 0.5, y: 0.5) == 2.5)
    #expect(surface.value(atX: 0, y: 1) == 3)
    #expect(surface.usesLog)
    #expect(!LossSurface(values: [[-1, 2], [3, 4]], x: [0, 1], y: [0, 1]).usesLog)
    // A minimum that lies on the grid is 0: still a log scale, the zero in the lowest band.
    #expect(LossSurface(values: [[0, 2], [3, 4]], x: [0, 1], y: [0, 1]).usesLog)
}

@Test func lossSurfaceRejectsValuesThatDoNotFitTheGrid() throws {
    let xs: [Double] = [0, 1, 2]
    let ys: [Double] = [0, 1]
    #expect(throws: VisualizeError.self) { try Visualize.lossSurface(try bowl(ys, xs), x: xs, y: ys, path: nil) }
    #expect(throws: VisualizeError.self) { try Visualize.lossSurface(try bowl(xs, ys), x: [0, 2, 1], y: ys, path: nil) }
    #expect(throws: VisualizeError.self) {
        try Visualize.lossSurface(try bowl(xs, ys), x: xs, y: ys, path: try Tensor(shape: [3], scalars: [1, 2, 3]))
    }
    do {
        _ = try Visualize.lossSurface(try bowl(ys, xs), x: xs, y: ys, path: nil)
    } catch let error as VisualizeError {
        #expect(error.message.contains("[2, 3] was expected"))
    }
}

@Test func neuronPicturesShowEachHiddenNeuronsOwnOutput() throws {
    let hidden = try Dense(2, 3, activation: .tanh, seed: 1)
    // Neuron 0 follows the first input, neuron 1 the second, neuron 2 is the constant tanh(0.5).
    try withNoGrad {
        try hidden.weight.assign(try Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 0, 0]))
        try hidden.bias!.assign(try Tensor(shape: [3], scalars: [0, 0, 0.5]))
    }
    let model = Sequential([hidden, try Dense(3, 1, activation: .sigmoid, seed: 2)])
    let points = try Tensor(shape: [2, 2], scalars: [-1, -2, 1, 2])
    let bundle = try Visualize.neurons(model, points, layer: 0, resolution: 10)
    let text = bundle.plainText
    #expect(text.contains("3 neurons over a 10×10 grid"))
    // The range padded by a tenth on each side: x over -1.2…1.2, y over -2.4…2.4.
    #expect(text.contains("(-0.793…0.793, -0.974…0.974, 0.462…0.462)"))
    let bitmap = try Bitmap(png: try #require(bundle.pngBytes))
    #expect(bitmap.width > 0)

    // The last layer by a negative index: one neuron, the model's output.
    #expect(try Visualize.neurons(model, points, layer: -1, resolution: 4).plainText.contains("1 neuron over"))
    #expect(throws: VisualizeError.self) { try Visualize.neurons(model, points, layer: 2) }
    #expect(throws: VisualizeError.self) { try Visualize.neurons(model, try Tensor(shape: [2], scalars: [1, 2])) }
    #expect(throws: VisualizeError.self) { try Visualize.neurons(model, points, resolution: 1) }
}

@Test func aStepBoundaryIsOneLineAndAShadedOneHasAColourBar() throws {
    // Class 1 right of x = 0.5, with certainty: flat regions, the line between them in ink.
    let n = 20
    let probabilities = (0..<(n * n)).map { i -> [Double] in
        let x = (Double(i % n) + 0.5) / Double(n)
        return x > 0.5 ? [0, 1] : [1, 0]
    }
    var regions = ClassRegions(xRange: 0...1, yRange: 0...1, columns: n, rows: n, probabilities: probabilities)
    regions.shaded = false
    let image = regions.image(width: 40, height: 40)
    func pixel(_ r: Int, _ c: Int) -> [UInt8] { Array(image.rgba[((r * 40 + c) * 4)..<((r * 40 + c) * 4 + 3)]) }
    let ink = Color.ink.bytes
    let inkPixels = (0..<40).flatMap { r in (0..<40).filter { c in pixel(r, c) == [ink.0, ink.1, ink.2] }.map { (r, $0) } }
    #expect(inkPixels.count == 40, "one ink pixel per row, on the boundary")
    #expect(Set(inkPixels.map(\.1)).count == 1)
    #expect(pixel(0, 0) != pixel(0, 39))

    regions.shaded = true
    let shaded = regions.image(width: 40, height: 40)
    #expect(!(0..<(40 * 40)).contains { i in Array(shaded.rgba[(i * 4)..<(i * 4 + 3)]) == [ink.0, ink.1, ink.2] })
    // The colour bar's ends are the two classes' colours at full confidence.
    #expect(regions.color(for: [0, 1]).color == regions.color(for: [0.01, 0.99]).color)
    #expect(regions.color(for: [1, 0]).best == 0)

    let scatter = ScatterChart(x: [0.2, 0.8], y: [0.5, 0.5], labels: [0, 1])
    let flat = DecisionBoundary(probabilities: probabilities, columns: n, rows: n, xRange: 0...1, yRange: 0...1, scatter: scatter, shaded: false)
    let withBar = DecisionBoundary(probabilities: probabilities, columns: n, rows: n, xRange: 0...1, yRange: 0...1, scatter: scatter)
    #expect(withBar.svg().contains("probability of class 1"))
    #expect(!flat.svg().contains("probability of class 1"))
}
