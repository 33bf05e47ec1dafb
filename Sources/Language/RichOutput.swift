// How a value is shown: always `text/plain`, and for tensors, models, histories and pictures
// the display layer's rich forms as well.

import Display
import Kernel
import Tensors

enum RichOutput {
    /// The bundle a cell's result or `display(value)` publishes.
    static func bundle(for value: Value, runtime: Runtime) throws -> MIMEBundle {
        try runtime.checkInterrupt()
        if case .object(let object) = value, let widget = object as? WidgetShowable {
            return widget.bundle(in: runtime.widgets)
        }
        if var rich = try richOutput(for: value) {
            if rich.data["text/plain"] == nil { rich.setText(try ValueText.shown(value, check: runtime.checkInterrupt), for: "text/plain") }
            return rich
        }
        return .plainText(try ValueText.shown(value, check: runtime.checkInterrupt))
    }

    static func richOutput(for value: Value) throws -> MIMEBundle? {
        switch value {
        case .object(let object): return try object.richDisplay()
        case .tensor(let tensor): return tensorOutput(tensor)
        default: return nil
        }
    }

    /// A tensor as a table (shape and dtype in its caption), next to its text form.
    static func tensorOutput(_ tensor: Tensor) -> MIMEBundle? {
        guard tensor.rank >= 1 else { return nil }
        var output = Visualize.table(tensor)
        output.setText(tensorText(tensor), for: "text/plain")
        return output
    }
}

/// A picture or table made by a display builtin (`plot`, `summary`, ...): shown as itself.
public final class Picture: ScriptObject {
    public let output: MIMEBundle
    public let kind: String

    public init(_ bundle: MIMEBundle, kind: String = "Chart") {
        output = bundle
        self.kind = kind
    }

    public static let valueType = ValueType(named: "Picture")
    /// Chart, Table, ...: what the display builtin made.
    public var type: ValueType { ValueType(named: kind) }
    public var plainText: String { output.text("text/plain") ?? "<\(kind)>" }
    public func richDisplay() throws -> MIMEBundle? { output }
}
