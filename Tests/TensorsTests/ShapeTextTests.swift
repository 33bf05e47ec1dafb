import Testing
@testable import Tensors

@Suite struct ShapeTextTests {
    @Test func shapesAreWrittenAsLists() {
        #expect(formatShape([2, 3]) == "[2, 3]")
        #expect(formatShape([]) == "[]")
        #expect(formatShape([7]) == "[7]")
    }

    @Test func unknownSizesAreWrittenAsAsked() {
        #expect(formatShape([-1, 10]) == "[-1, 10]")
        #expect(formatShape([-1, 10], unknownSize: "N") == "[N, 10]")
        #expect(formatShape([4, 10], unknownSize: "N") == "[4, 10]")
    }

    @Test func engineErrorsUseIt() throws {
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).reshape([4, 2]) }
        do {
            _ = try Tensor.zeros([2, 3]).reshape([4, 2])
        } catch {
            #expect("\(error)".contains("[2, 3]"))
        }
    }
}
