import Foundation
import Testing

@testable import Language

/// perClass: the same number of rows of every class, the rest kept apart, seeded.
@Suite struct SamplingTests {
    func output(_ code: String) -> (text: String, failed: Bool) {
        Interpreter(directory: FileManager.default.temporaryDirectory.path).transcript([code])
    }

    func lines(_ code: String) -> [String] {
        let (text, failed) = output(code)
        #expect(!failed, "\(code): \(text)")
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func picksTheSameCountOfEveryClassAndKeepsTheRest() {
        let out = lines(
            """
            let y = tensor([2, 0, 1, 1, 0, 2, 2, 0, 1, 1, 0, 2, 2, 1])
            let (picked, rest) = perClass(y, 3, seed: 4)
            let counts = oneHot(y.select(picked), classes: 3).sum(axis: 0)
            print(allClose(counts, tensor([3, 3, 3])))
            print(len(picked) + len(rest), len(rest))
            print(allClose(concat([picked, rest]).sort(), arange(14)))
            print(allClose(rest, rest.sort()))
            """)
        #expect(out.contains("14 5"))
        #expect(out.filter { $0 == "true" }.count == 3, "\(out)")
    }

    @Test func theSeedDecidesWhichRows() {
        let same = lines("print(perClass((arange(40) / 10).floor(), 2, seed: 1).0.equals(perClass((arange(40) / 10).floor(), 2, seed: 1).0))")
        #expect(same.last == "true")
        let other = lines("print(perClass((arange(40) / 10).floor(), 2, seed: 1).0.equals(perClass((arange(40) / 10).floor(), 2, seed: 2).0))")
        #expect(other.last == "false")
    }

    @Test func badInputGetsAClearError() {
        let short = output("perClass(tensor([0, 0, 1]), 2)")
        #expect(short.failed && short.text.contains("class 1 has only 1 row"))
        let fraction = output("perClass(tensor([0, 0.5]), 1)")
        #expect(fraction.failed && fraction.text.contains("class numbers"))
        let shape = output("perClass(tensor([[0, 1]]), 1)")
        #expect(shape.failed && shape.text.contains("ShapeError"))
        let negative = output("perClass(tensor([0, 1]), -1)")
        #expect(negative.failed && negative.text.contains("at least 0"))
    }
}
