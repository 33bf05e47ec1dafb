#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How data values are spread along an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; only positive values can be shown.
    case log
}

/// A labelled mark on an axis.
struct Tick: Equatable {
    let value: Double
    let label: String
}

/// Maps data values on one axis to canvas coordinates, and chooses its ticks.
struct Scale {
    let kind: AxisScale
    /// Data interval shown, low to high; positive for `.log`.
    let lower: Double
    let upper: Double
    /// Canvas coordinates the interval maps to (upper may be less than lower, as for y).
    var start: Double = 0
    var end: Double = 1
    /// Ticks only at whole numbers, for counts such as epochs.
    var wholeTicks = false

    /// Values beyond this magnitude are treated like infinities: their differences overflow.
    static let largestPlottable = 1e300

    /// Whether `value` can be placed on this scale.
    func accepts(_ value: Double) -> Bool {
        value.isFinite && abs(value) <= Scale.largestPlottable && (kind == .linear || value > 0)
    }

    private func transform(_ v: Double) -> Double { kind == .log ? log10(v) : v }

    func map(_ value: Double) -> Double {
        let a = transform(lower)
        let b = transform(upper)
        let t = (transform(value) - a) / (b - a)
        return start + t * (end - start)
    }

    func with(start: Double, end: Double) -> Scale {
        var copy = self
        copy.start = start
        copy.end = end
        return copy
    }

    /// A scale covering `values` with a little room on each side; an empty or constant
    /// input still gives a usable interval.
    static func covering(
        _ low: Double?, _ high: Double?, kind: AxisScale, padding: Double = 0.04, includeZero: Bool = false
    ) -> Scale {
        guard var lo = low, var hi = high, lo.isFinite, hi.isFinite else {
            return kind == .log ? Scale(kind: .log, lower: 1, upper: 10) : Scale(kind: .linear, lower: 0, upper: 1)
        }
        if kind == .log {
            var a = log10(lo)
            var b = log10(hi)
            if b - a < 1e-9 {
                a -= 0.5
                b += 0.5
            }
            let pad = (b - a) * padding
            // Padding must not push past the normal doubles: 10^-330 is 0 and 10^310 infinite,
            // and neither has a logarithm to place ticks by.
            return Scale(kind: .log, lower: pow(10, max(a - pad, -307)), upper: pow(10, min(b + pad, 308)))
        }
        if includeZero {
            lo = min(lo, 0)
            hi = max(hi, 0)
        }
        // Differences smaller than this are rounding noise; show such data as constant.
        if hi - lo <= 1e-9 * max(abs(lo), abs(hi)) || hi == lo {
            let centre = (lo + hi) / 2
            let half = centre == 0 ? 1 : abs(centre) * 0.1
            return Scale(kind: .linear, lower: centre - half, upper: centre + half)
        }
        let pad = (hi - lo) * padding
        return Scale(
            kind: .linear, lower: (includeZero && lo == 0) ? 0 : lo - pad,
            upper: (includeZero && hi == 0) ? 0 : hi + pad)
    }

    /// Steps of 1, 2 or 5 times a power of ten: the ones people read without effort.
    static func niceStep(_ raw: Double) -> (step: Double, exponent: Int) {
        guard raw > 0, raw.isFinite else { return (1, 0) }
        var exponent = Int(floor(log10(raw)))
        let base = pow(10, Double(exponent))
        let fraction = raw / base
        // Nearest of 1, 2, 5, 10 on a log scale (the thresholds d3 uses), so the tick count
        // stays close to the one asked for.
        let mantissa: Double
        if fraction < 2.0.squareRoot() {
            mantissa = 1
        } else if fraction < 10.0.squareRoot() {
            mantissa = 2
        } else if fraction < 50.0.squareRoot() {
            mantissa = 5
        } else {
            mantissa = 1
            exponent += 1
        }
        return (mantissa * pow(10, Double(exponent)), exponent)
    }

    /// About `count` ticks inside the interval, at nice values.
    func ticks(count: Int) -> [Tick] {
        if kind == .log, let logTicks = decadeTicks(count: count) { return logTicks }
        // A nice step can be so coarse that one tick, or none, falls inside; ask for more.
        var wanted = count
        var ticks = linearTicks(count: wanted)
        while ticks.count < 2 && wanted < count + 6 {
            wanted += 1
            ticks = linearTicks(count: wanted)
        }
        return ticks
    }

    private func linearTicks(count: Int) -> [Tick] {
        var (step, exponent) = Scale.niceStep((upper - lower) / Double(max(1, count)))
        if wholeTicks && step < 1 { (step, exponent) = (1, 0) }
        let first = (lower / step).rounded(.up)
        let last = (upper / step).rounded(.down)
        guard first.isFinite, last.isFinite, first <= last, last - first < 1000 else { return [] }
        let magnitude = max(abs(lower), abs(upper))
        let scientific = magnitude >= 1e6 || exponent < -4
        var ticks: [Tick] = []
        var i = first
        while i <= last {
            // Multiplying, not accumulating, keeps 0.1 * 3 from printing as 0.30000000000000004.
            let value = i == 0 ? 0 : i * step
            let label =
                scientific
                ? NumberFormat.exponential(value, significant: 3)
                : (exponent >= 0 && magnitude >= 10_000
                    ? NumberFormat.grouped(Int(value)) : NumberFormat.fixed(value, decimals: max(0, -exponent)))
            if kind == .linear || value > 0 { ticks.append(Tick(value: value, label: label)) }
            i += 1
        }
        return ticks
    }

    /// Powers of ten (with 2 and 5 between them when the interval spans few decades);
    /// nil when no power of ten falls inside, and linear ticks serve better.
    private func decadeTicks(count: Int) -> [Tick]? {
        let low = ceil(log10(lower) - 1e-9), high = floor(log10(upper) + 1e-9)
        guard low.isFinite, high.isFinite, low <= high else { return nil }
        let a = Int(low), b = Int(high)
        let decades = b - a + 1
        var values: [Double] = []
        if decades <= 2 {
            for e in (a - 1)...b {
                for m in [1.0, 2, 5] {
                    let v = m * pow(10, Double(e))
                    if v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) { values.append(v) }
                }
            }
        } else {
            let every = max(1, Int((Double(decades) / Double(max(1, count))).rounded(.up)))
            for e in stride(from: a, through: b, by: every) { values.append(pow(10, Double(e))) }
        }
        // One notation per axis: 1e-5 next to 0.0001 reads as two different kinds of number.
        let labels = values.map(Scale.logLabel)
        if labels.contains(where: { $0.contains("e") }) {
            return values.map { Tick(value: $0, label: NumberFormat.exponential($0, significant: 3)) }
        }
        return zip(values, labels).map { Tick(value: $0, label: $1) }
    }

    static func logLabel(_ value: Double) -> String {
        let e = log10(value)
        if e >= -4 && e < 6 { return NumberFormat.general(value, significant: 3) }
        return NumberFormat.exponential(value, significant: 3)
    }
}
