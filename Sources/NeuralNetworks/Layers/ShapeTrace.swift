import Tensors

/// The output shape each part of a model gives in one forward pass. A model that is not a chain
/// (an object of a program's own class) cannot have its shapes worked out layer after layer, so
/// a summary runs it once on zeros and reads here what each part gave. While a trace runs,
/// whatever calls a layer reports the layer's output (`record`): `Sequential` for its layers,
/// the language for the layers and objects a program calls.
public final class ShapeTrace: @unchecked Sendable {
    @TaskLocal private static var current: ShapeTrace?

    private var shapes: [ObjectIdentifier: [Int]] = [:]
    /// Kept alive for the trace's life, so that no identifier is reused by another layer.
    private var seen: [Layer] = []

    private init() {}

    /// Notes the output of `layer`; only its first call counts. Nothing happens outside a trace.
    public static func record(_ layer: Layer, _ output: Tensor) {
        guard let trace = current else { return }
        let key = ObjectIdentifier(layer)
        guard trace.shapes[key] == nil else { return }
        trace.shapes[key] = output.shape
        trace.seen.append(layer)
    }

    /// Runs `model` on zeros of one example (a batch of one, then `inputShape`), without
    /// gradients and in evaluation mode, so no weight or statistic changes.
    public static func run(_ model: Layer, inputShape: [Int]) throws -> ShapeTrace {
        let trace = ShapeTrace()
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        try $current.withValue(trace) {
            let output = try withNoGrad { try model.forward(try Tensor.zeros([1] + inputShape)) }
            record(model, output)
        }
        return trace
    }

    /// What `layer` gave, with the batch axis as nil; nil when the pass did not call it.
    public func outputShape(of layer: Layer) -> [Int?]? {
        guard let shape = shapes[ObjectIdentifier(layer)] else { return nil }
        return shape.isEmpty ? [] : [nil] + shape.dropFirst().map { Optional($0) }
    }
}
