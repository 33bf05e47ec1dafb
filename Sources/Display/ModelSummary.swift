/// One layer's line in a model summary.
public struct LayerDescription: Sendable, Equatable {
    public var name: String
    public var type: String
    public var outputShape: [Int?]
    public var parameters: Int
    public var trainable: Bool
    /// Parameters training changes, for a layer only partly frozen; nil: all or none, as `trainable` says.
    public var trainableParameters: Int?

    /// - Parameter outputShape: `nil` entries are the batch axis or other sizes not yet known;
    ///   an empty shape means the whole shape is not known (shown as `?`).
    public init(
        name: String, type: String, outputShape: [Int?], parameters: Int, trainable: Bool = true,
        trainableParameters: Int? = nil
    ) {
        self.name = name
        self.type = type
        self.outputShape = outputShape
        self.parameters = parameters
        self.trainable = trainable
        self.trainableParameters = trainableParameters
    }

    /// The parameters of this layer that training changes.
    var trainableCount: Int { trainableParameters ?? (trainable ? parameters : 0) }
}

/// A Keras-style model summary: `Layer (type)`, `Output Shape`, `Param #`, with totals of
/// trainable and frozen parameters.
public struct ModelSummary: MIMERepresentable, Sendable {
    public var layers: [LayerDescription]
    public var modelName: String

    public init(_ layers: [LayerDescription], modelName: String = "Sequential") {
        self.layers = layers
        self.modelName = modelName
    }

    public var totalParameters: Int { layers.reduce(0) { $0 + $1.parameters } }
    public var trainableParameters: Int { layers.reduce(0) { $0 + $1.trainableCount } }

    static func shapeText(_ shape: [Int?]) -> String {
        if shape.isEmpty { return "?" }
        return "(" + shape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    public func table() -> RecordTable {
        let frozen = totalParameters - trainableParameters
        // Four bytes a parameter, as float32 stores them.
        let bytes = Double(totalParameters * 4)
        let memory = bytes < 1024 * 1024 ? NumberFormat.fixed(bytes / 1024, decimals: 1) + " KB" : NumberFormat.fixed(bytes / 1024 / 1024, decimals: 2) + " MB"
        return RecordTable(
            columns: ["Layer (type)", "Output Shape", "Param #"],
            rows: layers.map { layer in
                [
                    .text("\(layer.name) (\(layer.type))\(layer.trainableCount == layer.parameters ? "" : layer.trainableCount == 0 ? " [frozen]" : " [partly frozen]")"),
                    .text(ModelSummary.shapeText(layer.outputShape)), .integer(layer.parameters),
                ]
            },
            caption: "Model: \"\(modelName)\"",
            footer:
                "Total params: \(NumberFormat.grouped(totalParameters)) (\(memory)) · Trainable: \(NumberFormat.grouped(trainableParameters)) · Frozen: \(NumberFormat.grouped(frozen))"
        )
    }

    public func mimeBundle() -> MIMEBundle { table().mimeBundle() }
}

extension RecordTable {
    /// A training history: one row per epoch, one column per recorded metric.
    /// Metrics shorter than the longest leave blank cells.
    public init(history: [(name: String, values: [Double])], caption: String? = "Training history", firstEpoch: Int = 1) {
        let epochs = history.map(\.values.count).max() ?? 0
        let rows: [[TableCell]] = (0..<epochs).map { e in
            [.integer(e + firstEpoch)] + history.map { e < $0.values.count ? .number($0.values[e]) : .empty }
        }
        self.init(columns: ["epoch"] + history.map(\.name), rows: rows, caption: caption)
    }
}

extension ConfusionMatrix {
    /// The counts as a table: true classes down, predicted across.
    public func table() -> RecordTable {
        RecordTable(
            columns: ["true \\ predicted"] + (0..<classes).map(name),
            rows: (0..<classes).map { r in
                [.text(name(r))] + (0..<classes).map { c in .integer(c < counts[r].count ? counts[r][c] : 0) }
            },
            caption: "Confusion matrix", footer: accuracyText)
    }
}
