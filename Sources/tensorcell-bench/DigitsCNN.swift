import Kernel
import Language

/// `digits-cnn`: the convolutional network of the notebook on deeper representations, as its
/// cells write it (two 3 x 3 convolutions with ReLU and 2 x 2 max pooling, then Dense 64-10, on
/// the 8 x 8 digits), trained for 15 epochs with Adam in batches of 32 through the interpreter
/// the kernel uses; median seconds of the whole training cell over `--runs` runs.
///
/// Options: `--epochs E` (15), `--runs R` (3).
let digitsCNNWorkload = Workload(name: "digits-cnn") { arguments in
    let options = try WorkloadArguments(arguments)
    let epochs = try options.integer("epochs", default: 15)
    let runs = try options.integer("runs", default: 3)
    let setup = """
        let (allX, allY) = digits(images: true)
        let x = allX / 16
        let ((trainX, trainY), (testX, testY)) = split(x, allY, fraction: 0.3, seed: 1)
        """
    let training = """
        let model = Sequential([
          Conv2D(1, 8, kernelSize: 3, padding: 1, activation: relu, seed: 1),
          MaxPool2D(2),
          Conv2D(8, 16, kernelSize: 3, padding: 1, activation: relu, seed: 2),
          MaxPool2D(2),
          Flatten(),
          Dense(64, 10, seed: 3),
        ])
        let run = Trainer(model, loss: crossEntropy, optimizer: Adam(model, lr: 0.01), data: (trainX, trainY),
                          validation: (testX, testY), batchSize: 32, metrics: [accuracy], seed: 0)
        run.fit(epochs: \(epochs), live: false)
        run.evaluate()
        """
    let interpreter = Interpreter()
    let context = TranscriptContext()
    func run(_ code: String) throws {
        if case .error(let error) = interpreter.execute(code, context: context) {
            throw BenchFailure("the digits-cnn program failed: \(error.name): \(error.value)")
        }
    }
    try run(setup)
    var times: [Double] = []
    for _ in 0..<runs {
        let start = monotonicSeconds()
        try run(training)
        times.append(monotonicSeconds() - start)
    }
    return [("seconds", median(times)), ("epochs", Double(epochs))]
}
