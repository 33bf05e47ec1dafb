import NeuralNetworks
import Tensors

/// `xor`: 2,000 full-batch steps of a 2-8-1 MLP (tanh, then sigmoid) on the four XOR rows, MSE,
/// SGD lr 0.5; median seconds over several runs. Per-operation overhead dominates.
///
/// Arguments: `[steps] [runs]` (defaults 2000 and 5).
let xorWorkload = Workload(name: "xor") { arguments in
    let steps = arguments.count > 0 ? Int(arguments[0]) ?? 2000 : 2000
    let runs = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
    let data = try Datasets.xorTable()
    var finalLoss = 0.0
    func train() throws {
        let model = Sequential([
            try Dense(
                2, 8, activation: .tanh, weightInitializer: .lecunUniform, biasInitializer: .lecunUniform, seed: 1),
            try Dense(
                8, 1, activation: .sigmoid, weightInitializer: .lecunUniform, biasInitializer: .lecunUniform, seed: 2),
        ])
        let optimizer = try SGD(model, lr: 0.5)
        var loss = try mse(model(data.features), data.targets)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            loss = try mse(model(data.features), data.targets)
            try loss.backward()
            try optimizer.step()
        }
        finalLoss = try loss.item()
    }
    try train()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = monotonicSeconds()
        try train()
        times.append(monotonicSeconds() - start)
    }
    return [("seconds", median(times)), ("final_loss", finalLoss)]
}
