#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Number-to-text conversions written out by hand, so output is the same on every platform
/// and no locale can change a decimal point.
public enum NumberFormat {
    /// `value` with at most `decimals` digits after the point, trailing zeros dropped:
    /// `fixed(2.50, 2) == "2.5"`, `fixed(-0.001, 2) == "0"`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return special(value) }
        let decimals = max(0, min(decimals, 15))
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return exponential(value, significant: 4) }
        var digits = String(Int64(scaled))
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
            while digits.last == "0" { digits.removeLast() }
            if digits.last == "." { digits.removeLast() }
        }
        if digits == "0" { return "0" }
        return value < 0 ? "-" + digits : digits
    }

    /// Scientific notation with up to `significant` digits: `2.5e-7`, `1e6`.
    static func exponential(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return special(value) }
        if value == 0 { return "0" }
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = value / pow(10, Double(exponent))
        let rounded = fixed(mantissa, decimals: significant - 1)
        if rounded == "10" || rounded == "-10" {
            exponent += 1
            mantissa /= 10
        }
        return fixed(mantissa, decimals: significant - 1) + "e" + String(exponent)
    }

    /// A compact human form with up to `significant` digits, like `%g`:
    /// `0.001235`, `12.35`, `1.235e+06` is written `1.235e6`.
    static func general(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return special(value) }
        if value == 0 { return "0" }
        let exponent = Int(floor(log10(abs(value))))
        if exponent < -4 || exponent >= max(significant, 6) {
            return exponential(value, significant: significant)
        }
        return fixed(value, decimals: max(0, significant - 1 - exponent))
    }

    /// Integers with thin grouping, `12,345`, so counts read at a glance.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    static func special(_ value: Double) -> String {
        value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
    }

    /// Coordinates in SVG: two decimals at most, which is finer than any screen shows.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = Int64((value * 100).rounded())
        let negative = hundredths < 0
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        var s = negative ? "-" : ""
        s += String(whole)
        if fraction != 0 {
            s += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        }
        return s == "-0" ? "0" : s
    }
}
