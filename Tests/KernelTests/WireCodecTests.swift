import Testing

@testable import Kernel

@Suite struct WireCodecTests {
    let key = Array("0f1e2d3c-key".utf8)
    let factory = MessageFactory(session: "test-session")

    func sample(_ content: JSON = ["code": "1 + 1"]) -> Message {
        var message = factory.make(
            "execute_request", content: content, parent: nil, identities: [[1, 2, 3], Array("client".utf8)])
        message.buffers = [[0, 255, 7]]
        return message
    }

    @Test func roundTripsIdentitiesPartsAndBuffers() throws {
        let codec = WireCodec(key: key)
        let message = sample()
        let decoded = try codec.decode(codec.encode(message))
        #expect(decoded == message)
        #expect(decoded.type == "execute_request")
    }

    @Test func signsTheFourJSONFrames() {
        let codec = WireCodec(key: key)
        let frames = codec.encode(sample())
        let split = frames.firstIndex(of: WireCodec.delimiter)!
        #expect(split == 2)
        #expect(frames[split + 1] == MessageSigner(key: key).signature(of: Array(frames[(split + 2)...(split + 5)])))
        #expect(frames.last == [0, 255, 7])
    }

    @Test func dropsATamperedFrame() {
        let codec = WireCodec(key: key)
        var frames = codec.encode(sample())
        frames[6] = Array(#"{"code":"rm -rf"}"#.utf8)
        #expect(throws: WireError.badSignature) { try codec.decode(frames) }
    }

    @Test func dropsMessagesSignedWithAnotherKey() {
        let frames = WireCodec(key: Array("other".utf8)).encode(sample())
        #expect(throws: WireError.badSignature) { try WireCodec(key: key).decode(frames) }
    }

    @Test func dropsUnsignedAndShortSignatures() {
        let codec = WireCodec(key: key)
        var frames = codec.encode(sample())
        let signatureIndex = frames.firstIndex(of: WireCodec.delimiter)! + 1
        let signature = frames[signatureIndex]
        frames[signatureIndex] = []
        #expect(throws: WireError.unsigned) { try codec.decode(frames) }
        frames[signatureIndex] = Array(signature.prefix(32))
        #expect(throws: WireError.badSignature) { try codec.decode(frames) }
    }

    @Test func dropsAReplayedMessage() throws {
        let codec = WireCodec(key: key)
        let frames = codec.encode(sample())
        _ = try codec.decode(frames)
        #expect(throws: WireError.replayed) { try codec.decode(frames) }
        // A fresh message from the same session still passes.
        _ = try codec.decode(codec.encode(sample()))
    }

    @Test func forgetsOnlyTheOldestSignatures() {
        var seen = SeenSignatures(capacity: 2)
        let answers = [[1], [2], [1], [3], [2], [3], [1]].map { seen.insert($0) }
        // The third [1] is new again because [3] pushed the first [1] out.
        #expect(answers == [true, true, false, true, false, false, true])
    }

    @Test func emptyKeyNeitherSignsNorChecks() throws {
        let codec = WireCodec(key: [])
        let frames = codec.encode(sample())
        #expect(frames[frames.firstIndex(of: WireCodec.delimiter)! + 1].isEmpty)
        _ = try codec.decode(frames)
        _ = try codec.decode(frames)  // without signatures there is nothing to call a replay
    }

    @Test func reportsMalformedFrames() {
        let codec = WireCodec(key: [])
        let header = Array(#"{"msg_id":"1","msg_type":"kernel_info_request"}"#.utf8)
        let empty = Array("{}".utf8)
        #expect(throws: WireError.missingDelimiter) { try codec.decode([[1], header]) }
        #expect(throws: WireError.tooFewFrames(3)) { try codec.decode([WireCodec.delimiter, [], header, empty]) }
        #expect(throws: WireError.self) {
            try codec.decode([WireCodec.delimiter, [], Array("{not json".utf8), empty, empty, empty])
        }
        #expect(throws: WireError.invalidHeader(reason: "has no msg_type")) {
            try codec.decode([WireCodec.delimiter, [], Array(#"{"msg_id":"1"}"#.utf8), empty, empty, empty])
        }
        #expect(throws: WireError.invalidHeader(reason: "has no msg_id")) {
            try codec.decode([WireCodec.delimiter, [], Array(#"{"msg_type":"x"}"#.utf8), empty, empty, empty])
        }
        #expect(throws: WireError.invalidHeader(reason: "content is not an object")) {
            try codec.decode([WireCodec.delimiter, [], header, empty, empty, Array("[1]".utf8)])
        }
    }
}
