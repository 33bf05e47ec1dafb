import Testing
@testable import NeuralNetworks

@Test func moduleLoads() {}
