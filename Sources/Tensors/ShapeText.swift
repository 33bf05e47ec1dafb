/// A shape as every message and display writes it: `[2, 3]`, `[]` for a scalar.
///
/// - Parameter unknownSize: how a negative size is written, where one stands for a size not
///   known yet (a layer's batch size, `N`); nil writes it as the number.
public func formatShape(_ shape: [Int], unknownSize: String? = nil) -> String {
    "[" + shape.map { size in size < 0 ? unknownSize ?? String(size) : String(size) }.joined(separator: ", ") + "]"
}
