import Foundation
import NeuralNetworks
import Testing

@testable import Language

/// The library's structure: operations spelled both ways share one declaration, and member
/// tables are found through the value's own type.
@Suite struct LibraryTests {
    func output(_ code: String) -> (text: String, failed: Bool) {
        Interpreter(directory: FileManager.default.temporaryDirectory.path).transcript([code])
    }

    @Test func bothSpellingsOfAnOperationShareOneDoc() throws {
        let library = Interpreter.standardLibrary()
        for name in ["exp", "abs", "relu", "softmax", "sum", "argmax", "pow", "matmul", "clamp", "oneHot", "allClose"] {
            let function = try #require(library.functions[name], "\(name) is no function")
            guard case .method(let method) = library.members[.tensor]?[name] else {
                Issue.record("\(name) is no Tensor method")
                continue
            }
            #expect(method.doc == function.doc)
            #expect(method.isMethodSpelling && !function.isMethodSpelling)
            #expect(function.methodSignature?.hasSuffix("." + method.signature) == true)
        }
        let reference = library.referenceMarkdown()
        #expect(!reference.contains("#### `Tensor.exp`"))
        #expect(reference.contains("exp(_ x)\nx.exp()"))
    }

    @Test func bothSpellingsGiveTheSameValues() {
        let cases = [
            "exp(tensor([0, 1])).equals(tensor([0, 1]).exp())",
            "softmax(tensor([[1, 2], [3, 5]]), axis: 0).equals(tensor([[1, 2], [3, 5]]).softmax(0))",
            "sum(tensor([[1, 2], [3, 4]]), 1).equals(tensor([[1, 2], [3, 4]]).sum(axis: 1))",
            "pow(tensor([1, 2, 3]), [2, 1, 0]).equals(tensor([1, 2, 3]).pow([2, 1, 0]))",
            "abs(tensor([-1, 2])).equals(tensor([-1, 2]).abs())",
        ]
        for code in cases {
            let (text, failed) = output(code)
            #expect(!failed && text.trimmingCharacters(in: .whitespacesAndNewlines) == "true", "\(code): \(text)")
        }
        // A number operand keeps giving a number, only in the function spelling.
        #expect(output("exp(0)").text.contains("1.0"))
        #expect(output("abs(-3)").text.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }

    @Test func aTensorsTableNamesItsColumns() throws {
        let named = output("table(tensor([[1, 2], [3, 4]]), columns: [\"x\", \"answer\"])")
        #expect(!named.failed && named.text.contains("answer"), "\(named.text)")
        let wrong = output("table(tensor([[1, 2], [3, 4]]), columns: [\"x\"])")
        #expect(wrong.failed && wrong.text.contains("gives 1 name,") && wrong.text.contains("2 columns"), "\(wrong.text)")
        // The caret marks the columns: argument, not the whole call.
        let lines = wrong.text.split(separator: "\n").map(String.init)
        let code = try #require(lines.firstIndex { $0.contains("table(tensor") }, "\(wrong.text)")
        let carets = try #require(lines.dropFirst(code + 1).first, "\(wrong.text)")
        let start = try #require(carets.firstIndex(of: "^"), "\(wrong.text)")
        let label = try #require(lines[code].range(of: "columns:"), "\(wrong.text)")
        #expect(
            carets.distance(from: carets.startIndex, to: start) == lines[code].distance(from: lines[code].startIndex, to: label.lowerBound),
            "\(wrong.text)")
    }

    /// A named series given as (xs, ys) is a line with x values of its own; x: is for the others.
    @Test func aPlottedSeriesCanHaveItsOwnX() {
        let own = output("plot(curve: ([0, 1, 2, 3], [0, 1, 4, 9]), steps: ([0.5, 2.5], [0.25, 6.25]))")
        #expect(!own.failed && own.text.contains("2 series, 6 points") && !own.text.contains("not drawn"), "\(own.text)")
        #expect(own.text.contains("steps: 2 points, first 0.25, last 6.25"), "\(own.text)")
        let shared = output("plot(a: [1, 2, 3], b: ([0, 1], [1, 2]), x: [10, 20, 30])")
        #expect(!shared.failed && shared.text.contains("2 series, 5 points"), "\(shared.text)")
        let uneven = output("plot(b: ([0, 1, 2], [1, 2]))")
        #expect(uneven.failed && uneven.text.contains("the series b has 3 x values but 2 y values"), "\(uneven.text)")
        // Two numbers are still one series of two values.
        let pair = output("plot(a: (1, 2))")
        #expect(!pair.failed && pair.text.contains("a: 2 points, first 1, last 2"), "\(pair.text)")
    }

    @Test func theMethodSpellingChecksItsArgumentsAsTheFunctionDoes() {
        let (text, failed) = output("tensor([1, 2]).clamp(min: 2, max: 1)")
        #expect(failed)
        #expect(text.contains("clamp needs min <= max"))
    }

    @Test func typesComeFromTheValue() {
        let dense = Value.object(try! Dense(2, 3, seed: 0))
        #expect(dense.type == ValueType(Dense.self))
        #expect(dense.typeName == "Dense")
        #expect(dense.memberTypes == [ValueType(Dense.self), Layer.valueType])
        #expect(Value.tensor(try! .zeros([1])).memberTypes == [.tensor])
        #expect(Value.int(1).typeName == "Int")
        let library = Interpreter.standardLibrary()
        #expect(library.member("parameterCount", of: dense) != nil)
        #expect(library.member("shape", of: .tensor(try! .zeros([1]))) != nil)
    }

    /// A method reached with a receiver of another type names both types as programs do.
    @Test func aMethodOnTheWrongReceiverNamesTheLanguagesTypes() throws {
        let interpreter = Interpreter(directory: FileManager.default.temporaryDirectory.path)
        guard case .method(let forward)? = interpreter.library.members[Layer.valueType]?["forward"] else {
            Issue.record("Layer has no forward method")
            return
        }
        let span = SourceSpan.none
        #expect {
            try interpreter.evaluator.callBuiltin(
                forward, [CallArgument(label: nil, value: .int(1), span: span)], receiver: .int(3), span: span)
        } throws: { error in
            let message = (error as? LanguageError)?.message ?? ""
            return message.contains("a Layer, not of the whole number 3") && !message.contains("Language.")
        }
    }
}
