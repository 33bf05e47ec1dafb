// Pictures of what learning does inside a model: the loss over two parameters with the path
// descent took on it, and each neuron of a layer drawn over the input plane.

import Display
import NeuralNetworks
import Tensors

extension Builtins {
    static func registerLearningPictures(in library: Library) {
        let topic = library.topic
        library.topic = "Display"
        defer { library.topic = topic }

        func picture(_ args: Arguments, _ body: () throws -> MIMEBundle) throws -> Value {
            do {
                return .object(Picture(try body(), kind: "Chart"))
            } catch let failure as VisualizeError {
                throw args.error(failure.message)
            }
        }

        library.add(
            "lossSurface",
            [
                .positional("values"), .labelled("x"), .labelled("y"), .labelled("path", default: .void),
                .labelled("logScale", default: .bool(true)), .labelled("title", default: .void),
                .labelled("xLabel", default: .void), .labelled("yLabel", default: .void),
            ],
            doc: "A loss over a grid of two parameters seen from above, in colour bands (their edges are contour lines) with a colour bar, and the path descent took over it: values [len(y), len(x)] hold the loss at x[j], y[i]; path is [k, 2], one (x, y) point a row, in the order visited. logScale colours by powers of ten when no value is negative (zeros take the lowest band). The lowest grid point is marked.",
            example: "let ws = linspace(-2, 2, 41)\nlet bs = linspace(-2, 2, 41)\nlet (w, b) = (ws.reshape(1, 41), bs.reshape(41, 1))\nlet losses = w * w + 3 * b * b\nlossSurface(losses, x: ws, y: bs, path: tensor([[-1.8, 1.5], [-1.0, 0.2], [-0.4, 0.05], [0, 0]]), xLabel: \"w\", yLabel: \"b\")"
        ) { args in
            let values = try args.tensor("values")
            let x = try numbers(args.value("x"), args, "x")
            let y = try numbers(args.value("y"), args, "y")
            let path = try args.tensorIfPresent("path")
            let logScale = try args.bool("logScale")
            let (title, xLabel, yLabel) = (try args.stringIfPresent("title"), try args.stringIfPresent("xLabel"), try args.stringIfPresent("yLabel"))
            return try picture(args) {
                try Visualize.lossSurface(values, x: x, y: y, path: path, logScale: logScale, title: title, xLabel: xLabel, yLabel: yLabel)
            }
        }

        library.add(
            "neurons",
            [
                .positional("model"), .positional("points"), .labelled("layer", default: .int(0)),
                .labelled("resolution", default: .int(60)), .labelled("title", default: .void),
                .labelled("xLabel", default: .void), .labelled("yLabel", default: .void),
            ],
            doc: "Every neuron of one layer of a model with 2 inputs drawn on its own, as TensorFlow Playground draws hidden units: each neuron's output at every point of the plane around the points [n, 2], orange below 0 and blue above, on one scale with a colour bar. layer counts a Sequential's layers from 0 (negative from the end); the picture is that layer's output, after its activation.",
            example: "let (x, y) = dataset(\"xor\", n: 100, seed: 1)\nlet model = Sequential([Dense(2, 4, activation: tanh, seed: 1), Dense(4, 1, activation: sigmoid, seed: 2)])\nneurons(model, x, layer: 0)"
        ) { args in
            let network = try args.object("model", as: Layer.self, expected: "a model (a layer or a Sequential)")
            let points = try args.tensor("points")
            let layer = try args.int("layer")
            let resolution = try args.int("resolution")
            guard (2...200).contains(resolution) else { throw args.error("resolution", "resolution must be from 2 to 200", kind: .valueError) }
            let (title, xLabel, yLabel) = (try args.stringIfPresent("title"), try args.stringIfPresent("xLabel"), try args.stringIfPresent("yLabel"))
            return try picture(args) {
                try Visualize.neurons(network, points, layer: layer, resolution: resolution, title: title, xLabel: xLabel, yLabel: yLabel)
            }
        }
    }
}
