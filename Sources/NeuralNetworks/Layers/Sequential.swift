import Tensors

/// Layers applied one after another; the children are named `0`, `1`, ... as in PyTorch.
public final class Sequential: Layer, @unchecked Sendable {
    /// The layers, in order.
    public private(set) var layers: [Layer]

    public init(_ layers: [Layer]) {
        self.layers = layers
    }

    /// Adds a layer at the end.
    public func append(_ layer: Layer) {
        layer.setTraining(isTraining)
        layers.append(layer)
    }

    /// The layer at `index`.
    public subscript(index: Int) -> Layer { layers[index] }

    public override func forward(_ input: Tensor) throws -> Tensor {
        var value = input
        for layer in layers { value = try layer.forward(value) }
        return value
    }

    public override var children: [(name: String, layer: Layer)] {
        layers.enumerated().map { (name: String($0.offset), layer: $0.element) }
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try layers.reduce(inputShape) { try $1.outputShape(for: $0) }
    }

    public override var configuration: String { layers.map(\.description).joined(separator: ", ") }

    /// One row per layer, for a Keras-style summary table.
    public struct SummaryRow: Sendable, Equatable {
        public let name: String
        public let type: String
        public let outputShape: [Int]
        public let parameterCount: Int
    }

    /// Each layer's name, type, output shape and parameter count for inputs of `inputShape`
    /// (give the batch axis as -1 for "any").
    public func summary(inputShape: [Int]) throws -> [SummaryRow] {
        var shape = inputShape
        return try children.map { name, layer in
            shape = try layer.outputShape(for: shape)
            return SummaryRow(
                name: name, type: layer.typeName, outputShape: shape, parameterCount: layer.parameterCount)
        }
    }
}
