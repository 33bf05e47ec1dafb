/// Elementwise functions of one tensor and the activations, with their derivatives.

protocol UnaryFunction {
    static func apply<T: TensorScalar>(_ x: T) -> T
}

enum Exp: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.exp(x) } }
enum Log: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.log(x) } }
enum SquareRoot: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x.squareRoot() } }
enum Sine: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.sin(x) } }
enum Cosine: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.cos(x) } }
enum HyperbolicTangent: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.tanh(x) } }
enum Sigmoid: FloatUnaryFunction {
    // Written so that neither branch overflows: exp only ever sees a non-positive argument.
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }
}
enum GaussianErrorLinearUnit: FloatUnaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x * (1 + T.erf(x * T(0.70710678118654752440))) / 2 }
}
/// d/dx gelu(x) = Φ(x) + x φ(x).
enum GaussianErrorLinearUnitDerivative: FloatUnaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T {
        (1 + T.erf(x * T(0.70710678118654752440))) / 2 + x * T.exp(-x * x / 2) * T(0.39894228040143267794)
    }
}
enum Absolute: UnaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ x: T) -> T { x < 0 ? 0 - x : x } }
enum Sign: UnaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? 0 - 1 : 0) } }
enum Rectifier: UnaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : 0 } }

/// g where x > 0, else 0: the rectifier's backward, fused.
enum RectifierGradient: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ g: T, _ x: T) -> T { x > 0 ? g : 0 } }
/// g (1 - y²), with y = tanh x.
enum TanhGradient: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ g: T, _ y: T) -> T { g * (1 - y * y) } }
/// g y (1 - y), with y = σ(x).
enum SigmoidGradient: BinaryFunction { @inline(__always) static func apply<T: TensorScalar>(_ g: T, _ y: T) -> T { g * y * (1 - y) } }

struct LeakyRectifier<T: FloatScalar>: ElementMap {
    let slope: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x > 0 ? x : x * slope }
}

struct Clamp<T: TensorScalar>: ElementMap {
    let low: T, high: T
    @inline(__always) func callAsFunction(_ x: T) -> T { Swift.min(Swift.max(x, low), high) }
}

extension Tensor {
    /// This tensor as floats (float32 for integers), for functions defined on the reals.
    func asFloat() throws -> Tensor { dtype.isFloatingPoint ? self : try converted(to: .float32) }

    func mapFloat<F: FloatUnaryFunction>(_: F.Type, cost: Int = 1) throws -> Tensor {
        let x = try asFloat()
        switch x.dtype {
        case .float64: return try mapElements(x, ApplyFloatUnary<F, Double>(), cost: cost)
        default: return try mapElements(x, ApplyFloatUnary<F, Float>(), cost: cost)
        }
    }

    func map<F: UnaryFunction>(_: F.Type) throws -> Tensor {
        switch dtype {
        case .float32: return try mapElements(self, ApplyUnary<F, Float>())
        case .float64: return try mapElements(self, ApplyUnary<F, Double>())
        case .int32: return try mapElements(self, ApplyUnary<F, Int32>())
        case .int64: return try mapElements(self, ApplyUnary<F, Int64>())
        }
    }

    /// e^x elementwise; d/dx = e^x.
    public func exp() throws -> Tensor {
        let output = try mapFloat(Exp.self, cost: 8)
        let result = output.detach()
        return output.recorded("exp", inputs: [try asFloat()]) { g, _ in [try g * result] }
    }

    /// Natural logarithm elementwise (nan below 0, -inf at 0); d/dx = 1/x.
    public func log() throws -> Tensor {
        try mapFloat(Log.self, cost: 8).recorded("log", inputs: [try asFloat()]) { g, inputs in [try g / inputs[0]] }
    }

    /// Square root elementwise; d/dx = 1 / (2 sqrt x).
    public func sqrt() throws -> Tensor {
        let output = try mapFloat(SquareRoot.self, cost: 2)
        let result = output.detach()
        return output.recorded("sqrt", inputs: [try asFloat()]) { g, _ in [try g / (result * 2)] }
    }

    /// Sine elementwise (radians); d/dx = cos x.
    public func sin() throws -> Tensor {
        try mapFloat(Sine.self, cost: 8).recorded("sin", inputs: [try asFloat()]) { g, inputs in [try g * inputs[0].cos()] }
    }

    /// Cosine elementwise (radians); d/dx = -sin x.
    public func cos() throws -> Tensor {
        try mapFloat(Cosine.self, cost: 8).recorded("cos", inputs: [try asFloat()]) { g, inputs in [try -(g * inputs[0].sin())] }
    }

    /// Hyperbolic tangent elementwise, in (-1, 1); d/dx = 1 - tanh² x.
    public func tanh() throws -> Tensor {
        let output = try mapFloat(HyperbolicTangent.self, cost: 8)
        let result = output.detach()
        return output.recorded("tanh", inputs: [try asFloat()]) { g, _ in [try broadcastBinary(g, result, TanhGradient.self)] }
    }

    /// The logistic function 1 / (1 + e^-x), in (0, 1), computed without overflow; d/dx = σ(1 - σ).
    public func sigmoid() throws -> Tensor {
        let output = try mapFloat(Sigmoid.self, cost: 8)
        let result = output.detach()
        return output.recorded("sigmoid", inputs: [try asFloat()]) { g, _ in [try broadcastBinary(g, result, SigmoidGradient.self)] }
    }

    /// max(x, 0) elementwise; the derivative is taken as 0 at 0.
    public func relu() throws -> Tensor {
        try map(Rectifier.self).recorded("relu", inputs: [self]) { g, inputs in
            [try broadcastBinary(g, inputs[0], RectifierGradient.self)]
        }
    }

    /// x where x > 0, `slope` * x elsewhere.
    public func leakyRelu(slope: Double = 0.01) throws -> Tensor {
        let x = try asFloat()
        let output: Tensor
        switch x.dtype {
        case .float64:
            output = try mapElements(x, LeakyRectifier(slope: slope))
        default:
            output = try mapElements(x, LeakyRectifier(slope: Float(slope)))
        }
        return output.recorded("leakyRelu", inputs: [x]) { g, inputs in
            let mask = try greater(inputs[0], Tensor.scalar(0))
            return [try g * (mask + (1 - mask) * slope)]
        }
    }

    /// The Gaussian error linear unit x Φ(x), with the exact (erf) form.
    public func gelu() throws -> Tensor {
        try mapFloat(GaussianErrorLinearUnit.self, cost: 8).recorded("gelu", inputs: [try asFloat()]) { g, inputs in
            [try g * inputs[0].mapFloat(GaussianErrorLinearUnitDerivative.self, cost: 8)]
        }
    }

    /// |x| elementwise; the derivative is taken as 0 at 0.
    public func abs() throws -> Tensor {
        try map(Absolute.self).recorded("abs", inputs: [self]) { g, inputs in [try g * inputs[0].map(Sign.self)] }
    }

    /// -1, 0 or 1 by the sign of each element. Not differentiable (its gradient is zero).
    public func sign() throws -> Tensor { try map(Sign.self) }

    /// Each element limited to `min...max` (either bound may be omitted); the gradient flows
    /// only where the element was inside the bounds.
    public func clamp(min lower: Double? = nil, max upper: Double? = nil) throws -> Tensor {
        if let lower, let upper, lower > upper {
            throw TensorError.invalidArgument("clamp needs min <= max, got min \(lower) and max \(upper)")
        }
        let low = lower ?? -.infinity, high = upper ?? .infinity
        let output: Tensor
        switch dtype {
        case .float32:
            output = try mapElements(self, Clamp(low: Float(low), high: Float(high)))
        case .float64:
            output = try mapElements(self, Clamp(low: low, high: high))
        case .int32:
            let (l, h) = (Int32(fromDouble: low.rounded(.up)), Int32(fromDouble: high.rounded(.down)))
            output = try mapElements(self, Clamp(low: l, high: h))
        case .int64:
            let (l, h) = (Int64(fromDouble: low.rounded(.up)), Int64(fromDouble: high.rounded(.down)))
            output = try mapElements(self, Clamp(low: l, high: h))
        }
        return output.recorded("clamp", inputs: [self]) { g, inputs in
            let x = inputs[0]
            let inside = try greaterEqual(x, Tensor.scalar(low, dtype: .float64)) * lessEqual(x, Tensor.scalar(high, dtype: .float64))
            return [try g * inside]
        }
    }
}
