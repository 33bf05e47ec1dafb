// Boolean masks, as in NumPy and PyTorch: a comparison makes a mask (TensorMarks.masks);
// `x[mask]` selects the elements (or rows) where it is true, `x[mask] = v` sets them.
// A float tensor of 0s and 1s that no comparison made is neither: it is refused, not read
// as positions, since either reading could be what the program meant.

import NeuralNetworks
import Tensors

extension Evaluator {
    /// Whether `index` is a mask for `tensor`, or nil when it is a tensor of positions; throws for
    /// 0s and 1s that could be either.
    func isMask(_ index: Tensor, for tensor: Tensor, span: SourceSpan) throws -> Bool {
        if TensorMarks.masks.contains(index) { return true }
        if index.dtype.isFloatingPoint, index.count > 0, index.rank >= 1,
            index.toDoubles().allSatisfy({ $0 == 0 || $0 == 1 }), index.shape == Array(tensor.shape.prefix(index.rank))
        {
            throw LanguageError(.typeError,
                "this tensor of 0s and 1s could be a mask or positions: for a mask write x[m > 0] (a comparison makes a mask); for positions write x[m.int()]",
                at: span)
        }
        return false
    }

    /// The leading axes the mask covers, flattened, and the positions where it is true.
    private func maskPositions(_ mask: Tensor, _ tensor: Tensor, span: SourceSpan) throws -> (rows: Int, positions: [Int]) {
        guard mask.rank >= 1, mask.rank <= tensor.rank, Array(tensor.shape.prefix(mask.rank)) == mask.shape else {
            throw LanguageError(.shapeError,
                "a mask must have the shape of the tensor or of its first axes: the tensor is \(formatShape(tensor.shape)), the mask \(formatShape(mask.shape))",
                at: span)
        }
        let values = mask.toDoubles()
        return (values.count, values.indices.filter { values[$0] != 0 })
    }

    /// `x[mask]`: the selected elements (or rows, for a mask over the first axes) in order.
    func maskSelect(_ tensor: Tensor, _ mask: Tensor, span: SourceSpan) throws -> Tensor {
        let (rows, positions) = try maskPositions(mask, tensor, span: span)
        let rest = Array(tensor.shape.dropFirst(mask.rank))
        let flat = try tensor.reshape([rows] + rest)
        let indices = try Tensor(shape: [positions.count], scalars: positions.map(Double.init), dtype: .int64)
        return try flat.select(indices: indices, axis: 0)
    }

    /// `x[mask] = value`: a number sets every selected element; a tensor gives one value (or row)
    /// per selected position, in order.
    func maskAssign(_ tensor: Tensor, _ mask: Tensor, _ value: Value, span: SourceSpan) throws {
        let (_, positions) = try maskPositions(mask, tensor, span: span)
        let rest = Array(tensor.shape.dropFirst(mask.rank))
        let run = rest.reduce(1, *)
        var scalars = tensor.toDoubles()
        let given = try Convert.tensor(value, dtype: tensor.dtype)
        let replacement = given.toDoubles()
        if given.count == 1 {
            for position in positions { for offset in 0..<run { scalars[position * run + offset] = replacement[0] } }
        } else if given.shape == [positions.count] + rest || (rest.isEmpty && given.count == positions.count) {
            for (item, position) in positions.enumerated() {
                for offset in 0..<run { scalars[position * run + offset] = replacement[item * run + offset] }
            }
        } else {
            throw LanguageError(.shapeError,
                "the mask selects \(positions.count) \(rest.isEmpty ? "elements" : "rows of shape \(formatShape(rest))"); the value has shape \(formatShape(given.shape)): give one number or \(formatShape([positions.count] + rest))",
                at: span)
        }
        try tensor.assign(try Tensor(shape: tensor.shape, scalars: scalars, dtype: tensor.dtype))
    }
}
