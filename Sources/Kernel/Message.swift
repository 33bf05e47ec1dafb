// One Jupyter message and the header bookkeeping of the kernel's side of a session.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A decoded Jupyter message: routing identities, the four JSON parts and any binary buffers.
public struct Message: Sendable, Equatable {
    public var identities: [[UInt8]]
    public var header: JSON
    public var parentHeader: JSON
    public var metadata: JSON
    public var content: JSON
    public var buffers: [[UInt8]]

    public init(
        identities: [[UInt8]] = [], header: JSON, parentHeader: JSON = [:], metadata: JSON = [:],
        content: JSON = [:], buffers: [[UInt8]] = []
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    public var type: String { header["msg_type"]?.stringValue ?? "" }
    public var id: String { header["msg_id"]?.stringValue ?? "" }
}

/// The version of the messaging protocol the kernel speaks.
public let protocolVersion = "5.5"

/// Makes the headers of the kernel's messages: one session id, fresh message ids, timestamps.
public struct MessageFactory: Sendable {
    public let session: String
    public let username: String

    public init(session: String = makeUUID(), username: String = "kernel") {
        self.session = session
        self.username = username
    }

    /// A new message whose parent is `parent`, sent to the parent's identities unless told otherwise.
    public func make(
        _ type: String, content: JSON, parent: Message?, metadata: JSON = [:],
        identities: [[UInt8]]? = nil
    ) -> Message {
        let header: JSON = [
            "msg_id": .string(makeUUID()),
            "session": .string(session),
            "username": .string(username),
            "date": .string(currentTimestamp()),
            "msg_type": .string(type),
            "version": .string(protocolVersion),
        ]
        return Message(
            identities: identities ?? parent?.identities ?? [],
            header: header, parentHeader: parent?.header ?? [:],
            metadata: metadata, content: content)
    }
}

/// A random (version 4) UUID in its usual text form. Two draws of the system generator (two
/// `getrandom` calls), not one a byte: every message header carries one.
public func makeUUID() -> String {
    var generator = SystemRandomNumberGenerator()
    let high = generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
    let low = generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (index, word) in [high, low].enumerated() {
        for nibble in 0..<16 {
            let position = index * 16 + nibble
            if position == 8 || position == 12 || position == 16 || position == 20 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(word >> UInt64(60 - 4 * nibble) & 0xF)])
        }
    }
    return String(decoding: text, as: UTF8.self)
}

/// The current UTC time in ISO 8601 with microseconds, as Jupyter headers carry it.
func currentTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return padded(Int(parts.tm_year) + 1900, 4) + "-" + padded(Int(parts.tm_mon) + 1, 2) + "-"
        + padded(Int(parts.tm_mday), 2) + "T" + padded(Int(parts.tm_hour), 2) + ":"
        + padded(Int(parts.tm_min), 2) + ":" + padded(Int(parts.tm_sec), 2) + "."
        + padded(Int(now.tv_nsec) / 1000, 6) + "Z"
}

/// The version of Tensorcell, shown by `tensorcell --version` and in `kernel_info_reply`.
public let tensorcellVersion = "0.1.0"
