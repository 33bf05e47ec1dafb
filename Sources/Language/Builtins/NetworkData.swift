// Data: toy data sets made on the spot, the shipped Iris and digits, splits and batches,
// scaling, and CSV and IDX files below the notebook's folder.

import Interchange
import NeuralNetworks
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension Builtins {
    static let datasetNames = ["moons", "circles", "spirals", "xor", "blobs", "gauss", "linear", "iris", "digits"]

    static func registerData(in library: Library) {
        library.add(
            "dataset",
            [
                .positional("name"), .labelled("n", default: .int(200)), .labelled("noise", default: .void),
                .labelled("classes", default: .void), .labelled("seed", default: .void),
            ],
            doc: "A data set as a pair (x, y): \"moons\", \"circles\", \"spirals\", \"xor\", \"blobs\" and \"gauss\" give n points x [n, 2] (float32) with class labels y [n] (int64); \"linear\" gives x [n, 1] and y = 2x + 1 + noise [n, 1]; \"iris\" and \"digits\" are the real data sets (as iris() and digits()). noise is the spread of the points (each set has its own default); classes is the number of spiral arms or blobs. The same seed gives the same points; without one the session's seed (%seed) decides.",
            example: "let (x, y) = dataset(\"moons\", n: 100, noise: 0.1, seed: 1)\nprint(x.shape, y.shape)"
        ) { args in
            let name = try args.string("name")
            guard datasetNames.contains(name) else {
                let hint = didYouMean(name, among: datasetNames)
                throw args.error(
                    "name", "no data set named '\(name)'" + (hint.isEmpty ? "; the data sets are " + datasetNames.joined(separator: ", ") : hint),
                    kind: .valueError)
            }
            let n = try args.int("n")
            guard n > 0, n <= 10_000_000 else { throw args.error("n", "n must be from 1 to 10,000,000, got \(n)", kind: .valueError) }
            let classes = try args.intIfPresent("classes")
            if let classes, classes < 1 || classes > 10_000 {
                throw args.error("classes", "classes must be from 1 to 10,000, got \(classes)", kind: .valueError)
            }
            let data = try Datasets.named(
                name, n: n, noise: try args.doubleIfPresent("noise"), classes: classes, seed: try Networks.seed(args))
            return Networks.pairValue(data)
        }
        library.add(
            "iris", [],
            doc: "Fisher's Iris flowers as a pair (x, y): x [150, 4] holds sepal length, sepal width, petal length and petal width in cm; y [150] the species, 0 setosa, 1 versicolor, 2 virginica (see classNames(\"iris\")).",
            example: "let (x, y) = iris()\nx[0..<3]"
        ) { _ in Networks.pairValue(try Datasets.iris()) }
        library.add(
            "digits", [.labelled("images", default: .bool(false))],
            doc: "1,797 handwritten digits of 8x8 pixels (values 0 to 16) as a pair (x, y): x [1797, 64] one image a row, or [1797, 1, 8, 8] with images: true (for Conv2D); y [1797] the digit shown.",
            example: "let (x, y) = digits()\nprint(x.shape, y[0..<10])"
        ) { args in
            let data = try Datasets.digits()
            let features = try args.bool("images") ? try data.features.reshape([data.count, 1, 8, 8]) : data.features
            return .tuple([.tensor(features), .tensor(data.targets)])
        }
        library.add(
            "classNames", [.positional("name")],
            doc: "The names of the classes of a data set, in the order of its labels: classNames(\"iris\") is [\"setosa\", \"versicolor\", \"virginica\"].",
            example: "classNames(\"iris\")"
        ) { args in
            let name = try args.string("name")
            switch name {
            case "iris": return .array(["setosa", "versicolor", "virginica"].map(Value.string))
            case "digits": return .array((0...9).map { .string(String($0)) })
            default:
                guard datasetNames.contains(name) else {
                    throw args.error("name", "no data set named '\(name)'" + didYouMean(name, among: datasetNames), kind: .valueError)
                }
                return .array([])
            }
        }
        library.add(
            "split", [.positional("x"), .positional("y"), .labelled("fraction", default: .float(0.2)), .labelled("seed", default: .void)],
            doc: "Shuffles the rows of x and y together and holds out a fraction of them: returns ((xTrain, yTrain), (xTest, yTest)).",
            example: "let (x, y) = dataset(\"circles\", n: 100, seed: 0)\nlet ((xTrain, yTrain), (xTest, yTest)) = split(x, y, fraction: 0.25, seed: 1)\nprint(xTrain.shape, xTest.shape)"
        ) { args in
            let fraction = try args.double("fraction")
            guard fraction > 0, fraction < 1 else {
                throw args.error("fraction", "fraction is the part held out, between 0 and 1, got \(formatFloat(fraction))", kind: .valueError)
            }
            let data = try Dataset(features: try args.tensor("x"), targets: try args.tensor("y"))
            let parts = try data.split(validation: fraction, seed: try Networks.seed(args))
            return .tuple([Networks.pairValue(parts.train), Networks.pairValue(parts.validation)])
        }
        library.add(
            "batches",
            [.positional("x"), .positional("y"), .labelled("size", default: .int(32)), .labelled("shuffle", default: .bool(true)), .labelled("seed", default: .void)],
            doc: "The rows of x and y in batches of the given size (the last may be smaller), shuffled together unless shuffle: false, as an array of pairs: for (xb, yb) in batches(x, y, size: 32) { ... }.",
            example: "let (x, y) = dataset(\"xor\", n: 10, seed: 0)\nfor (xb, yb) in batches(x, y, size: 4, seed: 1) { print(xb.shape, yb.shape) }"
        ) { args in
            let size = try args.int("size")
            guard size > 0 else { throw args.error("size", "the batch size must be at least 1, got \(size)", kind: .valueError) }
            let data = try Dataset(features: try args.tensor("x"), targets: try args.tensor("y"))
            let shuffle = try args.bool("shuffle")
            let parts = try data.batches(size: size, shuffle: shuffle, seed: shuffle ? try Networks.seed(args) : nil)
            return .array(parts.map(Networks.pairValue))
        }
        library.add(
            "standardize", [.positional("x"), .labelled("like", default: .void)],
            doc: "Each column of x shifted and scaled to mean 0 and standard deviation 1 (columns that never vary become 0). With like: xTrain, uses the means and deviations of those rows, so test data is scaled as the training data was.",
            example: "standardize(tensor([[1, 10], [2, 20], [3, 30]]))"
        ) { args in
            let x = try args.tensor("x")
            let reference = try args.tensorIfPresent("like") ?? x
            return .tensor(try Standardizer(fitting: reference).transform(x))
        }
        library.add(
            "normalize", [.positional("x"), .labelled("like", default: .void)],
            doc: "Each column of x rescaled to the range 0...1 by its minimum and maximum (or those of the rows given as like:).",
            example: "normalize(tensor([[1, 10], [2, 20], [3, 40]]))"
        ) { args in
            let x = try args.tensor("x")
            let reference = try args.tensorIfPresent("like") ?? x
            return .tensor(try Normalizer(fitting: reference).transform(x))
        }
        registerDataFiles(in: library)
    }

    static func registerDataFiles(in library: Library) {
        library.add(
            "loadCSV",
            [.positional("path"), .labelled("target", default: .void), .labelled("header", default: .bool(true)), .labelled("delimiter", default: .string(","))],
            doc: "Reads a table of numbers from a CSV file in the notebook's folder as a pair (x, y): y is the target column (the last unless target: names it or gives its number), x the other columns (float32). A target of numbers becomes y [rows, 1]; a target of words becomes class indices [rows], numbered in sorted order.",
            example: "saveCSV(tensor([[1, 2], [3, 4], [5, 6]]), tensor([0, 1, 0]), \"small.csv\")\nlet (x, y) = loadCSV(\"small.csv\")\nprint(x.shape, y.shape)"
        ) { args in
            let name = try Networks.path(args)
            var target: String? = nil
            switch args.value("target") {
            case .void: break
            case .string(let name): target = name
            case .int(let column): target = String(column)
            default: throw args.error("target", "target is a column name or number")
            }
            let delimiter = try args.string("delimiter")
            guard delimiter.count == 1, let separator = delimiter.first else {
                throw args.error("delimiter", "the delimiter is one character, such as \",\" or \";\"", kind: .valueError)
            }
            let header = try args.bool("header")
            let data = try Networks.fileErrors {
                let bytes = try args.runtime.folder.read(name)
                return try CSV.parse(
                    String(decoding: bytes, as: UTF8.self), target: target, hasHeader: header, delimiter: separator,
                    name: name)
            }
            return Networks.pairValue(data)
        }
        library.add(
            "saveCSV", [.positional("x"), .positional("y"), .positional("path")],
            doc: "Writes the rows of x and y to a CSV file in the notebook's folder, with a header x0, x1, ..., y; loadCSV reads it back. y is one column ([rows] or [rows, 1]).",
            example: "saveCSV(tensor([[0.5, 1], [2, 3]]), tensor([1, 0]), \"pairs.csv\")"
        ) { args in
            let name = try Networks.path(args)
            let x = try args.tensor("x"), y = try args.tensor("y")
            guard x.rank == 2 || x.rank == 1 else { throw args.error("x", "saveCSV writes rows: x must be [rows, columns], got \(formatShape(x.shape))", kind: .shapeError) }
            guard y.rank == 1 || (y.rank == 2 && y.shape[1] == 1) else {
                throw args.error("y", "saveCSV writes one target column: y must be [rows] or [rows, 1], got \(formatShape(y.shape))", kind: .shapeError)
            }
            let rows = x.shape[0], columns = x.rank == 2 ? x.shape[1] : 1
            guard y.shape[0] == rows else {
                throw args.error("y", "x has \(rows) rows but y has \(y.shape[0])", kind: .shapeError)
            }
            let xs = x.toDoubles(), ys = y.toDoubles()
            func cell(_ value: Double, integer: Bool) -> String {
                if integer { return String(Int(value)) }
                return value.wholeNumber(below: 1e15).map(String.init) ?? formatFloat(value)
            }
            let separator = name.lowercased().hasSuffix(".tsv") ? "\t" : ","
            var text = ((0..<columns).map { "x\($0)" } + ["y"]).joined(separator: separator) + "\n"
            for row in 0..<rows {
                try args.runtime.checkInterrupt()
                let cells = (0..<columns).map { cell(xs[row * columns + $0], integer: !x.dtype.isFloatingPoint) }
                text += (cells + [cell(ys[row], integer: !y.dtype.isFloatingPoint)]).joined(separator: separator) + "\n"
            }
            try Networks.fileErrors { try args.runtime.folder.write(Array(text.utf8), to: name, as: .table) }
            return .void
        }
        library.add(
            "loadIDX", [.positional("path"), .labelled("asFloat", default: .bool(true))],
            doc: "Reads a tensor from an IDX file in the notebook's folder (the format of MNIST; gzip-compressed or not). Bytes become float32 0...255, or int64 with asFloat: false (for labels).",
            example: "saveIDX(tensor([[0, 128], [255, 64]]), \"tiny.idx\")\nloadIDX(\"tiny.idx\")"
        ) { args in
            let name = try Networks.path(args)
            let asFloat = try args.bool("asFloat")
            return .tensor(
                try Networks.fileErrors { try IDX.decode(args.runtime.folder.read(name), name: name, asFloat: asFloat) })
        }
        library.add(
            "saveIDX", [.positional("tensor"), .positional("path")],
            doc: "Writes a tensor to an IDX file in the notebook's folder: whole numbers 0...255 as bytes, other values as float32.",
            example: "saveIDX(tensor([[1, 2], [3, 4]]), \"small.idx\")"
        ) { args in
            let name = try Networks.path(args)
            let tensor = try args.tensor("tensor")
            guard tensor.rank >= 1, tensor.rank <= 255 else { throw args.error("tensor", "IDX files hold tensors of 1 to 255 axes", kind: .shapeError) }
            let values = tensor.toDoubles()
            let bytesOnly = values.allSatisfy { ($0.wholeNumber(below: 256) ?? -1) >= 0 }
            var bytes: [UInt8] = [0, 0, bytesOnly ? 0x08 : 0x0D, UInt8(tensor.rank)]
            for size in tensor.shape {
                guard size <= Int(UInt32.max) else { throw args.error("tensor", "an axis is too long for IDX", kind: .shapeError) }
                bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            }
            bytes.reserveCapacity(bytes.count + values.count * (bytesOnly ? 1 : 4))
            for value in values {
                if bytesOnly {
                    bytes.append(UInt8(value))
                } else {
                    let bits = Float(value).bitPattern
                    bytes += [UInt8(bits >> 24 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
                }
            }
            try Networks.fileErrors { try args.runtime.folder.write(bytes, to: name, as: .idx) }
            return .void
        }
    }
}
