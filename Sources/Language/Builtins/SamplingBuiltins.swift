// Sampling: the same number of examples of every class (a stratified, balanced subset),
// for learning curves, a few labelled examples among many, and transfer to few examples.

import Interchange
import Tensors

extension Builtins {
    static func registerSampling(in library: Library) {
        library.add(
            "perClass",
            [.positional("labels"), .positional("count"), .labelled("seed", default: .void)],
            doc: "Picks count rows of every class at random from class labels [n] (whole numbers from 0): returns (picked, rest), two int64 tensors of row numbers, picked in a shuffled order and rest in the order of the labels, ready for x.select(picked). Every class present must have at least count rows. The same seed picks the same rows; without one the session's seed (%seed) decides.",
            example: "let y = tensor([0, 1, 0, 1, 2, 2, 0, 1, 2])\nlet (picked, rest) = perClass(y, 2, seed: 1)\nprint(y.select(picked), len(rest))"
        ) { args in
            let labels = try args.tensor("labels")
            guard labels.rank == 1 else {
                throw args.error(
                    "labels", "perClass needs class labels [n], one a row; got shape \(formatShape(labels.shape))",
                    kind: .shapeError)
            }
            let count = try args.int("count")
            guard count >= 0 else { throw args.error("count", "count must be at least 0, got \(count)", kind: .valueError) }
            var classes: [Int] = []
            for (row, value) in labels.toDoubles().enumerated() {
                guard let label = value.wholeNumber(below: 9e15), label >= 0 else {
                    throw args.error(
                        "labels", "labels must be class numbers 0, 1, 2, ...; row \(row) holds \(formatFloat(value))",
                        kind: .valueError)
                }
                classes.append(label)
            }
            var available: [Int: Int] = [:]
            for label in classes { available[label, default: 0] += 1 }
            if let short = available.filter({ $0.value < count }).min(by: { $0.key < $1.key }) {
                throw args.error(
                    "count",
                    "class \(short.key) has only \(short.value) row\(short.value == 1 ? "" : "s"), fewer than the \(count) asked for",
                    kind: .valueError)
            }
            let order = try Tensor.randperm(classes.count, seed: args.runtime.seed(try args.intIfPresent("seed"))).toDoubles()
            var taken: [Int: Int] = [:]
            var picked: [Int] = []
            var isPicked = [Bool](repeating: false, count: classes.count)
            for position in order {
                let row = Int(position)
                if taken[classes[row], default: 0] < count {
                    taken[classes[row], default: 0] += 1
                    picked.append(row)
                    isPicked[row] = true
                }
            }
            let rest = classes.indices.filter { !isPicked[$0] }
            func rows(_ values: [Int]) throws -> Value {
                .tensor(try Tensor(shape: [values.count], scalars: values.map(Double.init), dtype: .int64))
            }
            return .tuple([try rows(picked), try rows(rest)])
        }
    }
}
