import Testing

@testable import Display
@testable import tensorcell_gallery

@Test func graphColumnsFollowTheLongestPathAndLeavesSitBeforeTheirUse() {
    let layout = ComputationGraph.layOut(Gallery.computationGraph.nodes)
    // x1, w1, x2, w2 | x1*w1, x2*w2 | b, sum | n | o
    #expect(layout.column == [0, 0, 0, 0, 1, 1, 2, 2, 3, 4])
    #expect(layout.columns == 5)
    #expect(!layout.cycle)
}

@Test func deepGraphsAreLaidOutWithoutRecursion() {
    let chain = (0..<20_000).map { GraphNode(id: $0, value: Double($0), op: $0 == 0 ? nil : "+", inputs: $0 == 0 ? [] : [$0 - 1]) }
    let layout = ComputationGraph.layOut(chain)
    #expect(layout.columns == 20_000)
    #expect(layout.rows == 1)
}

@Test func cyclesAreReportedNotLoopedOn() {
    let nodes = [GraphNode(id: 0, value: 1, op: "+", inputs: [1]), GraphNode(id: 1, value: 2, op: "+", inputs: [0])]
    #expect(ComputationGraph.layOut(nodes).cycle)
    #expect(ComputationGraph(nodes).svg().contains("the graph has a cycle"))
}

@Test func networkDiagramCountsParametersAndColoursEdgesBySign() {
    let diagram = NetworkDiagram(layerSizes: [2, 1], weights: [[[0.5], [-2]]])
    #expect(diagram.parameterCount == 3)
    let svg = diagram.svg()
    #expect(svg.contains("stroke=\"#2166ac\""))  // positive
    #expect(svg.contains("stroke=\"#d55e00\""))  // negative
    // Large layers become boxes with their count.
    #expect(NetworkDiagram(layerSizes: [784, 10]).svg().contains(">784</text>"))
}
