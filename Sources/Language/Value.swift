// The values a program computes with: numbers, strings, collections, tensors, functions and the
// engine's objects (layers, optimizers, trainers, pictures).

import Interchange
import NeuralNetworks
import Tensors

/// A runtime value.
public enum Value: @unchecked Sendable {
    /// What a statement or a function without `return` gives: shows nothing.
    case void
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case array([Value])
    case tuple([Value])
    /// Keys to values in insertion order (Dictionaries.swift).
    case dictionary(ScriptDictionary)
    /// `a..<b` (closed: false), `a...b` (closed: true); a missing bound is open (`..<b`, `a...`, `..`).
    case range(lower: Int?, upper: Int?, closed: Bool)
    case tensor(Tensor)
    case function(Function)
    case object(any ScriptObject)

    /// The value's type: the one messages, `type(of:)` and `%who` name.
    public var type: ValueType {
        switch self {
        case .void: .void
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        case .array: .array
        case .tuple: .tuple
        case .dictionary: .dictionary
        case .range: .range
        case .tensor: .tensor
        case .function(let function): function.isBuiltin ? .builtin : .function
        case .object(let object): object.type
        }
    }

    /// The name a learner sees in messages and in `%who`: "Int", "Tensor", "Dense", ...
    public var typeName: String { type.name }

    /// The types whose members this value has, most specific first (Dense, Layer).
    var memberTypes: [ValueType] {
        switch self {
        case .object(let object): object.types
        default: [type]
        }
    }

    /// A number as a Double, if the value is one.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .float(let value): value
        default: nil
        }
    }

    public var isVoid: Bool {
        if case .void = self { return true }
        return false
    }
}

/// An engine object a program holds: a layer, an optimizer, a trainer, a picture, a history.
///
/// Members and methods come from the library's member tables, found by `types`.
public protocol ScriptObject: AnyObject {
    /// The type of this class's objects, the key of the member table that serves them:
    /// `static let valueType = ValueType(named: "Trainer")`.
    static var valueType: ValueType { get }
    /// The object's own type, the one messages name: the class's unless more specific
    /// (a Dense layer, an SGD optimizer).
    var type: ValueType { get }
    /// Every type whose members apply, most specific first: [Dense, Layer].
    var types: [ValueType] { get }
    /// The `text/plain` form.
    var plainText: String { get }
    /// The rich form shown as a cell's result or by `display`; nil shows `plainText` only.
    func richDisplay() throws -> MIMEBundle?
}

extension ScriptObject {
    public var type: ValueType { Self.valueType }
    public var types: [ValueType] { [type] }
    /// The name of the object's type, for messages.
    public var typeName: String { type.name }
    public func richDisplay() throws -> MIMEBundle? { nil }
}

/// A user function, a closure, a builtin, or a method bound to its receiver.
public final class Function: @unchecked Sendable {
    enum Body {
        case user(FunctionDeclaration, captured: Scope?)
        case builtin(Builtin)
        case method(Builtin, receiver: Value)
    }

    let body: Body

    init(_ body: Body) { self.body = body }

    public var isBuiltin: Bool {
        if case .user = body { return false }
        return true
    }

    public var name: String {
        switch body {
        case .user(let declaration, _): declaration.name ?? "closure"
        case .builtin(let builtin), .method(let builtin, _): builtin.name
        }
    }

    /// The builtin behind the value, for builtins that take functions by name (`activation: relu`).
    public var builtin: Builtin? {
        if case .builtin(let builtin) = body { return builtin }
        return nil
    }

    public var signature: String {
        switch body {
        case .user(let declaration, _):
            let parameters = declaration.parameters.map { parameter in
                let name = parameter.label.map { "\($0) \(parameter.name)" } ?? parameter.name
                return parameter.defaultValue == nil ? name : "\(name) = \(parameter.defaultSource)"
            }
            return "func \(declaration.name ?? "")(\(parameters.joined(separator: ", ")))"
        case .builtin(let builtin), .method(let builtin, _):
            return builtin.signature
        }
    }
}

// MARK: - Text

extension Value {
    /// How `print` and string interpolation show the value: in full (`ValueText`).
    public var text: String { ValueText.full(self, check: {}) }

    /// The text of a value that holds no other values (collections are `ValueText`'s).
    var scalarText: String {
        switch self {
        case .void: return "()"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .float(let value): return formatFloat(value)
        case .string(let value): return value
        case .array, .tuple, .dictionary: return text
        case .range(let lower, let upper, let closed):
            return (lower.map(String.init) ?? "") + (closed ? "..." : (lower == nil && upper == nil ? ".." : "..<"))
                + (upper.map(String.init) ?? "")
        case .tensor(let tensor): return tensorText(tensor)
        case .function(let function): return function.signature
        case .object(let object): return object.plainText
        }
    }

    /// Strings quoted, as they appear inside arrays and tuples.
    var literalText: String {
        if case .string(let value) = self { return quote(value) }
        return text
    }
}

func quote(_ text: String) -> String { JSON.quoted(text) }

/// Swift's shortest round-trip form, with `inf` and `nan` as a learner reads them.
func formatFloat(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return String(value)
}

/// `tensor([[1.0, 2.0], [3.0, 4.0]], shape: [2, 2], dtype: float32)`, summarised past a few items.
func tensorText(_ tensor: Tensor) -> String {
    let shape = tensor.shape
    let summarized = tensor.count > 1000
    var strides = [Int](repeating: 1, count: shape.count)
    if shape.count > 1 {
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    }
    // A long tensor shows a few elements of each axis; only those are read (a tensor of 300
    // million elements shows six), and, as in PyTorch, only they decide the number format.
    let values = summarized ? shownElements(tensor) : tensor.toDoubles()
    let isInteger = tensor.dtype == .int32 || tensor.dtype == .int64
    // Whole numbers print as `2.`; otherwise every element gets four decimals, as PyTorch prints.
    let allWhole = values.allSatisfy { !$0.isFinite || $0.wholeNumber(below: 1e15) != nil }
    var next = 0
    func element(_ value: Double) -> String {
        if isInteger, value.isFinite, Swift.abs(value) < 9.0e18 { return String(Int(value)) }
        if !value.isFinite { return formatFloat(value) }
        if allWhole { return String(Int(value)) + "." }
        if value == 0 { return "0.0000" }
        if Swift.abs(value) >= 1e-4 && Swift.abs(value) < 1e8 { return fixedDecimals(value, 4) }
        return formatFloat(value)
    }
    func render(_ axis: Int, _ offset: Int, _ strides: [Int]) -> String {
        if axis == shape.count {
            // Summarized, the values are the shown ones in the order they are shown.
            let position = summarized ? next : offset
            next += 1
            return position < values.count ? element(values[position]) : "?"
        }
        let size = shape[axis]
        var parts: [String] = []
        let edge = 3
        // Like PyTorch: only tensors of more than 1,000 elements are shortened.
        if size > 2 * edge + 1 && summarized {
            for index in 0..<edge { parts.append(render(axis + 1, offset + index * strides[axis], strides)) }
            parts.append("...")
            for index in (size - edge)..<size { parts.append(render(axis + 1, offset + index * strides[axis], strides)) }
        } else {
            for index in 0..<size { parts.append(render(axis + 1, offset + index * strides[axis], strides)) }
        }
        let separator = axis == shape.count - 1 ? ", " : ",\n" + String(repeating: " ", count: 8 + axis)
        return "[" + parts.joined(separator: separator) + "]"
    }
    var text = "tensor(" + render(0, 0, strides)
    text += ", shape: " + formatShape(shape)
    if tensor.dtype != .float32 { text += ", dtype: \(tensor.dtype)" }
    if tensor.requiresGrad { text += ", requiresGrad: true" }
    return text + ")"
}

/// `value` with exactly `digits` decimals, without Foundation: 1.5 → "1.5000".
func fixedDecimals(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (Swift.abs(value) * scale).rounded()
    guard scaled < 9e15 else { return formatFloat(value) }
    let whole = Int(scaled)
    var fraction = String(whole % Int(scale))
    fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
    let sign = value < 0 && whole != 0 ? "-" : ""
    return sign + String(whole / Int(scale)) + "." + fraction
}

/// The elements a summarized tensor shows (three at each end of a long axis), in the order
/// they are shown, read one by one.
private func shownElements(_ tensor: Tensor) -> [Double] {
    let shape = tensor.shape
    var values: [Double] = []
    var position: [TensorIndex] = []
    func walk(_ axis: Int) {
        if axis == shape.count {
            values.append((try? tensor.index(position).detach().toDoubles().first) ?? .nan)
            return
        }
        let size = shape[axis]
        let indices = size > 7 ? Array(0..<3) + Array((size - 3)..<size) : Array(0..<size)
        for index in indices {
            position.append(.at(index))
            walk(axis + 1)
            position.removeLast()
        }
    }
    walk(0)
    return values
}
