// Walks the syntax tree: programs, statements and loops here; assignment, expressions, members
// and indexing, calls and operators in the Evaluator+*.swift files; scopes in Scope.swift.

import NeuralNetworks
import Tensors

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
    /// The debugger's hooks, tested at every statement.
    let debugging: Debugging

    init(runtime: Runtime, globals: Scope, debugging: Debugging = Debugging()) {
        self.runtime = runtime
        self.globals = globals
        self.debugging = debugging
    }

    // MARK: Programs and statements

    /// Runs a cell's statements in the globals; the value of the last one if it is an expression.
    func run(_ program: Program) throws -> Value {
        var last: Value = .void
        for (index, statement) in program.statements.enumerated() {
            try runtime.checkInterrupt()
            if index == program.statements.count - 1, case .expression(let expression) = statement.kind {
                if debugging.isAttached {
                    last = try debugging.step(at: statement.span, in: globals, evaluator: self) {
                        try eval(expression, globals)
                    }
                } else {
                    last = try eval(expression, globals)
                }
                break
            }
            switch try exec(statement, globals) {
            case .normal: break
            case .breakLoop(let span): throw LanguageError(.syntaxError, "'break' outside a loop", at: span)
            case .continueLoop(let span): throw LanguageError(.syntaxError, "'continue' outside a loop", at: span)
            case .returned(_, let span): throw LanguageError(.syntaxError, "'return' outside a function", at: span)
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
        if debugging.isAttached {
            return try debugging.step(at: statement.span, in: scope, evaluator: self) { try execStatement(statement, scope) }
        }
        return try execStatement(statement, scope)
    }

    func execStatement(_ statement: Stmt, _ scope: Scope) throws -> Flow {
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
        case .class(let declaration):
            try declareClass(declaration, scope)
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
                throw LanguageError(.valueError, "a loop needs a range with both ends, such as 0..<10", at: span)
            }
            if closed && upper < lower || !closed && upper < lower {
                throw LanguageError(
                    .valueError, "the range \(Value.range(lower: lower, upper: upper, closed: closed).text) runs backwards: its start must not be above its end",
                    at: span)
            }
            if closed && upper == Int.max {
                throw LanguageError(.valueError, "the range is too long to loop over", at: span)
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
        case .object(let stride as Stride):
            for number in stride.values {
                if let flow = handle(try body(.int(number))) { return flow }
            }
        case .dictionary(let dictionary):
            for (key, value) in dictionary.entries {
                if let flow = handle(try body(.tuple([key.value, value]))) { return flow }
            }
        case .string(let text):
            for character in text {
                if let flow = handle(try body(.string(String(character)))) { return flow }
            }
        case .tensor(let tensor):
            guard tensor.rank >= 1 else {
                throw LanguageError(.typeError, "cannot loop over a tensor with no axes (a single number)", at: span)
            }
            for index in 0..<tensor.shape[0] {
                let row = try tensor.index([.at(index)])
                if let flow = handle(try body(.tensor(row))) { return flow }
            }
        default:
            throw LanguageError(
                .typeError, "cannot loop over \(describeKind(sequence)): loop over a range, an array or a tensor", at: span)
        }
        return .normal
    }

    /// Engine errors become language errors at `span`; language errors keep their own span.
    func located(_ error: any Error, _ span: SourceSpan) -> LanguageError {
        switch error {
        case var failure as LanguageError:
            if failure.span == nil { failure.span = span }
            return failure
        case let failure as TensorError:
            // The engine's Swift name for it; in a program it is `noGrad { }`.
            let message = failure.description.replacing("withNoGrad { }", with: "noGrad { }")
            return LanguageError(ErrorKind(named: failure.kind), message, at: span)
        case let failure as NeuralNetworkError:
            return LanguageError(ErrorKind(named: failure.kind), failure.description, at: span)
        default:
            return LanguageError(.valueError, "\(error)", at: span)
        }
    }
}
