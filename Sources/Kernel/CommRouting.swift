// The kernel's half of comms (Jupyter messaging spec, "Custom Messages"): what the front end
// sends is routed to the language's `CommHandler` by comm id, and what the language sends goes
// out on iopub through `KernelCommSender`. What a comm means (a widget, say) is not known here.

extension Dispatcher {
    /// The messages that make up a comm's life. They are applied at once, even at a safe point
    /// of a running cell, since a control moved during training should act during training.
    static let commMessageTypes: Set<String> = ["comm_open", "comm_msg", "comm_close"]

    /// Handles a comm request while no cell runs (`handle` publishes busy and idle around it).
    func handleComm(_ request: Message, on channel: Channel) {
        guard request.type != "comm_info_request" else {
            answerCommInfo(request, on: channel)
            return
        }
        // An interrupt sent while the kernel was idle must not cut short this callback's work,
        // just as it does not cancel the next cell.
        InterruptFlag.lower()
        applyComm(request)
    }

    /// Answers `comm_info_request` with the open comms, only those of `target_name` if given.
    func answerCommInfo(_ request: Message, on channel: Channel) {
        let wanted = request.content["target_name"]?.stringValue
        var comms: [String: JSON] = [:]
        for (id, target) in interpreter.commHandler?.openComms ?? [:] where wanted == nil || wanted == target {
            comms[id] = ["target_name": .string(target)]
        }
        reply(to: request, on: channel, content: ["status": "ok", "comms": .object(comms)])
    }

    /// Hands one `comm_open`, `comm_msg` or `comm_close` to the language. What its callback
    /// publishes has this message as parent, so a front end routes it (an Output widget
    /// captures by parent id). A target nobody serves is answered with `comm_close`; a message
    /// for a comm that is not open is logged and dropped.
    func applyComm(_ request: Message) {
        let content = request.content.objectValue ?? [:]
        guard let id = content["comm_id"]?.stringValue, !id.isEmpty else {
            logToStandardError("dropped a \(request.type) without a comm_id")
            return
        }
        let message = CommMessage(
            commID: id, data: content["data"] ?? [:], metadata: request.metadata, buffers: request.buffers)
        let context = CellContext(dispatcher: self, request: request, silent: false, allowStdin: false)
        let handler = interpreter.commHandler
        switch request.type {
        case "comm_open":
            let target = content["target_name"]?.stringValue ?? ""
            if let handler, handler.commOpen(message, target: target, context: context) { return }
            logToStandardError("no comm target \"\(target)\"; closing comm \(id)")
            publish("comm_close", ["comm_id": .string(id), "data": [:]], parent: request)
        case "comm_msg", "comm_close":
            guard let handler, handler.openComms[id] != nil else {
                logToStandardError("dropped a \(request.type) for comm \(id), which is not open")
                return
            }
            if request.type == "comm_msg" {
                handler.commMessage(message, context: context)
            } else {
                handler.commClose(message, context: context)
            }
        default:
            break
        }
    }
}

/// The comms of one request: what the language opens, sends and closes goes out on iopub with
/// that request (a cell, or the comm message whose callback runs) as parent, as from ipykernel.
final class KernelCommSender: CommSender {
    let dispatcher: Dispatcher
    let parent: Message

    init(dispatcher: Dispatcher, parent: Message) {
        self.dispatcher = dispatcher
        self.parent = parent
    }

    func openComm(id: String, target: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) {
        dispatcher.publish(
            "comm_open", ["comm_id": .string(id), "target_name": .string(target), "data": data], parent: parent,
            metadata: metadata, buffers: buffers)
    }

    func sendComm(id: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) {
        dispatcher.publish(
            "comm_msg", ["comm_id": .string(id), "data": data], parent: parent, metadata: metadata, buffers: buffers)
    }

    func closeComm(id: String, data: JSON) {
        dispatcher.publish("comm_close", ["comm_id": .string(id), "data": data], parent: parent)
    }

    func processPendingEvents() {
        dispatcher.processPendingEvents()
    }
}
