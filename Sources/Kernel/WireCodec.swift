// The wire format: identities, `<IDS|MSG>`, signature, four JSON frames, buffers.

import Synchronization

/// Why received frames were dropped instead of handled.
public enum WireError: Error, Equatable, CustomStringConvertible {
    case missingDelimiter
    case tooFewFrames(Int)
    case unsigned
    case badSignature
    case replayed
    case invalidJSON(part: String, JSONParseError)
    case invalidHeader(reason: String)

    public var description: String {
        switch self {
        case .missingDelimiter: "no <IDS|MSG> delimiter"
        case .tooFewFrames(let count): "\(count) frames after <IDS|MSG>, expected at least 5"
        case .unsigned: "message is not signed"
        case .badSignature: "signature does not match"
        case .replayed: "signature was seen before (replayed message)"
        case .invalidJSON(let part, let error): "\(part): \(error)"
        case .invalidHeader(let reason): "header \(reason)"
        }
    }
}

/// Turns frames into messages and back, signing and checking them.
///
/// One codec is shared by the shell and control threads so that a message replayed on the
/// other channel is caught as well.
public final class WireCodec: Sendable {
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

    public let signer: MessageSigner
    private let seenSignatures: Mutex<SeenSignatures>

    public init(key: [UInt8], replayMemory: Int = 1 << 16) {
        signer = MessageSigner(key: key)
        seenSignatures = Mutex(SeenSignatures(capacity: replayMemory))
    }

    /// Checks and decodes frames as received from a ROUTER socket.
    public func decode(_ frames: [[UInt8]]) throws(WireError) -> Message {
        guard let split = frames.firstIndex(of: WireCodec.delimiter) else { throw .missingDelimiter }
        let parts = frames[(split + 1)...]
        guard parts.count >= 5 else { throw .tooFewFrames(parts.count) }
        let signature = parts[parts.startIndex]
        let signed = Array(parts[(parts.startIndex + 1)..<(parts.startIndex + 5)])

        if signer.isSigning {
            guard !signature.isEmpty else { throw .unsigned }
            guard signer.isValid(signature: signature, of: signed) else { throw .badSignature }
            // Only a genuine signature is remembered, so forged ones cannot fill the memory.
            guard seenSignatures.withLock({ $0.insert(signature) }) else { throw .replayed }
        }

        func parse(_ bytes: [UInt8], _ part: String) throws(WireError) -> JSON {
            do {
                return try JSON.parse(bytes)
            } catch {
                throw .invalidJSON(part: part, error)
            }
        }
        let header = try parse(signed[0], "header")
        guard case .object = header else { throw .invalidHeader(reason: "is not an object") }
        guard let type = header["msg_type"]?.stringValue, !type.isEmpty else {
            throw .invalidHeader(reason: "has no msg_type")
        }
        guard header["msg_id"]?.stringValue != nil else { throw .invalidHeader(reason: "has no msg_id") }
        var content = try parse(signed[3], "content")
        if case .null = content { content = [:] }
        guard case .object = content else { throw .invalidHeader(reason: "content is not an object") }

        return Message(
            identities: Array(frames[..<split]),
            header: header,
            parentHeader: try parse(signed[1], "parent_header"),
            metadata: try parse(signed[2], "metadata"),
            content: content,
            buffers: Array(parts.dropFirst(5)))
    }

    /// The frames of a message ready to send, signature included.
    public func encode(_ message: Message) -> [[UInt8]] {
        let signed = [
            message.header.serialized(), message.parentHeader.serialized(),
            message.metadata.serialized(), message.content.serialized(),
        ]
        return message.identities + [WireCodec.delimiter, signer.signature(of: signed)] + signed
            + message.buffers
    }
}

/// A bounded memory of signatures already accepted, forgetting the oldest first.
struct SeenSignatures {
    private var members: Set<[UInt8]> = []
    private var order: [[UInt8]] = []
    private var oldest = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Remembers a signature; false if it was already known.
    mutating func insert(_ signature: [UInt8]) -> Bool {
        guard members.insert(signature).inserted else { return false }
        if order.count < capacity {
            order.append(signature)
        } else {
            members.remove(order[oldest])
            order[oldest] = signature
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
