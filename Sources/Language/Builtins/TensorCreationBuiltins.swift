// Making tensors: from literals, filled with a value, ranges, and random ones drawn from the
// session's seed so that a notebook run again gives the same numbers.

import Tensors

extension Builtins {
    static func registerTensorCreation(in library: Library) {
        let dtypeParameter = Parameter.labelled("dtype", default: .string("float32"))
        let gradParameter = Parameter.labelled("requiresGrad", default: .bool(false))

        /// Applies `requiresGrad:` (refused for integer tensors, which have no gradient).
        func finish(_ tensor: Tensor, _ args: Arguments) throws -> Value {
            if try args.bool("requiresGrad") {
                guard tensor.dtype.isFloatingPoint else {
                    throw args.error(
                        "requiresGrad", "only float tensors can require gradients, not \(tensor.dtype) ones", kind: .typeError)
                }
                tensor.requiresGrad = true
            }
            return .tensor(tensor)
        }

        library.add(
            "tensor", [.positional("values"), .labelled("shape", default: .void), dtypeParameter, gradParameter],
            doc: """
                A tensor from a number or nested arrays of numbers (rows of equal length). Whole numbers give \
                float32 too, unlike PyTorch (which makes int64): tensors go into layers and losses, which \
                compute in float32, so `tensor([[1, 2]])` is ready for them. Ask for integers with \
                dtype: "int64". shape: reshapes the values, so a printed tensor can be typed back in. \
                requiresGrad: true makes it a leaf that backward() fills a grad for.
                """,
            example: """
                let x = tensor([[1, 2], [3, 4]])
                let labels = tensor([0, 2, 1], dtype: "int64")
                let w = tensor([0.5, -0.5], requiresGrad: true)
                print(x, labels.dtype, w)
                """
        ) { args in
            let dtype = try dtype(args)
            var result: Tensor
            if case .tensor(let given) = args.value("values") {
                result = try withNoGrad { try given.converted(to: dtype).copy() }.detach()
            } else {
                result = try Convert.tensor(args.value("values"), dtype: dtype)
            }
            if args.has("shape") {
                let shape = try args.shape("shape")
                result = try withNoGrad { try result.reshape(shape) }.detach()
            }
            return try finish(result, args)
        }
        library.add(
            "zeros", [.variadic("shape"), dtypeParameter, gradParameter],
            doc: "A tensor of zeros of the given shape: zeros([2, 3]) or zeros(2, 3). float32 unless dtype says otherwise.",
            example: "zeros([2, 3])"
        ) { args in
            return try finish(try Tensor.zeros(try variadicShape(args, "shape"), dtype: try dtype(args)), args)
        }
        library.add(
            "ones", [.variadic("shape"), dtypeParameter, gradParameter],
            doc: "A tensor of ones of the given shape: ones([2, 3]) or ones(2, 3).",
            example: "ones(2, 3)"
        ) { args in
            return try finish(try Tensor.ones(try variadicShape(args, "shape"), dtype: try dtype(args)), args)
        }
        library.add(
            "full", [.positional("shape"), .positional("value"), dtypeParameter, gradParameter],
            doc: "A tensor of the given shape with every element equal to value.",
            example: "full([2, 2], 7)"
        ) { args in
            return try finish(try Tensor.full(try args.shape("shape"), value: try args.double("value"), dtype: try dtype(args)), args)
        }
        library.add(
            "zerosLike", [.positional("x"), .labelled("dtype", default: .void), gradParameter],
            doc: "Zeros with the shape (and, unless given, the dtype) of x.",
            example: "zerosLike(tensor([[1, 2], [3, 4]]))"
        ) { args in
            let x = try args.tensor("x")
            return try finish(try Tensor.zeros(like: x, dtype: try dtypeIfPresent(args)), args)
        }
        library.add(
            "onesLike", [.positional("x"), .labelled("dtype", default: .void), gradParameter],
            doc: "Ones with the shape (and, unless given, the dtype) of x.",
            example: "onesLike(tensor([1, 2, 3]))"
        ) { args in
            let x = try args.tensor("x")
            return try finish(try Tensor.full(x.shape, value: 1, dtype: try dtypeIfPresent(args) ?? x.dtype), args)
        }
        library.add(
            "fullLike", [.positional("x"), .positional("value"), .labelled("dtype", default: .void), gradParameter],
            doc: "A tensor with the shape (and, unless given, the dtype) of x, every element equal to value.",
            example: "fullLike(tensor([1, 2, 3]), 0.5)"
        ) { args in
            let x = try args.tensor("x")
            return try finish(
                try Tensor.full(x.shape, value: try args.double("value"), dtype: try dtypeIfPresent(args) ?? x.dtype), args)
        }
        library.add(
            "eye", [.positional("rows"), .positional("columns", default: .void), dtypeParameter],
            doc: "The identity matrix: ones on the main diagonal, zeros elsewhere; rows x columns (square unless columns is given).",
            example: "eye(3)"
        ) { args in
            let rows = try args.int("rows")
            let columns = try args.intIfPresent("columns")
            guard rows >= 0, (columns ?? 0) >= 0 else { throw args.error("eye needs sizes of at least 0") }
            return .tensor(try Tensor.eye(rows, columns, dtype: try dtype(args)))
        }
        library.add(
            "arange", [.positional("start"), .positional("end", default: .void), .labelled("step", default: .int(1)), dtypeParameter],
            doc: """
                Evenly spaced values from start up to (not including) end, by step; arange(n) counts 0, 1, ..., n - 1. \
                float32 like every tensor unless dtype says otherwise (PyTorch gives int64 for whole numbers): \
                ask for dtype: "int64" to index with it.
                """,
            example: """
                print(arange(5))
                print(arange(0, 1, step: 0.25))
                print(arange(3, dtype: "int64"))
                """
        ) { args in
            var start = try args.double("start")
            var end = 0.0
            if args.has("end") { end = try args.double("end") } else { (start, end) = (0, start) }
            let step = try args.double("step")
            guard step != 0 else { throw args.error("step", "arange's step cannot be 0", kind: .valueError) }
            let count = ((end - start) / step).rounded(.up)
            guard count < 1e9 else { throw args.error("arange(\(formatFloat(start)), \(formatFloat(end)), step: \(formatFloat(step))) would be too long") }
            return .tensor(try Tensor.arange(start, end, step: step, dtype: try dtype(args)))
        }
        library.add(
            "linspace", [.positional("start"), .positional("end"), .positional("count"), dtypeParameter],
            doc: "count evenly spaced values from start to end, both included.",
            example: "linspace(0, 1, 5)"
        ) { args in
            let count = try args.int("count")
            guard count >= 0, count < 1_000_000_000 else {
                throw args.error("count", "linspace needs a count from 0 to 1e9, got \(count)", kind: .valueError)
            }
            return .tensor(try Tensor.linspace(try args.double("start"), try args.double("end"), count: count, dtype: try dtype(args)))
        }

        // Random tensors: a call without seed: draws from the session's seed (`%seed N`).
        let seedParameter = Parameter.labelled("seed", default: .void)
        func seed(_ args: Arguments) throws -> UInt64 { args.runtime.seed(try args.intIfPresent("seed")) }
        func floatDType(_ args: Arguments) throws -> DType {
            let dtype = try dtype(args)
            guard dtype.isFloatingPoint else {
                throw args.error("dtype", "\(args.builtin.name) draws real numbers: its dtype must be float32 or float64", kind: .typeError)
            }
            return dtype
        }

        library.add(
            "randn", [.variadic("shape"), .labelled("mean", default: .int(0)), .labelled("std", default: .int(1)), seedParameter, dtypeParameter, gradParameter],
            doc: """
                Random numbers from a normal distribution (mean 0 and standard deviation 1 unless given): \
                randn([2, 3]) or randn(2, 3). With seed: the numbers are always the same; without, they \
                come from the session's seed (%seed N), so a notebook run from the top repeats them.
                """,
            example: """
                let w = randn([2, 3], seed: 42)
                let b = randn(3, std: 0.1, seed: 1, requiresGrad: true)
                print(w.shape, b.requiresGrad)
                """
        ) { args in
            let shape = try variadicShape(args, "shape")
            let std = try args.double("std")
            guard std >= 0 else { throw args.error("std", "std cannot be negative, got \(formatFloat(std))", kind: .valueError) }
            return try finish(
                try Tensor.randn(shape, mean: try args.double("mean"), std: std, seed: try seed(args), dtype: try floatDType(args)), args)
        }
        library.add(
            "rand", [.variadic("shape"), .labelled("low", default: .int(0)), .labelled("high", default: .int(1)), seedParameter, dtypeParameter, gradParameter],
            doc: "Random numbers uniform between low (included) and high (excluded), 0 and 1 unless given: rand([2, 3]) or rand(2, 3). Seeded as randn.",
            example: "rand(2, 2, low: -1, high: 1, seed: 7)"
        ) { args in
            let shape = try variadicShape(args, "shape")
            let (low, high) = (try args.double("low"), try args.double("high"))
            guard low <= high else { throw args.error("rand needs low <= high, got \(formatFloat(low)) and \(formatFloat(high))") }
            return try finish(try Tensor.rand(shape, low: low, high: high, seed: try seed(args), dtype: try floatDType(args)), args)
        }
        library.add(
            "randint", [.positional("low"), .positional("high"), .labelled("shape", default: .array([])), seedParameter, .labelled("dtype", default: .string("int64"))],
            doc: "Random whole numbers from low up to (not including) high, int64 unless dtype says otherwise (they are labels and indices). Seeded as randn.",
            example: "randint(0, 10, shape: [5], seed: 3)"
        ) { args in
            let (low, high) = (try args.int("low"), try args.int("high"))
            guard low < high else { throw args.error("randint needs low < high, got \(low) and \(high)") }
            return .tensor(try Tensor.randint(low, high, shape: try args.shape("shape"), seed: try seed(args), dtype: try dtype(args)))
        }
        library.add(
            "randperm", [.positional("n"), seedParameter],
            doc: "The numbers 0, 1, ..., n - 1 in a random order (int64): shuffles, x[randperm(len(x))]. Seeded as randn.",
            example: "randperm(5, seed: 1)"
        ) { args in
            let n = try args.int("n")
            guard n >= 0, n < 100_000_000 else { throw args.error("n", "randperm needs n from 0 to 1e8, got \(n)", kind: .valueError) }
            return .tensor(try Tensor.randperm(n, seed: try seed(args)))
        }
        library.add(
            "bernoulli", [.positional("shape"), .labelled("probability"), seedParameter, dtypeParameter],
            doc: "A tensor of 1s (each with the given probability) and 0s: random masks, as dropout uses. Seeded as randn.",
            example: "bernoulli([2, 4], probability: 0.5, seed: 2)"
        ) { args in
            let probability = try args.double("probability")
            guard (0...1).contains(probability) else {
                throw args.error("probability", "probability must be from 0 to 1, got \(formatFloat(probability))", kind: .valueError)
            }
            return .tensor(try Tensor.bernoulli(try args.shape("shape"), probability: probability, seed: try seed(args), dtype: try floatDType(args)))
        }
    }
}
