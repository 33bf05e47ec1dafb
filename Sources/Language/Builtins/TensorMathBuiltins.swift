// Functions of tensors: elementwise math (which also takes plain numbers), activations,
// reductions, products, joining and picking. `log` and `abs` live with the basics.

import Tensors

extension Builtins {
    static func registerTensorMath(in library: Library) {
        // Elementwise functions of one value: a number gives a number, anything else a tensor.
        let elementwise: [(String, String, String, (Double) -> Double, (Tensor) throws -> Tensor)] = [
            ("exp", "e to the power x, of a number or of each element of a tensor.", "exp(1)", ScalarMath.exp, { try $0.exp() }),
            ("sqrt", "The square root of a number or of each element of a tensor.", "sqrt(tensor([1, 4, 9]))", ScalarMath.sqrt, { try $0.sqrt() }),
            ("sin", "The sine (in radians) of a number or of each element of a tensor.", "sin(pi / 2)", ScalarMath.sin, { try $0.sin() }),
            ("cos", "The cosine (in radians) of a number or of each element of a tensor.", "cos(linspace(0, pi, 3))", ScalarMath.cos, { try $0.cos() }),
            ("tanh", "The hyperbolic tangent, in (-1, 1): an activation centred on 0. Numbers give numbers, tensors tensors.", "tanh(tensor([-2, 0, 2]))", ScalarMath.tanh, { try $0.tanh() }),
            ("sigmoid", "The logistic function 1 / (1 + e^-x), in (0, 1): sigmoid(0) is 0.5. Numbers give numbers, tensors tensors.", "print(sigmoid(0), sigmoid(tensor([-1, 0, 1])))", ScalarMath.sigmoid, { try $0.sigmoid() }),
            ("relu", "max(x, 0): negative values become 0. The usual activation between layers. Numbers give numbers, tensors tensors.", "relu(tensor([-2, -0.5, 0, 1.5]))", { Swift.max($0, 0) }, { try $0.relu() }),
            ("gelu", "The Gaussian error linear unit x·Φ(x), a smooth relu used by transformers.", "gelu(tensor([-1, 0, 1]))", ScalarMath.gelu, { try $0.gelu() }),
            ("sign", "-1, 0 or 1 by the sign of a number or of each element (no gradient flows through it).", "sign(tensor([-3, 0, 2]))", { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, { try $0.sign() }),
        ]
        for (name, doc, example, number, tensor) in elementwise {
            library.add(name, [.positional("x")], doc: doc, example: example) { args in
                switch args.value("x") {
                case .int, .float, .bool: return .float(number(try args.double("x")))
                default:
                    return .tensor(try tensor(try args.tensor("x")))
                }
            }
        }
        library.add(
            "leakyRelu", [.positional("x"), .labelled("slope", default: .float(0.01))],
            doc: "x where x > 0, slope · x elsewhere: a relu that lets a little gradient through for negative inputs.",
            example: "leakyRelu(tensor([-10, 5]), slope: 0.1)"
        ) { args in
            let slope = try args.double("slope")
            switch args.value("x") {
            case .int, .float, .bool:
                let x = try args.double("x")
                return .float(x > 0 ? x : slope * x)
            default:
                return .tensor(try args.tensor("x").leakyRelu(slope: slope))
            }
        }
        library.add(
            "pow", [.positional("base"), .positional("exponent")],
            doc: "base raised to the power exponent, elementwise; either may be a tensor or a number (two numbers give a number).",
            example: """
                print(pow(2, 10))
                print(pow(tensor([1, 2, 3]), 2))
                """
        ) { args in
            if let base = args.value("base").number, let exponent = args.value("exponent").number {
                return .float(ScalarMath.pow(base, exponent))
            }
            if case .tensor(let base) = args.value("base"), let exponent = args.value("exponent").number {
                return .tensor(try Tensors.pow(base, exponent))
            }
            let (base, exponent) = try tensorPair(args, "base", "exponent")
            return .tensor(try Tensors.pow(base, exponent))
        }
        library.add(
            "maximum", [.positional("a"), .positional("b")],
            doc: "The larger of a and b, elementwise, broadcasting (max(xs) is the largest element of one tensor).",
            example: "maximum(tensor([1, 5, 3]), tensor([4, 2, 6]))"
        ) { args in
            if let a = args.value("a").number, let b = args.value("b").number { return .float(Swift.max(a, b)) }
            let (a, b) = try tensorPair(args, "a", "b")
            return .tensor(try Tensors.maximum(a, b))
        }
        library.add(
            "minimum", [.positional("a"), .positional("b")],
            doc: "The smaller of a and b, elementwise, broadcasting.",
            example: "minimum(tensor([1, 5, 3]), 2)"
        ) { args in
            if let a = args.value("a").number, let b = args.value("b").number { return .float(Swift.min(a, b)) }
            let (a, b) = try tensorPair(args, "a", "b")
            return .tensor(try Tensors.minimum(a, b))
        }
        for name in ["clamp", "clip"] {
            library.add(
                name, [.positional("x"), .labelled("min", default: .void), .labelled("max", default: .void)],
                doc: name == "clamp"
                    ? "Each element limited to min...max (either may be left out); the gradient flows only where x was inside."
                    : "The same as clamp: each element limited to min...max.",
                example: "\(name)(tensor([-2, 0.5, 3]), min: 0, max: 1)"
            ) { args in
                let low = try args.doubleIfPresent("min"), high = try args.doubleIfPresent("max")
                if let low, let high, low > high {
                    throw args.error("\(name) needs min <= max, got min \(formatFloat(low)) and max \(formatFloat(high))")
                }
                switch args.value("x") {
                case .int, .float, .bool:
                    var x = try args.double("x")
                    if let low { x = Swift.max(x, low) }
                    if let high { x = Swift.min(x, high) }
                    return .float(x)
                default:
                    return .tensor(try args.tensor("x").clamp(min: low, max: high))
                }
            }
        }
        library.add(
            "softmax", [.positional("x"), .labelled("axis", default: .int(-1))],
            doc: "e^x divided by its sum along axis (the last unless given): scores become probabilities that add up to 1.",
            example: "softmax(tensor([1, 2, 3]))"
        ) { args in
            return .tensor(try args.tensor("x").softmax(axis: try args.int("axis")))
        }
        library.add(
            "logSoftmax", [.positional("x"), .labelled("axis", default: .int(-1))],
            doc: "log(softmax(x)) along axis, computed without overflow: the log-probabilities crossEntropy uses.",
            example: "logSoftmax(tensor([[1, 2, 3]]), axis: 1)"
        ) { args in
            return .tensor(try args.tensor("x").logSoftmax(axis: try args.int("axis")))
        }
        library.add(
            "logSumExp", [.positional("x")] + [.labelled("axis", default: .void), .labelled("axes", default: .void), .labelled("keepDims", default: .bool(false))],
            doc: "log(sum(exp(x))) over axis or axes (all when neither is given), computed without overflow.",
            example: "logSumExp(tensor([1000, 1000]))"
        ) { args in
            return .tensor(try args.tensor("x").logSumExp(axes: try reductionAxes(args), keepDims: try args.bool("keepDims")))
        }

        // Reductions as functions: sum(x, axis: 0) as well as x.sum(axis: 0).
        let reductions: [(String, String, String, (Tensor, [Int]?, Bool) throws -> Tensor)] = [
            ("sum", "The sum of a tensor's elements over axis or axes (all when neither is given); keepDims: true keeps reduced axes as size 1.", "sum(tensor([[1, 2], [3, 4]]), axis: 0)", { try $0.sum(axes: $1, keepDims: $2) }),
            ("mean", "The mean of a tensor's elements over axis or axes (all when neither is given).", "mean(tensor([[1, 2], [3, 4]]), axis: 1)", { try $0.mean(axes: $1, keepDims: $2) }),
        ]
        for (name, doc, example, reduce) in reductions {
            library.add(
                name, [.positional("x"), .labelled("axis", default: .void), .labelled("axes", default: .void), .labelled("keepDims", default: .bool(false))],
                doc: doc, example: example
            ) { args in
                return .tensor(try reduce(try args.tensor("x"), try reductionAxes(args), try args.bool("keepDims")))
            }
        }
        for (name, largest) in [("argmax", true), ("argmin", false)] {
            library.add(
                name, [.positional("x"), .labelled("axis", default: .void), .labelled("keepDims", default: .bool(false))],
                doc: "The int64 position of the \(largest ? "largest" : "smallest") element along axis (of the flattened tensor when no axis is given); the first one on ties. argmax(scores, axis: 1) is each row's predicted class.",
                example: "\(name)(tensor([[1, 9, 3], [7, 2, 5]]), axis: 1)"
            ) { args in
                let x = try args.tensor("x")
                let axis = try args.intIfPresent("axis"), keepDims = try args.bool("keepDims")
                return .tensor(try largest ? x.argmax(axis: axis, keepDims: keepDims) : x.argmin(axis: axis, keepDims: keepDims))
            }
        }

        library.add(
            "matmul", [.positional("a"), .positional("b")],
            doc: "The matrix product a @ b: [n, k] @ [k, m] gives [n, m]; vectors and batches follow NumPy's rules.",
            example: "matmul(tensor([[1, 2], [3, 4]]), tensor([[1], [1]]))"
        ) { args in
            return .tensor(try Tensors.matmul(try args.tensor("a"), try args.tensor("b")))
        }
        library.add(
            "concat", [.positional("tensors"), .labelled("axis", default: .int(0))],
            doc: "The tensors of an array joined along an existing axis (the first unless given); the other sizes must agree.",
            example: "concat([tensor([[1, 2]]), tensor([[3, 4]])], axis: 0)"
        ) { args in
            return .tensor(try Tensors.concat(try tensorList(args, "tensors"), axis: try args.int("axis")))
        }
        library.add(
            "stack", [.positional("tensors"), .labelled("axis", default: .int(0))],
            doc: "The tensors of an array, all of one shape, stacked along a new axis (the first unless given).",
            example: "stack([tensor([1, 2]), tensor([3, 4])], axis: 1)"
        ) { args in
            return .tensor(try Tensors.stack(try tensorList(args, "tensors"), axis: try args.int("axis")))
        }
        library.add(
            "where", [.positional("condition"), .positional("a"), .positional("b")],
            doc: "Elements of a where condition is non-zero (true), of b elsewhere, all three broadcast: where(x > 0, x, 0).",
            example: """
                let x = tensor([-1, 2, -3, 4])
                where(x > 0, x, 0)
                """
        ) { args in
            let condition: Tensor
            if case .bool(let flag) = args.value("condition") {
                condition = try Tensor.scalar(flag ? 1 : 0)
            } else {
                condition = try args.tensor("condition")
            }
            let (a, b) = try tensorPair(args, "a", "b")
            return .tensor(try Tensors.where(condition, a, b))
        }
        library.add(
            "oneHot", [.positional("labels"), .labelled("classes")],
            doc: "One float32 row per whole-number label, all zeros but a 1 at the label's position: shape labels.shape + [classes].",
            example: "oneHot(tensor([0, 2, 1]), classes: 3)"
        ) { args in
            let classes = try args.int("classes")
            guard classes > 0, classes <= 1_000_000 else {
                throw args.error("classes", "oneHot needs from 1 to 1,000,000 classes, got \(classes)", kind: .valueError)
            }
            return .tensor(try args.tensor("labels").oneHot(classes: classes))
        }
        library.add(
            "allClose", [.positional("a"), .positional("b"), .labelled("relativeTolerance", default: .float(1e-5)), .labelled("absoluteTolerance", default: .float(1e-8))],
            doc: "Whether a and b have one shape and every pair of elements is within absoluteTolerance + relativeTolerance · |b|.",
            example: "allClose(tensor([1, 2]), tensor([1, 2.000001]))"
        ) { args in
            return .bool(
                Tensors.allClose(
                    try args.tensor("a"), try args.tensor("b"), relativeTolerance: try args.double("relativeTolerance"),
                    absoluteTolerance: try args.double("absoluteTolerance")))
        }
        library.add(
            "conv2d", [.positional("input"), .positional("weight"), .labelled("bias", default: .void), .labelled("stride", default: .int(1)), .labelled("padding", default: .int(0))],
            doc: "The 2-d convolution (cross-correlation) of an [N, C, H, W] input with [F, C, kh, kw] filters, plus an optional [F] bias: an [N, F, OH, OW] result.",
            example: """
                let image = arange(16).reshape(1, 1, 4, 4)
                let edge = tensor([[[[1, -1]]]])
                conv2d(image, edge)
                """
        ) { args in
            let stride = try args.int("stride"), padding = try args.int("padding")
            guard stride >= 1 else { throw args.error("stride", "stride must be at least 1, got \(stride)", kind: .valueError) }
            guard padding >= 0 else { throw args.error("padding", "padding cannot be negative, got \(padding)", kind: .valueError) }
            return .tensor(
                try Tensors.conv2d(
                    try args.tensor("input"), try args.tensor("weight"), bias: try args.tensorIfPresent("bias"), stride: stride,
                    padding: padding))
        }
        for (name, verb) in [("maxPool2d", "largest element"), ("avgPool2d", "mean")] {
            library.add(
                name, [.positional("x"), .labelled("kernelSize"), .labelled("stride", default: .void)],
                doc: "The \(verb) of each kernelSize x kernelSize window over the last two axes of an [N, C, H, W] tensor; the stride is the kernel size unless given.",
                example: "\(name)(arange(16).reshape(1, 1, 4, 4), kernelSize: 2)"
            ) { args in
                let kernel = try args.int("kernelSize"), stride = try args.intIfPresent("stride")
                guard kernel >= 1 else { throw args.error("kernelSize", "kernelSize must be at least 1, got \(kernel)", kind: .valueError) }
                if let stride, stride < 1 { throw args.error("stride", "stride must be at least 1, got \(stride)", kind: .valueError) }
                let x = try args.tensor("x")
                guard x.rank == 4 else {
                    throw args.error("x", "\(name) needs an [N, C, H, W] tensor, not one of shape \(Value.tensor(x).shapeText)", kind: .shapeError)
                }
                return .tensor(name == "maxPool2d" ? try x.maxPool2d(kernelSize: kernel, stride: stride) : try x.avgPool2d(kernelSize: kernel, stride: stride))
            }
        }
    }
}
