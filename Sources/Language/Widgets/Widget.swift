// One widget model as the program holds it: its kind, its synchronised state, and the callbacks
// the program attached. The front end keeps a copy of the state; `WidgetComms` carries changes
// both ways, and every change from outside is checked here first, so a model never holds a
// value of the wrong type or outside its bounds.

import Kernel

/// The kinds of model the language makes, with their names in @jupyter-widgets.
enum WidgetKind: Equatable {
    case floatSlider, intSlider, logSlider
    case button, dropdown, checkbox, text
    case progress, output, html, image
    case hbox, vbox
    case layout
    /// A style model (`SliderStyleModel`, ...), drawn by the base module's `StyleView`.
    case style(String)

    var modelName: String {
        switch self {
        case .floatSlider: "FloatSliderModel"
        case .intSlider: "IntSliderModel"
        case .logSlider: "FloatLogSliderModel"
        case .button: "ButtonModel"
        case .dropdown: "DropdownModel"
        case .checkbox: "CheckboxModel"
        case .text: "TextModel"
        case .progress: "FloatProgressModel"
        case .output: "OutputModel"
        case .html: "HTMLModel"
        case .image: "ImageModel"
        case .hbox: "HBoxModel"
        case .vbox: "VBoxModel"
        case .layout: "LayoutModel"
        case .style(let name): name
        }
    }

    var viewName: String {
        switch self {
        case .floatSlider: "FloatSliderView"
        case .intSlider: "IntSliderView"
        case .logSlider: "FloatLogSliderView"
        case .button: "ButtonView"
        case .dropdown: "DropdownView"
        case .checkbox: "CheckboxView"
        case .text: "TextView"
        case .progress: "ProgressView"
        case .output: "OutputView"
        case .html: "HTMLView"
        case .image: "ImageView"
        case .hbox: "HBoxView"
        case .vbox: "VBoxView"
        case .layout: "LayoutView"
        case .style: "StyleView"
        }
    }

    var modelModule: (name: String, version: String) {
        switch self {
        case .layout: (WidgetProtocol.baseModule, WidgetProtocol.baseVersion)
        case .output: (WidgetProtocol.outputModule, WidgetProtocol.outputVersion)
        default: (WidgetProtocol.controlsModule, WidgetProtocol.controlsVersion)
        }
    }

    var viewModule: (name: String, version: String) {
        switch self {
        case .layout, .style: (WidgetProtocol.baseModule, WidgetProtocol.baseVersion)
        case .output: (WidgetProtocol.outputModule, WidgetProtocol.outputVersion)
        default: (WidgetProtocol.controlsModule, WidgetProtocol.controlsVersion)
        }
    }

    /// The style model a control of this kind refers to, if it has one.
    var styleModel: String? {
        switch self {
        case .floatSlider, .intSlider, .logSlider: "SliderStyleModel"
        case .button: "ButtonStyleModel"
        case .checkbox: "CheckboxStyleModel"
        case .dropdown: "DescriptionStyleModel"
        case .text: "TextStyleModel"
        case .progress: "ProgressStyleModel"
        case .html: "HTMLStyleModel"
        default: nil
        }
    }

    /// The name a learner sees: `Slider`, `Button`, ...
    var typeName: String {
        switch self {
        case .floatSlider, .intSlider, .logSlider: "Slider"
        case .button: "Button"
        case .dropdown: "Dropdown"
        case .checkbox: "Checkbox"
        case .text: "Text"
        case .progress: "Progress"
        case .output: "Output"
        case .html: "HTML"
        case .image: "Image"
        case .hbox, .vbox: "Box"
        case .layout: "Layout"
        case .style: "Style"
        }
    }

    /// The state keys a front end may change; any other key it sends is ignored.
    var editableKeys: Set<String> {
        switch self {
        case .floatSlider, .intSlider, .logSlider, .checkbox, .text: ["value"]
        case .dropdown: ["index"]
        case .output: ["outputs", "msg_id"]
        default: []
        }
    }
}

/// What became of one key of a state change from outside.
enum StateCheck: Equatable {
    /// Taken as sent.
    case accepted(JSON)
    /// Taken, but changed to fit (a slider value past its end is set to the end).
    case adjusted(JSON, reason: String)
    /// Refused; the model keeps its value.
    case rejected(reason: String)
}

/// A function the program attached to a widget (`onChange`, `onClick`), with the evaluator
/// that runs it and the place it was attached, for tracebacks.
struct WidgetCallback {
    let function: Value
    let evaluator: Evaluator
    let span: SourceSpan
}

/// A widget model: a control, a box, an output area, or a layout or style part of one.
public final class Widget: ScriptObject {
    let id: String
    let kind: WidgetKind
    /// The synchronised state, without the model and view names and without references.
    var state: [String: JSON]
    /// State keys whose values are binary (an image's bytes), sent as buffers.
    var binaryState: [String: [UInt8]] = [:]
    var layout: Widget?
    var style: Widget?
    var children: [Widget] = []
    /// A dropdown's options as the program gave them; the front end sees their text.
    var options: [Value] = []
    var changeCallbacks: [WidgetCallback] = []
    /// Swift code that follows the value (an `interact`, a playground's controls).
    var observers: [(Widget) -> Void] = []
    /// The session's widget comms, which send this model's changes.
    weak var host: WidgetComms?
    var clickCallbacks: [WidgetCallback] = []
    /// Swift code a button runs on every press (a playground's play and step).
    var clickObservers: [() -> Void] = []
    /// Where the output and errors of this widget's callbacks go once it is shown.
    var outputArea: Widget?
    /// The box that shows this widget with its output area, made the first time it is shown.
    var shownAs: Widget?
    /// Whether the front end has the model (its `comm_open` was sent).
    var isOpen = false
    /// Closed by the program or the front end: it takes no more messages.
    var isClosed = false

    init(kind: WidgetKind, state: [String: JSON]) {
        self.id = newCommID()
        self.kind = kind
        self.state = state
    }

    /// Every control's members (`value`, `onChange`), under the name `Widget`.
    public static let valueType = ValueType(named: "Widget")
    /// The control's own kind (`Slider`, `Button`), whose members come first.
    public var type: ValueType { ValueType(named: kind.typeName) }
    public var types: [ValueType] { [type, Self.valueType] }

    public var plainText: String {
        let label = state["description"]?.stringValue ?? ""
        let prefix = label.isEmpty ? "" : label + ": "
        switch kind {
        case .floatSlider, .intSlider, .logSlider:
            let lower = state["min"].map(jsonText) ?? "", upper = state["max"].map(jsonText) ?? ""
            if kind == .logSlider {
                let base = state["base"]?.doubleValue ?? 10
                return "Slider(\(prefix)\(valueText), log scale \(formatFloat(pow(base, state["min"]?.doubleValue ?? 0)))...\(formatFloat(pow(base, state["max"]?.doubleValue ?? 0))))"
            }
            return "Slider(\(prefix)\(valueText) in \(lower)...\(upper))"
        case .button: return "Button(\(quote(label)))"
        case .dropdown: return "Dropdown(\(prefix)\(valueText) of \(options.count) options)"
        case .checkbox, .text, .progress: return "\(kind.typeName)(\(prefix)\(valueText))"
        case .hbox, .vbox: return "\(kind == .hbox ? "Row" : "Column")(\(children.map(\.plainText).joined(separator: ", ")))"
        case .output: return "Output(\(outputCount) output\(outputCount == 1 ? "" : "s"))"
        default: return "\(kind.typeName)()"
        }
    }

    private var outputCount: Int { state["outputs"]?.arrayValue?.count ?? 0 }

    private var valueText: String {
        switch kind {
        case .dropdown, .text: value.literalText
        default: value.text
        }
    }

    private func jsonText(_ json: JSON) -> String {
        switch json {
        case .int(let number): String(number)
        case .double(let number): formatFloat(number)
        default: ""
        }
    }

    // MARK: State as the protocol sends it

    /// Every key the front end needs: model and view names, references, and the state.
    func fullState() -> [String: JSON] {
        var full = state
        for key in binaryState.keys { full.removeValue(forKey: key) }
        full["_model_name"] = .string(kind.modelName)
        full["_model_module"] = .string(kind.modelModule.name)
        full["_model_module_version"] = .string(kind.modelModule.version)
        full["_view_name"] = .string(kind.viewName)
        full["_view_module"] = .string(kind.viewModule.name)
        full["_view_module_version"] = .string(kind.viewModule.version)
        if let layout { full["layout"] = WidgetProtocol.reference(layout.id) }
        if let style { full["style"] = WidgetProtocol.reference(style.id) }
        if kind == .hbox || kind == .vbox { full["children"] = .array(children.map { WidgetProtocol.reference($0.id) }) }
        return full
    }

    /// The binary keys as buffer paths with their bytes, in one order.
    func buffers() -> (paths: [[JSON]], buffers: [[UInt8]]) {
        let keys = binaryState.keys.sorted()
        return (keys.map { [.string($0)] }, keys.map { binaryState[$0]! })
    }

    /// The models this one refers to, which the front end must have first.
    var parts: [Widget] { [layout, style].compactMap { $0 } + children }

    // MARK: Values

    /// The value a program reads: a number, a Bool, a String, or the chosen option.
    var value: Value {
        switch kind {
        case .intSlider: return .int(state["value"]?.intValue ?? 0)
        case .floatSlider, .logSlider, .progress: return .float(state["value"]?.doubleValue ?? 0)
        case .checkbox: return .bool(state["value"]?.boolValue ?? false)
        case .text, .html: return .string(state["value"]?.stringValue ?? "")
        case .dropdown:
            guard let index = state["index"]?.intValue, options.indices.contains(index) else { return .void }
            return options[index]
        default: return .void
        }
    }

    /// Checks one key of a change from the front end (or from the program) against the model.
    func check(_ key: String, _ sent: JSON) -> StateCheck {
        guard kind.editableKeys.contains(key) else { return .rejected(reason: "\(kind.modelName) has no editable key '\(key)'") }
        switch (kind, key) {
        case (.intSlider, "value"):
            guard let number = sent.doubleValue, number.isFinite else { return .rejected(reason: "not a number: \(sent)") }
            guard number == number.rounded(), let whole = sent.intValue else {
                return .adjusted(.int(clampInt(Int(number.rounded()))), reason: "not a whole number: \(sent)")
            }
            let clamped = clampInt(whole)
            return clamped == whole ? .accepted(.int(whole)) : .adjusted(.int(clamped), reason: "\(whole) is out of range")
        case (.floatSlider, "value"), (.logSlider, "value"):
            guard let number = sent.doubleValue, number.isFinite else { return .rejected(reason: "not a finite number: \(sent)") }
            var lower = state["min"]?.doubleValue ?? 0, upper = state["max"]?.doubleValue ?? 1
            if kind == .logSlider {
                let base = state["base"]?.doubleValue ?? 10
                guard number > 0 else { return .rejected(reason: "a log-scale slider's value must be above 0, not \(number)") }
                lower = pow(base, lower)
                upper = pow(base, upper)
            }
            let clamped = Swift.min(Swift.max(number, lower), upper)
            // A log slider's ends are powers, computed: a value a rounding away from the end is the end.
            if clamped != number && Swift.abs(clamped - number) > 1e-9 * Swift.max(1, Swift.abs(number)) {
                return .adjusted(.double(clamped), reason: "\(formatFloat(number)) is out of range")
            }
            return .accepted(.double(clamped))
        case (.checkbox, "value"):
            guard case .bool = sent else { return .rejected(reason: "not true or false: \(sent)") }
            return .accepted(sent)
        case (.text, "value"):
            guard case .string = sent else { return .rejected(reason: "not a string: \(sent)") }
            return .accepted(sent)
        case (.dropdown, "index"):
            guard let index = sent.intValue, options.indices.contains(index) else {
                return .rejected(reason: "no option at index \(sent)")
            }
            return .accepted(.int(index))
        case (.output, "outputs"):
            guard case .array = sent else { return .rejected(reason: "outputs must be a list") }
            return .accepted(sent)
        case (.output, "msg_id"):
            guard case .string = sent else { return .rejected(reason: "msg_id must be a string") }
            return .accepted(sent)
        default:
            return .rejected(reason: "\(kind.modelName) has no editable key '\(key)'")
        }
    }

    private func clampInt(_ number: Int) -> Int {
        let lower = state["min"]?.intValue ?? Int.min, upper = state["max"]?.intValue ?? Int.max
        return Swift.min(Swift.max(number, lower), upper)
    }

    /// The state change that sets the value a program gave, or an error a learner can read.
    func stateForValue(_ newValue: Value) throws -> [String: JSON] {
        func fail(_ message: String) -> LanguageError { LanguageError(.valueError, message) }
        let key = kind == .dropdown ? "index" : "value"
        let json: JSON
        switch (kind, newValue) {
        case (.intSlider, .int(let number)): json = .int(number)
        case (.intSlider, .float(let number)) where number.wholeNumber(below: 9e15) != nil: json = .int(Int(number))
        case (.floatSlider, _), (.logSlider, _), (.progress, _):
            guard let number = newValue.number ?? scalar(newValue) else {
                throw LanguageError(.typeError, "a \(kind.typeName.lowercased())'s value is a number, not \(describeKind(newValue))")
            }
            json = .double(number)
        case (.checkbox, .bool(let flag)): json = .bool(flag)
        case (.text, .string(let text)), (.html, .string(let text)): json = .string(text)
        case (.dropdown, _):
            guard let index = options.firstIndex(where: { $0.literalText == newValue.literalText }) else {
                throw fail("\(newValue.literalText) is not one of the dropdown's options: \(Value.array(options).text)")
            }
            json = .int(index)
        default:
            throw LanguageError(.typeError, "a \(kind.typeName.lowercased())'s value cannot be \(describeKind(newValue))")
        }
        if kind == .progress || kind == .html { return [key: json] }
        switch check(key, json) {
        case .accepted(let accepted): return [key: accepted]
        case .adjusted(_, let reason), .rejected(let reason): throw fail("cannot set the \(kind.typeName.lowercased()) to \(newValue.text): \(reason)")
        }
    }

    private func scalar(_ value: Value) -> Double? {
        if case .tensor(let tensor) = value, tensor.count == 1 { return tensor.toDoubles()[0] }
        return nil
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
