import Testing

@testable import Kernel

@Suite struct SigningTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// RFC 4231, test case 1 and 2; the data is split into frames to show frames are concatenated.
    @Test func matchesRFC4231Vectors() {
        let first = MessageSigner(key: [UInt8](repeating: 0x0b, count: 20))
        #expect(
            first.signature(of: [bytes("Hi "), bytes("There")])
                == bytes("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))

        let second = MessageSigner(key: bytes("Jefe"))
        #expect(
            second.signature(of: [bytes("what do ya want "), bytes("for nothing?")])
                == bytes("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }

    /// RFC 4231, test case 6: a key longer than the block size is hashed first.
    @Test func hashesLongKeys() {
        let signer = MessageSigner(key: [UInt8](repeating: 0xaa, count: 131))
        #expect(
            signer.signature(of: [bytes("Test Using Larger Than Block-Size Key - Hash Key First")])
                == bytes("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
    }

    @Test func acceptsOnlyTheExactSignature() {
        let signer = MessageSigner(key: bytes("secret"))
        let frames = [bytes("{}"), bytes("{}"), bytes("{}"), bytes("{\"code\":\"1\"}")]
        let signature = signer.signature(of: frames)
        #expect(signer.isValid(signature: signature, of: frames))

        var flipped = signature
        flipped[flipped.count - 1] = flipped.last == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(!signer.isValid(signature: flipped, of: frames))
        #expect(!signer.isValid(signature: Array(signature.dropLast()), of: frames))
        #expect(!signer.isValid(signature: [], of: frames))
        #expect(!signer.isValid(signature: signature + [UInt8(ascii: "0")], of: frames))
        let wrongKey = MessageSigner(key: bytes("other"))
        #expect(!wrongKey.isValid(signature: signature, of: frames))
        var tampered = frames
        tampered[3] = bytes("{\"code\":\"2\"}")
        #expect(!signer.isValid(signature: signature, of: tampered))
    }

    @Test func emptyKeyTurnsSigningOff() {
        let signer = MessageSigner(key: [])
        #expect(!signer.isSigning)
        #expect(signer.signature(of: [bytes("{}")]).isEmpty)
    }
}
