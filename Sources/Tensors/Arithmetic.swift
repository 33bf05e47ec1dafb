/// Binary arithmetic with NumPy broadcasting, comparisons and `where`, with their gradients.

import Interchange

enum Add: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b } }
enum Subtract: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b } }
enum Multiply: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b } }
enum Divide: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { T.divided(a, b) } }
// nan wins, as in NumPy: `a != a` only holds for nan.
enum Maximum: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b || a != a ? a : b } }
enum Minimum: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b || a != a ? a : b } }
enum Power: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { T.pow(a, b) } }

/// Runs `F` over broadcast `a` and `b`, both already of one dtype.
func broadcastBinary<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, _: F.Type) throws -> Tensor {
    let shape = try broadcastShapes(a.shape, b.shape)
    switch a.dtype {
    case .float32: return try zipElements(a, b, shape: shape, ApplyBinary<F, Float>())
    case .float64: return try zipElements(a, b, shape: shape, ApplyBinary<F, Double>())
    case .int32: return try zipElements(a, b, shape: shape, ApplyBinary<F, Int32>())
    case .int64: return try zipElements(a, b, shape: shape, ApplyBinary<F, Int64>())
    }
}

/// Runs the float function `F` over broadcast `a` and `b`, both of one float dtype.
func broadcastFloatBinary<F: FloatBinaryFunction>(_ a: Tensor, _ b: Tensor, _: F.Type, cost: Int = 1) throws -> Tensor {
    let shape = try broadcastShapes(a.shape, b.shape)
    switch a.dtype {
    case .float64:
        return try zipElements(a, b, shape: shape, ApplyFloatBinary<F, Double>(), cost: cost)
    default:
        return try zipElements(a, b, shape: shape, ApplyFloatBinary<F, Float>(), cost: cost)
    }
}

/// Both operands in their common dtype; `float` forces a float result for integer inputs.
func promotedPair(_ a: Tensor, _ b: Tensor, float: Bool = false) throws -> (Tensor, Tensor) {
    var dtype = DType.promoted(a.dtype, b.dtype)
    if float && !dtype.isFloatingPoint { dtype = .float32 }
    return (try a.converted(to: dtype), try b.converted(to: dtype))
}

/// A zero-dimensional tensor for a number combined with `tensor`: of its dtype, unless the
/// number has a fraction, or is beyond what the tensor's integer type holds (then float32).
func scalarOperand(_ value: Double, like tensor: Tensor) throws -> Tensor {
    let dtype = tensor.dtype.isFloatingPoint || value.wholeNumber(below: tensor.dtype.wholeNumberLimit) != nil ? tensor.dtype : .float32
    return try Tensor.scalar(value, dtype: dtype)
}

/// Elementwise sum, broadcasting.
public func add(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(a, b)
    return try broadcastBinary(x, y, Add.self).recorded("add", inputs: [x, y]) { g, _ in [g, g] }
}

/// Elementwise difference, broadcasting.
public func subtract(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(a, b)
    return try broadcastBinary(x, y, Subtract.self).recorded("subtract", inputs: [x, y]) { g, _ in [g, try -g] }
}

/// Elementwise product, broadcasting.
public func multiply(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(a, b)
    return try broadcastBinary(x, y, Multiply.self).recorded("multiply", inputs: [x, y]) { g, inputs in
        [inputs[0].requiresGrad ? try g * inputs[1] : nil, inputs[1].requiresGrad ? try g * inputs[0] : nil]
    }
}

/// Elementwise quotient, broadcasting; integers divide to float32 (true division).
public func divide(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(a, b, float: true)
    return try broadcastBinary(x, y, Divide.self).recorded("divide", inputs: [x, y]) { g, inputs in
        let (x, y) = (inputs[0], inputs[1])
        return [
            x.requiresGrad ? try g / y : nil,
            y.requiresGrad ? try -(g * x) / (y * y) : nil,
        ]
    }
}

/// `base` raised to `exponent` elementwise, broadcasting; computed in floats.
///
/// d/d base = exponent * base^(exponent - 1); d/d exponent = base^exponent * ln(base).
public func pow(_ base: Tensor, _ exponent: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(base, exponent, float: true)
    let output = try broadcastFloatBinary(x, y, Power.self, cost: 8)
    let result = output.detach()
    return output.recorded("pow", inputs: [x, y]) { g, inputs in
        let (x, y) = (inputs[0], inputs[1])
        return [
            x.requiresGrad ? try g * y * pow(x, y - 1) : nil,
            y.requiresGrad ? try g * result * x.log() : nil,
        ]
    }
}

/// `base` raised to a number, elementwise.
public func pow(_ base: Tensor, _ exponent: Double) throws -> Tensor {
    // Squaring by multiplication is exact and cheap; integers still go to float like every power.
    let x = try base.asFloat()
    if exponent == 2 { return try x * x }
    return try pow(x, Tensor.scalar(exponent, dtype: x.dtype))
}

/// The larger of each pair of elements, broadcasting (the gradient goes to the larger; to `a` on ties).
public func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(a, b)
    return try broadcastBinary(x, y, Maximum.self).recorded("maximum", inputs: [x, y]) { g, inputs in
        let mask = try greaterEqual(inputs[0], inputs[1])
        return [try g * mask, try g * (1 - mask)]
    }
}

/// The smaller of each pair of elements, broadcasting (the gradient goes to the smaller; to `a` on ties).
public func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let (x, y) = try promotedPair(a, b)
    return try broadcastBinary(x, y, Minimum.self).recorded("minimum", inputs: [x, y]) { g, inputs in
        let mask = try lessEqual(inputs[0], inputs[1])
        return [try g * mask, try g * (1 - mask)]
    }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try add(a, b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try subtract(a, b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try multiply(a, b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try divide(a, b) }
    public static func + (a: Tensor, b: Double) throws -> Tensor { try add(a, scalarOperand(b, like: a)) }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try subtract(a, scalarOperand(b, like: a)) }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try multiply(a, scalarOperand(b, like: a)) }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try divide(a, scalarOperand(b, like: a)) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try add(scalarOperand(a, like: b), b) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try subtract(scalarOperand(a, like: b), b) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try multiply(scalarOperand(a, like: b), b) }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try divide(scalarOperand(a, like: b), b) }

    /// Elementwise negation.
    public static prefix func - (a: Tensor) throws -> Tensor {
        try broadcastBinary(try scalarOperand(0, like: a), a, Subtract.self)
            .recorded("negate", inputs: [a]) { g, _ in [try -g] }
    }
}

// MARK: - Comparisons

enum Equal: ComparisonFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a == b } }
enum NotEqual: ComparisonFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a != b } }
enum Less: ComparisonFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a < b } }
enum LessEqual: ComparisonFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a <= b } }
enum Greater: ComparisonFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a > b } }
enum GreaterEqual: ComparisonFunction { @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a >= b } }

/// A float32 mask: 1 where `F` holds for the broadcast pair, 0 elsewhere. Not differentiable.
func compare<F: ComparisonFunction>(_ a: Tensor, _ b: Tensor, _: F.Type) throws -> Tensor {
    let (x, y) = try promotedPair(a, b)
    let shape = try broadcastShapes(x.shape, y.shape)
    switch x.dtype {
    case .float32: return try zipElements(x, y, shape: shape, ApplyComparison<F, Float>())
    case .float64: return try zipElements(x, y, shape: shape, ApplyComparison<F, Double>())
    case .int32: return try zipElements(x, y, shape: shape, ApplyComparison<F, Int32>())
    case .int64: return try zipElements(x, y, shape: shape, ApplyComparison<F, Int64>())
    }
}

/// 1 where `a == b`, else 0 (float32), broadcasting.
public func equal(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, Equal.self) }
/// 1 where `a != b`, else 0 (float32), broadcasting.
public func notEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, NotEqual.self) }
/// 1 where `a < b`, else 0 (float32), broadcasting.
public func less(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, Less.self) }
/// 1 where `a <= b`, else 0 (float32), broadcasting.
public func lessEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, LessEqual.self) }
/// 1 where `a > b`, else 0 (float32), broadcasting.
public func greater(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, Greater.self) }
/// 1 where `a >= b`, else 0 (float32), broadcasting.
public func greaterEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, GreaterEqual.self) }

/// Elements of `a` where `condition` is non-zero and of `b` elsewhere, all three broadcast.
///
/// The gradient flows to `a` where the condition holds and to `b` elsewhere.
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let mask = try notEqual(condition, Tensor.scalar(0, dtype: condition.dtype))
    let (x, y) = try promotedPair(a, b)
    let shape = try broadcastShapes(mask.shape, try broadcastShapes(x.shape, y.shape))
    let output: Tensor
    switch x.dtype {
    case .float32: output = try selectElements(mask, x, y, shape: shape, as: Float.self)
    case .float64: output = try selectElements(mask, x, y, shape: shape, as: Double.self)
    case .int32: output = try selectElements(mask, x, y, shape: shape, as: Int32.self)
    case .int64: output = try selectElements(mask, x, y, shape: shape, as: Int64.self)
    }
    return output.recorded("where", inputs: [x, y]) { g, _ in
        [try g * mask, try g * (1 - mask)]
    }
}

