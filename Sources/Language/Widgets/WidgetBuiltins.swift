// Widgets in the language: sliders, buttons, dropdowns, checkboxes, text fields, progress bars,
// output areas, rows and columns, and `interact`, which reruns a closure on every change.

import Kernel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value the front end shows through its widget manager.
protocol WidgetShowable: AnyObject {
    func bundle(in comms: WidgetComms) -> MimeBundle
}

extension Widget: WidgetShowable {
    func bundle(in comms: WidgetComms) -> MimeBundle { comms.bundle(for: self) }
}

extension Builtins {
    static func registerWidgets(in library: Library) {
        library.topic = "Widgets"
        registerControls(in: library)
        registerLayout(in: library)
        registerWidgetMembers(in: library)
        registerPlayground(in: library)
        library.addProperty(NumberRange.valueType, "lower", doc: "The start of the range.") { value in
            guard case .object(let range as NumberRange) = value else { return .void }
            return .float(range.lower)
        }
        library.addProperty(NumberRange.valueType, "upper", doc: "The end of the range.") { value in
            guard case .object(let range as NumberRange) = value else { return .void }
            return .float(range.upper)
        }
    }

    /// A step that gives a slider about a few hundred positions, rounded to a power of ten.
    static func sliderStep(_ span: Double) -> Double {
        guard span > 0 else { return 0.1 }
        return pow(10, (log10(span / 200)).rounded(.down))
    }

    /// `.3f` for a step of 0.001: as many decimals as the step has.
    static func readoutFormat(_ step: Double) -> String {
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return ".\(min(decimals, 8))f"
    }

    static func makeSlider(
        _ range: Value, value: Value, step: Double?, log: Bool, label: String, comms: WidgetComms, middle: Bool = false
    ) throws -> Widget {
        var state: [String: JSON] = ["description": .string(label), "continuous_update": true, "readout": true, "orientation": "horizontal"]
        switch range {
        case .range(let lower?, let upper?, let closed) where !log:
            let top = closed ? upper : upper - 1
            guard lower <= top else { throw LanguageError(.valueError, "the slider's range \(range.text) is empty") }
            if let step, step != step.rounded() || step < 1 {
                throw LanguageError(.valueError, "an integer slider's step must be a whole number ≥ 1, not \(formatFloat(step))")
            }
            let start: Int
            switch value {
            case .void: start = middle ? lower + (top - lower) / 2 : lower
            case .int(let number): start = number
            case .float(let number) where number.wholeNumber(below: 9e15) != nil: start = Int(number)
            default: throw LanguageError(.typeError, "an integer slider's value must be a whole number, not \(describeKind(value))")
            }
            guard (lower...top).contains(start) else {
                throw LanguageError(.valueError, "the value \(start) is outside the slider's range \(lower)...\(top)")
            }
            state["min"] = .int(lower)
            state["max"] = .int(top)
            state["step"] = .int(Int(step ?? 1))
            state["value"] = .int(start)
            state["readout_format"] = "d"
            return comms.make(.intSlider, state: state)
        case .range(let lower?, let upper?, _):
            return try makeSlider(
                .object(NumberRange(lower: Double(lower), upper: Double(upper), closed: true)), value: value, step: step,
                log: log, label: label, comms: comms, middle: middle)
        case .object(let interval as NumberRange):
            let lower = interval.lower, upper = interval.upper
            guard lower < upper else { throw LanguageError(.valueError, "the slider's range \(interval.plainText) is empty") }
            var start: Double
            switch value {
            case .void: start = middle ? (log ? (lower * upper).squareRoot() : (lower + upper) / 2) : lower
            default:
                guard let number = value.number, number.isFinite else {
                    throw LanguageError(.typeError, "a slider's value must be a number, not \(describeKind(value))")
                }
                start = number
            }
            guard start >= lower && start <= upper else {
                throw LanguageError(.valueError, "the value \(formatFloat(start)) is outside the slider's range \(interval.plainText)")
            }
            if log {
                guard lower > 0 else {
                    throw LanguageError(.valueError, "a log-scale slider needs a range above 0, not \(interval.plainText)")
                }
                let low = log10(lower), high = log10(upper)
                state["base"] = 10.0
                state["min"] = .double(low)
                state["max"] = .double(high)
                state["step"] = .double(step ?? sliderStep(high - low))
                state["value"] = .double(start)
                state["readout_format"] = ".3g"
                return comms.make(.logSlider, state: state)
            }
            if let step, !(step > 0) { throw LanguageError(.valueError, "a slider's step must be above 0, not \(formatFloat(step))") }
            let resolved = step ?? sliderStep(upper - lower)
            state["min"] = .double(lower)
            state["max"] = .double(upper)
            state["step"] = .double(resolved)
            state["value"] = .double(start)
            state["readout_format"] = .string(readoutFormat(resolved))
            return comms.make(.floatSlider, state: state)
        default:
            throw LanguageError(
                .typeError, "a slider needs a range with both ends, such as 1...10 or 0.001...1.0, not \(describeKind(range))")
        }
    }

    static func makeDropdown(_ options: [Value], value: Value, label: String, comms: WidgetComms) throws -> Widget {
        guard !options.isEmpty else { throw LanguageError(.valueError, "a dropdown needs at least one option") }
        var index = 0
        if !value.isVoid {
            guard let found = options.firstIndex(where: { $0.literalText == value.literalText }) else {
                throw LanguageError(.valueError, "\(value.literalText) is not one of the options \(Value.array(options).text)")
            }
            index = found
        }
        let widget = comms.make(
            .dropdown,
            state: ["_options_labels": .array(options.map { .string($0.text) }), "index": .int(index), "description": .string(label)])
        widget.options = options
        return widget
    }

    static func registerControls(in library: Library) {
        library.add(
            "slider",
            [.positional("range"), .labelled("value", default: .void), .labelled("step", default: .void),
             .labelled("log", default: .bool(false)), .labelled("label", default: .string(""))],
            doc: "A slider over a range: a whole-number range (1...16) makes an integer slider, a decimal one (0.001...1.0) a slider over reals; log: true spaces a positive range by powers of ten. Show it as a cell's result; .value reads it, .onChange { v in ... } follows it.",
            example: "let rate = slider(0.001...1.0, value: 0.03, log: true, label: \"learning rate\")\nrate.value"
        ) { args in
            let widget = try makeSlider(
                args.value("range"), value: args.value("value"), step: try args.doubleIfPresent("step"), log: try args.bool("log"),
                label: try args.string("label"), comms: args.runtime.widgets)
            return .object(widget)
        }
        library.add(
            "button", [.positional("label"), .labelled("style", default: .string(""))],
            doc: "A button; .onClick { ... } runs on every press. style is \"\", \"primary\", \"success\", \"info\", \"warning\" or \"danger\".",
            example: "let go = button(\"train 10 epochs\", style: \"primary\")\ngo.onClick { print(\"pressed\") }\ngo"
        ) { args in
            let style = try args.string("style")
            guard ["", "primary", "success", "info", "warning", "danger"].contains(style) else {
                throw args.error("style", "a button's style is one of primary, success, info, warning, danger, or \"\"", kind: .valueError)
            }
            return .object(
                args.runtime.widgets.make(.button, state: ["description": .string(try args.string("label")), "button_style": .string(style)]))
        }
        library.add(
            "dropdown", [.positional("options"), .labelled("value", default: .void), .labelled("label", default: .string(""))],
            doc: "A menu of options (any values; the menu shows their text); .value is the chosen option, the first by default.",
            example: "let act = dropdown([\"relu\", \"tanh\", \"sigmoid\"], value: \"tanh\", label: \"activation\")\nact.value"
        ) { args in
            .object(
                try makeDropdown(
                    try args.array("options"), value: args.value("value"), label: try args.string("label"), comms: args.runtime.widgets))
        }
        library.add(
            "checkbox", [.positional("label", default: .string("")), .labelled("value", default: .bool(false))],
            doc: "A checkbox; .value is true or false.",
            example: "let noisy = checkbox(\"add noise\", value: true)\nnoisy.value"
        ) { args in
            .object(
                args.runtime.widgets.make(
                    .checkbox,
                    state: ["description": .string(try args.string("label")), "value": .bool(try args.bool("value")), "indent": false]))
        }
        library.add(
            "text",
            [.labelled("value", default: .string("")), .labelled("label", default: .string("")),
             .labelled("placeholder", default: .string(""))],
            doc: "A one-line text field; .value is its text, and .onChange runs when the learner presses Enter or leaves the field.",
            example: "let name = text(value: \"spiral\", label: \"dataset\")\nname.value"
        ) { args in
            .object(
                args.runtime.widgets.make(
                    .text,
                    state: [
                        "value": .string(try args.string("value")), "description": .string(try args.string("label")),
                        "placeholder": .string(try args.string("placeholder")), "continuous_update": false,
                    ]))
        }
        library.add(
            "progress", [.labelled("value", default: .float(0)), .labelled("total", default: .float(1)), .labelled("label", default: .string(""))],
            doc: "A progress bar from 0 to total; set .value to move it.",
            example: "let bar = progress(total: 10, label: \"epochs\")\nbar.value = 3\nbar.value"
        ) { args in
            let total = try args.double("total"), value = try args.double("value")
            guard total > 0, total.isFinite else { throw args.error("total", "a progress bar's total must be above 0", kind: .valueError) }
            return .object(
                args.runtime.widgets.make(
                    .progress,
                    state: [
                        "value": .double(value), "min": 0.0, "max": .double(total), "description": .string(try args.string("label")),
                        "bar_style": "", "orientation": "horizontal",
                    ]))
        }
        library.add(
            "output", [],
            doc: "An output area: out.show(value) and out.capture { ... } put output in it, out.clear() empties it. Callbacks of widgets shown with it write there too.",
            example: "let out = output()\nout.show(\"hello\")\nout"
        ) { args in
            .object(args.runtime.widgets.make(.output, state: ["outputs": []]))
        }
        library.add(
            "interact", [.keywords("controls"), .positional("body")],
            doc: "Shows the controls with an output area under them and runs body with their values now and again on every change; each run's output replaces the last. A control is a widget, or a value that makes one: a range (a slider), an array (a dropdown), true/false (a checkbox), a string (a text field).",
            example: "interact(lr: slider(0.001...1.0, value: 0.1), hidden: slider(1...16, value: 4)) { lr, hidden in\n    print(\"lr \\(lr), \\(hidden) hidden units\")\n}"
        ) { args in
            try interact(args)
        }
    }

    /// A widget for an `interact` control given as a value.
    static func control(for value: Value, name: String, comms: WidgetComms) throws -> Widget {
        switch value {
        case .object(let widget as Widget):
            guard widget.kind.editableKeys.contains("value") || widget.kind == .dropdown else {
                throw LanguageError(.typeError, "interact's control \(name) must be a control with a value, not a \(widget.typeName)")
            }
            if widget.state["description"]?.stringValue?.isEmpty ?? true { comms.set(widget, ["description": .string(name)]) }
            return widget
        case .range, .object(is NumberRange):
            return try makeSlider(value, value: .void, step: nil, log: false, label: name, comms: comms, middle: true)
        case .array(let options): return try makeDropdown(options, value: .void, label: name, comms: comms)
        case .bool(let flag): return comms.make(.checkbox, state: ["description": .string(name), "value": .bool(flag)])
        case .string(let text):
            return comms.make(.text, state: ["description": .string(name), "value": .string(text), "continuous_update": false])
        default:
            throw LanguageError(
                .typeError, "interact's control \(name) must be a widget, a range, an array, true/false or a string, not \(describeKind(value))")
        }
    }

    static func interact(_ args: Arguments) throws -> Value {
        let comms = args.runtime.widgets
        let body = try args.function("body")
        let given = try args.array("controls")
        guard !given.isEmpty else { throw args.error("interact needs at least one control, such as interact(n: 1...10) { n in ... }") }
        var controls: [Widget] = []
        for item in given {
            guard case .tuple(let pair) = item, case .string(let name) = pair[0] else { continue }
            do {
                controls.append(try control(for: pair[1], name: name, comms: comms))
            } catch let failure as LanguageError {
                throw args.error("controls", failure.message, kind: failure.kind)
            }
        }
        let area = comms.make(.output, state: ["outputs": []])
        let column = comms.make(.vbox, state: [:], children: controls + [area])
        column.outputArea = area
        for control in controls { comms.assignOutputArea(area, to: control) }
        let callback = WidgetCallback(function: .function(body), evaluator: args.evaluator, span: args.span)
        let rerun: (Widget) -> Void = { [weak comms] _ in
            comms?.run(callback, controls.map(\.value), in: area, replacing: true)
        }
        for control in controls { control.observers.append(rerun) }
        args.runtime.context.display(comms.bundle(for: column), id: nil)
        comms.run(callback, controls.map(\.value), in: area, replacing: true)
        return .void
    }

    static func registerLayout(in library: Library) {
        for (name, kind, across) in [("hbox", WidgetKind.hbox, "in a row"), ("vbox", WidgetKind.vbox, "in a column")] {
            library.add(
                name, [.variadic("items")],
                doc: "Shows widgets \(across) (strings become labels); callbacks of the widgets inside write to one output area under it.",
                example: "\(name)(slider(1...10, label: \"epochs\"), button(\"train\"))"
            ) { args in
                let comms = args.runtime.widgets
                var children: [Widget] = []
                for item in try args.array("items") {
                    switch item {
                    case .object(let widget as Widget): children.append(widget)
                    case .object(let playground as Playground): children.append(playground.root)
                    case .string(let text): children.append(comms.make(.html, state: ["value": .string(escapeHTML(text))]))
                    default:
                        throw args.error("items", "\(name) holds widgets and strings, not \(describeKind(item))")
                    }
                }
                return .object(comms.make(kind, state: [:], children: children))
            }
        }
    }

    static func registerWidgetMembers(in library: Library) {
        library.addProperty(
            Widget.valueType, "value", doc: "The control's value now; assign to change it (its onChange callbacks run).",
            get: { value in
                guard case .object(let widget as Widget) = value else { return .void }
                return widget.value
            },
            set: { value, new in
                guard case .object(let widget as Widget) = value else { return }
                let changes = try widget.stateForValue(new)
                let before = widget.value.literalText
                guard let comms = widget.host else {
                    for (key, json) in changes { widget.state[key] = json }
                    return
                }
                comms.set(widget, changes)
                if widget.value.literalText != before { comms.changed(widget) }
            })
        library.addProperty(
            Widget.valueType, "label", doc: "The text beside the control (its description); assign to change it.",
            get: { value in
                guard case .object(let widget as Widget) = value else { return .void }
                return .string(widget.state["description"]?.stringValue ?? "")
            },
            set: { value, new in
                guard case .object(let widget as Widget) = value else { return }
                guard case .string(let text) = new else { throw LanguageError(.typeError, "a label is a string, not \(describeKind(new))") }
                widget.host?.set(widget, ["description": .string(text)])
            })
        library.addProperty(
            Widget.valueType, "disabled", doc: "Whether the learner can use the control; assign true to lock it.",
            get: { value in
                guard case .object(let widget as Widget) = value else { return .void }
                return .bool(widget.state["disabled"]?.boolValue ?? false)
            },
            set: { value, new in
                guard case .object(let widget as Widget) = value else { return }
                guard case .bool(let flag) = new else { throw LanguageError(.typeError, "disabled is true or false, not \(describeKind(new))") }
                widget.host?.set(widget, ["disabled": .bool(flag)])
            })
        library.addMethod(
            Widget.valueType, "onChange", [.positional("callback")],
            doc: "Runs callback with the new value on every change, from the front end or from code. Its output and errors show under the widget.",
            example: "let epochs = slider(1...100, value: 10)\nepochs.onChange { n in print(\"\\(n) epochs\") }\nepochs.value = 20"
        ) { args in
            let widget = try args.receiverObject(as: Widget.self)
            guard widget.kind.editableKeys.contains("value") || widget.kind == .dropdown else {
                throw args.error("a \(widget.typeName) has no value to follow", kind: .typeError)
            }
            widget.changeCallbacks.append(WidgetCallback(function: .function(try args.function("callback")), evaluator: args.evaluator, span: args.span))
            return .void
        }
        library.addMethod(
            ValueType(named: "Button"), "onClick", [.positional("callback")],
            doc: "Runs callback on every press of the button. Its output and errors show under the button.",
            example: "let go = button(\"go\")\ngo.onClick { print(\"pressed\") }\ngo.click()"
        ) { args in
            let widget = try args.receiverObject(as: Widget.self)
            widget.clickCallbacks.append(WidgetCallback(function: .function(try args.function("callback")), evaluator: args.evaluator, span: args.span))
            return .void
        }
        library.addMethod(
            ValueType(named: "Button"), "click", [], doc: "Presses the button from code: its onClick callbacks run.",
            example: "let go = button(\"go\")\ngo.onClick { print(\"pressed\") }\ngo.click()"
        ) { args in
            let widget = try args.receiverObject(as: Widget.self)
            for callback in widget.clickCallbacks { args.runtime.widgets.run(callback, [], in: widget.outputArea) }
            return .void
        }
        library.addMethod(
            Widget.valueType, "close", [], doc: "Removes the widget from the front end; the variable keeps its last value.",
            example: "let s = slider(1...3)\ns.close()\ns.value"
        ) { args in
            args.runtime.widgets.close(try args.receiverObject(as: Widget.self))
            return .void
        }
        library.addMethod(
            ValueType(named: "Output"), "show", [.positional("value")], doc: "Adds a value's display to the output area.",
            example: "let out = output()\nout.show(tensor([1, 2, 3]))"
        ) { args in
            let area = try args.receiverObject(as: Widget.self)
            let bundle = try RichOutput.bundle(for: args.value("value"), runtime: args.runtime)
            let shown: JSON = ["output_type": "display_data", "data": .object(bundle.data), "metadata": .object(bundle.metadata)]
            args.runtime.widgets.set(area, ["outputs": .array((area.state["outputs"]?.arrayValue ?? []) + [shown])])
            return .void
        }
        library.addMethod(
            ValueType(named: "Output"), "clear", [], doc: "Empties the output area.", example: "let out = output()\nout.show(1)\nout.clear()"
        ) { args in
            args.runtime.widgets.set(try args.receiverObject(as: Widget.self), ["outputs": []])
            return .void
        }
        library.addMethod(
            ValueType(named: "Output"), "capture", [.positional("body")],
            doc: "Runs body with its output (and its error, if it fails) going to the output area instead of the cell.",
            example: "let out = output()\nout.capture { print(\"into the area\") }"
        ) { args in
            let area = try args.receiverObject(as: Widget.self)
            let callback = WidgetCallback(function: .function(try args.function("body")), evaluator: args.evaluator, span: args.span)
            args.runtime.widgets.run(callback, [], in: area)
            return .void
        }
    }
}

func escapeHTML(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "&": result += "&amp;"
        case "\"": result += "&quot;"
        default: result.append(character)
        }
    }
    return result
}
