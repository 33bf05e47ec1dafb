import Testing

@testable import Interchange

@Suite struct WholeNumberTests {
    @Test func wholeNumbersBelowTheLimitAreInts() {
        #expect(3.0.wholeNumber(below: 1e15) == 3)
        #expect((-7.0).wholeNumber(below: 9e15) == -7)
        #expect(0.0.wholeNumber(below: 1e15) == 0)
        #expect(2.5.wholeNumber(below: 1e15) == nil)
    }

    @Test func theLimitIsTheCallers() {
        #expect(1e15.wholeNumber(below: 1e15) == nil)
        #expect(1e15.wholeNumber(below: 9e15) == 1_000_000_000_000_000)
        #expect(1e17.wholeNumber(below: 9e15) == nil)
        #expect(1e17.wholeNumber(below: 1e18) == 100_000_000_000_000_000)
    }

    @Test func nanAndInfinitiesAreNot() {
        #expect(Double.nan.wholeNumber(below: 1e18) == nil)
        #expect(Double.infinity.wholeNumber(below: 1e18) == nil)
        #expect((-Double.infinity).wholeNumber(below: 1e18) == nil)
    }
}
