import Tensors

/// Layers applied one after another; the children are named `0`, `1`, ... as in PyTorch.
public final class Sequential: Layer, @unchecked Sendable {
    /// The layers, in order.
    public private(set) var layers: [Layer]

    public init(_ layers: [Layer]) {
        self.layers = layers
    }

    /// Adds a layer at the end. A model cannot contain itself, directly or through another:
    /// every walk over its layers (showing, counting, saving, calling) would never end.
    public func append(_ layer: Layer) throws {
        guard !layer.contains(self) else {
            throw NeuralNetworkError.invalidArgument(
                layer === self
                    ? "a Sequential cannot contain itself" : "this layer already contains the Sequential, which cannot contain itself")
        }
        layer.setTraining(isTraining)
        layers.append(layer)
    }

    /// The layer at `index` (negative counts from the end, as in Python).
    public subscript(index: Int) -> Layer {
        get throws {
            let resolved = index < 0 ? layers.count + index : index
            guard layers.indices.contains(resolved) else {
                throw NeuralNetworkError.invalidArgument(
                    "index \(index) is out of range for a Sequential of \(layers.count) layers")
            }
            return layers[resolved]
        }
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        var value = input
        for layer in layers {
            value = try layer.forward(value)
            ShapeTrace.record(layer, value)
        }
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

    /// The summary as a plain-text table, Keras-style, with total, trainable and frozen counts.
    public func summaryText(inputShape: [Int]) throws -> String {
        let rows = try summary(inputShape: inputShape)
        let cells =
            [["Layer (type)", "Output Shape", "Param #"]]
            + rows.map { ["\($0.name) (\($0.type))", formatShape($0.outputShape, unknownSize: "N"), String($0.parameterCount)] }
        let widths = (0..<3).map { column in cells.map { $0[column].count }.max()! + 2 }
        func line(_ row: [String]) -> String {
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined().trimmingSpaces()
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +))
        var lines = [line(cells[0]), rule] + cells.dropFirst().map(line) + [rule]
        lines.append("Total params: \(parameterCount)")
        lines.append("Trainable params: \(trainableParameterCount)")
        lines.append("Non-trainable params: \(parameterCount - trainableParameterCount)")
        return lines.joined(separator: "\n")
    }
}
