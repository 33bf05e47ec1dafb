/// What a front end is given to show a value: data by MIME type and per-type metadata (an
/// image's display size), as Jupyter's `display_data` and `execute_result` carry them.
///
/// Display builds these, the language adds its `text/plain`, the kernel sends them: one type
/// all the way, so nothing is converted on the way out.
public struct MIMEBundle: Sendable, Equatable {
    /// MIME type to its content: text for text types and for binary content (a PNG is base64
    /// text, as Jupyter carries it), a JSON value for the `+json` types.
    public var data: [String: JSON]
    /// MIME type to its metadata, such as `["image/png": ["width": 640, "height": 400]]`.
    public var metadata: [String: JSON]

    public init(data: [String: JSON], metadata: [String: JSON] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    /// A bundle holding only `text/plain`.
    public static func plainText(_ text: String) -> MIMEBundle {
        MIMEBundle(data: ["text/plain": .string(text)])
    }

    /// A bundle of text forms, always with `text/plain`, and numeric metadata per type.
    public init(plainText: String, data texts: [String: String] = [:], metadata: [String: [String: Int]] = [:]) {
        self.data = texts.mapValues { .string($0) }
        self.data["text/plain"] = .string(plainText)
        self.metadata = metadata.mapValues { fields in .object(fields.mapValues { .int($0) }) }
    }

    /// The content of a text MIME type (or base64 of a binary one), nil when absent or not text.
    public func text(_ mimeType: String) -> String? { data[mimeType]?.stringValue }

    /// Sets the text content of `mimeType`, or removes it for nil.
    public mutating func setText(_ text: String?, for mimeType: String) {
        data[mimeType] = text.map { .string($0) }
    }

    public var plainText: String { text("text/plain") ?? "" }

    /// The `image/png` picture as bytes, when the bundle has one.
    public var pngBytes: [UInt8]? { text("image/png").flatMap(Base64.decode) }

    /// MIME types present, sorted, for stable output.
    public var mimeTypes: [String] { data.keys.sorted() }
}

/// A value that knows how it wants to be shown.
public protocol MIMERepresentable {
    func mimeBundle() -> MIMEBundle
}
