// Ranges of real numbers, `0.001...1.0`: what a slider over decimals takes. Whole-number ranges
// stay `Value.range`, which loops and indexes; a range written with a decimal point, or whose
// end is not a whole number, is an interval of reals and does neither.

/// The closed or half-open interval between two real numbers.
public final class NumberRange: ScriptObject {
    public let lower: Double
    public let upper: Double
    public let closed: Bool

    public init(lower: Double, upper: Double, closed: Bool) {
        self.lower = lower
        self.upper = upper
        self.closed = closed
    }

    public static let valueType = ValueType(named: "NumberRange")
    public var plainText: String { formatFloat(lower) + (closed ? "..." : "..<") + formatFloat(upper) }

    /// The interval for `a...b` when either end is written with a decimal point or is not whole;
    /// nil when the range is one of whole numbers (those stay `Value.range`, so `0..<n / 2` loops).
    static func evaluate(
        _ lowerExpression: Expr?, _ upperExpression: Expr?, closed: Bool, span: SourceSpan,
        _ eval: (Expr) throws -> Value
    ) throws -> Value? {
        guard let lowerExpression, let upperExpression else { return nil }
        let lowerValue = try eval(lowerExpression)
        let upperValue = try eval(upperExpression)
        let decimal = isDecimalLiteral(lowerExpression) || isDecimalLiteral(upperExpression)
        let fractional = [lowerValue, upperValue].contains { value in
            if case .float(let number) = value { return number != number.rounded() }
            return false
        }
        guard decimal || fractional, let lower = lowerValue.number, let upper = upperValue.number else { return nil }
        guard lower.isFinite, upper.isFinite else {
            throw LanguageError(.valueError, "a range's ends must be finite numbers", at: span)
        }
        guard lower <= upper else {
            throw LanguageError(
                .valueError, "the range \(formatFloat(lower))...\(formatFloat(upper)) runs backwards: its start must not be above its end",
                at: span)
        }
        return .object(NumberRange(lower: lower, upper: upper, closed: closed))
    }

    /// `1.0`, `-0.5`: a number the program wrote with a decimal point.
    static func isDecimalLiteral(_ expression: Expr) -> Bool {
        switch expression.kind {
        case .float: true
        case .unary(_, let operand): isDecimalLiteral(operand)
        default: false
        }
    }
}
