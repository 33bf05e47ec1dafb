import Kernel
import Testing

@testable import Language

/// Help (`help(x)`, `x?`, `?x`), inspection inside a call's arguments, and completion inside
/// strings, of methods, and of names the same cell binds.
@Suite struct HelpTests {
    func output(_ interpreter: Interpreter, _ code: String) -> String {
        let context = TranscriptContext()
        context.record(interpreter.execute(code, context: context))
        return context.text
    }

    @Test func questionMarksShowSignatureDocAndExample() {
        let interpreter = Interpreter()
        for code in ["randn?", "?randn", "randn??"] {
            let text = output(interpreter, code)
            #expect(text.contains("randn(_ shape"), "\(code): \(text)")
            #expect(text.contains("Example:"), "\(code): \(text)")
        }
        #expect(interpreter.isComplete("x?") == .complete)
    }

    @Test func helpOfMethodsValuesAndClasses() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let x = zeros([2, 3])", "class Neuron {\n  var w = ones([2, 1], requiresGrad: true)\n  func callAsFunction(_ x) { x @ w }\n}")
        let method = output(interpreter, "x.sum?")
        #expect(method.hasPrefix("Tensor.sum("), "\(method)")
        let value = output(interpreter, "help(x)")
        #expect(value.contains("shape: [2, 3]") && value.contains("members:"), "\(value)")
        let builtin = output(interpreter, "help(relu)")
        #expect(builtin.hasPrefix("relu("), "\(builtin)")
        let declared = output(interpreter, "Neuron?")
        #expect(declared.contains("class Neuron") && declared.contains("callAsFunction(x)"), "\(declared)")
        let missing = output(interpreter, "nothingHere?")
        #expect(missing.contains("NameError"), "\(missing)")
    }

    @Test func inspectionInsideACallsArgumentsDocumentsTheCall() throws {
        let interpreter = Interpreter()
        let code = "randn([2, 3], seed: 1)"
        for cursor in [8, 16, 20] {
            let bundle = try #require(interpreter.inspect(code, cursor: cursor, detailLevel: 0))
            guard case .string(let text)? = bundle.data["text/plain"] else { Issue.record("no text"); continue }
            #expect(text.hasPrefix("randn("), "cursor \(cursor): \(text)")
        }
    }
}

@Suite struct CompletionFixTests {
    func kinds(_ completion: Completion) -> [String: String] {
        guard case .array(let types)? = completion.metadata["_jupyter_types_experimental"] else { return [:] }
        return Dictionary(uniqueKeysWithValues: types.compactMap { item -> (String, String)? in
            guard case .string(let text)? = item["text"], case .string(let type)? = item["type"] else { return nil }
            return (text, type)
        })
    }

    @Test func nothingIsOfferedInsideAString() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let printed = 1")
        #expect(interpreter.complete("print(\"pri", cursor: 10).matches.isEmpty)
        // Inside an interpolation it is code again.
        let code = "print(\"a \\(pri"
        #expect(interpreter.complete(code, cursor: code.unicodeScalars.count).matches.contains("printed"))
        // After the string is closed, too.
        #expect(interpreter.complete("print(\"a\", pri", cursor: 14).matches.contains("printed"))
    }

    @Test func methodsAreMarkedAsMethods() {
        let interpreter = Interpreter()
        _ = runCells(interpreter, "let xs = [1, 2]")
        let types = kinds(interpreter.complete("xs.", cursor: 3))
        #expect(types["map"] == "method")
        #expect(types["count"] == "property")
    }

    @Test func aTensorBoundEarlierInTheSameCell() {
        let interpreter = Interpreter()
        let code = "let t = randn([3])\nlet u = t * 2\nu."
        let matches = interpreter.complete(code, cursor: code.unicodeScalars.count).matches
        #expect(matches.contains("sum") && matches.contains("shape"), "\(matches)")
        // Nothing was run to find it.
        #expect(interpreter.globals.names["t"] == nil)
    }

    @Test func anElseWithoutItsBodyIsIncomplete() {
        let interpreter = Interpreter()
        guard case .incomplete = interpreter.isComplete("if c { } else") else {
            Issue.record("if c { } else is \(interpreter.isComplete("if c { } else"))")
            return
        }
    }
}
