import Testing
import ZeroMQ

/// The libzmq wrapper over inproc sockets, which need no ports.
@Suite struct ZeroMQTests {
    @Test func routerAndDealerExchangeMultipartMessages() throws {
        let context = try Context()
        let router = try Socket(context: context, type: .router)
        let dealer = try Socket(context: context, type: .dealer)
        try router.set(.linger, 0)
        try dealer.set(.linger, 0)
        try dealer.set(.routingIdentity, Array("front-end".utf8))
        try router.bind("inproc://zeromq-test-router")
        try dealer.connect("inproc://zeromq-test-router")

        try dealer.send([[1, 2, 3], [], Array("last".utf8)])
        #expect(try router.waitForMessage(timeout: -1))
        let received = try router.receive()
        #expect(received == [Array("front-end".utf8), [1, 2, 3], [], Array("last".utf8)])

        try router.send(received)  // the identity frame routes it back
        #expect(try dealer.receive() == [[1, 2, 3], [], Array("last".utf8)])
        router.close()
        dealer.close()
        context.terminate()
    }

    @Test func pollingTimesOutWhenNothingArrives() throws {
        let context = try Context()
        let pull = try Socket(context: context, type: .pull)
        try pull.bind("inproc://zeromq-test-idle")
        #expect(try pull.waitForMessage(timeout: 0) == false)
        #expect(try Socket.waitForMessage(on: [pull, pull], timeout: 1) == [false, false])
        pull.close()
        context.terminate()
    }

    @Test func errorsCarryLibzmqsDescription() throws {
        let context = try Context()
        let socket = try Socket(context: context, type: .reply)
        let error = #expect(throws: ZeroMQError.self) { try socket.bind("nonsense://nowhere") }
        #expect(error?.description.hasPrefix("bind nonsense://nowhere: ") == true)
        #expect(error?.description.contains("not supported") == true)
        socket.close()
        context.terminate()
    }
}
