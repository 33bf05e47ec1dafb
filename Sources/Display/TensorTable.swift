/// A tensor's values as a table, with its shape and dtype above; big ones are summarised with
/// their first and last rows and columns, as NumPy prints them.

import Interchange
import Tensors

public struct TensorTable: MIMERepresentable, Sendable {
    /// Row-major values, `shape.reduce(1, *)` of them.
    public var values: [Double]
    public var shape: [Int]
    public var dtype: String
    /// Rows or columns beyond this many are summarised.
    public var limit: Int
    /// Rows or columns shown at each end of a summarised axis.
    public var edgeItems: Int
    /// Names for the columns (the last axis), in place of their positions; one a column.
    public var columnNames: [String]? = nil

    public init(values: [Double], shape: [Int], dtype: String = "float32", limit: Int = 10, edgeItems: Int = 3) {
        self.values = values
        self.shape = shape
        self.dtype = dtype
        self.limit = limit
        self.edgeItems = edgeItems
    }

    /// A 2-d table from nested rows.
    public init(rows: [[Double]], dtype: String = "float32") {
        let width = rows.first?.count ?? 0
        self.init(values: rows.flatMap { $0 }, shape: [rows.count, width], dtype: dtype)
        if !rows.allSatisfy({ $0.count == width }) { shape = [values.count] }
    }


    /// Indices to show along an axis of `n`: all, or both ends with `nil` for the gap.
    func shown(_ n: Int) -> [Int?] {
        n <= limit ? Array(0..<n) : Array(0..<edgeItems) + [nil] + Array((n - edgeItems)..<n)
    }

    public func table() -> RecordTable {
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), expected == values.count else {
            return RecordTable(
                columns: ["problem"], rows: [[.text("\(values.count) values do not fill shape \(formatShape(shape))")]],
                caption: "Tensor \(formatShape(shape)) \(dtype)")
        }
        let columnCount = shape.last ?? 1
        return table { r, c in values[r * columnCount + c] }
    }

    /// The table with values read one at a time: `element(r, c)` is the value at row `r` and
    /// column `c` of the first matrix (row 0 for a vector, `(0, 0)` for a scalar). Only the
    /// shown cells are read, so a tensor of millions of values is not copied to be shown.
    func table(element: (Int, Int) -> Double) -> RecordTable {
        var caption = "Tensor \(formatShape(shape)) \(dtype)"
        if shape.isEmpty {
            return RecordTable(columns: ["value"], rows: [[cell(element(0, 0))]], caption: "Scalar \(dtype)")
        }
        // Rank 1 is one row; rank 3 and up shows the first matrix of the leading axes.
        let rowCount = shape.count == 1 ? 1 : shape[shape.count - 2]
        let columnCount = shape[shape.count - 1]
        if shape.count > 2 {
            let lead = Array(repeating: "0", count: shape.count - 2).joined(separator: ", ")
            caption += ", showing [\(lead), :, :]"
        }
        if shape.contains(0) {
            return RecordTable(columns: [""], rows: [], caption: caption + " (empty)")
        }
        let rows = shape.count == 1 ? [0] : shown(rowCount)
        let columns = shown(columnCount)
        if rows.contains(nil) || columns.contains(nil) { caption += " (summarised)" }
        let names = columnNames?.count == columnCount ? columnNames : nil
        let header = [""] + columns.map { column in column.map { names?[$0] ?? String($0) } ?? "…" }
        var body: [[TableCell]] = []
        for r in rows {
            guard let r else {
                body.append([.ellipsis] + columns.map { _ in .ellipsis })
                continue
            }
            var cells: [TableCell] = [.text(shape.count == 1 ? "" : String(r))]
            for c in columns {
                guard let c else {
                    cells.append(.ellipsis)
                    continue
                }
                cells.append(cell(element(r, c)))
            }
            body.append(cells)
        }
        return RecordTable(columns: header, rows: body, caption: caption)
    }

    /// Whole numbers of an integer dtype are written as integers.
    private func cell(_ v: Double) -> TableCell {
        if dtype.hasPrefix("int"), let whole = v.wholeNumber(below: 9e15) { return .integer(whole) }
        return .number(v)
    }

    public func mimeBundle() -> MIMEBundle { table().mimeBundle() }
}
