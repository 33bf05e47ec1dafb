// Evaluating expressions to values.

import Interchange
import NeuralNetworks
import Tensors

extension Evaluator {
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
                case .formatted(let inner, let digitsExpression):
                    text += try formattedText(try eval(inner, scope), digits: try eval(digitsExpression, scope), span: inner.span)
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
        case .dictionary(let entries):
            return try evalDictionary(entries, scope)
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
        case .typeCheck(let valueExpression, let typeName, let nameSpan):
            return .bool(try isOfType(try eval(valueExpression, scope), typeName, span: nameSpan, scope))
        }
    }

    func nameError(_ name: String, _ scope: Scope, _ span: SourceSpan) -> LanguageError {
        var candidates = scope.allNames
        candidates.formUnion(library.functions.keys)
        candidates.formUnion(library.constants.keys)
        let torch = PyTorchSpellings.hint(for: name, among: candidates, functions: true)
        var message = "'\(name)' is not defined" + (torch.isEmpty ? didYouMean(name, among: candidates) : torch)
        if ["None", "nil", "null"].contains(name) { message = "'\(name)' is not defined: the language has no null value" }
        if ["True", "False"].contains(name) { message = "'\(name)' is not defined; did you mean '\(name.lowercased())'?" }
        if name == "def" { message = "'def' is not defined: functions are declared with func name(args) { ... }" }
        if name == "super" { message = "'super' is not defined here: it is used in a method of a subclass (class B: A { ... })" }
        if name == "self" { message = "'self' is not defined here: it is used in the init and methods of a class" }
        return LanguageError(.nameError, message, at: span)
    }

    /// `\(x, digits: 3)`: a number (or one-element tensor) with exactly that many decimals;
    /// a tensor of several elements gets them on each element.
    func formattedText(_ value: Value, digits digitsValue: Value, span: SourceSpan) throws -> String {
        guard case .int(let digits) = digitsValue, (0...15).contains(digits) else {
            throw LanguageError(.valueError, "digits: must be a whole number from 0 to 15, not \(describeKind(digitsValue))", at: span)
        }
        func fixed(_ number: Double) -> String {
            guard number.isFinite else { return formatFloat(number) }
            if digits == 0, Swift.abs(number) < 9e15 { return String(Int(number.rounded())) }
            return fixedDecimals(number, digits)
        }
        switch value {
        case .int(let number): return fixed(Double(number))
        case .float(let number): return fixed(number)
        case .tensor(let tensor) where tensor.count == 1: return fixed(tensor.toDoubles()[0])
        case .tensor(let tensor): return "[" + tensor.toDoubles().map(fixed).joined(separator: ", ") + "]"
        default:
            throw LanguageError(.typeError, "digits: formats numbers, not \(describeKind(value))", at: span)
        }
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
        case .float(let number) where number.wholeNumber(below: 9e15) != nil: return Int(number)
        case .tensor(let tensor) where tensor.count == 1:
            if let whole = tensor.toDoubles()[0].wholeNumber(below: 9e15) { return whole }
        default: break
        }
        throw LanguageError(.typeError, "a range's ends must be whole numbers, not \(describeKind(value))", at: span)
    }

    /// A condition's truth: a Bool, or a tensor with one element (non-zero is true).
    func truth(_ value: Value, span: SourceSpan) throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .tensor(let tensor):
            guard tensor.count == 1 else {
                throw LanguageError(
                    .valueError,
                    "a tensor of shape \(formatShape(tensor.shape)) has \(tensor.count) elements, so it is neither true nor false; use .all() or .any()",
                    at: span)
            }
            return tensor.toDoubles()[0] != 0
        default:
            throw LanguageError(.typeError, "a condition must be true or false, not \(describeKind(value))", at: span)
        }
    }
}
