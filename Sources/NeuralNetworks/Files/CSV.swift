import Tensors

/// Numeric tables in comma-separated form (RFC 4180 quoting), read into a data set.
public enum CSV {
    /// Reads a CSV file into features (float32 [rows, columns - 1]) and targets.
    ///
    /// - Parameters:
    ///   - target: the name (with a header) or the number of the target column; nil for the last.
    ///   - hasHeader: whether the first line names the columns.
    /// Targets that are all numbers become float32 [rows, 1]; otherwise each distinct text is a
    /// class (int64 indices [rows], names in sorted order in `classNames`).
    public static func load(_ path: String, target: String? = nil, hasHeader: Bool = true, delimiter: Character = ",")
        throws -> Dataset
    {
        let bytes = try FileBytes.read(path)
        return try parse(
            String(decoding: bytes, as: UTF8.self), target: target, hasHeader: hasHeader, delimiter: delimiter,
            name: path)
    }

    /// Parses CSV text; see `load`.
    public static func parse(
        _ text: String, target: String? = nil, hasHeader: Bool = true, delimiter: Character = ",", name: String = "CSV"
    ) throws -> Dataset {
        // Spreadsheets often start UTF-8 files with a byte-order mark; it is not part of the first name.
        var rows = try records(
            text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, delimiter: delimiter, name: name)
        guard !rows.isEmpty else { throw NeuralNetworkError.format("\(name): no rows") }
        let header = hasHeader ? rows.removeFirst() : (0..<rows[0].count).map { "column \($0)" }
        guard !rows.isEmpty else { throw NeuralNetworkError.format("\(name): a header but no data rows") }
        let width = header.count
        guard width >= 2 else {
            throw NeuralNetworkError.format(
                "\(name): needs at least two columns (features and a target), found \(width)")
        }
        let targetColumn: Int
        if let target {
            if let found = header.firstIndex(of: target) {
                targetColumn = found
            } else if let number = Int(target), (0..<width).contains(number) {
                targetColumn = number
            } else {
                throw NeuralNetworkError.invalidArgument(
                    "\(name): no target column '\(target)'; the columns are \(header.map { "'\($0)'" }.joined(separator: ", "))"
                )
            }
        } else {
            targetColumn = width - 1
        }
        var features: [Double] = []
        features.reserveCapacity(rows.count * (width - 1))
        var targetTexts: [String] = []
        for (number, row) in rows.enumerated() {
            let line = number + (hasHeader ? 2 : 1)
            guard row.count == width else {
                throw NeuralNetworkError.format(
                    "\(name), line \(line): \(row.count) fields where the header has \(width)")
            }
            for (column, field) in row.enumerated() {
                if column == targetColumn {
                    targetTexts.append(field)
                    continue
                }
                guard let value = Double(field.trimmingSpaces()) else {
                    throw NeuralNetworkError.format(
                        "\(name), line \(line), column '\(header[column])': '\(field)' is not a number")
                }
                features.append(value)
            }
        }
        let features2d = try Tensor(shape: [rows.count, width - 1], scalars: features)
        let numbers = targetTexts.map { Double($0.trimmingSpaces()) }
        if numbers.allSatisfy({ $0 != nil }) {
            return try Dataset(
                features: features2d, targets: Tensor(shape: [rows.count, 1], scalars: numbers.map { $0! }))
        }
        let names = Array(Set(targetTexts.map { $0.trimmingSpaces() })).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, Double($0.offset)) })
        return try Dataset(
            features: features2d,
            targets: Tensor(
                shape: [rows.count], scalars: targetTexts.map { index[$0.trimmingSpaces()]! }, dtype: .int64),
            classNames: names)
    }

    /// The fields of each non-empty line; quoted fields may hold delimiters, newlines and "".
    static func records(_ text: String, delimiter: Character, name: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false, wasQuoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        func endRow() {
            row.append(field)
            if !(row.count == 1 && row[0].trimmingSpaces().isEmpty && !wasQuoted) { rows.append(row) }
            row = []
            field = ""
            wasQuoted = false
        }
        while let character = pending ?? characters.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.trimmingSpaces().isEmpty {
                inQuotes = true
                wasQuoted = true
                field = ""
            } else if character == delimiter {
                row.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" || character == "\r" {
                endRow()
            } else {
                field.append(character)
            }
        }
        guard !inQuotes else { throw NeuralNetworkError.format("\(name): a quoted field is not closed") }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
