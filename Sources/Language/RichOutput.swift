// How a value is shown: always `text/plain`, and for tensors, models, histories and pictures
// the display layer's rich forms as well.

import Display
import Kernel
import Tensors

enum RichOutput {
    /// The bundle a cell's result or `display(value)` publishes.
    static func bundle(for value: Value, runtime: Runtime) throws -> MimeBundle {
        if case .object(let object) = value, let widget = object as? WidgetShowable {
            return widget.bundle(in: runtime.widgets)
        }
        if let rich = try richOutput(for: value) {
            var output = rich
            if output.data["text/plain"] == nil { output.data["text/plain"] = value.text }
            return kernelBundle(output)
        }
        return .plainText(value.text)
    }

    static func richOutput(for value: Value) throws -> DisplayOutput? {
        switch value {
        case .object(let object): return try object.richDisplay()
        case .tensor(let tensor): return tensorOutput(tensor)
        default: return nil
        }
    }

    /// A tensor as a table (shape and dtype in its caption), next to its text form.
    static func tensorOutput(_ tensor: Tensor) -> DisplayOutput? {
        guard tensor.rank >= 1 else { return nil }
        var output = DisplayOutput(Visualize.table(tensor))
        output.data["text/plain"] = tensorText(tensor)
        return output
    }

    static func kernelBundle(_ output: DisplayOutput) -> MimeBundle {
        var data: [String: JSON] = [:]
        for (type, text) in output.data { data[type] = .string(text) }
        var metadata: [String: JSON] = [:]
        for (type, fields) in output.metadata {
            var object: [String: JSON] = [:]
            for (key, number) in fields { object[key] = .int(number) }
            metadata[type] = .object(object)
        }
        return MimeBundle(data: data, metadata: metadata)
    }
}

extension DisplayOutput {
    /// The display layer's bundle, as the language keeps it.
    public init(_ bundle: Display.MIMEBundle) {
        self.init(data: bundle.data, metadata: bundle.metadata)
    }
}

/// A picture or table made by a display builtin (`plot`, `summary`, ...): shown as itself.
public final class Picture: ScriptObject {
    public let output: DisplayOutput
    public let kind: String

    public init(_ bundle: Display.MIMEBundle, kind: String = "Chart") {
        output = DisplayOutput(bundle)
        self.kind = kind
    }

    public var typeName: String { kind }
    public var plainText: String { output.data["text/plain"] ?? "<\(kind)>" }
    public func richDisplay() throws -> DisplayOutput? { output }
}
