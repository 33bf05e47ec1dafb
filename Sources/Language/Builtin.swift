// Builtins: everything that is not syntax. A builtin is a name, a signature with defaults, a
// doc line and a Swift body; methods and members of values are builtins too, kept per type.

import Interchange
import NeuralNetworks
import Tensors

/// One parameter of a builtin.
public struct Parameter: Sendable {
    /// The label a call uses (`seed` in `randn([2], seed: 1)`).
    public var name: String
    /// Whether a call may give it without its label, by position.
    public var positional: Bool
    /// The value used when the call leaves it out; nil means required.
    public var defaultValue: Value?
    /// Gathers every remaining positional argument into an array (`print(_ items...)`).
    public var variadic: Bool
    /// Gathers every argument whose label names no other parameter, as an array of
    /// (label, value) tuples (`log(loss: l, accuracy: a)`).
    public var keywords: Bool = false

    /// Every labelled argument the other parameters do not name.
    public static func keywords(_ name: String) -> Parameter {
        Parameter(name: name, positional: false, defaultValue: .array([]), variadic: false, keywords: true)
    }

    /// A positional parameter (`_ name`): given by position, or by label.
    public static func positional(_ name: String, default defaultValue: Value? = nil) -> Parameter {
        Parameter(name: name, positional: true, defaultValue: defaultValue, variadic: false, keywords: false)
    }

    /// A labelled parameter: given as `name: value`.
    public static func labelled(_ name: String, default defaultValue: Value? = nil) -> Parameter {
        Parameter(name: name, positional: false, defaultValue: defaultValue, variadic: false, keywords: false)
    }

    /// Every remaining positional argument, as an array.
    public static func variadic(_ name: String) -> Parameter {
        Parameter(name: name, positional: true, defaultValue: .array([]), variadic: true, keywords: false)
    }

    var signatureText: String {
        var text = positional ? "_ \(name)" : "\(name):"
        if variadic { return "_ \(name)..." }
        if keywords { return "name: value..." }
        if let defaultValue {
            text += positional ? " = " : " "
            text += defaultValue.isVoid ? "nil" : defaultValue.literalText
        }
        return text
    }
}

/// A function written in Swift that programs call by name (or as a method).
public final class Builtin: @unchecked Sendable {
    public typealias Body = (inout Arguments) throws -> Value

    public let name: String
    public let parameters: [Parameter]
    /// One or a few sentences: what it does, what it returns.
    public let doc: String
    /// A short program using it, shown in the reference (docs/language.md) and run by the tests.
    public let example: String
    /// The reference section it is listed under ("Tensors", "Layers", ...).
    public internal(set) var topic: String = ""
    /// For a function that is also a tensor method (`exp(x)` and `x.exp()`): the method's
    /// signature, `x.exp()`, which the reference shows in the function's entry.
    public internal(set) var methodSignature: String?
    /// Whether this is the method spelling of such a function, listed in the reference under
    /// the function.
    public internal(set) var isMethodSpelling = false
    let body: Body

    public init(_ name: String, _ parameters: [Parameter] = [], doc: String, example: String = "", body: @escaping Body) {
        self.name = name
        self.parameters = parameters
        self.doc = doc
        self.example = example
        self.body = body
    }

    /// `randn(_ shape, seed: nil, requiresGrad: false)`
    public var signature: String {
        name + "(" + parameters.map(\.signatureText).joined(separator: ", ") + ")"
    }
}

/// A member of a type: a property (`x.shape`) or a method (`x.sum(axis: 0)`).
public enum Member {
    case property(get: (Value) throws -> Value, set: ((Value, Value) throws -> Void)?, doc: String)
    case method(Builtin)

    public var doc: String {
        switch self {
        case .property(_, _, let doc): doc
        case .method(let builtin): builtin.doc
        }
    }
}

/// The builtins and member tables a session knows. Each module of builtins registers itself here.
public final class Library: @unchecked Sendable {
    public private(set) var functions: [String: Builtin] = [:]
    /// Type → member name → member. A callable object has the method named `()`.
    public private(set) var members: [ValueType: [String: Member]] = [:]
    /// Named constants such as `pi`, `float32`.
    public private(set) var constants: [String: Value] = [:]

    /// The reference section builtins registered from now on belong to.
    public var topic = "Basics"
    /// Types in the order their members were first registered, for the reference.
    public private(set) var typeOrder: [ValueType] = []

    public init() {}

    public func add(_ builtin: Builtin) {
        builtin.topic = topic
        functions[builtin.name] = builtin
    }

    public func add(
        _ name: String, _ parameters: [Parameter] = [], doc: String, example: String = "", body: @escaping Builtin.Body
    ) {
        add(Builtin(name, parameters, doc: doc, example: example, body: body))
    }

    public func addConstant(_ name: String, _ value: Value) { constants[name] = value }

    /// A method on `type`; its body finds the receiver in `arguments.receiver`.
    public func addMethod(
        _ type: ValueType, _ name: String, _ parameters: [Parameter] = [], doc: String, example: String = "",
        body: @escaping Builtin.Body
    ) {
        addMethod(type, Builtin(name, parameters, doc: doc, example: example, body: body))
    }

    /// A method on `type`, made elsewhere (the method spelling of a function).
    func addMethod(_ type: ValueType, _ builtin: Builtin) {
        if members[type] == nil { typeOrder.append(type) }
        builtin.topic = topic
        members[type, default: [:]][builtin.name] = .method(builtin)
    }

    /// Makes objects of `type` callable: `model(x)`.
    public func addCall(
        _ type: ValueType, _ parameters: [Parameter], doc: String, example: String = "", body: @escaping Builtin.Body
    ) {
        addMethod(type, "()", parameters, doc: doc, example: example, body: body)
    }

    public func addProperty(
        _ type: ValueType, _ name: String, doc: String, get: @escaping (Value) throws -> Value,
        set: ((Value, Value) throws -> Void)? = nil
    ) {
        if members[type] == nil { typeOrder.append(type) }
        members[type, default: [:]][name] = .property(get: get, set: set, doc: doc)
    }

    /// The member `name` of a value, looking through its types in order.
    func member(_ name: String, of value: Value) -> Member? {
        for type in value.memberTypes {
            if let member = members[type]?[name] { return member }
        }
        return nil
    }

    /// Every member name of a value, for completion and "did you mean".
    func memberNames(of value: Value) -> [String] {
        var names = Set<String>()
        for type in value.memberTypes { names.formUnion(members[type]?.keys ?? [:].keys) }
        if case .object(let instance as ObjectInstance) = value { names.formUnion(instance.memberNames) }
        if case .dictionary = value { names.formUnion(Evaluator.dictionaryMemberNames) }
        names.remove("()")
        return names.sorted()
    }
}

// MARK: - Arguments

/// The arguments of one call, bound to the builtin's parameters, with typed accessors whose
/// errors name the parameter and point at the argument.
public struct Arguments {
    public let builtin: Builtin
    /// One per parameter, defaults filled in.
    public internal(set) var values: [Value]
    /// Where each argument was written; nil for defaults.
    let spans: [SourceSpan?]
    /// The whole call, for errors that concern no single argument.
    public let span: SourceSpan
    /// `x` in `x.sum()`; nil for plain functions.
    public let receiver: Value?
    public let runtime: Runtime
    let evaluator: Evaluator

    /// Calls a function value the program passed in (a callback, a closure), with positional arguments.
    public func call(_ function: Value, _ arguments: [Value]) throws -> Value {
        try evaluator.callFunction(function, arguments, span: span)
    }

    func index(of name: String) -> Int {
        guard let index = builtin.parameters.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(builtin.name) has no parameter \(name)")
        }
        return index
    }

    /// The value of a parameter (void when it defaults to nil and was not given).
    public func value(_ name: String) -> Value { values[index(of: name)] }

    /// Whether the call gave the parameter (or its default is not nil).
    public func has(_ name: String) -> Bool { !values[index(of: name)].isVoid }

    /// Where the argument for `name` was written, or the call itself.
    public func span(of name: String) -> SourceSpan { spans[index(of: name)] ?? span }

    /// An error about the argument `name`, pointing at it.
    public func error(_ name: String, _ message: String, kind: ErrorKind = .typeError) -> LanguageError {
        LanguageError(kind, message, at: span(of: name))
    }

    /// An error about the whole call.
    public func error(_ message: String, kind: ErrorKind = .valueError) -> LanguageError {
        LanguageError(kind, message, at: span)
    }

    private func mismatch(_ name: String, expected: String) -> LanguageError {
        let value = self.value(name)
        return error(name, "\(builtin.name)'s argument \(name) must be \(expected), not \(describeKind(value))")
    }

    public func receiverObject<T>(as type: T.Type) throws -> T {
        if case .object(let object) = receiver, let typed = object as? T { return typed }
        if case .tensor(let tensor) = receiver, let typed = tensor as? T { return typed }
        // The type's name as programs see it (`ValueType`), not the Swift class behind it.
        let expected = (T.self as? any ScriptObject.Type)?.valueType.name
            ?? (T.self == Tensor.self ? ValueType.tensor.name : String(describing: T.self))
        let given = receiver.map(describeKind) ?? "nothing"
        throw error("\(builtin.name) is a method of \(article(expected)) \(expected), not of \(given)", kind: .typeError)
    }

    public func receiverTensor() throws -> Tensor {
        if case .tensor(let tensor) = receiver { return tensor }
        throw error("\(builtin.name) needs a tensor", kind: .typeError)
    }

    public func int(_ name: String) throws -> Int {
        switch value(name) {
        case .int(let value): return value
        case .float(let value) where value.wholeNumber(below: 9e15) != nil: return Int(value)
        case .tensor(let tensor) where tensor.count == 1:
            if let whole = tensor.toDoubles()[0].wholeNumber(below: 9e15) { return whole }
            throw mismatch(name, expected: "a whole number")
        default: throw mismatch(name, expected: "a whole number")
        }
    }

    public func intIfPresent(_ name: String) throws -> Int? { has(name) ? try int(name) : nil }

    public func double(_ name: String) throws -> Double {
        switch value(name) {
        case .int(let value): return Double(value)
        case .float(let value): return value
        case .bool(let value): return value ? 1 : 0
        case .tensor(let tensor) where tensor.count == 1: return tensor.toDoubles()[0]
        default: throw mismatch(name, expected: "a number")
        }
    }

    public func doubleIfPresent(_ name: String) throws -> Double? { has(name) ? try double(name) : nil }

    public func bool(_ name: String) throws -> Bool {
        if case .bool(let value) = value(name) { return value }
        throw mismatch(name, expected: "true or false")
    }

    public func string(_ name: String) throws -> String {
        if case .string(let value) = value(name) { return value }
        throw mismatch(name, expected: "a string")
    }

    public func stringIfPresent(_ name: String) throws -> String? { has(name) ? try string(name) : nil }

    /// A tensor; numbers and (nested) arrays of numbers become float32 tensors.
    public func tensor(_ name: String) throws -> Tensor {
        do {
            return try Convert.tensor(value(name))
        } catch let failure as LanguageError {
            throw error(name, "\(builtin.name)'s argument \(name): \(failure.message)", kind: failure.kind)
        }
    }

    public func tensorIfPresent(_ name: String) throws -> Tensor? { has(name) ? try tensor(name) : nil }

    /// A shape: `[2, 3]`, `(2, 3)` or a single size `5`.
    public func shape(_ name: String) throws -> [Int] {
        let value = self.value(name)
        let items: [Value]
        switch value {
        case .array(let values), .tuple(let values): items = values
        case .int: items = [value]
        default: throw mismatch(name, expected: "a shape such as [2, 3]")
        }
        return try items.map { item in
            guard case .int(let size) = item else { throw mismatch(name, expected: "a shape of whole numbers") }
            guard size >= 0 else { throw error(name, "sizes in a shape cannot be negative, got \(size)", kind: .valueError) }
            return size
        }
    }

    public func array(_ name: String) throws -> [Value] {
        switch value(name) {
        case .array(let values), .tuple(let values): return values
        default: throw mismatch(name, expected: "an array")
        }
    }

    public func object<T>(_ name: String, as type: T.Type, expected: String) throws -> T {
        if case .object(let object) = value(name), let typed = object as? T { return typed }
        throw mismatch(name, expected: expected)
    }

    public func function(_ name: String) throws -> Function {
        if case .function(let function) = value(name) { return function }
        throw mismatch(name, expected: "a function")
    }
}

/// "a String", "an Int 3", "a Tensor of shape [2, 3]": how errors name what they got.
func describeKind(_ value: Value) -> String {
    switch value {
    case .tensor(let tensor): "a tensor of shape " + formatShape(tensor.shape)
    case .int(let number): "the whole number \(number)"
    case .float(let number): "the number \(formatFloat(number))"
    case .string(let text): "the string \(quote(text.count > 20 ? String(text.prefix(20)) + "…" : text))"
    case .bool(let flag): flag ? "true" : "false"
    case .void: "nothing (a value of type Void)"
    default: article(value.typeName) + " " + value.typeName
    }
}

func article(_ word: String) -> String {
    guard let first = word.lowercased().first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}

/// Conversions between values and engine types that several builtins share.
public enum Convert {
    /// A tensor of positions: integer tensors as they are, float tensors of whole numbers (what
    /// `tensor([0, 2])` gives) as int64; nil when some element is not a whole number.
    public static func positions(_ tensor: Tensor) throws -> Tensor? {
        if !tensor.dtype.isFloatingPoint { return tensor }
        guard tensor.toDoubles().allSatisfy({ $0.wholeNumber(below: 9e15) != nil }) else { return nil }
        return try tensor.detach().converted(to: .int64)
    }

    /// A tensor from a value: tensors as they are, numbers and nested arrays of numbers as float32.
    public static func tensor(_ value: Value, dtype: DType = .float32) throws -> Tensor {
        switch value {
        case .tensor(let tensor): return tensor
        case .int(let number): return try Tensor(shape: [], scalars: [Double(number)], dtype: dtype)
        case .float(let number): return try Tensor(shape: [], scalars: [number], dtype: dtype)
        case .bool(let flag): return try Tensor(shape: [], scalars: [flag ? 1 : 0], dtype: dtype)
        case .array, .tuple:
            var shape: [Int] = []
            var scalars: [Double] = []
            try flatten(value, depth: 0, shape: &shape, into: &scalars)
            return try Tensor(shape: shape, scalars: scalars, dtype: dtype)
        default:
            throw LanguageError(.typeError, "expected a tensor, a number or an array of numbers, not \(describeKind(value))")
        }
    }

    private static func flatten(_ value: Value, depth: Int, shape: inout [Int], into scalars: inout [Double]) throws {
        switch value {
        case .array(let items), .tuple(let items):
            if depth == shape.count {
                shape.append(items.count)
            } else if shape[depth] != items.count {
                throw LanguageError(
                    .shapeError, "rows of different lengths: \(shape[depth]) and \(items.count) at depth \(depth + 1)")
            }
            for item in items { try flatten(item, depth: depth + 1, shape: &shape, into: &scalars) }
        case .int(let number):
            guard depth == shape.count else { throw LanguageError(.shapeError, "a number where a row was expected") }
            scalars.append(Double(number))
        case .float(let number):
            guard depth == shape.count else { throw LanguageError(.shapeError, "a number where a row was expected") }
            scalars.append(number)
        case .bool(let flag):
            guard depth == shape.count else { throw LanguageError(.shapeError, "a number where a row was expected") }
            scalars.append(flag ? 1 : 0)
        case .tensor(let tensor):
            // Arrays of tensors stack, `tensor([a, b])`.
            if depth == shape.count {
                shape.append(contentsOf: tensor.shape)
            } else if Array(shape[depth...]) != tensor.shape {
                throw LanguageError(.shapeError, "tensors of different shapes in one array")
            }
            scalars.append(contentsOf: tensor.toDoubles())
        default:
            throw LanguageError(.typeError, "arrays for tensors hold numbers, not \(describeKind(value))")
        }
    }
}
