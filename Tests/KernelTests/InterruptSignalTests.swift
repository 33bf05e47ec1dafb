import Foundation
import Testing

@testable import Kernel

/// The waits behind `sleep` and `input`, on a signal of their own (the process's flag is shared
/// by every test running at once).
@Suite struct InterruptSignalTests {
    @Test func aWaitEndsWhenTheSignalIsRaisedFromAnotherThread() {
        let signal = InterruptSignal()
        let raiser = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            signal.raise()
        }
        raiser.start()
        // Ten minutes, unless the raise wakes it.
        #expect(signal.wait(seconds: 600))
        #expect(signal.isRaised)
        // Raised already: no wait at all; and the pipe stays readable for every waiter.
        #expect(signal.wait(seconds: 600))
        var item = pollfd(fd: signal.wakeupDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&item, 1, 0) == 1)
    }

    @Test func aWaitWithNoRaiseLastsItsTimeAndLoweringEmptiesThePipe() {
        let signal = InterruptSignal()
        let start = ContinuousClock.now
        #expect(!signal.wait(seconds: 0.02))
        #expect(ContinuousClock.now - start >= .milliseconds(20))
        #expect(!signal.wait(seconds: 0.0002))
        #expect(!signal.wait(seconds: 0))
        #expect(!signal.wait(seconds: -1))
        #expect(!signal.wait(seconds: .nan))
        signal.raise()
        signal.raise()
        signal.lower()
        #expect(!signal.isRaised)
        var item = pollfd(fd: signal.wakeupDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&item, 1, 0) == 0)
        #expect(!signal.wait(seconds: 0.02))
    }

    @Test func aByteLeftByARaceDoesNotEndAWaitEarly() {
        let signal = InterruptSignal()
        // A lower that overtook a raise leaves a byte with the flag down.
        signal.leaveStaleWakeup()
        let start = ContinuousClock.now
        #expect(!signal.wait(seconds: 0.05))
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        var item = pollfd(fd: signal.wakeupDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&item, 1, 0) == 0)
        // And a raise after it still wakes a wait.
        signal.raise()
        #expect(signal.wait(seconds: 600))
    }

    @Test func messageIDsAreVersionFourUUIDs() {
        let ids = (0..<200).map { _ in makeUUID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let characters = Array(id)
            #expect(characters.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { characters[$0] == "-" })
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        }
    }
}
