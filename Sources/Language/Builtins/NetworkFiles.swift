// Model files: the weights of a model saved to and loaded from safetensors files in the
// notebook's folder, named as PyTorch names them so the files go both ways.

import NeuralNetworks
import Tensors

extension Builtins {
    static func registerFiles(in library: Library) {
        library.add(
            "save", [.positional("model"), .positional("path")],
            doc: "Saves the model's weights (and BatchNorm's running averages) to a safetensors file in the notebook's folder, named as PyTorch names them (0.weight, 0.bias, ...): PyTorch's safetensors.torch.load_file reads it. The architecture is not saved: load(model, path) fills a model built the same way.",
            example: "let model = Sequential([Dense(2, 4, activation: relu, seed: 0), Dense(4, 1, seed: 1)])\nsave(model, \"model.safetensors\")"
        ) { args in
            let model = try Networks.layer(args, "model")
            let name = try Networks.path(args)
            try Networks.fileErrors {
                try args.runtime.folder.write(model.safetensorsBytes(), to: name, as: .model)
            }
            return .void
        }
        library.add(
            "load", [.positional("model"), .positional("path")],
            doc: "Loads weights from a safetensors file in the notebook's folder into a model built the same way as the one saved (by save, or by PyTorch's safetensors.torch.save_file). Every missing name, unexpected name and shape that does not fit is reported, and then nothing is changed.",
            example: "let model = Sequential([Dense(2, 4, activation: relu, seed: 0), Dense(4, 1, seed: 1)])\nsave(model, \"weights.safetensors\")\nlet copy = Sequential([Dense(2, 4, activation: relu, seed: 5), Dense(4, 1, seed: 6)])\nload(copy, \"weights.safetensors\")\ncopy.layers[0].bias"
        ) { args in
            let model = try Networks.layer(args, "model")
            let name = try Networks.path(args)
            try Networks.fileErrors {
                let bytes = try args.runtime.folder.read(name)
                try model.loadStateDict(Safetensors.decode(bytes, name: name).tensors, source: name)
            }
            return .void
        }
    }
}
