// Which requests a channel takes. The control channel exists so that a few requests get
// through while a cell runs; it must never run the interpreter, which belongs to the shell
// thread alone. A shell request names a subshell, which must exist.

extension Dispatcher {
    /// The requests the control channel answers.
    static let controlRequestTypes: Set<String> = [
        "kernel_info_request", "shutdown_request", "interrupt_request", "debug_request",
        "create_subshell_request", "delete_subshell_request", "list_subshell_request",
    ]

    /// Whether to handle `request` on `channel`. A request that is refused gets an error reply
    /// (if it is of a kind that has replies) and is logged; nothing it asks for is done.
    func accepts(_ request: Message, on channel: Channel) -> Bool {
        switch channel {
        case .control:
            guard !Dispatcher.controlRequestTypes.contains(request.type) else { return true }
            refuse(request, on: channel, name: "WrongChannel", because: "\(request.type) is not a control request")
            return false
        case .shell:
            guard let id = request.subshellID, !subshells.withLock({ $0.contains(id) }) else { return true }
            refuse(request, on: channel, name: "KeyError", because: "no subshell \"\(id)\"")
            return false
        case .stdin, .iopub:
            return true
        }
    }

    private func refuse(_ request: Message, on channel: Channel, name: String, because reason: String) {
        logToStandardError("refused \(request.type) on \(channel.rawValue): \(reason)")
        if request.type.hasSuffix("_request") {
            reply(to: request, on: channel, content: errorContent(name: name, value: reason))
        }
    }
}
