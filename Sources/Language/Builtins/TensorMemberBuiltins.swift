// The members of a Tensor value: its properties (shape, dtype, grad, ...) and methods
// (reductions, reshaping, math, conversions, autograd, in-place updates).

import Tensors

extension Builtins {
    static func registerTensorMembers(in library: Library) {
        registerTensorProperties(in: library)
        registerTensorReductions(in: library)
        registerTensorShapeMethods(in: library)
        registerTensorMathMethods(in: library)
        registerTensorValueMethods(in: library)
        registerTensorGradMethods(in: library)
    }

    private static func tensor(_ value: Value) throws -> Tensor {
        if case .tensor(let tensor) = value { return tensor }
        throw LanguageError(.typeError, "expected a tensor, not \(describeKind(value))")
    }

    static func registerTensorProperties(in library: Library) {
        let type = "Tensor"
        library.addProperty(type, "shape", doc: "The size of each axis, as an array of whole numbers: [2, 3] for 2 rows of 3.") { value in
            .array(try tensor(value).shape.map(Value.int))
        }
        library.addProperty(type, "rank", doc: "The number of axes: 0 for a single number, 1 for a vector, 2 for a matrix.") { value in
            .int(try tensor(value).rank)
        }
        library.addProperty(type, "count", doc: "The number of elements (the product of the shape).") { value in
            .int(try tensor(value).count)
        }
        library.addProperty(type, "dtype", doc: "The element type, as a string: \"float32\", \"float64\", \"int32\" or \"int64\".") { value in
            .string(try tensor(value).dtype.rawValue)
        }
        library.addProperty(type, "T", doc: "The transpose: the last two axes swapped (a tensor of rank below 2 as it is).") { value in
            .tensor(try tensor(value).transpose())
        }
        library.addProperty(
            type, "grad",
            doc: "The gradient backward() accumulated for this tensor (a leaf that requires gradients), or nothing (Void) before any."
        ) { value in
            try tensor(value).grad.map(Value.tensor) ?? .void
        }
        library.addProperty(
            type, "requiresGrad",
            doc: "Whether backward() computes a gradient for this tensor; set it on parameters: w.requiresGrad = true.",
            get: { value in .bool(try tensor(value).requiresGrad) },
            set: { value, newValue in
                let target = try tensor(value)
                guard case .bool(let flag) = newValue else {
                    throw LanguageError(.typeError, "requiresGrad must be true or false, not \(describeKind(newValue))")
                }
                if flag && !target.dtype.isFloatingPoint {
                    throw LanguageError(
                        .typeError, "only float tensors can require gradients, not \(target.dtype) ones; convert with .float() first")
                }
                target.requiresGrad = flag
            })
        library.addProperty(
            type, "isLeaf",
            doc: "Whether the tensor was made directly (a leaf, such as a parameter) rather than computed by an operation that autograd recorded."
        ) { value in
            .bool(try tensor(value).isLeaf)
        }
        library.addProperty(
            type, "operation",
            doc: "The name of the recorded operation that computed the tensor (\"add\", \"matmul\", ...), or nothing (Void) for a leaf."
        ) { value in
            try tensor(value).gradNode.map { .string($0.name) } ?? .void
        }
        library.addProperty(
            type, "label", doc: "A name shown when the computation graph is drawn; set it: w.label = \"weight\".",
            get: { value in try tensor(value).label.map(Value.string) ?? .void },
            set: { value, newValue in
                let target = try tensor(value)
                switch newValue {
                case .string(let text): target.label = text
                case .void: target.label = nil
                default: throw LanguageError(.typeError, "a label must be a string, not \(describeKind(newValue))")
                }
            })
    }

    static func registerTensorReductions(in library: Library) {
        let type = "Tensor"
        let reductions: [(String, String, String, (Tensor, [Int]?, Bool) throws -> Tensor)] = [
            ("sum", "The sum of the elements over axis or axes (all when neither is given); keepDims: true keeps the reduced axes as size 1.", "tensor([[1, 2], [3, 4]]).sum(axis: 0)", { try $0.sum(axes: $1, keepDims: $2) }),
            ("mean", "The mean of the elements over axis or axes (all when neither is given).", "tensor([[1, 2], [3, 4]]).mean(axis: 1, keepDims: true)", { try $0.mean(axes: $1, keepDims: $2) }),
            ("max", "The largest element over axis or axes (all when neither is given); the gradient goes to the largest.", "tensor([[1, 9], [7, 2]]).max(axis: 1)", { try $0.max(axes: $1, keepDims: $2) }),
            ("min", "The smallest element over axis or axes (all when neither is given).", "tensor([[1, 9], [7, 2]]).min()", { try $0.min(axes: $1, keepDims: $2) }),
            ("logSumExp", "log(sum(exp(x))) over axis or axes (all when neither is given), without overflow.", "tensor([1, 2, 3]).logSumExp()", { try $0.logSumExp(axes: $1, keepDims: $2) }),
        ]
        for (name, doc, example, reduce) in reductions {
            library.addMethod(type, name, reductionParameters, doc: doc, example: example) { args in
                return .tensor(try reduce(try args.receiverTensor(), try reductionAxes(args), try args.bool("keepDims")))
            }
        }
        for (name, isStd) in [("std", true), ("variance", false), ("var", false)] {
            library.addMethod(
                type, name, reductionParameters + [.labelled("correction", default: .int(0))],
                doc: isStd
                    ? "The standard deviation over axis or axes (all when neither is given): the square root of variance."
                    : name == "var" ? "The same as variance: x.var() reads as in PyTorch."
                    : "The variance, the mean of squared distances from the mean, over axis or axes (all when neither is given). correction: 0 divides by n (NumPy's default); correction: 1 by n - 1 (PyTorch's default).",
                example: "tensor([1, 2, 3, 4]).\(name)(" + (isStd ? "" : "correction: 1") + ")"
            ) { args in
                let x = try args.receiverTensor()
                let axes = try reductionAxes(args), keepDims = try args.bool("keepDims"), correction = try args.int("correction")
                guard correction >= 0 else { throw args.error("correction", "correction cannot be negative", kind: .valueError) }
                return .tensor(
                    try isStd
                        ? x.std(axes: axes, keepDims: keepDims, correction: correction)
                        : x.variance(axes: axes, keepDims: keepDims, correction: correction))
            }
        }
        for (name, largest) in [("argmax", true), ("argmin", false)] {
            library.addMethod(
                type, name, [.positional("axis", default: .void), .labelled("keepDims", default: .bool(false))],
                doc: "The int64 position of the \(largest ? "largest" : "smallest") element along axis (of the flattened tensor when no axis is given); the first one on ties.",
                example: "tensor([[1, 9, 3], [7, 2, 5]]).\(name)(axis: 1)"
            ) { args in
                let x = try args.receiverTensor()
                let axis = try args.intIfPresent("axis"), keepDims = try args.bool("keepDims")
                return .tensor(try largest ? x.argmax(axis: axis, keepDims: keepDims) : x.argmin(axis: axis, keepDims: keepDims))
            }
        }
        library.addMethod(type, "all", [], doc: "Whether every element is non-zero (true): (x > 0).all().", example: "(tensor([1, 2, 3]) > 0).all()") { args in
            .bool(try args.receiverTensor().toDoubles().allSatisfy { $0 != 0 })
        }
        library.addMethod(type, "any", [], doc: "Whether some element is non-zero (true): (x < 0).any().", example: "(tensor([1, -2, 3]) < 0).any()") { args in
            .bool(try args.receiverTensor().toDoubles().contains { $0 != 0 })
        }
    }

    static func registerTensorShapeMethods(in library: Library) {
        let type = "Tensor"
        library.addMethod(
            type, "reshape", [.variadic("shape")],
            doc: "The same elements in another shape with as many elements: x.reshape([3, 2]) or x.reshape(3, 2); one size may be -1, meaning 'the rest'.",
            example: "arange(6).reshape(2, -1)"
        ) { args in
            return .tensor(try args.receiverTensor().reshape(try variadicShape(args, "shape", allowInferred: true)))
        }
        library.addMethod(
            type, "flatten", [.labelled("startAxis", default: .int(0)), .labelled("endAxis", default: .int(-1))],
            doc: "Axes startAxis through endAxis merged into one (all of them unless given): a vector of every element.",
            example: "ones(2, 3, 4).flatten(startAxis: 1).shape"
        ) { args in
            .tensor(try args.receiverTensor().flatten(startAxis: try args.int("startAxis"), endAxis: try args.int("endAxis")))
        }
        library.addMethod(
            type, "transpose", [.positional("first", default: .int(-2)), .positional("second", default: .int(-1))],
            doc: "The tensor with two axes swapped, the last two unless given (x.T is x.transpose()).",
            example: "tensor([[1, 2, 3]]).transpose()"
        ) { args in
            .tensor(try args.receiverTensor().transpose(try args.int("first"), try args.int("second")))
        }
        library.addMethod(
            type, "permute", [.variadic("axes")],
            doc: "The axes reordered: axis i of the result is axis axes[i] of this tensor: x.permute(2, 0, 1).",
            example: "ones(2, 3, 4).permute(2, 0, 1).shape"
        ) { args in
            .tensor(try args.receiverTensor().permute(try variadicInts(args, "axes")))
        }
        library.addMethod(
            type, "squeeze", [.positional("axis", default: .void)],
            doc: "The tensor without the given axis of size 1 (without every axis of size 1 unless given).",
            example: "ones(1, 3, 1).squeeze().shape"
        ) { args in
            let x = try args.receiverTensor()
            if let axis = try args.intIfPresent("axis") { return .tensor(try x.squeeze(axis: axis)) }
            return .tensor(try x.squeeze())
        }
        library.addMethod(
            type, "unsqueeze", [.positional("axis")],
            doc: "The tensor with a new axis of size 1 at axis: a vector [3] becomes a row [1, 3] with axis 0, a column [3, 1] with axis 1.",
            example: "tensor([1, 2, 3]).unsqueeze(1)"
        ) { args in
            .tensor(try args.receiverTensor().unsqueeze(axis: try args.int("axis")))
        }
        library.addMethod(
            type, "broadcast", [.labelled("to")],
            doc: "The tensor repeated along axes of size 1 (and new leading axes) to the shape given, by broadcasting's rules.",
            example: "tensor([[1], [2]]).broadcast(to: [2, 3])"
        ) { args in
            return .tensor(try args.receiverTensor().broadcast(to: try args.shape("to")))
        }
        library.addMethod(
            type, "select", [.positional("indices"), .labelled("axis", default: .int(0))],
            doc: "The slices at the whole-number indices along axis (the first unless given): x.select([2, 0]) picks rows 2 and 0, as x[tensor([2, 0])] does.",
            example: "tensor([[1, 2], [3, 4], [5, 6]]).select([2, 0])"
        ) { args in
            return .tensor(try args.receiverTensor().select(indices: try indexTensor(args, "indices"), axis: try args.int("axis")))
        }
        library.addMethod(
            type, "gather", [.labelled("axis"), .labelled("index")],
            doc: "The elements at index along axis, index having this tensor's rank (PyTorch's gather): for axis 1, out[i][j] = x[i][index[i][j]]. Picks each row's score for its label.",
            example: """
                let scores = tensor([[0.1, 0.9], [0.8, 0.2]])
                scores.gather(axis: 1, index: tensor([[1], [0]]))
                """
        ) { args in
            return .tensor(try args.receiverTensor().gather(axis: try args.int("axis"), index: try indexTensor(args, "index")))
        }
        library.addMethod(
            type, "pad", [.positional("widths"), .labelled("value", default: .int(0))],
            doc: "The tensor with value (0 unless given) added around it: widths is one [before, after] pair per axis, counted from the last axis back when fewer.",
            example: "tensor([[1, 2], [3, 4]]).pad([[1, 1], [1, 1]])"
        ) { args in
            let widths = try args.array("widths").map { item -> (before: Int, after: Int) in
                guard case let .array(pair) = item, pair.count == 2, case .int(let before) = pair[0], case .int(let after) = pair[1],
                    before >= 0, after >= 0, before < 1_000_000, after < 1_000_000
                else {
                    throw args.error("widths", "pad's widths are [before, after] pairs of whole numbers ≥ 0, such as [[1, 1], [2, 2]]")
                }
                return (before, after)
            }
            return .tensor(try args.receiverTensor().pad(widths, value: try args.double("value")))
        }
        library.addMethod(
            type, "oneHot", [.labelled("classes")],
            doc: "One float32 row of classes zeros per whole-number label, with a 1 at the label's position.",
            example: "tensor([0, 2]).oneHot(classes: 3)"
        ) { args in
            let classes = try args.int("classes")
            guard classes > 0, classes <= 1_000_000 else {
                throw args.error("classes", "oneHot needs from 1 to 1,000,000 classes, got \(classes)", kind: .valueError)
            }
            return .tensor(try args.receiverTensor().oneHot(classes: classes))
        }
    }

    static func registerTensorMathMethods(in library: Library) {
        let type = "Tensor"
        let unary: [(String, String, (Tensor) throws -> Tensor)] = [
            ("exp", "e to the power of each element.", { try $0.exp() }),
            ("log", "The natural logarithm of each element.", { try $0.log() }),
            ("sqrt", "The square root of each element.", { try $0.sqrt() }),
            ("abs", "The absolute value of each element.", { try $0.abs() }),
            ("sin", "The sine of each element (in radians).", { try $0.sin() }),
            ("cos", "The cosine of each element (in radians).", { try $0.cos() }),
            ("tanh", "The hyperbolic tangent of each element, in (-1, 1).", { try $0.tanh() }),
            ("sigmoid", "1 / (1 + e^-x) for each element, in (0, 1).", { try $0.sigmoid() }),
            ("relu", "max(x, 0) for each element.", { try $0.relu() }),
            ("gelu", "The Gaussian error linear unit x·Φ(x) of each element.", { try $0.gelu() }),
            ("sign", "-1, 0 or 1 by the sign of each element (no gradient flows through it).", { try $0.sign() }),
        ]
        for (name, doc, apply) in unary {
            library.addMethod(type, name, [], doc: doc, example: "tensor([-1, 0, 1]).\(name)()") { args in
                return .tensor(try apply(try args.receiverTensor()))
            }
        }
        library.addMethod(
            type, "leakyRelu", [.labelled("slope", default: .float(0.01))],
            doc: "x where x > 0, slope · x elsewhere.", example: "tensor([-10, 5]).leakyRelu(slope: 0.1)"
        ) { args in
            return .tensor(try args.receiverTensor().leakyRelu(slope: try args.double("slope")))
        }
        library.addMethod(
            type, "softmax", [.positional("axis", default: .int(-1))],
            doc: "e^x divided by its sum along axis (the last unless given): probabilities that add up to 1.",
            example: "tensor([[1, 2, 3]]).softmax(axis: 1)"
        ) { args in
            return .tensor(try args.receiverTensor().softmax(axis: try args.int("axis")))
        }
        library.addMethod(
            type, "logSoftmax", [.positional("axis", default: .int(-1))],
            doc: "log(softmax(x)) along axis (the last unless given), without overflow.",
            example: "tensor([1, 2, 3]).logSoftmax()"
        ) { args in
            return .tensor(try args.receiverTensor().logSoftmax(axis: try args.int("axis")))
        }
        library.addMethod(
            type, "clamp", [.labelled("min", default: .void), .labelled("max", default: .void)],
            doc: "Each element limited to min...max (either may be left out).",
            example: "tensor([-2, 0.5, 3]).clamp(min: 0, max: 1)"
        ) { args in
            let low = try args.doubleIfPresent("min"), high = try args.doubleIfPresent("max")
            return .tensor(try args.receiverTensor().clamp(min: low, max: high))
        }
        library.addMethod(
            type, "pow", [.positional("exponent")],
            doc: "Each element raised to the power exponent (a number or a tensor that broadcasts).",
            example: "tensor([1, 2, 3]).pow(2)"
        ) { args in
            let x = try args.receiverTensor()
            if let exponent = args.value("exponent").number { return .tensor(try Tensors.pow(x, exponent)) }
            return .tensor(try Tensors.pow(x, try args.tensor("exponent")))
        }
        library.addMethod(
            type, "matmul", [.positional("other")],
            doc: "The matrix product with other, the same as x @ other.",
            example: "tensor([[1, 2]]).matmul(tensor([[3], [4]]))"
        ) { args in
            return .tensor(try Tensors.matmul(try args.receiverTensor(), try args.tensor("other")))
        }
        let rounding: [(String, String, (Double) -> Double)] = [
            ("round", "Each element rounded to the nearest whole number (halves away from zero), keeping the dtype; no gradient flows through it.", { $0.rounded() }),
            ("floor", "Each element rounded down to a whole number, keeping the dtype; no gradient flows through it.", { $0.rounded(.down) }),
            ("ceil", "Each element rounded up to a whole number, keeping the dtype; no gradient flows through it.", { $0.rounded(.up) }),
        ]
        for (name, doc, apply) in rounding {
            library.addMethod(type, name, [], doc: doc, example: "tensor([-1.5, 0.4, 2.6]).\(name)()") { args in
                let x = try args.receiverTensor()
                if !x.dtype.isFloatingPoint { return .tensor(x) }
                return .tensor(try mapValues(x, apply))
            }
        }
    }

    static func registerTensorValueMethods(in library: Library) {
        let type = "Tensor"
        library.addMethod(
            type, "item", [],
            doc: "The value of a one-element tensor as a plain number: a Float, or an Int for an integer tensor.",
            example: "tensor([[2.5]]).item()"
        ) { args in
            try scalarValue(try args.receiverTensor())
        }
        library.addMethod(
            type, "toArray", [],
            doc: "The elements as (nested) arrays of numbers, one level per axis: Floats, or Ints for an integer tensor.",
            example: "tensor([[1, 2], [3, 4]]).toArray()"
        ) { args in
            let x = try args.receiverTensor()
            guard x.count <= 10_000_000 else { throw args.error("the tensor has \(x.count) elements, too many for an array") }
            return nestedArray(x)
        }
        library.addMethod(
            type, "to", [.positional("dtype")],
            doc: "The values in another dtype: \"float32\", \"float64\", \"int32\" or \"int64\" (floats become whole numbers by rounding towards zero).",
            example: "tensor([1.7, -1.7]).to(\"int64\")"
        ) { args in
            return .tensor(try args.receiverTensor().converted(to: try dtype(args)))
        }
        for (name, dtype) in [("float", DType.float32), ("double", .float64), ("int", .int64)] {
            library.addMethod(
                type, name, [],
                doc: "The values as \(dtype) (the same as .to(\"\(dtype)\"))" + (dtype == .int64 ? "; fractions are cut off towards zero." : "."),
                example: "tensor([1.5, 2.5]).\(name)()"
            ) { args in
                return .tensor(try args.receiverTensor().converted(to: dtype))
            }
        }
        library.addMethod(
            type, "copy", [],
            doc: "A copy with its own elements, so changing one in place leaves the other; gradients flow through it.",
            example: "tensor([1, 2]).copy()"
        ) { args in
            return .tensor(try args.receiverTensor().copy())
        }
        library.addMethod(
            type, "equals", [.positional("other")],
            doc: "Whether other has the same shape and exactly the same values (== compares element by element instead).",
            example: "tensor([1, 2]).equals(tensor([1, 2]))"
        ) { args in
            let x = try args.receiverTensor()
            let other = try Convert.tensor(args.value("other"), dtype: x.dtype.isFloatingPoint ? x.dtype : .float32)
            return .bool(x.shape == other.shape && x.toDoubles() == other.toDoubles())
        }
        library.addMethod(
            type, "allClose", [.positional("other"), .labelled("relativeTolerance", default: .float(1e-5)), .labelled("absoluteTolerance", default: .float(1e-8))],
            doc: "Whether other has the same shape and every element is within absoluteTolerance + relativeTolerance · |other|.",
            example: "tensor([0.1 + 0.2]).allClose(tensor([0.3]))"
        ) { args in
            return .bool(
                Tensors.allClose(
                    try args.receiverTensor(), try args.tensor("other"), relativeTolerance: try args.double("relativeTolerance"),
                    absoluteTolerance: try args.double("absoluteTolerance")))
        }
    }

    static func registerTensorGradMethods(in library: Library) {
        let type = "Tensor"
        library.addMethod(
            type, "backward", [.positional("gradient", default: .void)],
            doc: "Computes the gradient of this one-element tensor (a loss) with respect to every tensor it was computed from that requires gradients, and adds it to their .grad. Gradients add up over calls: clear them with zeroGrad().",
            example: """
                let w = tensor([2, 3], requiresGrad: true)
                let loss = (w * w).sum()
                loss.backward()
                w.grad
                """
        ) { args in
            let x = try args.receiverTensor()
            let gradient = try args.tensorIfPresent("gradient")
            if x.dtype.isFloatingPoint, !x.requiresGrad {
                throw args.error(
                    GradMode.isEnabled
                        ? "backward() needs a tensor computed from tensors that require gradients: make the parameters with requiresGrad: true. A parameter updated with w = ... or w -= ... is a new tensor that requires none; update it in place instead: noGrad { w.assign(w - lr * w.grad) }"
                        : "backward() inside noGrad { } has nothing to follow: no operation there is recorded")
            }
            try x.backward(gradient)
            return .void
        }
        library.addMethod(
            type, "zeroGrad", [],
            doc: "Clears the gradient backward() accumulated (grad becomes nothing), before the next backward().",
            example: """
                let w = tensor([1, 2], requiresGrad: true)
                (w * 3).sum().backward()
                w.zeroGrad()
                w.grad
                """
        ) { args in
            try args.receiverTensor().zeroGrad()
            return .void
        }
        library.addMethod(
            type, "detach", [],
            doc: "The same values, cut from the computation graph: no gradient flows back through the result, which does not require one.",
            example: "tensor([1, 2], requiresGrad: true).detach().requiresGrad"
        ) { args in
            .tensor(try args.receiverTensor().detach())
        }
        library.addMethod(
            type, "retainGrad", [],
            doc: "Keeps .grad on this computed (not leaf) tensor when backward() runs, to look at the gradient flowing through it.",
            example: """
                let w = tensor([1, 2], requiresGrad: true)
                let h = w * 2
                h.retainGrad()
                h.sum().backward()
                h.grad
                """
        ) { args in
            try args.receiverTensor().retainsGrad = true
            return .void
        }

        // In place: the way to update parameters by hand (they keep requiresGrad and stay the
        // tensors the graph and the optimizer know).
        func checkInPlace(_ args: Arguments, _ x: Tensor) throws {
            if x.requiresGrad && GradMode.isEnabled {
                throw args.error(
                    "\(args.builtin.name) would change a tensor that requires gradients in place; do it inside noGrad { }")
            }
        }
        library.addMethod(
            type, "assign", [.positional("values")],
            doc: "Replaces the elements in place by values (broadcast to this shape): the tensor stays the same object, so a parameter keeps requiresGrad. For a tensor that requires gradients, only inside noGrad { }: noGrad { w.assign(w - lr * w.grad) }.",
            example: """
                let w = tensor([1, 2], requiresGrad: true)
                (w * w).sum().backward()
                noGrad { w.assign(w - 0.1 * w.grad) }
                w
                """
        ) { args in
            let x = try args.receiverTensor()
            try checkInPlace(args, x)
            try x.assign(try Convert.tensor(args.value("values"), dtype: x.dtype))
            return .void
        }
        library.addMethod(
            type, "fill", [.positional("value")],
            doc: "Sets every element to value, in place (inside noGrad { } for a tensor that requires gradients).",
            example: """
                let x = zeros(2, 2)
                x.fill(7)
                x
                """
        ) { args in
            let x = try args.receiverTensor()
            try checkInPlace(args, x)
            try x.fill(try args.double("value"))
            return .void
        }
        library.addMethod(
            type, "addInPlace", [.positional("values"), .labelled("scaledBy", default: .int(1))],
            doc: "x ← x + scaledBy · values, in place and without temporaries: the step of gradient descent, noGrad { w.addInPlace(w.grad, scaledBy: -lr) }.",
            example: """
                let w = tensor([1, 2], requiresGrad: true)
                (w * w).sum().backward()
                noGrad { w.addInPlace(w.grad, scaledBy: -0.1) }
                w
                """
        ) { args in
            let x = try args.receiverTensor()
            try checkInPlace(args, x)
            try x.addInPlace(try Convert.tensor(args.value("values"), dtype: x.dtype), scaledBy: try args.double("scaledBy"))
            return .void
        }
    }
}
