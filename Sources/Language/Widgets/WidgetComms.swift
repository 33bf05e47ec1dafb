// The language's side of widget comms: it keeps every model the program made, opens their
// comms, applies what front ends send (after checking it), echoes it back, and runs the
// program's callbacks with their output sent to the widget's output area.

import Kernel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Work that runs while the kernel is idle, a slice at a time (a playground that is playing).
protocol IdleWork: AnyObject {
    /// Runs one short slice. - Returns: whether more remains.
    func runSlice() -> Bool
}

/// Every widget model of a session and the comms that carry them.
public final class WidgetComms: CommHandler {
    unowned let runtime: Runtime
    /// Every model the program made, by comm id, open or not yet.
    private(set) var models: [String: Widget] = [:]
    /// Open `jupyter.widget.control` comms.
    private var controlComms: Set<String> = []
    /// Work to run while idle, in the order it started.
    private var idleWork: [IdleWork] = []

    init(runtime: Runtime) {
        self.runtime = runtime
    }

    /// The running request's comm channel, if the front end has one.
    var sender: (any CommSender)? { runtime.context.comms }

    // MARK: Making and opening models

    /// Makes a model with a layout (and a style, for controls that have one), and opens it
    /// when a front end is listening. `layout` is the layout's state (ipywidgets' `Layout`
    /// traits: `width`, `flex`, `max_width` ...), sent with it when it opens.
    func make(
        _ kind: WidgetKind, state: [String: JSON], layout: [String: JSON] = [:], children: [Widget] = [],
        binary: [String: [UInt8]] = [:]
    ) -> Widget {
        let widget = Widget(kind: kind, state: state)
        widget.children = children
        widget.binaryState = binary
        switch kind {
        case .layout, .style: break
        default:
            widget.layout = Widget(kind: .layout, state: layout)
            if let style = kind.styleModel { widget.style = Widget(kind: .style(style), state: [:]) }
        }
        register(widget)
        open(widget)
        return widget
    }

    private func register(_ widget: Widget) {
        widget.host = self
        models[widget.id] = widget
        for part in widget.parts where models[part.id] == nil { register(part) }
    }

    /// Sends `comm_open` for the model and the models it refers to, parts first.
    func open(_ widget: Widget) {
        guard !widget.isOpen, !widget.isClosed, let sender else { return }
        register(widget)
        for part in widget.parts { open(part) }
        let (paths, buffers) = widget.buffers()
        sender.openComm(
            id: widget.id, target: WidgetProtocol.target,
            data: ["state": .object(widget.fullState()), "buffer_paths": .array(paths.map(JSON.array))],
            metadata: ["version": .string(WidgetProtocol.version)], buffers: buffers)
        widget.isOpen = true
    }

    /// Sends the given keys of the model's state to the front end.
    func sync(_ widget: Widget, _ keys: [String]) {
        guard widget.isOpen, !widget.isClosed, let sender else { return }
        var state: [String: JSON] = [:]
        var paths: [[JSON]] = []
        var buffers: [[UInt8]] = []
        let full = widget.fullState()
        for key in keys {
            if let bytes = widget.binaryState[key] {
                paths.append([.string(key)])
                buffers.append(bytes)
            } else if let value = full[key] {
                state[key] = value
            }
        }
        sender.sendComm(id: widget.id, data: WidgetProtocol.update(state, bufferPaths: paths), metadata: [:], buffers: buffers)
    }

    /// Sets keys of a model's state from the program and sends them.
    func set(_ widget: Widget, _ changes: [String: JSON]) {
        for (key, value) in changes { widget.state[key] = value }
        sync(widget, Array(changes.keys))
    }

    /// Closes a model and its parts: the front end drops its views.
    func close(_ widget: Widget) {
        guard !widget.isClosed else { return }
        widget.isClosed = true
        if widget.isOpen { sender?.closeComm(id: widget.id, data: [:]) }
        models.removeValue(forKey: widget.id)
        for part in [widget.layout, widget.style].compactMap({ $0 }) { close(part) }
    }

    // MARK: Showing

    /// The bundle that shows a widget: its view for the widget manager and a text for saved
    /// notebooks and front ends without one. A control is shown in a column with an output
    /// area under it, where its callbacks' output and errors go.
    func bundle(for widget: Widget, extra: [String: JSON] = [:]) -> MimeBundle {
        let shown = shownView(of: widget)
        open(shown)
        var data = extra
        if data["text/plain"] == nil { data["text/plain"] = .string(widget.plainText) }
        data[WidgetProtocol.viewMIMEType] = WidgetProtocol.viewData(shown.id)
        return MimeBundle(data: data)
    }

    /// The model that shows `widget`: itself when it has an output area of its own, else a
    /// column of the widget and a new output area.
    func shownView(of widget: Widget) -> Widget {
        if let shownAs = widget.shownAs { return shownAs }
        if widget.kind == .output || widget.outputArea != nil { return widget }
        let area = make(.output, state: ["outputs": []])
        assignOutputArea(area, to: widget)
        let column = make(.vbox, state: [:], children: [widget, area])
        widget.shownAs = column
        return column
    }

    /// Gives the area to the widget and to those inside it that have none yet.
    func assignOutputArea(_ area: Widget, to widget: Widget) {
        if widget.outputArea == nil { widget.outputArea = area }
        for child in widget.children where child.kind != .output { assignOutputArea(area, to: child) }
    }

    // MARK: Callbacks

    /// Runs a callback; its output (and its error, if it fails, with the usual traceback)
    /// goes to `area`, or to the running cell's output when there is none. An error stops
    /// only the callback. The output shows while the callback runs, as a cell's does: the area
    /// is updated at most ten times a second (and before the callback sleeps), the cell's output
    /// at once.
    func run(_ callback: WidgetCallback, _ arguments: [Value], in area: Widget?, replacing: Bool = false) {
        let outer = runtime.context
        let area = area?.isOpen == true ? area : nil
        // What the area showed before: the callback's outputs are added to it.
        let previous = replacing ? [] : (area?.state["outputs"]?.arrayValue ?? [])
        let capture = OutputCapture(outer: outer, passingThrough: area == nil)
        if let area {
            capture.sendHeld = { [unowned self, unowned capture] in self.set(area, ["outputs": .array(previous + capture.outputs)]) }
        }
        runtime.context = capture
        var failure: LanguageError? = nil
        runtime.languageThread.run {
            do {
                _ = try callback.evaluator.callFunction(callback.function, arguments, span: callback.span)
            } catch let error as LanguageError {
                failure = error
            } catch {
                failure = callback.evaluator.located(error, callback.span)
            }
        }
        runtime.context = outer
        if let failure {
            capture.keep([
                "output_type": "error", "ename": .string(failure.kind.name), "evalue": .string(failure.message),
                "traceback": .array(failure.traceback(colors: true).map(JSON.string)),
            ])
        }
        if let area, area.isOpen {
            // What the area has not been sent yet; a callback that replaces the area's outputs
            // and wrote nothing empties it.
            capture.sendRest(evenIfNothingWasSent: replacing)
        } else {
            // Passing through, only the error is kept; an area closed by the callback gives
            // what it kept to the cell instead.
            capture.replay(into: outer)
        }
    }

    /// Runs the change callbacks of a widget with its value.
    func changed(_ widget: Widget) {
        for observer in widget.observers { observer(widget) }
        for callback in widget.changeCallbacks { run(callback, [widget.value], in: widget.outputArea) }
    }

    // MARK: Idle work

    func startIdleWork(_ work: IdleWork) {
        if !idleWork.contains(where: { $0 === work }) { idleWork.append(work) }
    }

    func stopIdleWork(_ work: IdleWork) {
        idleWork.removeAll { $0 === work }
    }

    // MARK: CommHandler

    public var openComms: [String: String] {
        var comms: [String: String] = [:]
        for (id, widget) in models where widget.isOpen && !widget.isClosed { comms[id] = WidgetProtocol.target }
        for id in controlComms { comms[id] = WidgetProtocol.controlTarget }
        return comms
    }

    public func commOpen(_ message: CommMessage, target: String, context: any ExecutionContext) -> Bool {
        // Models are made by the program; a front end that opens a `jupyter.widget` comm of its
        // own is told no (the kernel closes it).
        guard target == WidgetProtocol.controlTarget else { return false }
        controlComms.insert(message.commID)
        return true
    }

    public func commMessage(_ message: CommMessage, context: any ExecutionContext) {
        let outer = runtime.context
        runtime.context = context
        defer { runtime.context = outer }
        if controlComms.contains(message.commID) {
            if message.data["method"]?.stringValue == "request_states" {
                sendAllStates(on: message.commID)
            } else {
                log("ignored a message on the control comm: \(message.data)")
            }
            return
        }
        guard let widget = models[message.commID], !widget.isClosed else {
            log("ignored a message for the unknown widget \(message.commID)")
            return
        }
        let request: WidgetProtocol.Request
        do {
            request = try WidgetProtocol.request(from: message.data)
        } catch {
            log("ignored a malformed message for \(widget.kind.modelName) \(widget.id): \(error)")
            return
        }
        switch request {
        case .requestState:
            let (paths, buffers) = widget.buffers()
            sender?.sendComm(
                id: widget.id, data: WidgetProtocol.update(widget.fullState(), bufferPaths: paths), metadata: [:],
                buffers: buffers)
        case .update(let state, let paths):
            apply(state, bufferPaths: paths, to: widget)
        case .custom(let content):
            if widget.kind == .button, content["event"]?.stringValue == "click" {
                for observer in widget.clickObservers { observer() }
                for callback in widget.clickCallbacks { run(callback, [], in: widget.outputArea) }
            } else {
                log("ignored a custom message for \(widget.kind.modelName) \(widget.id): \(content)")
            }
        }
    }

    public func commClose(_ message: CommMessage, context: any ExecutionContext) {
        if controlComms.remove(message.commID) != nil { return }
        guard let widget = models[message.commID] else { return }
        // The front end dropped the model: the program keeps its value, but nothing is sent again.
        widget.isClosed = true
        models.removeValue(forKey: widget.id)
    }

    public func runIdleSlice(context: any ExecutionContext) -> Bool {
        guard let work = idleWork.first else { return false }
        let outer = runtime.context
        runtime.context = context
        defer { runtime.context = outer }
        if !work.runSlice() { stopIdleWork(work) }
        // Round robin, so two playgrounds both move.
        if let index = idleWork.firstIndex(where: { $0 === work }), idleWork.count > 1 {
            idleWork.append(idleWork.remove(at: index))
        }
        return !idleWork.isEmpty
    }

    /// Applies a front end's update: each key is checked; what is taken is echoed back with
    /// `echo_update`, what is changed to fit or refused is answered with an `update` holding
    /// the model's value, so the front end shows what the kernel holds. Then the callbacks run.
    func apply(_ sent: [String: JSON], bufferPaths: [[JSON]], to widget: Widget) {
        if !bufferPaths.isEmpty { log("ignored binary buffers sent to \(widget.kind.modelName) \(widget.id)") }
        var echoed: [String: JSON] = [:]
        var corrected: [String] = []
        var valueChanged = false
        for (key, value) in sent.sorted(by: { $0.key < $1.key }) {
            switch widget.check(key, value) {
            case .accepted(let accepted):
                echoed[key] = accepted
                if widget.state[key] != accepted {
                    widget.state[key] = accepted
                    if key == "value" || key == "index" { valueChanged = true }
                }
            case .adjusted(let adjusted, let reason):
                log("adjusted \(key) of \(widget.kind.modelName) \(widget.id): \(reason)")
                if widget.state[key] != adjusted {
                    widget.state[key] = adjusted
                    if key == "value" || key == "index" { valueChanged = true }
                }
                corrected.append(key)
            case .rejected(let reason):
                log("ignored \(key) of \(widget.kind.modelName) \(widget.id): \(reason)")
                if widget.state[key] != nil { corrected.append(key) }
            }
        }
        if !echoed.isEmpty {
            sender?.sendComm(id: widget.id, data: WidgetProtocol.echo(echoed), metadata: [:], buffers: [])
        }
        if !corrected.isEmpty { sync(widget, corrected) }
        if valueChanged { changed(widget) }
    }

    /// Answers `request_states`: every open model's state in one `update_states` message.
    private func sendAllStates(on commID: String) {
        var states: [String: JSON] = [:]
        var paths: [JSON] = []
        var buffers: [[UInt8]] = []
        for (id, widget) in models.sorted(by: { $0.key < $1.key }) where widget.isOpen && !widget.isClosed {
            states[id] = [
                "model_name": .string(widget.kind.modelName), "model_module": .string(widget.kind.modelModule.name),
                "model_module_version": .string(widget.kind.modelModule.version), "state": .object(widget.fullState()),
            ]
            let (widgetPaths, widgetBuffers) = widget.buffers()
            for path in widgetPaths { paths.append(.array([.string(id), "state"] + path)) }
            buffers += widgetBuffers
        }
        sender?.sendComm(
            id: commID, data: ["method": "update_states", "states": .object(states), "buffer_paths": .array(paths)],
            metadata: [:], buffers: buffers)
    }

    /// A line in the kernel's log: bad input is noted there and otherwise ignored.
    func log(_ message: String) {
        logToStandardError("widgets: " + message)
    }
}

/// A context that keeps a callback's output as notebook outputs, for an output area, and sends
/// them there as they come (`sendHeld`) at most every `interval` seconds; or, passing through,
/// gives the output to the outer context at once and keeps only the error appended after.
final class OutputCapture: ExecutionContext {
    let outer: any ExecutionContext
    let passingThrough: Bool
    /// nbformat outputs: streams, display data and errors.
    var outputs: [JSON] = []
    /// Sends `outputs` to the output area.
    var sendHeld: (() -> Void)?
    /// Whether `outputs` has changed since it was last sent.
    private(set) var held = false
    private var lastSent = -Double.infinity
    /// The least time between two updates of the output area, in seconds.
    static let interval = 0.1

    init(outer: any ExecutionContext, passingThrough: Bool = false) {
        self.outer = outer
        self.passingThrough = passingThrough
    }

    /// Sends the outputs when they have changed and the last update is `interval` old.
    func sendIfDue(now: Double = Runtime.now()) {
        if held && now - lastSent >= Self.interval { send(now: now) }
    }

    /// Sends the outputs if they have changed since they were last sent.
    func sendHeldNow() {
        if held { send(now: Runtime.now()) }
    }

    /// At the callback's end: sends what changed since the last update, or, with
    /// `evenIfNothingWasSent`, the outputs when no update was sent at all.
    func sendRest(evenIfNothingWasSent: Bool) {
        if held || (evenIfNothingWasSent && lastSent == -.infinity) { send(now: Runtime.now()) }
    }

    /// Adds an output (the callback's error) to be sent with the rest, without sending it now.
    func keep(_ output: JSON) {
        outputs.append(output)
        held = true
    }

    private func send(now: Double) {
        held = false
        lastSent = now
        sendHeld?()
    }

    private func changed() {
        held = true
        sendIfDue()
    }

    func write(_ text: String, to stream: OutputStream) {
        if passingThrough { return outer.write(text, to: stream) }
        if case .object(var last)? = outputs.last, last["output_type"] == "stream", last["name"] == .string(stream.rawValue),
            let previous = last["text"]?.stringValue
        {
            last["text"] = .string(previous + text)
            outputs[outputs.count - 1] = .object(last)
        } else {
            outputs.append(["output_type": "stream", "name": .string(stream.rawValue), "text": .string(text)])
        }
        changed()
    }

    func display(_ bundle: MimeBundle, id: String?) {
        if passingThrough { return outer.display(bundle, id: id) }
        outputs.append([
            "output_type": "display_data", "data": .object(bundle.data), "metadata": .object(bundle.metadata),
        ])
        changed()
    }

    func updateDisplay(_ bundle: MimeBundle, id: String) {
        if passingThrough { return outer.updateDisplay(bundle, id: id) }
        // A live display inside an output area updates the area's last picture.
        if let index = outputs.lastIndex(where: { $0["output_type"] == "display_data" }) {
            outputs[index] = ["output_type": "display_data", "data": .object(bundle.data), "metadata": .object(bundle.metadata)]
            changed()
        } else {
            display(bundle, id: id)
        }
    }

    func clearOutput(wait: Bool) {
        if passingThrough { return outer.clearOutput(wait: wait) }
        outputs.removeAll()
        changed()
    }

    func input(prompt: String, password: Bool) throws(ExecutionError) -> String {
        throw ExecutionError(name: "StdinNotImplementedError", value: "a widget's callback cannot ask for input")
    }

    var isInterruptRequested: Bool { outer.isInterruptRequested }
    /// A callback that sleeps shows what it wrote first.
    func waitForInterrupt(seconds: Double) -> Bool {
        sendHeldNow()
        return outer.waitForInterrupt(seconds: seconds)
    }
    var comms: (any CommSender)? { outer.comms }

    /// Sends what was kept to another context, when there is no output area to hold it.
    func replay(into context: any ExecutionContext) {
        for output in outputs {
            switch output["output_type"]?.stringValue {
            case "stream":
                context.write(
                    output["text"]?.stringValue ?? "", to: output["name"]?.stringValue == "stderr" ? .stderr : .stdout)
            case "display_data":
                var metadata: [String: JSON] = [:]
                if case .object(let fields)? = output["metadata"] { metadata = fields }
                if case .object(let data)? = output["data"] { context.display(MimeBundle(data: data, metadata: metadata), id: nil) }
            case "error":
                let lines = output["traceback"]?.arrayValue?.compactMap(\.stringValue) ?? []
                context.write(lines.joined(separator: "\n") + "\n", to: .stderr)
            default: break
            }
        }
    }
}
