// HMAC-SHA256 signatures of the four JSON frames of a message.

import Crypto

// DataProtocol, which swift-crypto takes its input through, lives in Foundation.
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Signs and checks messages with the connection file's key.
public struct MessageSigner: Sendable {
    /// Raw bytes, because swift-crypto's `SymmetricKey` is not `Sendable`.
    private let key: [UInt8]?
    /// An HMAC that has taken the key and nothing else, copied for each message: taking the
    /// key (hashing its padded forms) is then done once, not for every frame set.
    private let keyed: HMAC<SHA256>?

    /// - Parameter key: the raw key bytes; an empty key turns signing off, as the spec allows.
    public init(key: [UInt8]) {
        self.key = key.isEmpty ? nil : key
        keyed = key.isEmpty ? nil : HMAC<SHA256>(key: SymmetricKey(data: key))
    }

    /// Whether messages carry and need a signature.
    public var isSigning: Bool { key != nil }

    /// The lowercase hex HMAC-SHA256 of the frames, or an empty frame when signing is off.
    public func signature(of frames: [[UInt8]]) -> [UInt8] {
        guard var hmac = keyed else { return [] }
        for frame in frames { hmac.update(data: frame) }
        return MessageSigner.hex(Array(hmac.finalize()))
    }

    /// Checks a received signature in time that does not depend on where it differs.
    ///
    /// A length mismatch is answered at once: the length of a hex SHA-256 digest is public,
    /// so it gives nothing away.
    public func isValid(signature: [UInt8], of frames: [[UInt8]]) -> Bool {
        guard key != nil else { return true }
        let expected = self.signature(of: frames)
        guard signature.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ signature[index] }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return output
    }
}
