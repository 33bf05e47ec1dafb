// Kernel subshells (JEP 91, protocol 5.5): the control channel creates, deletes and lists
// them; a shell request names its subshell with `subshell_id` in its header.
//
// A subshell here is a name, not a thread, because only one thread may ever run the
// interpreter. Every shell request, whatever its subshell, is read by the shell thread: comm
// messages are applied at once when the kernel is idle and at the next safe point when a cell
// runs (which is what JupyterLab 4.4+ sends on subshells); any other request, an
// execute_request included, runs after the current cell, in arrival order.

extension Message {
    /// The subshell a shell request is meant for; nil for the main shell.
    var subshellID: String? { header["subshell_id"]?.stringValue }
}

/// The subshells that exist, in the order they were created.
struct SubshellRegistry {
    private(set) var ids: [String] = []

    mutating func create() -> String {
        let id = makeUUID()
        ids.append(id)
        return id
    }

    /// - Returns: false when no such subshell exists.
    mutating func delete(_ id: String) -> Bool {
        guard let index = ids.firstIndex(of: id) else { return false }
        ids.remove(at: index)
        return true
    }

    func contains(_ id: String) -> Bool { ids.contains(id) }
}

extension Dispatcher {
    /// Answers `create_subshell_request`, `delete_subshell_request` and `list_subshell_request`.
    func handleSubshellRequest(_ request: Message, on channel: Channel) {
        guard channel == .control else {
            reply(
                to: request, on: channel,
                content: errorContent(name: "WrongChannel", value: "\(request.type) is answered on the control channel")
            )
            return
        }
        switch request.type {
        case "create_subshell_request":
            let id = subshells.withLock { $0.create() }
            reply(to: request, on: channel, content: ["status": "ok", "subshell_id": .string(id)])
        case "delete_subshell_request":
            let id = request.content["subshell_id"]?.stringValue
            if let id, subshells.withLock({ $0.delete(id) }) {
                reply(to: request, on: channel, content: ["status": "ok"])
            } else {
                reply(
                    to: request, on: channel,
                    content: errorContent(name: "KeyError", value: "no subshell \(id.map { "\"\($0)\"" } ?? "named")"))
            }
        default:
            let ids = subshells.withLock { $0.ids }
            reply(to: request, on: channel, content: ["status": "ok", "subshell_id": .array(ids.map { .string($0) })])
        }
    }

    /// The content of an error reply to a request the kernel will not carry out.
    func errorContent(name: String, value: String) -> JSON {
        ["status": "error", "ename": .string(name), "evalue": .string(value), "traceback": []]
    }
}
