/// One cell of a table.
public enum TableCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    /// Stands for rows or columns left out of a summary.
    case ellipsis
    case empty

    /// Numbers line up on the right; text on the left.
    var isNumeric: Bool {
        switch self {
        case .integer, .number: true
        default: false
        }
    }

    var text: String {
        switch self {
        case .text(let s): s
        case .integer(let i): NumberFormat.grouped(i)
        case .number(let d): NumberFormat.general(d, significant: 4)
        case .ellipsis: "…"
        case .empty: ""
        }
    }
}

/// Rows of records under named columns, shown as HTML, Markdown and aligned plain text.
public struct RecordTable: MIMERepresentable, Sendable, Equatable {
    public var columns: [String]
    public var rows: [[TableCell]]
    /// A line above the table, such as a tensor's shape and dtype.
    public var caption: String?
    /// A line below the table, such as totals.
    public var footer: String?

    public init(columns: [String], rows: [[TableCell]], caption: String? = nil, footer: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.caption = caption
        self.footer = footer
    }

    /// The row's cell in `column`, blank where a row is short.
    func cell(_ row: [TableCell], _ column: Int) -> TableCell {
        column < row.count ? row[column] : .empty
    }

    /// A column is aligned right when every non-blank cell in it is a number.
    func isNumericColumn(_ column: Int) -> Bool {
        let cells = rows.map { cell($0, column) }.filter { $0 != .empty && $0 != .ellipsis }
        return !cells.isEmpty && cells.allSatisfy(\.isNumeric)
    }

    /// Columns padded to equal width, numbers aligned right, a rule under the header.
    public func plainText() -> String {
        let count = columns.count
        let widths = (0..<count).map { c in
            ([columns[c].count] + rows.map { cell($0, c).text.count }).max() ?? 0
        }
        let numeric = (0..<count).map(isNumericColumn)
        func line(_ texts: [String]) -> String {
            var parts: [String] = []
            for (c, text) in texts.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - text.count)
                parts.append(numeric[c] ? pad + text : text + pad)
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        var out: [String] = []
        if let caption { out.append(caption) }
        out.append(line(columns))
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        for row in rows { out.append(line((0..<count).map { cell(row, $0).text })) }
        if let footer { out.append(footer) }
        return out.joined(separator: "\n")
    }

    /// A GitHub-flavoured Markdown table, with the caption and footer as plain lines.
    public func markdown() -> String {
        func escape(_ s: String) -> String { MarkdownText.escape(s).replacingNewlines() }
        var out: [String] = []
        if let caption { out.append(escape(caption)); out.append("") }
        out.append("| " + columns.map(escape).joined(separator: " | ") + " |")
        out.append("|" + (0..<columns.count).map { isNumericColumn($0) ? "---:" : ":---" }.joined(separator: "|") + "|")
        for row in rows {
            out.append("| " + (0..<columns.count).map { escape(cell(row, $0).text) }.joined(separator: " | ") + " |")
        }
        if let footer { out.append(""); out.append(escape(footer)) }
        return out.joined(separator: "\n")
    }

    /// An HTML table styled inline and without colours of its own, so the notebook's light
    /// or dark theme decides them.
    public func html() -> String {
        let numeric = (0..<columns.count).map(isNumericColumn)
        let cellPadding = "padding:3px 10px"
        func align(_ c: Int) -> String { numeric[c] ? "text-align:right" : "text-align:left" }
        var s = "<table style=\"border-collapse:collapse;font-variant-numeric:tabular-nums\">\n"
        if let caption {
            s += "<caption style=\"caption-side:top;text-align:left;padding:0 0 4px 0;opacity:0.8\">\(XMLText.escape(caption))</caption>\n"
        }
        s += "<thead><tr>"
        for (c, name) in columns.enumerated() {
            s += "<th style=\"\(align(c));\(cellPadding);border-bottom:1px solid rgba(128,128,128,0.6)\">\(XMLText.escape(name))</th>"
        }
        s += "</tr></thead>\n<tbody>\n"
        for row in rows {
            s += "<tr>"
            for c in 0..<columns.count {
                let value = cell(row, c)
                let center = value == .ellipsis ? "text-align:center" : align(c)
                s += "<td style=\"\(center);\(cellPadding)\">\(XMLText.escape(value.text))</td>"
            }
            s += "</tr>\n"
        }
        s += "</tbody>\n"
        if let footer {
            s += "<tfoot><tr><td colspan=\"\(max(1, columns.count))\" style=\"text-align:left;\(cellPadding);border-top:1px solid rgba(128,128,128,0.6);opacity:0.8\">\(XMLText.escape(footer))</td></tr></tfoot>\n"
        }
        s += "</table>\n"
        return s
    }

    public func mimeBundle() -> MIMEBundle {
        MIMEBundle(plainText: plainText(), data: ["text/html": html(), "text/markdown": markdown()])
    }
}

extension String {
    /// Table cells are one line: newlines become spaces.
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}
