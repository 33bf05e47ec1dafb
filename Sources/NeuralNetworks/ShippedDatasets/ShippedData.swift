/// Small real data sets compiled into the library, so notebooks need no download.
///
/// The text forms live in `IrisData.swift` and `DigitsData.swift`; this file decodes them into
/// flat row-major arrays. Sources and licences are in docs/datasets.md.
enum ShippedData {
    /// The Iris measurements (150 rows of 4 features, in cm) and their class indices (0, 1, 2).
    static func irisRows() -> (features: [Float], labels: [Int]) {
        var features: [Float] = []
        var labels: [Int] = []
        features.reserveCapacity(150 * 4)
        labels.reserveCapacity(150)
        for line in iris.split(separator: "\n") {
            let fields = line.split(separator: ",")
            for field in fields.dropLast() { features.append(Float(field)!) }
            labels.append(Int(fields.last!)!)
        }
        return (features, labels)
    }

    /// The 8x8 digit images (1797 rows of 64 pixels, each 0...16) and the digit each shows.
    static func digitRows() -> (pixels: [Float], labels: [Int]) {
        var pixels: [Float] = []
        var labels: [Int] = []
        pixels.reserveCapacity(1797 * 64)
        labels.reserveCapacity(1797)
        for line in digits.split(separator: "\n") {
            let utf8 = line.utf8
            let colon = utf8.firstIndex(of: UInt8(ascii: ":"))!
            for code in utf8[..<colon] {
                let value = code <= UInt8(ascii: "9") ? code - UInt8(ascii: "0") : code - UInt8(ascii: "a") + 10
                pixels.append(Float(value))
            }
            labels.append(Int(utf8[utf8.index(after: colon)...].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }))
        }
        return (pixels, labels)
    }

    /// The Iris class names, in class-index order.
    static let irisClassNames = ["setosa", "versicolor", "virginica"]
    /// The Iris feature names, in column order.
    static let irisFeatureNames = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
}
