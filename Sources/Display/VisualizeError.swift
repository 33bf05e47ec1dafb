/// Input a picture cannot be made from; `message` says why in the learner's terms.
public struct VisualizeError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
