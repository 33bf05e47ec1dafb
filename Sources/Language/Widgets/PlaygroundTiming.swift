// How long the playground takes to draw a frame and to train, outside any kernel: what
// `tensorcell-bench playground` reports at several depths of the network.

import Display
import Tensors

public enum PlaygroundTiming {
    /// Figures for a playground on the spiral with `hidden` layers (tanh, lr 0.03, batch 10).
    ///
    /// - Returns: milliseconds of one redraw, the median of `redraws`, split into the forward
    ///   pass over the grid (`numbers_ms`), drawing and encoding the PNG (`png_ms`); and the
    ///   training steps a second when nothing is drawn.
    public static func measure(hidden: [Int], redraws: Int, steps: Int) throws -> [(key: String, value: Double)] {
        let library = Library()
        Builtins.registerAll(in: library)
        let runtime = Runtime(library: library)
        let playground = try Playground(
            comms: runtime.widgets, dataset: "spiral", noise: 0, trainRatio: 0.5, features: [0, 1], hidden: hidden,
            activation: "tanh", learningRate: 0.03, regularization: "none", regularizationRate: 0, batchSize: 10, seed: 1)
        for _ in 0..<200 { try playground.step() }
        var numbers: [Double] = []
        var drawing: [Double] = []
        var bytes = 0
        for round in 0..<(redraws + 3) {
            let start = Runtime.now()
            let picture = try playground.picture()
            let middle = Runtime.now()
            bytes = try picture.png().count
            let end = Runtime.now()
            // The first frames warm the font cache and the allocator.
            if round >= 3 {
                numbers.append(middle - start)
                drawing.append(end - middle)
            }
            for _ in 0..<5 { try playground.step() }
        }
        let trainingStart = Runtime.now()
        for _ in 0..<steps { try playground.step() }
        let stepsPerSecond = Double(steps) / (Runtime.now() - trainingStart)
        func median(_ samples: [Double]) -> Double { samples.sorted()[samples.count / 2] }
        let numbersMs = median(numbers) * 1000, pngMs = median(drawing) * 1000
        return [
            ("redraw_ms", numbersMs + pngMs), ("numbers_ms", numbersMs), ("png_ms", pngMs),
            ("png_kb", Double(bytes) / 1024), ("steps_per_s", stepsPerSecond),
        ]
    }
}
