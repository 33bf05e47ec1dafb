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
}
