import Kernel
import Language

#if canImport(Glibc)
    import Glibc
#endif

/// `xor-language`: the `xor` workload written as a learner writes it, a training loop in the
/// Tensorcell language (2,000 steps), run through the interpreter the kernel uses; median
/// seconds over several runs. Set beside PyTorch's same loop in Python.
///
/// `cpu_seconds` is the median processor time of the same runs (the process's clock: the cell
/// runs on a thread of its own), which a loaded machine disturbs less than the wall clock. Also reports the parse and evaluate
/// time of a typical teaching cell.
///
/// Arguments: `[steps] [runs]` (defaults 2000 and 5).
let xorLanguageWorkload = Workload(name: "xor-language") { arguments in
    let steps = arguments.count > 0 ? Int(arguments[0]) ?? 2000 : 2000
    let runs = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
    let setup = """
        let x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = tensor([[0], [1], [1], [0]])
        """
    let training = """
        let model = Sequential([
            Dense(2, 8, activation: tanh, seed: 1),
            Dense(8, 1, activation: sigmoid, seed: 2),
        ])
        let opt = SGD(model, lr: 0.5)
        var loss = mse(model(x), y)
        for step in 1...\(steps) {
            opt.zeroGrad()
            loss = mse(model(x), y)
            loss.backward()
            opt.step()
        }
        loss.item()
        """
    let interpreter = Interpreter()
    let context = TranscriptContext()
    func run(_ code: String) throws -> ExecutionOutcome {
        let outcome = interpreter.execute(code, context: context)
        if case .error(let error) = outcome {
            throw BenchFailure("the xor-language program failed: \(error.name): \(error.value)")
        }
        return outcome
    }
    _ = try run(setup)
    var finalLoss = Double.nan
    if case .ok(let bundle?) = try run(training), case .string(let text)? = bundle.data["text/plain"] {
        finalLoss = Double(text) ?? .nan
    }
    var times: [Double] = []
    var cpuTimes: [Double] = []
    for _ in 0..<runs {
        let start = monotonicSeconds(), cpuStart = processCPUSeconds()
        _ = try run(training)
        times.append(monotonicSeconds() - start)
        cpuTimes.append(processCPUSeconds() - cpuStart)
    }
    // A typical teaching cell: data, a model, a forward pass and a loss.
    let teachingCell = """
        // A small network on the moons, one forward pass
        let (points, labels) = dataset("moons", n: 200, noise: 0.1, seed: 1)
        let net = Sequential([
            Dense(2, 16, activation: relu),
            Dense(16, 2),
        ])
        let logits = net(points)
        let firstLoss = crossEntropy(logits, labels)
        print("loss before training: \\(firstLoss)")
        """
    var parseTimes: [Double] = []
    var cellTimes: [Double] = []
    for _ in 0..<20 {
        parseTimes.append(try Interpreter.parseSeconds(teachingCell))
        let start = monotonicSeconds()
        _ = try run(teachingCell)
        cellTimes.append(monotonicSeconds() - start)
    }
    let parse = median(parseTimes)
    return [
        ("seconds", median(times)), ("cpu_seconds", median(cpuTimes)), ("final_loss", finalLoss), ("teaching_cell_parse_us", parse * 1e6),
        ("teaching_cell_evaluate_us", max(0, median(cellTimes) - parse) * 1e6),
    ]
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Processor seconds the process has used, all its threads together.
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}
