import Testing
@testable import Kernel

@Test func moduleLoads() {}
