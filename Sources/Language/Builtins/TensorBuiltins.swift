// The tensor and autograd builtins: creating tensors, the math on them, their members and
// methods, and the switches of automatic differentiation. Only closures are registered here;
// nothing touches the engine (or BLAS) until a program calls one.

import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension Builtins {
    /// The tensor creation functions, the math functions, the members of `Tensor` and autograd.
    static func registerTensors(in library: Library) {
        library.topic = "Tensors"
        for dtype in DType.allCases { library.addConstant(dtype.rawValue, .string(dtype.rawValue)) }
        registerTensorCreation(in: library)
        registerTensorMath(in: library)
        registerTensorMembers(in: library)
        library.topic = "Autograd"
        registerAutograd(in: library)
    }
}

// MARK: - Shared argument helpers

extension Builtins {
    /// The element types a learner may name, with the spellings PyTorch users try.
    static let dtypeAliases: [String: DType] = [
        "float32": .float32, "float": .float32, "float64": .float64, "double": .float64,
        "int64": .int64, "int": .int64, "long": .int64, "int32": .int32,
    ]

    /// A dtype argument: "float32", "float64", "int32" or "int64" (the constants float32, ... are these strings).
    static func dtype(_ args: Arguments, _ name: String = "dtype") throws -> DType {
        let text = try args.string(name)
        if let dtype = dtypeAliases[text] { return dtype }
        throw args.error(
            name, "'\(text)' is not a dtype: use \"float32\", \"float64\", \"int32\" or \"int64\""
                + didYouMean(text, among: DType.allCases.map(\.rawValue)), kind: .valueError)
    }

    /// A dtype argument whose default is nil.
    static func dtypeIfPresent(_ args: Arguments, _ name: String = "dtype") throws -> DType? {
        args.has(name) ? try dtype(args, name) : nil
    }

    /// A shape from a variadic parameter: `zeros([2, 3])`, `zeros((2, 3))` or `zeros(2, 3)`.
    /// `allowInferred` lets one size be -1 (reshape).
    static func variadicShape(_ args: Arguments, _ name: String, allowInferred: Bool = false) throws -> [Int] {
        var items = try args.array(name)
        if items.count == 1 {
            switch items[0] {
            case .array(let inner), .tuple(let inner): items = inner
            default: break
            }
        }
        return try items.map { item in
            let size: Int
            switch item {
            case .int(let value): size = value
            case .float(let value) where value == value.rounded() && Swift.abs(value) < 9e15: size = Int(value)
            default:
                throw args.error(
                    name, "\(args.builtin.name) needs a shape of whole numbers such as [2, 3], not \(describeKind(item))")
            }
            if size < 0 && !(allowInferred && size == -1) {
                throw args.error(
                    name, "sizes in a shape cannot be negative, got \(size)" + (allowInferred ? " (only -1, meaning 'the rest', is allowed)" : ""),
                    kind: .valueError)
            }
            return size
        }
    }

    /// A list of whole numbers from a variadic parameter: `permute(1, 0)` or `permute([1, 0])`.
    static func variadicInts(_ args: Arguments, _ name: String) throws -> [Int] {
        var items = try args.array(name)
        if items.count == 1 {
            switch items[0] {
            case .array(let inner), .tuple(let inner): items = inner
            default: break
            }
        }
        return try items.map { item in
            guard case .int(let value) = item else {
                throw args.error(name, "\(args.builtin.name) needs whole numbers, not \(describeKind(item))")
            }
            return value
        }
    }

    /// The axes of a reduction from `axis:` (one) or `axes:` (several); nil means every axis.
    static func reductionAxes(_ args: Arguments) throws -> [Int]? {
        let axis = try args.intIfPresent("axis")
        guard args.has("axes") else { return axis.map { [$0] } }
        guard axis == nil else {
            throw args.error("axes", "give either axis: or axes:, not both", kind: .typeError)
        }
        return try args.array("axes").map { item in
            guard case .int(let value) = item else {
                throw args.error("axes", "axes must be whole numbers such as [0, 1], not \(describeKind(item))")
            }
            return value
        }
    }

    /// The parameters every reduction takes.
    static var reductionParameters: [Parameter] {
        [.positional("axis", default: .void), .labelled("axes", default: .void), .labelled("keepDims", default: .bool(false))]
    }

    /// A whole-number index tensor: integer tensors as they are, float tensors of whole numbers
    /// (what `tensor([0, 2])` gives) converted to int64.
    static func indexTensor(_ args: Arguments, _ name: String) throws -> Tensor {
        guard let positions = try Convert.positions(try args.tensor(name)) else {
            throw args.error(name, "\(args.builtin.name) needs whole-number indices", kind: .valueError)
        }
        return positions
    }

    /// Two operands of an elementwise function: a tensor and a number take the tensor's dtype
    /// (as the operators do), arrays become float32 tensors.
    static func tensorPair(_ args: Arguments, _ first: String, _ second: String) throws -> (Tensor, Tensor) {
        func dtype(of value: Value) -> DType? {
            if case .tensor(let tensor) = value { return tensor.dtype }
            return nil
        }
        func convert(_ name: String, like other: DType?) throws -> Tensor {
            let value = args.value(name)
            if case .tensor(let tensor) = value { return tensor }
            var target = DType.float32
            if let other {
                if other.isFloatingPoint {
                    target = other
                } else if case .int = value {
                    target = other
                }
            }
            do {
                return try Convert.tensor(value, dtype: target)
            } catch let failure as LanguageError {
                throw args.error(name, "\(args.builtin.name)'s argument \(name): \(failure.message)", kind: failure.kind)
            }
        }
        let a = try convert(first, like: dtype(of: args.value(second)))
        let b = try convert(second, like: dtype(of: args.value(first)))
        return (a, b)
    }

    /// A list of tensors from an array argument (items may be tensors, numbers or arrays).
    static func tensorList(_ args: Arguments, _ name: String) throws -> [Tensor] {
        let items = try args.array(name)
        guard !items.isEmpty else { throw args.error(name, "\(args.builtin.name) needs at least one tensor", kind: .valueError) }
        return try items.enumerated().map { index, item in
            do {
                return try Convert.tensor(item)
            } catch let failure as LanguageError {
                throw args.error(name, "item \(index) of \(name): \(failure.message)", kind: failure.kind)
            }
        }
    }

    /// The tensor's elements as nested arrays: Ints for integer tensors, Floats otherwise.
    static func nestedArray(_ tensor: Tensor) -> Value {
        let values = tensor.toDoubles()
        let isInteger = !tensor.dtype.isFloatingPoint
        func element(_ value: Double) -> Value { isInteger ? .int(Int(value)) : .float(value) }
        if tensor.rank == 0 { return values.first.map(element) ?? .void }
        let shape = tensor.shape
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        func build(_ axis: Int, _ offset: Int) -> Value {
            if axis == shape.count { return element(values[offset]) }
            return .array((0..<shape[axis]).map { build(axis + 1, offset + $0 * strides[axis]) })
        }
        return build(0, 0)
    }

    /// A one-element tensor's value as a plain number: an Int for integer tensors, a Float otherwise.
    static func scalarValue(_ tensor: Tensor) throws -> Value {
        let value = try tensor.item()
        if !tensor.dtype.isFloatingPoint, Swift.abs(value) < 9.2e18 { return .int(Int(value)) }
        return .float(value)
    }

    /// A new tensor of the same shape and dtype from each element mapped (not differentiable).
    static func mapValues(_ tensor: Tensor, _ transform: (Double) -> Double) throws -> Tensor {
        try Tensor(shape: tensor.shape, scalars: tensor.toDoubles().map(transform), dtype: tensor.dtype)
    }
}

// MARK: - Scalar math for plain numbers

enum ScalarMath {
    static func exp(_ x: Double) -> Double {
        #if canImport(Darwin)
            Darwin.exp(x)
        #else
            Glibc.exp(x)
        #endif
    }
    static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    static func sin(_ x: Double) -> Double {
        #if canImport(Darwin)
            Darwin.sin(x)
        #else
            Glibc.sin(x)
        #endif
    }
    static func cos(_ x: Double) -> Double {
        #if canImport(Darwin)
            Darwin.cos(x)
        #else
            Glibc.cos(x)
        #endif
    }
    static func tanh(_ x: Double) -> Double {
        #if canImport(Darwin)
            Darwin.tanh(x)
        #else
            Glibc.tanh(x)
        #endif
    }
    static func erf(_ x: Double) -> Double {
        #if canImport(Darwin)
            Darwin.erf(x)
        #else
            Glibc.erf(x)
        #endif
    }
    static func pow(_ x: Double, _ y: Double) -> Double {
        #if canImport(Darwin)
            Darwin.pow(x, y)
        #else
            Glibc.pow(x, y)
        #endif
    }
    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }
    static func gelu(_ x: Double) -> Double { x * (1 + erf(x * 0.70710678118654752440)) / 2 }
}
