import Testing
@testable import Display

@Test func moduleLoads() {}
