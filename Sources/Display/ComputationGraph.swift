#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One value in a computation graph: what it is, how it was made, and its gradient.
public struct GraphNode: Sendable, Equatable {
    public var id: Int
    public var label: String
    public var value: Double
    public var grad: Double?
    /// The operation that produced this value (`+`, `*`, `tanh`, ...); nil for leaves.
    public var op: String?
    /// Ids of the operands, in order.
    public var inputs: [Int]
    /// Shown in place of `value` and `grad` when set: a tensor's shape or its few values.
    public var valueText: String?
    public var gradText: String?

    public init(id: Int, label: String = "", value: Double, grad: Double? = nil, op: String? = nil, inputs: [Int] = []) {
        self.id = id
        self.label = label
        self.value = value
        self.grad = grad
        self.op = op
        self.inputs = inputs
    }
}

/// A value's computation graph drawn left to right, as micrograd draws it: each value a box
/// with its data and gradient, each operation a small circle between operands and result.
public struct ComputationGraph: Chart, Sendable {
    public var nodes: [GraphNode]
    public var title: String?
    let layout: Layout

    struct Layout: Sendable {
        /// Column of each node (by index into `nodes`): longest path from a leaf.
        var column: [Int] = []
        /// Row of each node within its column.
        var row: [Int] = []
        var columns = 0
        var rows = 0
        var cycle = false
    }

    static let boxHeight = 30.0
    static let rowGap = 22.0
    static let opGap = 56.0

    public init(_ nodes: [GraphNode], title: String? = nil) {
        self.nodes = nodes
        self.title = title
        self.layout = ComputationGraph.layOut(nodes)
    }

    /// Columns by longest distance from the leaves, found with Kahn's algorithm, so a deep
    /// graph cannot overflow the stack as a recursive walk would.
    static func layOut(_ nodes: [GraphNode]) -> Layout {
        var index: [Int: Int] = [:]
        for (i, node) in nodes.enumerated() where index[node.id] == nil { index[node.id] = i }
        var pending = nodes.map { node in node.inputs.filter { index[$0] != nil }.count }
        var users = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for input in node.inputs { if let j = index[input] { users[j].append(i) } }
        }
        var column = [Int](repeating: 0, count: nodes.count)
        var queue = (0..<nodes.count).filter { pending[$0] == 0 }
        var head = 0
        while head < queue.count {
            let i = queue[head]
            head += 1
            for u in users[i] {
                column[u] = max(column[u], column[i] + 1)
                pending[u] -= 1
                if pending[u] == 0 { queue.append(u) }
            }
        }
        // Leaves sit just before their first use, not all at the far left, so a bias added
        // late in the graph does not send a long edge across it.
        for i in nodes.indices where nodes[i].inputs.isEmpty && !users[i].isEmpty {
            column[i] = max(0, (users[i].map { column[$0] }.min() ?? 1) - 1)
        }
        var layout = Layout()
        layout.cycle = queue.count < nodes.count
        layout.column = column
        layout.columns = (column.max() ?? -1) + 1
        var filled = [Int](repeating: 0, count: max(1, layout.columns))
        layout.row = column.map { c in
            defer { filled[c] += 1 }
            return filled[c]
        }
        layout.rows = filled.max() ?? 0
        return layout
    }

    func boxText(_ node: GraphNode) -> String {
        var parts: [String] = []
        if !node.label.isEmpty { parts.append(node.label) }
        parts.append("data " + (node.valueText ?? NumberFormat.fixed(node.value, decimals: 4)))
        if let grad = node.gradText ?? node.grad.map({ NumberFormat.fixed($0, decimals: 4) }) { parts.append("grad \(grad)") }
        return parts.joined(separator: " │ ")
    }

    static let boxStyle = TextStyle(size: 12, color: .ink, anchor: .middle, baseline: .middle)

    /// Width of each node's box, measured with the same metrics both backends use.
    var boxWidths: [Double] {
        let measurer = TextMeasurer()
        return nodes.map { measurer.width(boxText($0), size: ComputationGraph.boxStyle.size, weight: .normal) + 20 }
    }

    static let opStyle: TextStyle = {
        var style = ComputationGraph.boxStyle
        style.weight = .bold
        return style
    }()

    /// The operation's text size: short symbols large, names smaller.
    static func opTextSize(_ op: String) -> Double { op.count > 2 ? 10 : 13 }

    /// Width of the mark around each operation: a circle for a symbol, a pill for a name.
    var opWidths: [Double] {
        let measurer = TextMeasurer()
        return nodes.map { node in
            guard let op = node.op else { return 0 }
            return max(26, measurer.width(op, size: ComputationGraph.opTextSize(op), weight: .bold) + 14)
        }
    }

    /// Per column: the widest box in it and the room left of it for the operation marks.
    var columnGeometry: (boxes: [Double], gaps: [Double]) {
        let widths = boxWidths
        let ops = opWidths
        var boxes = [Double](repeating: 0, count: max(1, layout.columns))
        // Columns of leaves only (the first) need no room for operations.
        var gaps = [Double](repeating: 0, count: max(1, layout.columns))
        for i in nodes.indices {
            let c = layout.column[i]
            boxes[c] = max(boxes[c], widths[i])
            if nodes[i].op != nil { gaps[c] = max(gaps[c], ComputationGraph.opGap, ops[i] + 30) }
        }
        return (boxes, gaps)
    }

    /// Width of each column: its operation room, its widest box and a margin.
    var columnWidths: [Double] {
        let (boxes, gaps) = columnGeometry
        return zip(boxes, gaps).map { $0 + $1 + 24 }
    }

    public var size: Size {
        let rows = Double(max(1, layout.rows))
        let titleRoom = title == nil ? 0 : Theme.title.size + 12
        return Size(
            width: max(320, columnWidths.reduce(0, +) + 2 * Theme.outerMargin),
            height: max(160, rows * (ComputationGraph.boxHeight + ComputationGraph.rowGap) + titleRoom + 2 * Theme.outerMargin + 30))
    }

    public var summary: String {
        guard let last = nodes.last else { return "<ComputationGraph: empty>" }
        let ops = nodes.filter { $0.op != nil }.count
        return "<ComputationGraph: \(nodes.count) values, \(ops) operations; \(last.label.isEmpty ? "result" : last.label) = \(NumberFormat.general(last.value))>"
    }

    public func draw(on canvas: any Canvas) {
        var notes: [String] = []
        if layout.cycle { notes.append("the graph has a cycle; some edges are not drawn in order") }
        let area = ChartDecoration(title: title, notes: notes).draw(on: canvas)
        guard !nodes.isEmpty else {
            canvas.text("No values to draw", at: Point(area.midX, area.midY), style: Theme.message)
            return
        }
        let widths = boxWidths
        let opWidths = self.opWidths
        let (_, gaps) = columnGeometry
        let spans = columnWidths
        // Columns side by side, centred when the picture is wider than they need.
        var starts: [Double] = []
        var x = area.x + max(0, (area.width - spans.reduce(0, +)) / 2)
        for span in spans {
            starts.append(x)
            x += span
        }
        let rowHeight = ComputationGraph.boxHeight + ComputationGraph.rowGap
        var index: [Int: Int] = [:]
        for (i, node) in nodes.enumerated() where index[node.id] == nil { index[node.id] = i }
        func box(_ i: Int) -> Rect {
            let columnCount = nodes.indices.filter { layout.column[$0] == layout.column[i] }.count
            let top = area.midY - Double(columnCount) * rowHeight / 2 + ComputationGraph.rowGap / 2
            // Boxes start where the widest would, just after the operation circle.
            let x = starts[layout.column[i]] + gaps[layout.column[i]] + 20
            return Rect(x: x.rounded(), y: (top + Double(layout.row[i]) * rowHeight).rounded(), width: widths[i], height: ComputationGraph.boxHeight)
        }
        let edge = Stroke(Color(hex: 0x777777), width: 1.2)
        // Edges first, under the boxes.
        func opCentre(_ i: Int, _ rect: Rect) -> Point { Point(rect.x - gaps[layout.column[i]] / 2, rect.midY) }
        for (i, node) in nodes.enumerated() {
            let target = box(i)
            let half = opWidths[i] / 2
            let entry = node.op == nil ? Point(target.x, target.midY) : opCentre(i, target)
            for input in node.inputs {
                guard let j = index[input] else { continue }
                let source = box(j)
                canvas.line(from: Point(source.maxX, source.midY), to: Point(entry.x - half, entry.y), stroke: edge)
                arrowHead(at: Point(entry.x - half, entry.y), from: Point(source.maxX, source.midY), on: canvas)
            }
            if node.op != nil {
                canvas.line(from: Point(entry.x + half, entry.y), to: Point(target.x, target.midY), stroke: edge)
                arrowHead(at: Point(target.x, target.midY), from: Point(entry.x + half, entry.y), on: canvas)
            }
        }
        for (i, node) in nodes.enumerated() {
            let rect = box(i)
            canvas.rect(rect, fill: Color(hex: 0xF4F6F8), stroke: Stroke(.ink, width: 1))
            canvas.text(boxText(node), at: Point(rect.midX, rect.midY), style: ComputationGraph.boxStyle)
            if let op = node.op {
                let centre = opCentre(i, rect)
                let fill = Color(hex: 0xFFF4E0)
                let stroke = Stroke(Color(hex: 0xE69F00), width: 1.5)
                if opWidths[i] <= 26 {
                    canvas.circle(center: centre, radius: 13, fill: fill, stroke: stroke)
                } else {
                    canvas.path(pill(centre: centre, width: opWidths[i], height: 26), fill: fill, stroke: stroke)
                }
                var style = ComputationGraph.opStyle
                style.size = ComputationGraph.opTextSize(op)
                canvas.text(op, at: centre, style: style)
            }
        }
    }

    /// A rounded bar: two half circles joined by straight sides.
    private func pill(centre: Point, width: Double, height: Double) -> Path {
        let r = height / 2
        let inner = width / 2 - r
        var corners: [Point] = []
        for k in 0...12 {
            let a = -Double.pi / 2 + Double.pi * Double(k) / 12
            corners.append(Point(centre.x + inner + r * cos(a), centre.y + r * sin(a)))
        }
        for k in 0...12 {
            let a = Double.pi / 2 + Double.pi * Double(k) / 12
            corners.append(Point(centre.x - inner + r * cos(a), centre.y + r * sin(a)))
        }
        return .polygon(corners)
    }

    private func arrowHead(at tip: Point, from tail: Point, on canvas: any Canvas) {
        let dx = tip.x - tail.x
        let dy = tip.y - tail.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return }
        let ux = dx / length
        let uy = dy / length
        let back = Point(tip.x - 7 * ux, tip.y - 7 * uy)
        canvas.path(
            .polygon([tip, Point(back.x - 3.5 * uy, back.y + 3.5 * ux), Point(back.x + 3.5 * uy, back.y - 3.5 * ux)]),
            fill: Color(hex: 0x777777), stroke: nil)
    }
}
