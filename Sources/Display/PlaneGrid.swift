/// The centres of an n x n grid of cells over a rectangle of the input plane, row by row from
/// the top, as (x, y) pairs in one flat array: what a model is run on to draw its output over
/// the plane (decision boundaries, each neuron's own picture).
enum PlaneGrid {
    static func centres(x: ClosedRange<Double>, y: ClosedRange<Double>, resolution n: Int) -> [Double] {
        var grid: [Double] = []
        grid.reserveCapacity(2 * n * n)
        for r in 0..<n {
            let gy = y.upperBound - (y.upperBound - y.lowerBound) * (Double(r) + 0.5) / Double(n)
            for c in 0..<n {
                grid.append(x.lowerBound + (x.upperBound - x.lowerBound) * (Double(c) + 0.5) / Double(n))
                grid.append(gy)
            }
        }
        return grid
    }

    /// The span of `values` with a tenth of it added on each side (where all are equal, a tenth of
    /// the value and at least 1), so no point sits on the picture's edge; -1...1 so widened when
    /// there are none.
    static func paddedRange(of values: [Double]) -> ClosedRange<Double> {
        let low = values.min() ?? -1
        let high = values.max() ?? 1
        let pad = high > low ? 0.1 * (high - low) : max(1, abs(low) * 0.1)
        return (low - pad)...(high + pad)
    }
}
