/// What the control thread may do to the language while a cell runs: ask it to stop.
///
/// The interpreter belongs to the shell thread; this handle is the one part of it that
/// another thread may hold, so it is Sendable and the interpreter is not.
public struct InterruptHandle: Sendable {
    private let request: @Sendable () -> Void

    public init(_ request: @escaping @Sendable () -> Void) { self.request = request }

    public func interrupt() { request() }
}
