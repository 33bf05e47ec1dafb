// Walks the syntax tree: scopes, control flow, calls, operators on numbers and tensors, and
// errors that point at the code that failed.

import NeuralNetworks
import Tensors

struct Binding {
    var value: Value
    var mutable: Bool
    /// How the name was bound, for the message when a program tries to change it.
    var origin: Origin = .declared

    enum Origin {
        case declared
        case loopVariable
        case parameter
    }
}

/// Names visible at one level: the session's globals, a function call, a loop iteration, a block.
final class Scope {
    var names: [String: Binding] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Binding? {
        var scope: Scope? = self
        while let current = scope {
            if let binding = current.names[name] { return binding }
            scope = current.parent
        }
        return nil
    }

    /// The scope that binds `name`, if any.
    func owner(of name: String) -> Scope? {
        var scope: Scope? = self
        while let current = scope {
            if current.names[name] != nil { return current }
            scope = current.parent
        }
        return nil
    }

    /// Every name visible here, for "did you mean" and completion.
    var allNames: Set<String> {
        var result = Set<String>()
        var scope: Scope? = self
        while let current = scope {
            result.formUnion(current.names.keys)
            scope = current.parent
        }
        return result
    }
}

enum Flow {
    case normal
    case breakLoop(SourceSpan)
    case continueLoop(SourceSpan)
    case returned(Value, SourceSpan)
}

/// A call's arguments before binding: label, value and where they were written.
struct CallArgument {
    var label: String?
    var value: Value
    var span: SourceSpan
}

final class Evaluator {
    let runtime: Runtime
    var library: Library { runtime.library }
    let globals: Scope
    var callDepth = 0
    /// Deeper user-function recursion than this is an error, not a crash.
    var maxCallDepth = 1000

    init(runtime: Runtime, globals: Scope) {
        self.runtime = runtime
        self.globals = globals
    }

    // MARK: Programs and statements

    /// Runs a cell's statements in the globals; the value of the last one if it is an expression.
    func run(_ program: Program) throws -> Value {
        var last: Value = .void
        for (index, statement) in program.statements.enumerated() {
            try runtime.checkInterrupt()
            if index == program.statements.count - 1, case .expression(let expression) = statement.kind {
                last = try eval(expression, globals)
                break
            }
            switch try exec(statement, globals) {
            case .normal: break
            case .breakLoop(let span): throw LanguageError("SyntaxError", "'break' outside a loop", at: span)
            case .continueLoop(let span): throw LanguageError("SyntaxError", "'continue' outside a loop", at: span)
            case .returned(_, let span): throw LanguageError("SyntaxError", "'return' outside a function", at: span)
            }
        }
        return last
    }

    func exec(_ statements: [Stmt], _ scope: Scope) throws -> Flow {
        for statement in statements {
            let flow = try exec(statement, scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func exec(_ statement: Stmt, _ scope: Scope) throws -> Flow {
        switch statement.kind {
        case .expression(let expression):
            _ = try eval(expression, scope)
        case .binding(let mutable, let pattern, let expression):
            let value = try eval(expression, scope)
            try bind(pattern, to: value, mutable: mutable, in: scope, span: expression.span)
        case .assign(let target, let op, let expression):
            var value = try eval(expression, scope)
            if let op {
                let old = try eval(target, scope)
                value = try binary(op, old, value, span: statement.span)
                // `w -= lr * w.grad` inside noGrad updates the parameter itself, as in PyTorch;
                // rebinding would leave a new tensor that no longer learns.
                if case .tensor(let parameter) = old, parameter.requiresGrad, !GradMode.isEnabled,
                    case .tensor(let updated) = value
                {
                    do { try parameter.assign(updated) } catch { throw located(error, statement.span) }
                    return .normal
                }
            }
            try assign(target, value, scope)
        case .function(let declaration):
            scope.names[declaration.name!] = Binding(
                value: .function(Function(.user(declaration, captured: scope === globals ? nil : scope))), mutable: true)
        case .if(let condition, let then, let otherwise):
            if try truth(try eval(condition, scope), span: condition.span) {
                return try exec(then, Scope(parent: scope))
            } else if let otherwise {
                return try exec(otherwise, Scope(parent: scope))
            }
        case .while(let condition, let body):
            while try truth(try eval(condition, scope), span: condition.span) {
                do { try runtime.checkInterrupt() } catch { throw located(error, condition.span) }
                runtime.safePoint()
                switch try exec(body, Scope(parent: scope)) {
                case .breakLoop: return .normal
                case .returned(let value, let span): return .returned(value, span)
                case .normal, .continueLoop: continue
                }
            }
        case .for(let pattern, let sequence, let body):
            let items = try eval(sequence, scope)
            return try iterate(items, span: sequence.span) { item in
                do { try runtime.checkInterrupt() } catch { throw located(error, sequence.span) }
                runtime.safePoint()
                let inner = Scope(parent: scope)
                try bind(pattern, to: item, mutable: false, in: inner, span: sequence.span, origin: .loopVariable)
                return try exec(body, inner)
            }
        case .break: return .breakLoop(statement.span)
        case .continue: return .continueLoop(statement.span)
        case .return(let expression):
            return .returned(try expression.map { try eval($0, scope) } ?? .void, statement.span)
        }
        return .normal
    }

    /// Runs `body` for each item; stops at `break`, passes `return` up.
    func iterate(_ sequence: Value, span: SourceSpan, _ body: (Value) throws -> Flow) throws -> Flow {
        func handle(_ flow: Flow) -> Flow? {
            switch flow {
            case .normal, .continueLoop: nil
            case .breakLoop: .normal
            case .returned: flow
            }
        }
        switch sequence {
        case .range(let lower, let upper, let closed):
            guard let lower, let upper else {
                throw LanguageError("ValueError", "a loop needs a range with both ends, such as 0..<10", at: span)
            }
            if closed && upper < lower || !closed && upper < lower {
                throw LanguageError(
                    "ValueError", "the range \(Value.range(lower: lower, upper: upper, closed: closed).text) runs backwards: its start must not be above its end",
                    at: span)
            }
            if closed && upper == Int.max {
                throw LanguageError("ValueError", "the range is too long to loop over", at: span)
            }
            var index = lower
            let end = closed ? upper + 1 : upper
            while index < end {
                if let flow = handle(try body(.int(index))) { return flow }
                index += 1
            }
        case .array(let items), .tuple(let items):
            for item in items {
                if let flow = handle(try body(item)) { return flow }
            }
        case .string(let text):
            for character in text {
                if let flow = handle(try body(.string(String(character)))) { return flow }
            }
        case .tensor(let tensor):
            guard tensor.rank >= 1 else {
                throw LanguageError("TypeError", "cannot loop over a tensor with no axes (a single number)", at: span)
            }
            for index in 0..<tensor.shape[0] {
                let row = try tensor.index([.at(index)])
                if let flow = handle(try body(.tensor(row))) { return flow }
            }
        default:
            throw LanguageError(
                "TypeError", "cannot loop over \(describeKind(sequence)): loop over a range, an array or a tensor", at: span)
        }
        return .normal
    }

    func bind(
        _ pattern: Pattern, to value: Value, mutable: Bool, in scope: Scope, span: SourceSpan,
        origin: Binding.Origin = .declared
    ) throws {
        switch pattern {
        case .name(let name, _):
            scope.names[name] = Binding(value: value, mutable: mutable, origin: origin)
        case .wildcard:
            break
        case .tuple(let patterns, let patternSpan):
            let items: [Value]
            switch value {
            case .tuple(let values), .array(let values): items = values
            default:
                throw LanguageError(
                    "TypeError", "cannot unpack \(describeKind(value)) into \(patterns.count) names: it is not a tuple",
                    at: patternSpan)
            }
            guard items.count == patterns.count else {
                throw LanguageError(
                    "ValueError", "cannot unpack \(items.count) values into \(patterns.count) names", at: patternSpan.to(span))
            }
            for (pattern, item) in zip(patterns, items) {
                try bind(pattern, to: item, mutable: mutable, in: scope, span: span, origin: origin)
            }
        }
    }

    func assign(_ target: Expr, _ value: Value, _ scope: Scope) throws {
        switch target.kind {
        case .name(let name):
            guard let owner = scope.owner(of: name) else {
                throw LanguageError(
                    "NameError", "'\(name)' is not defined: declare it first with var \(name) = ..."
                        + didYouMean(name, among: scope.allNames), at: target.span)
            }
            guard let binding = owner.names[name], binding.mutable else {
                let reason =
                    switch owner.names[name]?.origin ?? .declared {
                    case .declared: "it was declared with let; declare it with var to change it"
                    case .loopVariable: "a loop variable cannot change; copy it first: var changed = \(name)"
                    case .parameter: "a parameter cannot change; copy it first: var changed = \(name)"
                    }
                throw LanguageError("TypeError", "cannot assign to '\(name)': " + reason, at: target.span)
            }
            owner.names[name]!.value = value
        case .member(let objectExpression, let name, let nameSpan):
            let object = try eval(objectExpression, scope)
            guard let member = library.member(name, of: object) else { throw memberError(object, name, nameSpan) }
            guard case .property(_, let setter?, _) = member else {
                throw LanguageError("TypeError", "\(object.typeName).\(name) cannot be assigned to", at: nameSpan)
            }
            do { try setter(object, value) } catch { throw located(error, target.span) }
        case .index(let containerExpression, let indexExpressions):
            let container = try eval(containerExpression, scope)
            let indices = try indexExpressions.map { try eval($0, scope) }
            switch container {
            case .tensor(let tensor):
                try runtime.checkInterrupt()
                do {
                    let view = try tensor.index(try tensorIndices(indices, span: target.span))
                    try view.assign(try Convert.tensor(value, dtype: tensor.dtype))
                } catch { throw located(error, target.span) }
            case .array(var items):
                guard indices.count == 1, case .int(let position) = indices[0] else {
                    throw LanguageError("TypeError", "an array element is set with one whole-number index", at: target.span)
                }
                let resolved = position < 0 ? items.count + position : position
                guard resolved >= 0 && resolved < items.count else {
                    throw LanguageError(
                        "ValueError", "index \(position) is out of range for an array of \(items.count) items", at: target.span)
                }
                items[resolved] = value
                try assign(containerExpression, .array(items), scope)
            case .tuple:
                throw LanguageError(
                    "TypeError", "cannot set an element of a tuple: tuples do not change; use an array [...] instead",
                    at: target.span)
            default:
                throw LanguageError("TypeError", "cannot set elements of \(describeKind(container))", at: target.span)
            }
        case .tuple(let targets):
            let items: [Value]
            switch value {
            case .tuple(let values), .array(let values): items = values
            default:
                throw LanguageError(
                    "TypeError", "cannot assign \(describeKind(value)) to \(targets.count) names: it is not a tuple",
                    at: target.span)
            }
            guard items.count == targets.count else {
                throw LanguageError(
                    "ValueError", "cannot assign \(items.count) values to \(targets.count) names", at: target.span)
            }
            for (inner, item) in zip(targets, items) { try assign(inner, item, scope) }
        default:
            throw LanguageError("SyntaxError", "cannot assign to this expression", at: target.span)
        }
    }

    // MARK: Expressions

    func eval(_ expression: Expr, _ scope: Scope) throws -> Value {
        switch expression.kind {
        case .int(let value): return .int(value)
        case .float(let value): return .float(value)
        case .bool(let value): return .bool(value)
        case .string(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .code(let inner): text += interpolationText(try eval(inner, scope))
                }
            }
            return .string(text)
        case .name(let name):
            if let binding = scope.lookup(name) { return binding.value }
            if let constant = library.constants[name] { return constant }
            if let builtin = library.functions[name] { return .function(Function(.builtin(builtin))) }
            throw nameError(name, scope, expression.span)
        case .array(let items):
            return .array(try items.map { try eval($0, scope) })
        case .tuple(let items):
            return .tuple(try items.map { try eval($0, scope) })
        case .unary(let op, let operandExpression):
            let operand = try eval(operandExpression, scope)
            return try unary(op, operand, span: expression.span)
        case .binary(let op, let leftExpression, let rightExpression):
            let left = try eval(leftExpression, scope)
            let right = try eval(rightExpression, scope)
            return try binary(op, left, right, span: expression.span)
        case .and(let left, let right):
            guard try truth(try eval(left, scope), span: left.span) else { return .bool(false) }
            return .bool(try truth(try eval(right, scope), span: right.span))
        case .or(let left, let right):
            if try truth(try eval(left, scope), span: left.span) { return .bool(true) }
            return .bool(try truth(try eval(right, scope), span: right.span))
        case .conditional(let condition, let then, let otherwise):
            return try truth(try eval(condition, scope), span: condition.span)
                ? try eval(then, scope) : try eval(otherwise, scope)
        case .range(let lowerExpression, let upperExpression, let closed):
            if let interval = try NumberRange.evaluate(lowerExpression, upperExpression, closed: closed, span: expression.span, { try self.eval($0, scope) }) {
                return interval
            }
            let lower = try lowerExpression.map { try rangeBound(try eval($0, scope), span: $0.span) }
            let upper = try upperExpression.map { try rangeBound(try eval($0, scope), span: $0.span) }
            return .range(lower: lower, upper: upper, closed: closed)
        case .call(let calleeExpression, let argumentExpressions):
            return try evalCall(calleeExpression, argumentExpressions, span: expression.span, scope)
        case .member(let objectExpression, let name, let nameSpan):
            let object = try eval(objectExpression, scope)
            return try member(object, name, nameSpan: nameSpan, span: expression.span)
        case .index(let containerExpression, let indexExpressions):
            let container = try eval(containerExpression, scope)
            let indices = try indexExpressions.map { try eval($0, scope) }
            return try index(container, indices, span: expression.span)
        case .closure(let declaration):
            return .function(Function(.user(declaration, captured: scope === globals ? nil : scope)))
        }
    }

    func nameError(_ name: String, _ scope: Scope, _ span: SourceSpan) -> LanguageError {
        var candidates = scope.allNames
        candidates.formUnion(library.functions.keys)
        candidates.formUnion(library.constants.keys)
        var message = "'\(name)' is not defined" + didYouMean(name, among: candidates)
        if ["None", "nil", "null"].contains(name) { message = "'\(name)' is not defined: the language has no null value" }
        if ["True", "False"].contains(name) { message = "'\(name)' is not defined; did you mean '\(name.lowercased())'?" }
        if name == "def" { message = "'def' is not defined: functions are declared with func name(args) { ... }" }
        return LanguageError("NameError", message, at: span)
    }

    /// Interpolation shows a one-element tensor as its number, so `"loss \(loss)"` reads well.
    func interpolationText(_ value: Value) -> String {
        if case .tensor(let tensor) = value, tensor.rank == 0, let number = tensor.toDoubles().first {
            if tensor.dtype == .int32 || tensor.dtype == .int64 { return String(Int(number)) }
            // float32 in its own shortest form: 1.6666666, not 1.6666666269302368.
            if tensor.dtype == .float32, number.isFinite { return String(Float(number)) }
            return formatFloat(number)
        }
        return value.text
    }

    func rangeBound(_ value: Value, span: SourceSpan) throws -> Int {
        switch value {
        case .int(let number): return number
        case .float(let number) where number == number.rounded() && abs(number) < 9e15: return Int(number)
        case .tensor(let tensor) where tensor.count == 1:
            let number = tensor.toDoubles()[0]
            if number == number.rounded() && abs(number) < 9e15 { return Int(number) }
        default: break
        }
        throw LanguageError("TypeError", "a range's ends must be whole numbers, not \(describeKind(value))", at: span)
    }

    /// A condition's truth: a Bool, or a tensor with one element (non-zero is true).
    func truth(_ value: Value, span: SourceSpan) throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .tensor(let tensor):
            guard tensor.count == 1 else {
                throw LanguageError(
                    "ValueError",
                    "a tensor of shape \(value.shapeText) has \(tensor.count) elements, so it is neither true nor false; use .all() or .any()",
                    at: span)
            }
            return tensor.toDoubles()[0] != 0
        default:
            throw LanguageError("TypeError", "a condition must be true or false, not \(describeKind(value))", at: span)
        }
    }

    // MARK: Members and indexing

    func member(_ object: Value, _ name: String, nameSpan: SourceSpan, span: SourceSpan) throws -> Value {
        if case .tuple(let items) = object, let position = Int(name) {
            guard position >= 0 && position < items.count else {
                throw LanguageError("ValueError", "the tuple has \(items.count) items; .\(name) is not one", at: nameSpan)
            }
            return items[position]
        }
        guard let member = library.member(name, of: object) else { throw memberError(object, name, nameSpan) }
        switch member {
        case .property(let getter, _, _):
            do { return try getter(object) } catch { throw located(error, span) }
        case .method(let builtin):
            return .function(Function(.method(builtin, receiver: object)))
        }
    }

    /// Names other languages give members, and the member to use here.
    static let memberSynonyms: [String: String] = [
        "length": "count", "size": "count", "len": "count", "push": "append", "add": "append", "pop": "removeLast",
        "upper": "uppercased", "lower": "lowercased", "toUpperCase": "uppercased", "toLowerCase": "lowercased",
        "reverse": "reversed", "sort": "sorted", "join": "joined", "includes": "contains", "shape": "count",
    ]

    func memberError(_ object: Value, _ name: String, _ nameSpan: SourceSpan) -> LanguageError {
        let names = library.memberNames(of: object)
        var hint = didYouMean(name, among: names)
        if hint.isEmpty {
            // `xs.length`, and misspellings of it, `xs.lenght`.
            let aliases = [name] + suggestions(for: name, among: Evaluator.memberSynonyms.keys, limit: 1)
            if let synonym = aliases.compactMap({ Evaluator.memberSynonyms[$0] }).first(where: names.contains) {
                hint = "; did you mean '\(synonym)'?"
            }
        }
        if hint.isEmpty, case .tuple(let items) = object {
            hint = items.isEmpty ? "" : ": a tuple's items are .0 to .\(items.count - 1)"
        }
        return LanguageError("NameError", "\(object.typeName) has no member '\(name)'" + hint, at: nameSpan)
    }

    func isCallable(_ value: Value) -> Bool {
        switch value {
        case .function: return true
        case .object: return library.member("()", of: value) != nil
        default: return false
        }
    }

    func index(_ container: Value, _ indices: [Value], span: SourceSpan) throws -> Value {
        switch container {
        case .tensor(let tensor):
            try runtime.checkInterrupt()
            do {
                if indices.count == 1, case .tensor(let given) = indices[0] {
                    // Literal index tensors are float32; whole numbers in them are positions.
                    guard let positions = try Convert.positions(given) else {
                        throw LanguageError("TypeError", "a tensor of positions must hold whole numbers", at: span)
                    }
                    return .tensor(try tensor.select(indices: positions, axis: 0))
                }
                return .tensor(try tensor.index(try tensorIndices(indices, span: span)))
            } catch { throw located(error, span) }
        case .array(let items), .tuple(let items):
            guard indices.count == 1 else {
                throw LanguageError("TypeError", "an array takes one index, not \(indices.count)", at: span)
            }
            switch indices[0] {
            case .int(let position):
                let resolved = position < 0 ? items.count + position : position
                guard resolved >= 0 && resolved < items.count else {
                    throw LanguageError(
                        "ValueError", "index \(position) is out of range for \(items.count) items (valid: 0..<\(items.count))",
                        at: span)
                }
                return items[resolved]
            case .range(let lower, let upper, let closed):
                let start = lower ?? 0
                let end = upper.map { closed ? $0 + 1 : $0 } ?? items.count
                guard start >= 0 && end <= items.count && start <= end else {
                    throw LanguageError(
                        "ValueError", "the range \(indices[0].text) does not fit \(items.count) items", at: span)
                }
                return .array(Array(items[start..<end]))
            default:
                throw LanguageError(
                    "TypeError", "an array index must be a whole number or a range, not \(describeKind(indices[0]))", at: span)
            }
        case .string(let text):
            guard indices.count == 1, case .int(let position) = indices[0] else {
                throw LanguageError("TypeError", "a string takes one whole-number index", at: span)
            }
            let characters = Array(text)
            let resolved = position < 0 ? characters.count + position : position
            guard resolved >= 0 && resolved < characters.count else {
                throw LanguageError("ValueError", "index \(position) is out of range for a string of \(characters.count) characters", at: span)
            }
            return .string(String(characters[resolved]))
        default:
            if let member = library.member("[]", of: container), case .method(let builtin) = member {
                return try callBuiltin(
                    builtin, indices.map { CallArgument(label: nil, value: $0, span: span) }, receiver: container, span: span)
            }
            throw LanguageError("TypeError", "\(describeKind(container)) cannot be indexed", at: span)
        }
    }

    func tensorIndices(_ indices: [Value], span: SourceSpan) throws -> [TensorIndex] {
        try indices.map { index in
            switch index {
            case .int(let position): return .at(position)
            case .range(let lower, let upper, let closed):
                if closed, let upper { return .range(lower, upper == -1 ? nil : upper + 1) }
                return .range(lower, upper)
            case .float(let number) where number == number.rounded() && abs(number) < 9e15: return .at(Int(number))
            default:
                throw LanguageError(
                    "TypeError", "a tensor index must be a whole number, a range or '..', not \(describeKind(index))",
                    at: span)
            }
        }
    }

    // MARK: Calls

    func evalCall(_ calleeExpression: Expr, _ argumentExpressions: [Argument], span: SourceSpan, _ scope: Scope) throws
        -> Value
    {
        try runtime.checkInterrupt()
        // `items.append(x)` changes the array the variable holds.
        if case .member(let target, let name, _) = calleeExpression.kind, name == "append" || name == "removeLast",
            case .array(var items) = try eval(target, scope)
        {
            if name == "append" {
                guard argumentExpressions.count == 1 else {
                    throw LanguageError("TypeError", "append takes one value", at: span)
                }
                items.append(try eval(argumentExpressions[0].value, scope))
                try assign(target, .array(items), scope)
                return .void
            }
            guard argumentExpressions.isEmpty else { throw LanguageError("TypeError", "removeLast takes no arguments", at: span) }
            guard let last = items.popLast() else {
                throw LanguageError("ValueError", "removeLast on an empty array", at: span)
            }
            try assign(target, .array(items), scope)
            return last
        }
        let callee: Value
        if case .member(let objectExpression, let name, let nameSpan) = calleeExpression.kind {
            // `xs.count()`: a property called like a method.
            let object = try eval(objectExpression, scope)
            callee = try member(object, name, nameSpan: nameSpan, span: calleeExpression.span)
            if case .property? = library.member(name, of: object), !isCallable(callee) {
                throw LanguageError(
                    "TypeError", "\(object.typeName).\(name) is a property, not a method: write .\(name) without ( )",
                    at: span)
            }
        } else {
            callee = try eval(calleeExpression, scope)
        }
        var arguments: [CallArgument] = []
        arguments.reserveCapacity(argumentExpressions.count)
        for argument in argumentExpressions {
            arguments.append(CallArgument(label: argument.label, value: try eval(argument.value, scope), span: argument.span))
        }
        return try call(callee, arguments, span: span)
    }

    func call(_ callee: Value, _ arguments: [CallArgument], span: SourceSpan) throws -> Value {
        switch callee {
        case .function(let function):
            switch function.body {
            case .builtin(let builtin):
                return try callBuiltin(builtin, arguments, receiver: nil, span: span)
            case .method(let builtin, let receiver):
                return try callBuiltin(builtin, arguments, receiver: receiver, span: span)
            case .user(let declaration, let captured):
                return try callUser(declaration, captured: captured, arguments, span: span)
            }
        case .object:
            if let member = library.member("()", of: callee), case .method(let builtin) = member {
                return try callBuiltin(builtin, arguments, receiver: callee, span: span)
            }
        default:
            break
        }
        throw LanguageError("TypeError", "\(describeKind(callee)) cannot be called like a function", at: span)
    }

    func callBuiltin(_ builtin: Builtin, _ arguments: [CallArgument], receiver: Value?, span: SourceSpan) throws -> Value {
        let parameters = builtin.parameters
        var values = [Value?](repeating: nil, count: parameters.count)
        var spans = [SourceSpan?](repeating: nil, count: parameters.count)
        var variadic: [Value] = []
        var keywordValues: [Value] = []
        let keywordIndex = parameters.firstIndex(where: \.keywords)
        var nextPositional = 0
        let displayName = receiver.map { "\($0.typeName).\(builtin.name)" } ?? builtin.name
        for argument in arguments {
            if let label = argument.label {
                guard let index = parameters.firstIndex(where: { $0.name == label && !$0.keywords }) else {
                    if let keywordIndex {
                        keywordValues.append(.tuple([.string(label), argument.value]))
                        spans[keywordIndex] = spans[keywordIndex] ?? argument.span
                        continue
                    }
                    let hint = didYouMean(label, among: parameters.map(\.name))
                    let known = parameters.isEmpty ? "it takes none" : "it takes " + parameters.map { $0.name }.joined(separator: ", ")
                    throw LanguageError(
                        "TypeError", "\(displayName) has no argument '\(label)'" + (hint.isEmpty ? ": \(known)" : hint),
                        at: argument.span)
                }
                values[index] = argument.value
                spans[index] = argument.span
                continue
            }
            while nextPositional < parameters.count
                && (!parameters[nextPositional].positional || (values[nextPositional] != nil && !parameters[nextPositional].variadic))
            {
                nextPositional += 1
            }
            guard nextPositional < parameters.count else {
                let positionalCount = parameters.filter(\.positional).count
                let labelled = parameters.filter { !$0.positional }.map { "\($0.name):" }
                var message = "\(displayName) takes \(positionalCount) unlabelled argument\(positionalCount == 1 ? "" : "s") but was given more"
                if !labelled.isEmpty { message += "; did you forget a label? (\(labelled.joined(separator: ", ")))" }
                throw LanguageError("TypeError", message + " — \(builtin.signature)", at: argument.span)
            }
            if parameters[nextPositional].variadic {
                variadic.append(argument.value)
                spans[nextPositional] = spans[nextPositional] ?? argument.span
            } else {
                values[nextPositional] = argument.value
                spans[nextPositional] = argument.span
                nextPositional += 1
            }
        }
        var bound: [Value] = []
        bound.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            if parameter.variadic {
                bound.append(.array(variadic))
            } else if parameter.keywords {
                bound.append(.array(keywordValues))
            } else if let value = values[index] {
                bound.append(value)
            } else if let defaultValue = parameter.defaultValue {
                bound.append(defaultValue)
            } else {
                throw LanguageError(
                    "TypeError", "\(displayName) is missing its argument '\(parameter.name)' — \(builtin.signature)", at: span)
            }
        }
        var bundle = Arguments(
            builtin: builtin, values: bound, spans: spans, span: span, receiver: receiver, runtime: runtime,
            evaluator: self)
        do {
            return try builtin.body(&bundle)
        } catch {
            throw located(error, span)
        }
    }

    func callUser(_ declaration: FunctionDeclaration, captured: Scope?, _ arguments: [CallArgument], span: SourceSpan)
        throws -> Value
    {
        let name = declaration.name ?? "closure"
        let parameters = declaration.parameters
        let scope = Scope(parent: captured ?? globals)
        var given = [Bool](repeating: false, count: parameters.count)
        var nextPositional = 0
        for argument in arguments {
            if let label = argument.label {
                guard let index = parameters.firstIndex(where: { $0.accepts(label) }) else {
                    let known = parameters.flatMap { [$0.name] + ($0.label.map { [$0] } ?? []) }
                    let hint = didYouMean(label, among: known)
                    let list = parameters.isEmpty ? "it takes none" : "it takes " + parameters.map { $0.label ?? $0.name }.joined(separator: ", ")
                    throw LanguageError(
                        "TypeError", "\(name) has no parameter '\(label)'" + (hint.isEmpty ? ": \(list)" : hint),
                        at: argument.span)
                }
                if given[index] {
                    throw LanguageError(
                        "TypeError", "\(name) was given '\(parameters[index].name)' twice, by position and by label",
                        at: argument.span)
                }
                scope.names[parameters[index].name] = Binding(value: argument.value, mutable: false, origin: .parameter)
                given[index] = true
                continue
            }
            while nextPositional < parameters.count && given[nextPositional] { nextPositional += 1 }
            guard nextPositional < parameters.count else {
                throw LanguageError(
                    "TypeError",
                    "\(name) takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") but was given \(arguments.count)",
                    at: argument.span)
            }
            scope.names[parameters[nextPositional].name] = Binding(value: argument.value, mutable: false, origin: .parameter)
            given[nextPositional] = true
            nextPositional += 1
        }
        for (index, parameter) in parameters.enumerated() where !given[index] {
            guard let defaultValue = parameter.defaultValue else {
                throw LanguageError("TypeError", "\(name) is missing its argument '\(parameter.name)'", at: span)
            }
            scope.names[parameter.name] = Binding(value: try eval(defaultValue, scope), mutable: false, origin: .parameter)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > maxCallDepth {
            throw LanguageError(
                "RecursionError", "too many nested calls (more than \(maxCallDepth)): does \(name) call itself without end?",
                at: span)
        }
        do {
            if declaration.returnsLastExpression, case .expression(let expression) = declaration.body[0].kind {
                return try eval(expression, scope)
            }
            switch try exec(declaration.body, scope) {
            case .normal: return .void
            case .returned(let value, _): return value
            case .breakLoop(let at): throw LanguageError("SyntaxError", "'break' outside a loop", at: at)
            case .continueLoop(let at): throw LanguageError("SyntaxError", "'continue' outside a loop", at: at)
            }
        } catch var failure as LanguageError {
            if failure.kind != "KeyboardInterrupt" {
                failure.passThrough(function: name, at: span)
            }
            throw failure
        }
    }

    /// Calls a function value from a builtin (callbacks, `map`, `noGrad { }`).
    func callFunction(_ function: Value, _ arguments: [Value], span: SourceSpan) throws -> Value {
        try call(function, arguments.map { CallArgument(label: nil, value: $0, span: span) }, span: span)
    }

    // MARK: Operators

    func unary(_ op: UnaryOperator, _ operand: Value, span: SourceSpan) throws -> Value {
        switch (op, operand) {
        case (.negate, .int(let value)):
            guard value != Int.min else { throw LanguageError("ValueError", "the whole number is too large to negate", at: span) }
            return .int(-value)
        case (.negate, .float(let value)): return .float(-value)
        case (.plus, .int), (.plus, .float), (.plus, .tensor): return operand
        case (.negate, .tensor(let tensor)):
            try runtime.checkInterrupt()
            do { return .tensor(try -tensor) } catch { throw located(error, span) }
        case (.not, .bool(let value)): return .bool(!value)
        case (.not, .tensor(let tensor)) where tensor.count == 1: return .bool(tensor.toDoubles()[0] == 0)
        default:
            throw LanguageError("TypeError", "'\(op.rawValue)' cannot be applied to \(describeKind(operand))", at: span)
        }
    }

    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value, span: SourceSpan) throws -> Value {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            return try intArithmetic(op, a, b, span: span)
        case (.int, .float), (.float, .int), (.float, .float):
            return try floatArithmetic(op, left.number!, right.number!, span: span)
        case (.tensor, _), (_, .tensor):
            return try tensorArithmetic(op, left, right, span: span)
        default:
            break
        }
        switch op {
        case .equal: return .bool(equal(left, right))
        case .notEqual: return .bool(!equal(left, right))
        default: break
        }
        switch (op, left, right) {
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .string(let a), _): return .string(a + right.text)
        case (.add, .array(let a), .array(let b)): return .array(a + b)
        case (.less, .string(let a), .string(let b)): return .bool(a < b)
        case (.lessEqual, .string(let a), .string(let b)): return .bool(a <= b)
        case (.greater, .string(let a), .string(let b)): return .bool(a > b)
        case (.greaterEqual, .string(let a), .string(let b)): return .bool(a >= b)
        case (.matmul, .array, _), (.matmul, _, .array):
            return try tensorArithmetic(op, left, right, span: span)
        case (_, .array, .int), (_, .array, .float), (_, .int, .array), (_, .float, .array):
            if op != .add {
                return try tensorArithmetic(op, left, right, span: span)
            }
        default:
            break
        }
        var hint = ""
        if case .array = left, case .array = right, op != .add {
            hint = "; make tensors with tensor(...) to compute elementwise"
        }
        if op == .add, case .array = left { hint = "; use tensor(...) to add elementwise, or append to grow the array" }
        throw LanguageError(
            "TypeError", "'\(op.rawValue)' cannot combine \(describeKind(left)) and \(describeKind(right))" + hint, at: span)
    }

    func intArithmetic(_ op: BinaryOperator, _ a: Int, _ b: Int, span: SourceSpan) throws -> Value {
        func checked(_ result: (Int, Bool)) throws -> Value {
            if result.1 {
                throw LanguageError("ValueError", "whole-number overflow in \(a) \(op.rawValue) \(b); use floats for numbers this large", at: span)
            }
            return .int(result.0)
        }
        switch op {
        case .add: return try checked(a.addingReportingOverflow(b))
        case .subtract: return try checked(a.subtractingReportingOverflow(b))
        case .multiply: return try checked(a.multipliedReportingOverflow(by: b))
        case .divide:
            guard b != 0 else {
                throw LanguageError(
                    "ValueError", "division by zero: \(a) / 0 (with floats, \(a).0 / 0 gives \(a == 0 ? "nan" : a > 0 ? "inf" : "-inf"))",
                    at: span)
            }
            return .float(Double(a) / Double(b))
        case .remainder:
            guard b != 0 else { throw LanguageError("ValueError", "remainder by zero: \(a) % 0", at: span) }
            return try checked(a.remainderReportingOverflow(dividingBy: b))
        case .matmul: throw LanguageError("TypeError", "'@' multiplies matrices (tensors), not numbers; use '*'", at: span)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .bool(compare(op, a, b))
        }
    }

    /// A comparison operator applied to two numbers of one kind.
    func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessEqual: a <= b
        case .greater: a > b
        case .greaterEqual: a >= b
        default: false
        }
    }

    func floatArithmetic(_ op: BinaryOperator, _ a: Double, _ b: Double, span: SourceSpan) throws -> Value {
        switch op {
        case .add: return .float(a + b)
        case .subtract: return .float(a - b)
        case .multiply: return .float(a * b)
        case .divide: return .float(a / b)
        case .remainder: return .float(a.truncatingRemainder(dividingBy: b))
        case .matmul: throw LanguageError("TypeError", "'@' multiplies matrices (tensors), not numbers; use '*'", at: span)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .bool(compare(op, a, b))
        }
    }

    func tensorArithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value, span: SourceSpan) throws -> Value {
        try runtime.checkInterrupt()
        do {
            // A number keeps the tensor's dtype, as in PyTorch: `x * 2` stays float32.
            if case .tensor(let a) = left, let b = right.number, op != .matmul, op != .remainder {
                switch op {
                case .add: return .tensor(try a + b)
                case .subtract: return .tensor(try a - b)
                case .multiply: return .tensor(try a * b)
                case .divide: return .tensor(try a / b)
                default: break
                }
            }
            if case .tensor(let b) = right, let a = left.number, op != .matmul, op != .remainder {
                switch op {
                case .add: return .tensor(try a + b)
                case .subtract: return .tensor(try a - b)
                case .multiply: return .tensor(try a * b)
                case .divide: return .tensor(try a / b)
                default: break
                }
            }
            let dtype: DType
            if case .tensor(let a) = left { dtype = a.dtype } else if case .tensor(let b) = right { dtype = b.dtype } else { dtype = .float32 }
            let a = try operand(left, dtype: dtype)
            let b = try operand(right, dtype: dtype)
            switch op {
            case .add: return .tensor(try a + b)
            case .subtract: return .tensor(try a - b)
            case .multiply: return .tensor(try a * b)
            case .divide: return .tensor(try a / b)
            case .matmul: return .tensor(try matmul(a, b))
            case .remainder:
                throw LanguageError("TypeError", "'%' is for whole numbers, not tensors", at: span)
            case .equal: return .tensor(try Tensors.equal(a, b))
            case .notEqual: return .tensor(try 1.0 - Tensors.equal(a, b))
            case .less: return .tensor(try less(a, b))
            case .greater: return .tensor(try greater(a, b))
            case .lessEqual: return .tensor(try 1.0 - greater(a, b))
            case .greaterEqual: return .tensor(try 1.0 - less(a, b))
            }
        } catch {
            throw located(error, span)
        }
    }

    func operand(_ value: Value, dtype: DType) throws -> Tensor {
        switch value {
        case .tensor(let tensor): return tensor
        case .int, .float, .bool, .array, .tuple: return try Convert.tensor(value, dtype: dtype.isFloatingPoint ? dtype : .float32)
        default:
            throw LanguageError("TypeError", "cannot combine a tensor with \(describeKind(value))")
        }
    }

    func equal(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.void, .void): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.range(let a, let b, let c), .range(let d, let e, let f)): return a == d && b == e && c == f
        case (.object(let a), .object(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        default:
            if let a = left.number, let b = right.number { return a == b }
            return false
        }
    }

    /// Engine errors become language errors at `span`; language errors keep their own span.
    func located(_ error: any Error, _ span: SourceSpan) -> LanguageError {
        switch error {
        case var failure as LanguageError:
            if failure.span == nil { failure.span = span }
            return failure
        case let failure as TensorError:
            return LanguageError(failure.kind, failure.description, at: span)
        case let failure as NeuralNetworkError:
            return LanguageError(failure.kind, failure.description, at: span)
        default:
            return LanguageError("ValueError", "\(error)", at: span)
        }
    }
}

extension Value {
    /// `[2, 3]` for tensors, for messages.
    var shapeText: String {
        if case .tensor(let tensor) = self { return "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]" }
        return "[]"
    }
}
