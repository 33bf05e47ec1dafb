/// What a front end is given to show a value: data by MIME type, always with `text/plain`,
/// and per-type metadata (an image's display size).
public struct MIMEBundle: Sendable, Equatable {
    /// MIME type to its content; binary content (PNG) is base64 text, as Jupyter carries it.
    public var data: [String: String]
    /// MIME type to numeric metadata such as `["width": 640, "height": 400]`.
    public var metadata: [String: [String: Int]]

    public init(plainText: String, data: [String: String] = [:], metadata: [String: [String: Int]] = [:]) {
        self.data = data
        self.data["text/plain"] = plainText
        self.metadata = metadata
    }

    public var plainText: String { data["text/plain"] ?? "" }

    /// The `image/png` picture as bytes, when the bundle has one.
    public var pngBytes: [UInt8]? { data["image/png"].flatMap(Base64.decode) }

    /// MIME types present, sorted, for stable output.
    public var mimeTypes: [String] { data.keys.sorted() }
}

/// A value that knows how it wants to be shown.
public protocol MIMERepresentable {
    func mimeBundle() -> MIMEBundle
}
