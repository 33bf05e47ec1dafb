// Switches and checks of automatic differentiation: running code without recording a graph,
// and comparing autograd's gradients with finite differences.

import Tensors

extension Builtins {
    static func registerAutograd(in library: Library) {
        library.add(
            "noGrad", [.positional("body")],
            doc: """
                Runs body (a closure, usually written as a block after the name) without recording operations for \
                autograd, and returns its value: for evaluating a model, and for updating parameters by hand in \
                place, noGrad { w.assign(w - lr * w.grad) }. Inside it, results do not require gradients.
                """,
            example: """
                let w = tensor([1, 2], requiresGrad: true)
                let y = noGrad { w * 2 }
                y.requiresGrad
                """
        ) { args in
            let body = args.value("body")
            guard case .function = body else {
                throw args.error("body", "noGrad takes a block of code to run: noGrad { ... }, not \(describeKind(body))")
            }
            return try withNoGrad { try args.call(body, []) }
        }
        library.add(
            "isGradEnabled", [],
            doc: "Whether operations are being recorded for autograd now: false inside noGrad { }.",
            example: "print(isGradEnabled(), noGrad { isGradEnabled() })"
        ) { _ in
            .bool(GradMode.isEnabled)
        }
        library.add(
            "gradCheck", [.positional("function"), .positional("inputs"), .labelled("step", default: .float(1e-6)), .labelled("tolerance", default: .float(1e-6))],
            doc: """
                Checks autograd against finite differences: calls function with copies of the input tensors (in \
                float64, requiring gradients), compares the gradients backward() gives with (f(x + h) - f(x - h)) / 2h \
                for every element, and returns a GradientCheck whose .passed says whether they agree within tolerance. \
                inputs is one tensor or an array of them; function takes as many arguments.
                """,
            example: """
                let check = gradCheck({ x in (x * x).sum() }, randn(3, seed: 1))
                check.passed
                """
        ) { args in
            let function = args.value("function")
            guard case .function = function else {
                throw args.error("function", "gradCheck needs a function of the inputs, such as { x in (x * x).sum() }, not \(describeKind(function))")
            }
            let inputs: [Tensor]
            switch args.value("inputs") {
            case .array(let items) where items.contains(where: { if case .tensor = $0 { true } else { false } }):
                inputs = try tensorList(args, "inputs")
            default:
                inputs = [try args.tensor("inputs")]
            }
            let elements = inputs.reduce(0) { $0 + $1.count }
            guard elements <= 10_000 else {
                throw args.error("inputs", "gradCheck nudges every element one by one: \(elements) elements are too many (at most 10,000)", kind: .valueError)
            }
            let step = try args.double("step"), tolerance = try args.double("tolerance")
            guard step > 0, tolerance >= 0 else { throw args.error("gradCheck needs step > 0 and tolerance ≥ 0") }
            let wide = try withNoGrad { try inputs.map { try $0.converted(to: .float64).detach() } }
            let report = try checkGradients(wide, step: step, tolerance: tolerance) { leaves in
                let result = try args.call(function, leaves.map(Value.tensor))
                switch result {
                case .tensor(let tensor): return tensor
                case .int, .float: return try Convert.tensor(result, dtype: .float64)
                default:
                    throw args.error("function", "gradCheck's function must return a tensor, not \(describeKind(result))")
                }
            }
            return .object(GradientCheckObject(report: report))
        }
        library.addProperty("GradientCheck", "passed", doc: "Whether autograd and finite differences agreed within the tolerance.") { value in
            guard case .object(let object) = value, let check = object as? GradientCheckObject else { return .void }
            return .bool(check.report.passed)
        }
        library.addProperty("GradientCheck", "worstError", doc: "The largest |autograd - numeric| / (1 + |numeric|) over every element.") { value in
            guard case .object(let object) = value, let check = object as? GradientCheckObject else { return .void }
            return .float(check.report.worstError)
        }
    }
}

/// What `gradCheck` found; shows as the engine's one-line verdict (with both gradients when it failed).
final class GradientCheckObject: ScriptObject {
    let report: GradientCheckReport
    init(report: GradientCheckReport) { self.report = report }

    var typeName: String { "GradientCheck" }

    var plainText: String {
        let verdict = report.passed ? "passed" : "FAILED"
        return "GradientCheck \(verdict): worst relative error \(formatFloat(report.worstError)) (tolerance \(formatFloat(report.tolerance)))"
    }
}
