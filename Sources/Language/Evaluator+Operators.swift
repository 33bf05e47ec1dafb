// Unary and binary operators on whole numbers, floats, strings and tensors, and equality.

import NeuralNetworks
import Tensors

extension Evaluator {
    // MARK: Operators

    func unary(_ op: UnaryOperator, _ operand: Value, span: SourceSpan) throws -> Value {
        switch (op, operand) {
        case (.negate, .int(let value)):
            guard value != Int.min else { throw LanguageError(.valueError, "the whole number is too large to negate", at: span) }
            return .int(-value)
        case (.negate, .float(let value)): return .float(-value)
        case (.plus, .int), (.plus, .float), (.plus, .tensor): return operand
        case (.negate, .tensor(let tensor)):
            try runtime.checkInterrupt()
            do { return .tensor(try -tensor) } catch { throw located(error, span) }
        case (.not, .bool(let value)): return .bool(!value)
        case (.not, .tensor(let tensor)) where tensor.count == 1: return .bool(tensor.toDoubles()[0] == 0)
        default:
            throw LanguageError(.typeError, "'\(op.rawValue)' cannot be applied to \(describeKind(operand))", at: span)
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
            .typeError, "'\(op.rawValue)' cannot combine \(describeKind(left)) and \(describeKind(right))" + hint, at: span)
    }

    func intArithmetic(_ op: BinaryOperator, _ a: Int, _ b: Int, span: SourceSpan) throws -> Value {
        func checked(_ result: (Int, Bool)) throws -> Value {
            if result.1 {
                throw LanguageError(.valueError, "whole-number overflow in \(a) \(op.rawValue) \(b); use floats for numbers this large", at: span)
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
                    .valueError, "division by zero: \(a) / 0 (with floats, \(a).0 / 0 gives \(a == 0 ? "nan" : a > 0 ? "inf" : "-inf"))",
                    at: span)
            }
            return .float(Double(a) / Double(b))
        case .remainder:
            guard b != 0 else { throw LanguageError(.valueError, "remainder by zero: \(a) % 0", at: span) }
            return try checked(a.remainderReportingOverflow(dividingBy: b))
        case .matmul: throw LanguageError(.typeError, "'@' multiplies matrices (tensors), not numbers; use '*'", at: span)
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
        case .matmul: throw LanguageError(.typeError, "'@' multiplies matrices (tensors), not numbers; use '*'", at: span)
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
                throw LanguageError(.typeError, "'%' is for whole numbers, not tensors", at: span)
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
            throw LanguageError(.typeError, "cannot combine a tensor with \(describeKind(value))")
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
}
