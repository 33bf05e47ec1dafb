import Language

/// `playground`: one frame of the playground (a forward pass over its 60 x 60 grid, the neuron
/// maps, weights and losses drawn and PNG-encoded) and its training steps a second, with 1, 2
/// and 4 hidden layers of 8 neurons; figures are suffixed with the layer count
/// (`redraw_ms_2`). The kernel's view of the same (redraws and steps a second while playing)
/// is `bench/widget_bench.py`'s.
///
/// Arguments: `[redraws] [steps]` (defaults 30 and 2000).
let playgroundWorkload = Workload(name: "playground") { arguments in
    let redraws = arguments.count > 0 ? Int(arguments[0]) ?? 30 : 30
    let steps = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
    var figures: [(key: String, value: Double)] = []
    for layers in [1, 2, 4] {
        let measured = try PlaygroundTiming.measure(hidden: Array(repeating: 8, count: layers), redraws: redraws, steps: steps)
        figures += measured.map { ("\($0.key)_\(layers)", $0.value) }
    }
    return figures
}
