// Ordering and counting methods of tensors: sort, argsort, topk, cumsum, norm, unique,
// nonzero. Values that select elements (sort, topk) go through gather, so gradients flow.

import Tensors

extension Builtins {
    static func registerTensorOrdering(in library: Library) {
        let topic = library.topic
        library.topic = "Tensors"
        defer { library.topic = topic }
        let type = ValueType.tensor
        let axis = Parameter.labelled("axis", default: .int(-1))
        library.addMethod(
            type, "argsort", [axis, .labelled("descending", default: .bool(false))],
            doc: "The positions that would sort each row along the axis (the last unless given), as int64: x.gather(axis, x.argsort()) is sorted. Equal values keep their order.",
            example: "tensor([3, 1, 2]).argsort()\ntensor([3, 1, 2]).argsort(descending: true)"
        ) { args in
            .tensor(try order(try args.receiverTensor(), axis: try args.int("axis"), descending: try args.bool("descending")))
        }
        library.addMethod(
            type, "sort", [axis, .labelled("descending", default: .bool(false))],
            doc: "The values sorted along the axis (the last unless given), smallest first unless descending: true. Gradients flow back to the places the values came from; argsort() gives the positions.",
            example: "tensor([3, 1, 2]).sort()\ntensor([[3, 1], [0, 5]]).sort(descending: true)"
        ) { args in
            let tensor = try args.receiverTensor()
            let positions = try order(tensor, axis: try args.int("axis"), descending: try args.bool("descending"))
            return .tensor(try tensor.gather(axis: try args.int("axis"), index: positions))
        }
        library.addMethod(
            type, "topk", [.positional("k"), axis, .labelled("largest", default: .bool(true))],
            doc: "The k largest values along the axis (the last unless given), largest first, and their positions: a tuple (values, indices), as PyTorch's topk. largest: false gives the k smallest.",
            example: "let (values, indices) = tensor([0.1, 0.7, 0.2]).topk(2)\nvalues\nindices"
        ) { args in
            let tensor = try args.receiverTensor()
            let axisValue = try args.int("axis")
            let k = try args.int("k")
            guard tensor.rank >= 1 else { throw args.error("topk needs a tensor with at least one axis") }
            let resolved = axisValue < 0 ? tensor.rank + axisValue : axisValue
            guard resolved >= 0 && resolved < tensor.rank else { throw args.error("axis", "axis \(axisValue) does not exist for a tensor of rank \(tensor.rank)", kind: .valueError) }
            guard k >= 0 && k <= tensor.shape[resolved] else {
                throw args.error("k", "k must be from 0 to \(tensor.shape[resolved]) (the size of axis \(resolved)), not \(k)", kind: .valueError)
            }
            let positions = try order(tensor, axis: resolved, descending: try args.bool("largest"))
                .index((0..<tensor.rank).map { $0 == resolved ? .range(0, k) : .all })
            let indices = try positions.contiguous()
            return .tuple([.tensor(try tensor.gather(axis: resolved, index: indices)), .tensor(indices)])
        }
        library.addMethod(
            type, "cumsum", [axis],
            doc: "Running totals along the axis (the last unless given): element i is the sum of elements 0 through i. Gradients flow.",
            example: "tensor([1, 2, 3, 4]).cumsum()\ntensor([[1, 2], [3, 4]]).cumsum(axis: 0)"
        ) { args in
            let tensor = try args.receiverTensor()
            guard tensor.rank >= 1 else { return .tensor(tensor) }
            let axisValue = try args.int("axis")
            let resolved = axisValue < 0 ? tensor.rank + axisValue : axisValue
            guard resolved >= 0 && resolved < tensor.rank else { throw args.error("axis", "axis \(axisValue) does not exist for a tensor of rank \(tensor.rank)", kind: .valueError) }
            let size = tensor.shape[resolved]
            let float = tensor.dtype.isFloatingPoint ? tensor : try tensor.converted(to: .float64)
            // x @ U with U upper-triangular ones sums the prefixes of the last axis.
            var ones = [Double](repeating: 0, count: size * size)
            for row in 0..<size { for column in row..<size { ones[row * size + column] = 1 } }
            let upper = try Tensor(shape: [size, size], scalars: ones, dtype: float.dtype)
            let moved = resolved == tensor.rank - 1 ? float : try float.transpose(resolved, -1)
            var result = try matmul(moved, upper)
            if resolved != tensor.rank - 1 { result = try result.transpose(resolved, -1) }
            if !tensor.dtype.isFloatingPoint { result = try result.converted(to: tensor.dtype) }
            return .tensor(result)
        }
        library.addMethod(
            type, "norm", [.labelled("p", default: .int(2)), .labelled("axis", default: .void)],
            doc: "The p-norm (2: the length √Σx², 1: Σ|x|) of all elements, or along an axis. Gradients flow.",
            example: "tensor([3, 4]).norm()\ntensor([[3, 4], [1, 1]]).norm(p: 1, axis: 1)"
        ) { args in
            let tensor = try args.receiverTensor()
            let p = try args.double("p")
            let axes = try args.intIfPresent("axis").map { [$0] }
            switch p {
            case 1: return .tensor(try tensor.abs().sum(axes: axes))
            case 2: return .tensor(try (tensor * tensor).sum(axes: axes).sqrt())
            default:
                guard p > 0 else { throw args.error("p", "norm's p must be above 0", kind: .valueError) }
                return .tensor(try Tensors.pow(try Tensors.pow(try tensor.abs(), p).sum(axes: axes), 1 / p))
            }
        }
        library.addMethod(
            type, "unique", [],
            doc: "The distinct values, smallest first, as a tensor of one axis.",
            example: "tensor([3, 1, 3, 2, 1]).unique()"
        ) { args in
            let tensor = try args.receiverTensor()
            let values = Array(Set(tensor.toDoubles())).sorted()
            return .tensor(try Tensor(shape: [values.count], scalars: values, dtype: tensor.dtype))
        }
        library.addMethod(
            type, "nonzero", [],
            doc: "The positions of the elements that are not 0, one row per element and one column per axis (int64), as PyTorch's nonzero.",
            example: "tensor([[0, 1], [2, 0]]).nonzero()\n(tensor([5, 0, 7]) > 0).nonzero()"
        ) { args in
            let tensor = try args.receiverTensor()
            let values = tensor.toDoubles()
            var strides = [Int](repeating: 1, count: tensor.rank)
            for axis in stride(from: tensor.rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * tensor.shape[axis + 1] }
            var positions: [Double] = []
            var rows = 0
            for (flat, value) in values.enumerated() where value != 0 {
                rows += 1
                for axis in 0..<tensor.rank { positions.append(Double((flat / strides[axis]) % tensor.shape[axis])) }
            }
            return .tensor(try Tensor(shape: [rows, tensor.rank], scalars: positions, dtype: .int64))
        }
    }

    /// The positions that sort `tensor` along `axis`, as int64 of the same shape (a stable sort).
    static func order(_ tensor: Tensor, axis: Int, descending: Bool) throws -> Tensor {
        guard tensor.rank >= 1 else { return try Tensor(shape: [], scalars: [0], dtype: .int64) }
        let resolved = axis < 0 ? tensor.rank + axis : axis
        guard resolved >= 0 && resolved < tensor.rank else {
            throw LanguageError(.valueError, "axis \(axis) does not exist for a tensor of rank \(tensor.rank)")
        }
        let moved = resolved == tensor.rank - 1 ? tensor : try tensor.transpose(resolved, -1)
        let values = try withNoGrad { try moved.contiguous() }.toDoubles()
        let size = tensor.shape[resolved]
        var positions: [Double] = []
        positions.reserveCapacity(values.count)
        if size > 0 {
            for start in stride(from: 0, to: values.count, by: size) {
                let row = Array(values[start..<(start + size)])
                let sorted = row.indices.sorted { a, b in
                    if row[a] == row[b] || (row[a].isNaN && row[b].isNaN) { return a < b }
                    if row[a].isNaN { return false }
                    if row[b].isNaN { return true }
                    return descending ? row[a] > row[b] : row[a] < row[b]
                }
                positions += sorted.map(Double.init)
            }
        }
        let result = try Tensor(shape: moved.shape, scalars: positions, dtype: .int64)
        return resolved == tensor.rank - 1 ? result : try result.transpose(resolved, -1).contiguous()
    }
}
