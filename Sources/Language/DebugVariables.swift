// Values as the debugger's Variables panel shows them: a line of text each, and children to
// expand into (a tensor's rows, a model's layers and parameters, an array's items).

import Kernel
import NeuralNetworks
import Tensors

/// The expandable things of one stop (or one `inspectVariables`), numbered as DAP's
/// `variablesReference`s; the numbers mean nothing once the cell goes on.
struct VariableTable {
    enum Node {
        case names([(name: String, value: Value)])
        case value(Value, evaluateName: String)
    }

    private var nodes: [Node] = []
    /// The most children one variable lists; a tensor's rows past it are left out.
    static let childLimit = 100

    mutating func register(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count
    }

    func node(_ reference: Int) -> Node? { nodes.indices.contains(reference - 1) ? nodes[reference - 1] : nil }

    mutating func children(of reference: Int) -> Result<[DebugVariable], DebugFailure> {
        guard let node = node(reference) else {
            return .failure(DebugFailure("variablesReference \(reference) is not known (any more)"))
        }
        switch node {
        case .names(let names):
            return .success(names.map { describe($0.name, $0.value, evaluateName: $0.name) })
        case .value(let value, let evaluateName):
            return .success(children(of: value, evaluateName: evaluateName))
        }
    }

    /// One variable, with a reference when it has children.
    mutating func describe(_ name: String, _ value: Value, evaluateName: String) -> DebugVariable {
        let reference = VariableTable.isExpandable(value) ? register(.value(value, evaluateName: evaluateName)) : 0
        return DebugVariable(
            name: name, value: VariableTable.summary(value), type: value.typeName, evaluateName: evaluateName,
            reference: reference)
    }

    static func isExpandable(_ value: Value) -> Bool {
        switch value {
        case .tensor(let tensor): tensor.rank >= 1
        case .array(let items), .tuple(let items): !items.isEmpty
        case .object(let object): object is Layer
        default: false
        }
    }

    private mutating func children(of value: Value, evaluateName: String) -> [DebugVariable] {
        func path(_ suffix: String) -> String { evaluateName.isEmpty ? "" : evaluateName + suffix }
        var result: [DebugVariable] = []
        switch value {
        case .tensor(let tensor):
            result.append(text("shape", "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]", "Shape"))
            result.append(text("dtype", "\(tensor.dtype)", "DType"))
            if tensor.requiresGrad { result.append(text("requiresGrad", "true", "Bool")) }
            if let grad = tensor.grad { result.append(describe("grad", .tensor(grad), evaluateName: path(".grad"))) }
            let elements = tensor.rank == 1 ? tensor.toDoubles() : []
            for row in 0..<min(tensor.shape[0], VariableTable.childLimit) {
                let item: Value
                if tensor.rank == 1 {
                    item = .float(elements[row])
                } else if let slice = try? tensor.index([.at(row)]) {
                    item = .tensor(slice)
                } else {
                    continue
                }
                result.append(describe(String(row), item, evaluateName: path("[\(row)]")))
            }
            if tensor.shape[0] > VariableTable.childLimit {
                result.append(text("…", "\(tensor.shape[0] - VariableTable.childLimit) more rows", ""))
            }
        case .array(let items), .tuple(let items):
            for (index, item) in items.prefix(VariableTable.childLimit).enumerated() {
                result.append(describe(String(index), item, evaluateName: path("[\(index)]")))
            }
        case .object(let instance as ObjectInstance):
            // An object of the program's class: every property by name, as `self.name` reads it.
            for name in instance.propertyNames {
                guard let property = instance.value(of: name) else { continue }
                result.append(describe(name, property, evaluateName: path("." + name)))
            }
        case .object(let object):
            guard let layer = object as? Layer else { break }
            for (name, child) in layer.children {
                result.append(describe(name, .object(child), evaluateName: ""))
            }
            for (name, parameter) in layer.ownParameters {
                result.append(describe(name, .tensor(parameter), evaluateName: ""))
            }
        default:
            break
        }
        return result
    }

    private func text(_ name: String, _ value: String, _ type: String) -> DebugVariable {
        DebugVariable(name: name, value: value, type: type, evaluateName: "", reference: 0)
    }

    // MARK: Summaries

    /// One line: a tensor's shape, dtype and first values; a model's description; short text.
    static func summary(_ value: Value) -> String {
        switch value {
        case .tensor(let tensor): return tensorSummary(tensor)
        case .object(let layer as Layer):
            return "\(layer.description), \(layer.parameterCount) parameters"
        default:
            let text = value.literalText.replacingNewlines()
            return text.count > 120 ? String(text.prefix(119)) + "…" : text
        }
    }

    /// `[4, 2] float32  0.1234, -0.5000, 0.2500, …`
    static func tensorSummary(_ tensor: Tensor) -> String {
        let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
        let shown = 6
        // A large tensor (a dataset's may hold millions of numbers) is read from its first row only.
        var first = tensor
        while first.count > 1000, first.rank > 1, first.shape[0] > 0, let row = try? first.index([.at(0)]) {
            first = row
        }
        let values = Array(first.toDoubles().prefix(shown))
        let isInteger = tensor.dtype == .int32 || tensor.dtype == .int64
        let items = values.map { value -> String in
            if isInteger, value.isFinite { return String(Int(value)) }
            if !value.isFinite { return formatFloat(value) }
            return Swift.abs(value) >= 1e-4 && Swift.abs(value) < 1e6 || value == 0
                ? fixedDecimals(value, 4) : formatFloat(value)
        }
        var preview = items.joined(separator: ", ")
        if tensor.count > values.count { preview += ", …" }
        return "\(shape) \(tensor.dtype)  \(preview)"
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" ? " " : Character($0) })
    }
}
