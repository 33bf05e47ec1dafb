/// The natural logarithm from IEEE-754 additions, multiplications and divisions alone.
///
/// Those operations are correctly rounded everywhere, so this gives the same bits on every
/// machine and C library, which the seeded normal generator needs: the platform's `log` may
/// differ in its last bit from one libm to another, and so would every `randn` after it.
/// Accurate to about one unit in the last place for positive finite `x`.
func portableLog(_ x: Double) -> Double {
    precondition(x > 0 && x.isFinite, "portableLog needs a positive finite number")
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): both steps are exact.
    var exponent = Double(x.exponent)
    var m = x.significand  // in [1, 2)
    if m > 1.4142135623730951 {
        m *= 0.5
        exponent += 1
    }
    // log m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), with |s| <= 0.1716, so s^2 <= 0.0295
    // and the terms past s^23 fall below 2^-53 of the sum.
    let s = (m - 1) / (m + 1)
    let z = s * s
    var series = 1.0 / 23
    for odd in stride(from: 21, through: 3, by: -2) {
        series = series * z + 1 / Double(odd)
    }
    let logM = 2 * s + 2 * s * z * series
    // ln 2 split in two so that exponent * ln2High is exact for any binary64 exponent.
    let ln2High = 0.693147180369123816490
    let ln2Low = 1.90821492927058770002e-10
    return exponent * ln2High + (logM + exponent * ln2Low)
}
