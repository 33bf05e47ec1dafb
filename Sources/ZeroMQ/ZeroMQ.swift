// A thin Swift layer over libzmq: contexts, sockets, multipart frames, polling.
//
// Every blocking call retries on EINTR, because the kernel takes SIGINT for interrupts and
// a signal landing in the middle of a receive must not look like a broken socket.

import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed libzmq call, with the library's own description of the errno.
public struct ZeroMQError: Error, CustomStringConvertible, Sendable {
    /// The errno value libzmq reported.
    public let code: Int32
    /// The operation that failed, such as `bind tcp://127.0.0.1:5555`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// Reads errno right after a failed call, before anything else can overwrite it.
    static func last(_ operation: String) -> ZeroMQError {
        ZeroMQError(code: zmq_errno(), operation: operation)
    }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code)))"
    }

    /// True when the call was interrupted by a signal and may simply be retried.
    public var isInterrupted: Bool { code == EINTR }
}

/// A libzmq context, which owns the I/O threads all of its sockets share.
///
/// Contexts are thread-safe in libzmq, so one may be shared freely.
public final class Context: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() throws {
        guard let handle = zmq_ctx_new() else { throw ZeroMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    /// Waits until every socket of the context is closed and its lingering frames are sent.
    public func terminate() {
        while zmq_ctx_term(handle) == -1 && zmq_errno() == EINTR {}
    }

    /// The libzmq version, as `major.minor.patch`.
    public static var libraryVersion: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

/// The messaging pattern of a socket.
public enum SocketType: Sendable {
    case router, dealer, publisher, extendedPublisher, subscriber, reply, request, push, pull

    var rawValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .publisher: ZMQ_PUB
        case .extendedPublisher: ZMQ_XPUB
        case .subscriber: ZMQ_SUB
        case .reply: ZMQ_REP
        case .request: ZMQ_REQ
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        }
    }
}

/// A value libzmq takes for a socket option, passed as the bytes it occupies.
public protocol SocketOptionValue {
    func withOptionBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
}

extension Int32: SocketOptionValue {
    public func withOptionBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self, body)
    }
}

extension Array: SocketOptionValue where Element == UInt8 {
    public func withOptionBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(body)
    }
}

/// A socket option together with the Swift type of its value.
public struct SocketOption<Value>: Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
}

extension SocketOption where Value == Int32 {
    /// Milliseconds that unsent frames may wait after close.
    public static var linger: SocketOption { .init(ZMQ_LINGER) }
    /// Makes a ROUTER fail loudly instead of dropping frames for unknown peers.
    public static var routerMandatory: SocketOption { .init(ZMQ_ROUTER_MANDATORY) }
    /// Lets a new peer take over an identity that is already connected.
    public static var routerHandover: SocketOption { .init(ZMQ_ROUTER_HANDOVER) }
    /// Passes every subscription message of an XPUB up to the application.
    public static var extendedPublisherVerbose: SocketOption { .init(ZMQ_XPUB_VERBOSE) }
    /// Accepts IPv6 addresses as well as IPv4 ones.
    public static var ipv6: SocketOption { .init(ZMQ_IPV6) }
    /// The high-water mark of queued outgoing messages (0 means no limit).
    public static var sendHighWaterMark: SocketOption { .init(ZMQ_SNDHWM) }
    /// The high-water mark of queued incoming messages (0 means no limit).
    public static var receiveHighWaterMark: SocketOption { .init(ZMQ_RCVHWM) }
    /// Milliseconds a receive waits before failing with EAGAIN (-1 means forever).
    public static var receiveTimeout: SocketOption { .init(ZMQ_RCVTIMEO) }
}

extension SocketOption where Value == [UInt8] {
    /// The routing identity the peer sees.
    public static var routingIdentity: SocketOption { .init(ZMQ_ROUTING_ID) }
    /// A topic prefix for a SUB socket.
    public static var subscribe: SocketOption { .init(ZMQ_SUBSCRIBE) }
}

/// One libzmq socket.
///
/// libzmq sockets are not thread-safe: a socket may move from one thread to another, but only
/// one thread may use it at any time. The kernel gives every socket a single owner thread (or
/// guards it with a mutex), which is why this type can be marked `Sendable`.
public final class Socket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var closed = false

    public init(context: Context, type: SocketType) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZeroMQError.last("zmq_socket")
        }
        self.handle = handle
    }

    deinit { close() }

    /// Closes the socket; pending outgoing frames are kept for the linger period.
    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    /// Sets an option; its value type is fixed by the option, so a wrong one does not compile.
    public func set<Value: SocketOptionValue>(_ option: SocketOption<Value>, _ value: Value) throws {
        try value.withOptionBytes { bytes in
            if zmq_setsockopt(handle, option.rawValue, bytes.baseAddress, bytes.count) == -1 {
                throw ZeroMQError.last("zmq_setsockopt \(option.rawValue)")
            }
        }
    }

    public func bind(_ endpoint: String) throws {
        if zmq_bind(handle, endpoint) == -1 { throw ZeroMQError.last("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        if zmq_connect(handle, endpoint) == -1 { throw ZeroMQError.last("connect \(endpoint)") }
    }

    /// Sends the frames as one multipart message.
    public func send(_ frames: [[UInt8]]) throws {
        for (index, frame) in frames.enumerated() {
            let flags = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            try frame.withUnsafeBytes { bytes in
                while zmq_send(handle, bytes.baseAddress, bytes.count, flags) == -1 {
                    let error = ZeroMQError.last("send")
                    if !error.isInterrupted { throw error }
                }
            }
        }
    }

    /// Receives one multipart message, waiting as long as it takes.
    public func receive() throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, 0) == -1 {
                let error = ZeroMQError.last("receive")
                if !error.isInterrupted { throw error }
            }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            more = zmq_msg_more(&message) != 0
        }
        return frames
    }

    /// Waits up to `timeout` milliseconds (-1 forever) for a message to arrive.
    ///
    /// - Returns: true when a message can be received without blocking; false on timeout or
    ///   when a signal cut the wait short, so callers can look at their flags and wait again.
    public func waitForMessage(timeout: Int) throws -> Bool {
        try Socket.waitForMessage(on: [self], timeout: timeout).first ?? false
    }

    /// Waits up to `timeout` milliseconds (-1 forever) until one of the sockets has a message.
    ///
    /// - Returns: for each socket, whether it has a message ready.
    public static func waitForMessage(on sockets: [Socket], timeout: Int) throws -> [Bool] {
        var items = sockets.map {
            zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        }
        if zmq_poll(&items, Int32(items.count), timeout) == -1 {
            let error = ZeroMQError.last("poll")
            if error.isInterrupted { return sockets.map { _ in false } }
            throw error
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }

    /// Waits up to `timeout` milliseconds (-1 forever) until the socket has a message or the
    /// file descriptor is readable.
    ///
    /// - Returns: whether the socket has a message, and whether the descriptor is readable.
    public func waitForMessage(orReadable descriptor: Int32, timeout: Int) throws -> (message: Bool, readable: Bool) {
        var items = [
            zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: nil, fd: descriptor, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        if zmq_poll(&items, 2, timeout) == -1 {
            let error = ZeroMQError.last("poll")
            if error.isInterrupted { return (false, false) }
            throw error
        }
        return (items[0].revents & Int16(ZMQ_POLLIN) != 0, items[1].revents & Int16(ZMQ_POLLIN) != 0)
    }
}
