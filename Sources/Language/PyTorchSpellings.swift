// Names a learner brings from PyTorch and NumPy, and the Tensorcell name where it differs:
// "did you mean" answers them instead of a bare "has no member".

enum PyTorchSpellings {
    /// PyTorch member name → Tensorcell member name.
    static let members: [String: String] = [
        "tolist": "toArray", "numpy": "toArray", "clone": "copy", "view": "reshape", "numel": "count",
        "size": "shape", "dim": "rank", "ndim": "rank", "t": "T", "expand": "broadcast", "clip": "clamp",
        "long": "int", "amax": "max", "amin": "min", "mm": "matmul", "bmm": "matmul", "index_select": "select",
        "masked_select": "select", "eq": "equals", "allclose": "allClose", "copy_": "assign", "add_": "addInPlace",
        "zero_": "fill", "fill_": "fill", "contiguous": "copy", "type": "to", "cpu": "copy",
        "named_parameters": "namedParameters", "state_dict": "namedParameters", "num_parameters": "parameterCount",
    ]

    /// PyTorch function name → Tensorcell function name.
    static let functions: [String: String] = [
        "cat": "concat", "concatenate": "concat", "clip": "clamp", "from_numpy": "tensor", "as_tensor": "tensor",
        "Linear": "Dense", "Conv2d": "Conv2D", "BatchNorm1d": "BatchNorm", "BatchNorm2d": "BatchNorm",
        "MaxPool2d": "MaxPool2D", "no_grad": "noGrad", "manual_seed": "%seed",
    ]

    /// `requires_grad` → `requiresGrad`, `zero_grad` → `zeroGrad`; a trailing `_` (PyTorch's
    /// in-place mark) is dropped. Nil when the name has no underscore.
    static func camelCase(_ name: String) -> String? {
        guard name.contains("_") else { return nil }
        let parts = name.split(separator: "_")
        guard let first = parts.first else { return nil }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// "; did you mean 'toArray'?" when `name` is a PyTorch spelling of one of `known`.
    static func hint(for name: String, among known: some Sequence<String>, functions: Bool = false) -> String {
        let names = Set(known)
        let table = functions ? self.functions : members
        if let mapped = table[name], names.contains(mapped) || mapped.hasPrefix("%") {
            return "; did you mean '\(mapped)'? (PyTorch's \(name))"
        }
        if let camel = camelCase(name), names.contains(camel) { return "; did you mean '\(camel)'?" }
        return ""
    }
}
