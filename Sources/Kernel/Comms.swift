// Comms: the two-way channel between a front end and the kernel (Jupyter messaging spec,
// "Custom Messages"). The kernel routes comm_open, comm_msg and comm_close; what a comm means
// (a widget, say) is the language's business, through `CommHandler`.

/// One comm message as the language sees it: the comm, its `data`, the message metadata and
/// any binary buffers.
public struct CommMessage: Sendable, Equatable {
    public var commID: String
    public var data: JSON
    public var metadata: JSON
    public var buffers: [[UInt8]]

    public init(commID: String, data: JSON = [:], metadata: JSON = [:], buffers: [[UInt8]] = []) {
        self.commID = commID
        self.data = data
        self.metadata = metadata
        self.buffers = buffers
    }
}

/// The comm side of a language: which targets it serves and what it does with their messages.
///
/// Every method is called on the one thread that runs the interpreter, either between cells or
/// at a safe point of a running cell (see `CommSender.processPendingEvents`), never from
/// another thread. A callback that reaches a safe point itself (a button that trains) may be
/// entered again before it returns, with the messages that arrived meanwhile, in order.
public protocol CommHandler: AnyObject {
    /// A front end opened a comm to `target`.
    /// - Returns: false when no such target exists; the kernel then answers with `comm_close`.
    func commOpen(_ message: CommMessage, target: String, context: any ExecutionContext) -> Bool
    /// A `comm_msg` for a comm the handler has open (unknown ids are logged and dropped before).
    func commMessage(_ message: CommMessage, context: any ExecutionContext)
    /// The front end closed the comm.
    func commClose(_ message: CommMessage, context: any ExecutionContext)
    /// The open comms (comm id to target name), for `comm_info_request`.
    var openComms: [String: String] { get }
    /// Work that runs while the kernel has no request to answer (a playground that is playing),
    /// one short slice at a time, so requests that arrive are answered between slices.
    /// - Returns: whether more work remains, so the kernel calls again when idle.
    func runIdleSlice(context: any ExecutionContext) -> Bool
}

extension CommHandler {
    public func runIdleSlice(context: any ExecutionContext) -> Bool { false }
}

/// What a cell (or a comm callback) can do with comms: the kernel's side of `CommHandler`.
///
/// The kernel sends these on iopub with the current request as parent, as ipykernel does.
public protocol CommSender: AnyObject {
    func openComm(id: String, target: String, data: JSON, metadata: JSON, buffers: [[UInt8]])
    func sendComm(id: String, data: JSON, metadata: JSON, buffers: [[UInt8]])
    func closeComm(id: String, data: JSON)
    /// Applies what the front end sent while the interpreter is busy: comm messages that
    /// arrived on the shell channel or a subshell are handed to the `CommHandler` now, on this
    /// thread; other requests stay queued, in order, for after the cell. Cheap when nothing waits,
    /// so a loop iteration or a training batch may call it.
    func processPendingEvents()
}
