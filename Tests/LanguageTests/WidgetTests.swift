import Kernel
import Testing

@testable import Language

/// What the kernel would send on iopub, kept for the test to read.
final class RecordedComms: CommSender {
    struct Opened {
        var id: String
        var target: String
        var data: JSON
        var metadata: JSON
        var buffers: [[UInt8]]
    }
    var opened: [Opened] = []
    var sent: [(id: String, data: JSON, buffers: [[UInt8]])] = []
    var closed: [String] = []

    func openComm(id: String, target: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) {
        opened.append(Opened(id: id, target: target, data: data, metadata: metadata, buffers: buffers))
    }
    func sendComm(id: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) { sent.append((id, data, buffers)) }
    func closeComm(id: String, data: JSON) { closed.append(id) }
    func processPendingEvents() {}
}

/// A front end with a widget manager, as far as the language can tell.
final class FrontEnd: ExecutionContext {
    let recorded = RecordedComms()
    var stdout = ""
    var stderr = ""
    var displays: [MimeBundle] = []

    func write(_ text: String, to stream: OutputStream) {
        if stream == .stdout { stdout += text } else { stderr += text }
    }
    func display(_ bundle: MimeBundle, id: String?) { displays.append(bundle) }
    func updateDisplay(_ bundle: MimeBundle, id: String) {}
    func clearOutput(wait: Bool) {}
    func input(prompt: String, password: Bool) throws(ExecutionError) -> String { "" }
    var isInterruptRequested: Bool { false }
    var comms: (any CommSender)? { recorded }
}

/// A session and a front end, with the moves a front end makes.
final class WidgetSession {
    let interpreter = Interpreter()
    let front = FrontEnd()
    var handler: any CommHandler { interpreter.commHandler! }

    @discardableResult
    func run(_ code: String) -> ExecutionOutcome { interpreter.execute(code, context: front) }

    func value(_ expression: String) -> String {
        guard case .ok(let bundle?) = interpreter.evaluate(expression) else { return "<error>" }
        return bundle.data["text/plain"]?.stringValue ?? ""
    }

    /// The open model with the given model name (the last one, when there are several).
    func model(_ name: String) -> RecordedComms.Opened? {
        front.recorded.opened.last { $0.data["state"]?["_model_name"]?.stringValue == name }
    }

    func state(of id: String) -> [String: JSON] {
        var state = front.recorded.opened.first { $0.id == id }?.data["state"]?.objectValue ?? [:]
        for message in front.recorded.sent where message.id == id {
            if ["update", "echo_update"].contains(message.data["method"]?.stringValue), let changes = message.data["state"]?.objectValue {
                state.merge(changes) { _, new in new }
            }
        }
        return state
    }

    func send(_ id: String, _ data: JSON) {
        handler.commMessage(CommMessage(commID: id, data: data), context: front)
    }

    func update(_ id: String, _ state: [String: JSON]) { send(id, ["method": "update", "state": .object(state)]) }

    func messages(to id: String, method: String) -> [JSON] {
        front.recorded.sent.filter { $0.id == id && $0.data["method"]?.stringValue == method }.map(\.data)
    }
}

@Suite struct WidgetProtocolTests {
    @Test func aSliderOpensItsModelsAndShowsThroughTheWidgetManager() throws {
        let session = WidgetSession()
        let outcome = session.run("let rate = slider(0.001...1.0, value: 0.03, log: true, label: \"learning rate\")\nrate")
        guard case .ok(let bundle?) = outcome else { Issue.record("no result: \(outcome)"); return }
        let slider = try #require(session.model("FloatLogSliderModel"))
        #expect(slider.target == "jupyter.widget")
        #expect(slider.metadata["version"] == "2.1.0")
        let state = try #require(slider.data["state"]?.objectValue)
        #expect(state["_model_module"] == "@jupyter-widgets/controls")
        #expect(state["_model_module_version"] == "2.0.0")
        #expect(state["_view_name"] == "FloatLogSliderView")
        #expect(state["value"]?.doubleValue == 0.03)
        #expect(state["min"]?.doubleValue == -3)
        #expect(state["description"] == "learning rate")
        #expect(slider.data["buffer_paths"] == [])
        // Its layout and style exist on the front end before the model that refers to them.
        let ids = session.front.recorded.opened.map(\.id)
        for key in ["layout", "style"] {
            let reference = try #require(state[key]?.stringValue)
            #expect(reference.hasPrefix("IPY_MODEL_"))
            let part = try #require(ids.firstIndex(of: String(reference.dropFirst(10))))
            #expect(part < ids.firstIndex(of: slider.id)!)
        }
        #expect(session.model("SliderStyleModel")?.data["state"]?["_view_module"] == "@jupyter-widgets/base")
        // Shown as a column of the slider and its output area, with a text for saved notebooks.
        let view = try #require(bundle.data["application/vnd.jupyter.widget-view+json"])
        #expect(view["version_major"] == 2)
        let column = try #require(view["model_id"]?.stringValue)
        #expect(session.state(of: column)["children"]?.arrayValue?.first == .string("IPY_MODEL_" + slider.id))
        #expect(bundle.data["text/plain"]?.stringValue?.contains("learning rate: 0.03") == true)
        #expect(session.value("rate.value") == "0.03")
    }

    @Test func anUpdateIsEchoedAppliedAndRunsOnChange() throws {
        let session = WidgetSession()
        session.run(
            """
            let model = Dense(2, 1, seed: 0)
            let opt = SGD(model, lr: 0.1)
            var calls = 0
            let rate = slider(0.001...1.0, value: 0.03, log: true, label: "learning rate")
            rate.onChange { v in
                opt.lr = v
                calls += 1
            }
            rate
            """)
        let slider = try #require(session.model("FloatLogSliderModel")).id
        session.update(slider, ["value": 0.25])
        #expect(session.messages(to: slider, method: "echo_update").last?["state"] == ["value": 0.25])
        #expect(session.value("rate.value") == "0.25")
        #expect(session.value("opt.lr") == "0.25")
        #expect(session.value("calls") == "1")
        // The same value again is no change.
        session.update(slider, ["value": 0.25])
        #expect(session.value("calls") == "1")
        // A change from code reaches the front end and the callbacks too.
        session.run("rate.value = 0.5")
        #expect(session.messages(to: slider, method: "update").last?["state"] == ["value": 0.5])
        #expect(session.value("opt.lr") == "0.5")
        #expect(session.value("calls") == "2")
    }

    @Test func badInputIsIgnoredAndTheValueStaysValid() throws {
        let session = WidgetSession()
        session.run("var seen = 0\nlet n = slider(1...16, value: 4)\nn.onChange { v in seen = v }\nn")
        let slider = try #require(session.model("IntSliderModel")).id
        let before = session.front.recorded.sent.count
        // Unknown comm, garbage data, unknown methods, keys the front end may not change.
        session.send("no-such-comm", ["method": "update", "state": ["value": 3]])
        session.send(slider, "garbage")
        session.send(slider, ["method": "explode"])
        session.send(slider, ["state": ["value": 3]])
        session.send(slider, ["method": "update", "state": "not an object"])
        #expect(session.front.recorded.sent.count == before)
        session.update(slider, ["max": 1000])
        #expect(session.state(of: slider)["max"] == 16)
        // The wrong type: refused, and the front end is told the value the kernel holds.
        session.update(slider, ["value": "seven"])
        #expect(session.messages(to: slider, method: "update").last?["state"] == ["value": 4])
        #expect(session.value("n.value") == "4")
        // Out of range: set to the nearest end.
        session.update(slider, ["value": 99])
        #expect(session.value("n.value") == "16")
        #expect(session.messages(to: slider, method: "update").last?["state"] == ["value": 16])
        session.update(slider, ["value": 7.5])
        #expect(session.value("n.value") == "8")
        session.update(slider, ["value": .double(.nan)])
        #expect(session.value("n.value") == "8")
        #expect(session.value("seen") == "8")
        // The session lives on.
        guard case .ok = session.run("let after = n.value + 1") else { Issue.record("the session broke"); return }
        #expect(session.value("after") == "9")
        // From code, a bad value is a clear error and changes nothing.
        guard case .error(let error) = session.run("n.value = 40") else { Issue.record("no error"); return }
        #expect(error.name == "ValueError")
        #expect(session.value("n.value") == "8")
    }

    @Test func anErrorInACallbackShowsInTheOutputAreaAndKillsNothing() throws {
        let session = WidgetSession()
        session.run("let s = slider(0.0...1.0)\ns.onChange { v in print(\"got\", v)\nlet x = tensor([1, 2]) @ tensor([1, 2, 3]) }\ns")
        let slider = try #require(session.model("FloatSliderModel")).id
        let area = try #require(session.model("OutputModel")).id
        session.update(slider, ["value": 0.5])
        let outputs = try #require(session.state(of: area)["outputs"]?.arrayValue)
        #expect(outputs.first?["output_type"] == "stream")
        #expect(outputs.first?["text"] == "got 0.5\n")
        #expect(outputs.last?["output_type"] == "error")
        #expect(outputs.last?["ename"] == "ShapeError")
        let traceback = outputs.last?["traceback"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? ""
        #expect(traceback.contains("@"))
        #expect(session.value("s.value") == "0.5")
        guard case .ok = session.run("1 + 1") else { Issue.record("the session broke"); return }
    }

    /// A callback's output goes to its area as it comes, and once: the end of the callback sends
    /// only what the area does not have yet (here, the error after the line).
    @Test func aCallbacksAreaIsUpdatedOncePerChange() throws {
        let session = WidgetSession()
        session.run("let s = slider(0...10)\ns.onChange { v in\n  print(\"got\", v)\n  if v == 3 { let x = tensor([1, 2]) @ tensor([1, 2, 3]) }\n}\ns")
        let slider = try #require(session.model("IntSliderModel")).id
        let area = try #require(session.model("OutputModel")).id
        session.update(slider, ["value": 2])
        #expect(session.messages(to: area, method: "update").count == 1)
        session.update(slider, ["value": 3])
        let updates = session.messages(to: area, method: "update")
        #expect(updates.count == 3)
        #expect(updates.last?["state"]?["outputs"]?.arrayValue?.last?["ename"] == "ShapeError")
        // A change whose callback writes nothing sends nothing.
        session.run("let quiet = slider(0...10)\nquiet.onChange { v in }\nquiet")
        let quiet = try #require(session.model("IntSliderModel")).id
        let quietArea = try #require(session.model("OutputModel")).id
        session.update(quiet, ["value": 1])
        #expect(session.messages(to: quietArea, method: "update").isEmpty)
    }

    @Test func interactRunsNowAndReplacesItsOutputOnEveryChange() throws {
        let session = WidgetSession()
        session.run(
            """
            interact(lr: slider(0.001...1.0, value: 0.1), hidden: slider(1...16, value: 4)) { lr, hidden in
                print("lr \\(lr), \\(hidden) hidden")
            }
            """)
        #expect(session.front.displays.count == 1)
        let area = try #require(session.model("OutputModel")).id
        #expect(session.state(of: area)["outputs"]?.arrayValue?.first?["text"] == "lr 0.1, 4 hidden\n")
        let hidden = try #require(session.model("IntSliderModel"))
        #expect(session.state(of: hidden.id)["description"] == "hidden")
        let updatesBefore = session.messages(to: area, method: "update").count
        session.update(hidden.id, ["value": 8])
        #expect(session.messages(to: area, method: "update").count == updatesBefore + 1)
        let outputs = try #require(session.state(of: area)["outputs"]?.arrayValue)
        #expect(outputs.count == 1)
        #expect(outputs.first?["text"] == "lr 0.1, 8 hidden\n")
    }

    @Test func buttonClicksArriveAsCustomMessages() throws {
        let session = WidgetSession()
        session.run("var presses = 0\nlet go = button(\"train\")\ngo.onClick { presses += 1 }\ngo")
        let button = try #require(session.model("ButtonModel")).id
        session.send(button, ["method": "custom", "content": ["event": "click"]])
        session.send(button, ["method": "custom", "content": ["event": "click"]])
        session.send(button, ["method": "custom", "content": ["event": "hover"]])
        #expect(session.value("presses") == "2")
    }

    @Test func stateRequestsGetTheWholeState() throws {
        let session = WidgetSession()
        session.run("let d = dropdown([\"relu\", \"tanh\"], value: \"tanh\")\nd")
        let dropdown = try #require(session.model("DropdownModel")).id
        session.send(dropdown, ["method": "request_state"])
        let reply = try #require(session.messages(to: dropdown, method: "update").last)
        #expect(reply["state"]?["_options_labels"] == ["relu", "tanh"])
        #expect(reply["state"]?["index"] == 1)
        #expect(reply["state"]?["_model_name"] == "DropdownModel")
        // Every model at once, on the control comm.
        #expect(session.handler.commOpen(CommMessage(commID: "control"), target: "jupyter.widget.control", context: session.front))
        #expect(!session.handler.commOpen(CommMessage(commID: "other"), target: "jupyter.widget", context: session.front))
        #expect(session.handler.openComms["control"] == "jupyter.widget.control")
        #expect(session.handler.openComms[dropdown] == "jupyter.widget")
        session.send("control", ["method": "request_states"])
        let states = try #require(session.messages(to: "control", method: "update_states").last?["states"]?.objectValue)
        #expect(states[dropdown]?["model_name"] == "DropdownModel")
        #expect(states[dropdown]?["state"]?["index"] == 1)
        #expect(states.count == session.front.recorded.opened.count)
        // A dropdown's value is the option; an index past the options is refused.
        session.update(dropdown, ["index": 0])
        #expect(session.value("d.value") == "relu")
        session.update(dropdown, ["index": 5])
        #expect(session.value("d.value") == "relu")
        // The front end closes the comm: later messages are dropped, the value stays.
        session.handler.commClose(CommMessage(commID: dropdown), context: session.front)
        session.update(dropdown, ["index": 1])
        #expect(session.value("d.value") == "relu")
    }

    @Test func checkboxTextProgressAndBoxes() throws {
        let session = WidgetSession()
        session.run(
            """
            let c = checkbox("noise", value: true)
            let t = text(value: "spiral")
            let bar = progress(total: 10)
            bar.value = 3
            let row = hbox(c, t, "a label", bar)
            row
            """)
        #expect(session.value("c.value") == "true")
        #expect(session.value("t.value") == "spiral")
        #expect(session.value("bar.value") == "3.0")
        let box = try #require(session.model("HBoxModel"))
        #expect(box.data["state"]?["children"]?.arrayValue?.count == 4)
        let checkbox = try #require(session.model("CheckboxModel")).id
        session.update(checkbox, ["value": 1])
        #expect(session.value("c.value") == "true")
        session.update(checkbox, ["value": false])
        #expect(session.value("c.value") == "false")
        let field = try #require(session.model("TextModel")).id
        session.update(field, ["value": "moons"])
        #expect(session.value("t.value") == "moons")
    }

    @Test func withoutAFrontEndWidgetsAreValuesAndCallbacksPrintToTheCell() {
        let interpreter = Interpreter()
        let (text, failed) = interpreter.transcript([
            "let n = slider(1...5, value: 2)\nn.onChange { v in print(\"now\", v) }\nn.value = 3\nn.value",
            "1.5...3",
            "for i in 0..<4 / 2 { print(i) }",
        ])
        #expect(!failed, "\(text)")
        #expect(text.contains("now 3"))
        #expect(text.contains("1.5...3"))
    }
}

/// docs/widgets.md's examples run, each in a fresh session without a front end.
@Suite struct WidgetDocsTests {
    @Test func everyExampleRuns() throws {
        let path = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let docs = try String(contentsOfFile: "/" + path + "/docs/widgets.md", encoding: .utf8)
        let blocks = docs.components(separatedBy: "```tensorcell\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count >= 8)
        for block in blocks {
            let (text, failed) = Interpreter().transcript([block])
            #expect(!failed, "the example fails:\n\(block)\n\(text)")
        }
    }
}

@Suite struct PlaygroundTests {
    @Test func playTrainsInIdleSlicesRedrawsAndPauses() throws {
        let session = WidgetSession()
        guard case .ok(let bundle?) = session.run("let pg = playground(dataset: \"spiral\", hidden: [8, 8], lr: 0.03, seed: 1)\npg") else {
            Issue.record("no playground")
            return
        }
        #expect(bundle.data["image/png"]?.stringValue?.hasPrefix("iVBORw0KGgo") == true)
        #expect(bundle.data["text/plain"]?.stringValue?.hasPrefix("Playground(spiral") == true)
        #expect(bundle.data["application/vnd.jupyter.widget-view+json"] != nil)
        let image = try #require(session.model("ImageModel"))
        #expect(image.data["buffer_paths"] == [["value"]])
        #expect(image.buffers.first?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        let play = try #require(session.front.recorded.opened.first { $0.data["state"]?["description"] == "▶ play" }).id
        session.send(play, ["method": "custom", "content": ["event": "click"]])
        #expect(session.state(of: play)["description"] == "❚❚ pause")
        let handler = session.handler
        var pictures: [[UInt8]] = []
        for _ in 0..<40 {
            #expect(handler.runIdleSlice(context: session.front))
            if let last = session.front.recorded.sent.last(where: { $0.id == image.id && !$0.buffers.isEmpty }), pictures.last != last.buffers[0] {
                pictures.append(last.buffers[0])
            }
        }
        #expect(pictures.count >= 2, "the picture never changed while playing")
        let steps = Int(session.value("pg.steps")) ?? 0
        #expect(steps > 40)
        // The learner changes the learning rate while it plays.
        let rate = try #require(session.front.recorded.opened.first { $0.data["state"]?["description"] == "learning rate" }).id
        session.update(rate, ["index": 6])
        #expect(session.value("pg.lr") == "0.1")
        #expect(handler.runIdleSlice(context: session.front))
        session.send(play, ["method": "custom", "content": ["event": "click"]])
        #expect(!handler.runIdleSlice(context: session.front))
        let paused = session.value("pg.steps")
        #expect(!handler.runIdleSlice(context: session.front))
        #expect(session.value("pg.steps") == paused)
        #expect(session.state(of: play)["description"] == "▶ play")
    }

    @Test func theModelIsAnOrdinaryValue() throws {
        let session = WidgetSession()
        session.run("let pg = playground(dataset: \"xor\", features: [\"x1\", \"x2\", \"x1*x2\"], hidden: [8, 8], seed: 2)")
        guard case .ok = session.run("pg.play(steps: 30)") else { Issue.record("play failed"); return }
        #expect(session.value("pg.steps") == "30")
        #expect(session.value("pg.model.layers.count") == "3")
        guard case .ok(let summary?) = session.run("summary(pg.model)") else { Issue.record("no summary"); return }
        #expect(summary.data["text/plain"]?.stringValue?.contains("Dense") == true)
        let before = session.value("pg.model(tensor([[0.5, 0.5, 0.25]]))")
        session.run("pg.step()")
        #expect(session.value("pg.model(tensor([[0.5, 0.5, 0.25]]))") != before)
        #expect(session.value("pg.history").contains("train loss ("))
        #expect(session.value("pg.history").contains("test loss ("))
        guard case .ok = session.run("let (x, y) = pg.data\nlet run = Trainer(pg.model, loss: bceWithLogits, optimizer: SGD(pg.model, lr: 0.1), data: (x, y), batchSize: 10)\nrun.fit(epochs: 1, live: false);") else {
            Issue.record("a Trainer could not take the model")
            return
        }
        // Adding a layer from the front end rebuilds the network.
        let plus = try #require(session.front.recorded.opened.first { $0.data["state"]?["description"] == "+" }).id
        session.send(plus, ["method": "custom", "content": ["event": "click"]])
        #expect(session.value("pg.model.layers.count") == "4")
        #expect(session.value("pg.steps") == "0")
    }

    @Test func badSettingsAreClearErrors() {
        let session = WidgetSession()
        for code in [
            "playground(dataset: \"nope\")", "playground(hidden: [9])", "playground(features: [])", "playground(noise: 2)",
            "playground(activation: \"softplus\")", "playground(batchSize: 0)",
        ] {
            guard case .error(let error) = session.run(code) else { Issue.record("\(code) gave no error"); continue }
            #expect(error.name == "ValueError", "\(code): \(error)")
        }
    }
}
