import Foundation
import Tensors
import Testing

@testable import NeuralNetworks

#if canImport(Glibc)
    import Glibc
#endif

/// A path for a scratch file of this test process.
func scratchPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.path
    return "\(directory)/tensorcell-nn-\(getpid())-\(name)"
}

@Suite struct DataTests {
    @Test func generatorsAreSeededSizedAndLabelled() throws {
        for name in ["xor", "circles", "moons", "spirals", "blobs", "gauss"] {
            let a = try Datasets.named(name, n: 101, seed: 3), b = try Datasets.named(name, n: 101, seed: 3)
            let c = try Datasets.named(name, n: 101, seed: 4)
            #expect(a.features.shape == [101, 2], "\(name)")
            #expect(a.targets.shape == [101] && a.targets.dtype == .int64, "\(name)")
            #expect(a.features.toDoubles() == b.features.toDoubles(), "\(name) with one seed twice")
            #expect(a.features.toDoubles() != c.features.toDoubles(), "\(name) with two seeds")
            let labels = a.targets.toInts()
            #expect(Set(labels) == Set(0..<a.classCount), "\(name)")
        }
        let spirals = try Datasets.spirals(n: 300, classes: 3, seed: 1)
        #expect((0..<3).map { k in spirals.targets.toInts().filter { $0 == k }.count } == [100, 100, 100])
        let circles = try Datasets.circles(n: 200, noise: 0, seed: 1)
        let radii = stride(from: 0, to: 400, by: 2).map { i -> Double in
            let v = circles.features.toDoubles()
            return (v[i] * v[i] + v[i + 1] * v[i + 1]).squareRoot()
        }
        for (radius, label) in zip(radii, circles.targets.toInts()) {
            #expect(abs(radius - (label == 0 ? 1 : 0.5)) < 1e-5)
        }
        let line = try Datasets.linear(n: 50, weights: [3], bias: -1, noise: 0, seed: 2)
        let xs = line.features.toDoubles(), ys = line.targets.toDoubles()
        #expect(zip(xs, ys).allSatisfy { abs(3 * $0 - 1 - $1) < 1e-5 })
        #expect(
            errorMessage { try Datasets.named("mnist") }
                == "no data set named 'mnist'; known: linear, xor, circles, moons, spirals, blobs, gauss, iris, digits")
    }

    @Test func shippedDatasetsAsTensors() throws {
        let iris = try Datasets.iris()
        #expect(iris.features.shape == [150, 4] && iris.targets.shape == [150] && iris.classCount == 3)
        let digits = try Datasets.digits()
        #expect(digits.features.shape == [1797, 64] && digits.classNames.count == 10)
    }

    @Test func splitShuffleAndBatchesKeepRowsTogether() throws {
        let data = try Dataset(
            features: Tensor(shape: [10, 1], scalars: (0..<10).map(Double.init)),
            targets: Tensor(shape: [10], scalars: (0..<10).map(Double.init), dtype: .int64))
        let (train, validation, test) = try data.split(validation: 0.2, test: 0.1, seed: 5)
        #expect([train.count, validation.count, test.count] as [Int] == [7, 2, 1])
        let all = train.targets.toInts() + validation.targets.toInts() + test.targets.toInts()
        #expect(all.sorted() == Array(0..<10))
        for part in [train, validation, test] { #expect(part.features.toInts() == part.targets.toInts()) }
        let batches = try data.batches(size: 4, shuffle: true, seed: 1)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.flatMap { $0.targets.toInts() }.sorted() == Array(0..<10))
        #expect(batches.flatMap { $0.targets.toInts() } != Array(0..<10))
        #expect(try data.shuffled(seed: 2).targets.toInts() == data.shuffled(seed: 2).targets.toInts())
        #expect(try data.oneHotTargets().targets.shape == [10, 10])
    }

    @Test func standardiseAndNormalise() throws {
        let x = try Tensor([[1, 10, 5], [3, 30, 5], [5, 20, 5]])
        let standard = try x.standardized()
        let columns = (0..<3).map { c in stride(from: c, to: 9, by: 3).map { standard.toDoubles()[$0] } }
        #expect(abs(columns[0].reduce(0, +)) < 1e-6)
        #expect(abs(columns[0].map { $0 * $0 }.reduce(0, +) / 3 - 1) < 1e-5)
        #expect(columns[2] == [0, 0, 0])
        expectTensor(try x.normalized(), [3, 3], [0, 0, 0, 0.5, 1, 0, 1, 0.5, 0])
        let fitted = try Standardizer(fitting: x)
        expectTensor(try fitted.inverse(fitted.transform(x)), [3, 3], x.toDoubles(), tolerance: 1e-5)
    }

    @Test func csvWithHeaderNamedTargetAndClassNames() throws {
        let text = "sepal,petal,\"kind\"\n1.5,2,setosa\n3,4.25,virginica\r\n\n5,6,setosa\n"
        let data = try CSV.parse(text, target: "kind")
        expectTensor(data.features, [3, 2], [1.5, 2, 3, 4.25, 5, 6])
        #expect(data.targets.toInts() == [0, 1, 0])
        #expect(data.classNames == ["setosa", "virginica"])
        let numeric = try CSV.parse("a,b,y\n1,2,0.5\n3,4,1.5\n")
        expectTensor(numeric.targets, [2, 1], [0.5, 1.5])
        let marked = try CSV.parse("\u{FEFF}a,b,y\n1,2,0.5\n3,4,1.5\n", target: "a")
        expectTensor(marked.targets, [2, 1], [1, 3])
        let headless = try CSV.parse("1;2;7\n3;4;8\n", target: "0", hasHeader: false, delimiter: ";")
        expectTensor(headless.features, [2, 2], [2, 7, 4, 8])
        expectTensor(headless.targets, [2, 1], [1, 3])
        let path = scratchPath("table.csv")
        try FileBytes.write(Array("x,\"label, quoted\"\n1,\"a, b\"\n2,c\n".utf8), to: path)
        defer { unlink(path) }
        let loaded = try CSV.load(path, target: "label, quoted")
        #expect(loaded.classNames == ["a, b", "c"])
    }

    @Test func csvErrorsNameTheProblem() throws {
        #expect(
            errorMessage { try CSV.parse("a,b,y\n1,2,3\n", target: "label") }
                == "CSV: no target column 'label'; the columns are 'a', 'b', 'y'")
        #expect(errorMessage { try CSV.parse("a,b,y\n1,x,3\n") } == "CSV, line 2, column 'b': 'x' is not a number")
        #expect(errorMessage { try CSV.parse("a,b,y\n1,2\n") } == "CSV, line 2: 2 fields where the header has 3")
        #expect(errorMessage { try CSV.load(scratchPath("absent.csv")) }?.contains("cannot open for reading") == true)
    }

    @Test func idxPlainAndGzip() throws {
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 5, 3, 1, 4, 1, 5]
        let decoded = try IDX.decode(labels, asFloat: false)
        #expect(decoded.dtype == .int64 && decoded.toInts() == [3, 1, 4, 1, 5])
        let gzipped: [UInt8] = [
            31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 99, 96, 224, 96, 102, 96, 96, 96, 130, 98, 102, 6, 17, 13, 155, 128, 148,
            138, 158, 5, 91, 78, 220, 1, 0,
            166, 19, 228, 93, 28, 0, 0, 0,
        ]
        let images = try IDX.decode(gzipped)
        expectTensor(images, [2, 2, 3], (0..<12).map { Double($0 * 20) })
        #expect(
            errorMessage { try IDX.decode(Array(gzipped.prefix(30))) }
                == "IDX data: the gzip data ends early (truncated file?)")
        #expect(
            errorMessage { try IDX.decode(Array(labels.prefix(11))) }
                == "IDX data: shape [5] needs 5 bytes of data, the file has 3")
        let claimsTooMuch: [UInt8] = [0, 0, 0x0E, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3]
        #expect(
            errorMessage { try IDX.decode(claimsTooMuch) }
                == "IDX data: shape [4294967295, 4294967295, 4294967295] needs more bytes of data, the file has 3")
        let directory = scratchPath("mnist")
        mkdir(directory, 0o700)
        try FileBytes.write(gzipped, to: "\(directory)/t10k-images-idx3-ubyte.gz")
        try FileBytes.write([0, 0, 8, 1, 0, 0, 0, 2, 7, 2], to: "\(directory)/t10k-labels-idx1-ubyte")
        defer {
            unlink("\(directory)/t10k-images-idx3-ubyte.gz")
            unlink("\(directory)/t10k-labels-idx1-ubyte")
            rmdir(directory)
        }
        let mnist = try IDX.loadMNIST(directory: directory, train: false)
        #expect(mnist.features.shape == [2, 1, 2, 3])
        #expect(abs(mnist.features.toDoubles()[11] - 220.0 / 255) < 1e-6)
        #expect(mnist.targets.toInts() == [7, 2])
    }
}
