// Normalisation layers beyond BatchNorm: LayerNorm.

import NeuralNetworks
import Tensors

extension Builtins {
    static func registerNormalization(in library: Library) {
        library.add(
            "LayerNorm", [.positional("features"), .labelled("eps", default: .float(1e-5))],
            doc: "Layer normalisation over the last axis (of size features): each example is centred and scaled by its own mean and variance, then by a learned weight and bias, as PyTorch's nn.LayerNorm. It acts the same in training and eval mode.",
            example: "let norm = LayerNorm(3)\nnorm(tensor([[1, 2, 3], [2, 4, 6]]))"
        ) { args in
            .object(try LayerNorm(try args.int("features"), eps: try args.double("eps")))
        }
    }
}
