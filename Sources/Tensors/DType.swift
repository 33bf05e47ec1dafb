#if canImport(Glibc)
import Glibc
#endif

/// The element type of a tensor.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int32, int64

    /// Bytes one element occupies.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// Whether the type holds real numbers (and so can carry gradients).
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The magnitude a whole number stays below to be stored in this dtype without saturating,
    /// for `Double.wholeNumber(below:)`: 2³¹ for int32, 9e18 (under 2⁶³) for int64 and, as the
    /// most an Int holds, for the float types.
    public var wholeNumberLimit: Double {
        switch self {
        case .int32: 2_147_483_648
        case .int64: 9e18
        case .float32, .float64: 9e18
        }
    }

    public var description: String { rawValue }

    /// The type both operands of a binary operation are converted to.
    ///
    /// Floats win over integers, wider wins over narrower: `int64 + float32` is `float32`,
    /// `float32 + float64` is `float64`, `int32 + int64` is `int64`.
    public static func promoted(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        switch (a.isFloatingPoint, b.isFloatingPoint) {
        case (true, true): return .float64
        case (true, false): return a
        case (false, true): return b
        case (false, false): return .int64
        }
    }
}

/// A Swift type that can be a tensor's element.
public protocol TensorScalar: SIMDScalar, Numeric, Comparable, Hashable, Codable, Sendable {
    /// The tensor element type this Swift type stores.
    static var dtype: DType { get }
    /// Converts from a double, rounding toward zero for integer types.
    init(fromDouble value: Double)
    /// The value as a double.
    var doubleValue: Double { get }
    /// Division: exact for floats, truncating for integers.
    static func divided(_ a: Self, _ b: Self) -> Self
    /// Lane-wise sum of eight elements (wrapping for integers).
    static func lanesAdded(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
}

/// A floating-point tensor element, with the elementary functions the ops need.
public protocol FloatScalar: TensorScalar, BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension Float: FloatScalar {
    public static var dtype: DType { .float32 }
    @inlinable public init(fromDouble value: Double) { self.init(value) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public static func lanesAdded(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }
    @inlinable public static func divided(_ a: Float, _ b: Float) -> Float { a / b }
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func sin(_ x: Float) -> Float { sinf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func erf(_ x: Float) -> Float { erff(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: FloatScalar {
    public static var dtype: DType { .float64 }
    @inlinable public init(fromDouble value: Double) { self = value }
    @inlinable public var doubleValue: Double { self }
    @inlinable public static func lanesAdded(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { a + b }
    @inlinable public static func divided(_ a: Double, _ b: Double) -> Double { a / b }
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inlinable public static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}

extension Int32: TensorScalar {
    public static var dtype: DType { .int32 }
    @inlinable public init(fromDouble value: Double) {
        self = value.isNaN ? 0 : Int32(Swift.max(Swift.min(value, Double(Int32.max)), Double(Int32.min)))
    }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public static func lanesAdded(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> { a &+ b }
    @inlinable public static func divided(_ a: Int32, _ b: Int32) -> Int32 { b == 0 ? 0 : a / b }
}

extension Int64: TensorScalar {
    public static var dtype: DType { .int64 }
    @inlinable public init(fromDouble value: Double) {
        // 2^63 is exactly representable; anything at or above it saturates.
        self = value.isNaN ? 0 : (value >= 9.223372036854775807e18 ? .max : (value <= -9.223372036854775808e18 ? .min : Int64(value)))
    }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public static func lanesAdded(_ a: SIMD8<Int64>, _ b: SIMD8<Int64>) -> SIMD8<Int64> { a &+ b }
    @inlinable public static func divided(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? 0 : a / b }
}
