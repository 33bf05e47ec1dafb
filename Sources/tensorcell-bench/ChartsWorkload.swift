import Display
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `charts`: a 10,000-point line chart rendered to SVG and to PNG as a notebook output carries
/// them (PNG at the chart's CSS size), median of repeated runs, with the size of each file;
/// `png2x_ms` and `png2x_kb` measure the sharper PNG for high-density screens. `total_cpu_ms`
/// is the processor time of SVG and PNG together, which a loaded machine disturbs less than
/// the wall clock.
let chartsWorkload = Workload(name: "charts") { _ in
    let chart = bigLossCurve()
    var svgTimes: [Double] = []
    var pngTimes: [Double] = []
    var cpuTimes: [Double] = []
    var png2xTimes: [Double] = []
    var png2xBytes = 0
    var svgBytes = 0
    var pngBytes = 0
    for round in 0..<25 {
        let t0 = monotonicSeconds(), cpu0 = processCPUSeconds()
        let svg = chart.svg()
        let t1 = monotonicSeconds()
        let png = try chart.png()
        let t2 = monotonicSeconds(), cpu2 = processCPUSeconds()
        let png2x = try chart.png(scale: 2)
        let t3 = monotonicSeconds()
        // The first rounds warm caches (fonts, allocator) and are not counted.
        if round >= 5 {
            svgTimes.append(t1 - t0)
            pngTimes.append(t2 - t1)
            cpuTimes.append(cpu2 - cpu0)
            png2xTimes.append(t3 - t2)
        }
        png2xBytes = png2x.count
        svgBytes = svg.utf8.count
        pngBytes = png.count
    }
    let svgMs = median(svgTimes) * 1000
    let pngMs = median(pngTimes) * 1000
    return [
        ("svg_ms", svgMs), ("png_ms", pngMs), ("total_ms", svgMs + pngMs), ("total_cpu_ms", median(cpuTimes) * 1000),
        ("svg_kb", Double(svgBytes) / 1024), ("png_kb", Double(pngBytes) / 1024),
        ("png2x_ms", median(png2xTimes) * 1000), ("png2x_kb", Double(png2xBytes) / 1024),
    ]
}

/// 10,000 noisy steps of a falling loss, the same on every run (the gallery's `line-10k`).
func bigLossCurve() -> LineChart {
    var random = RandomGenerator(seed: 2)
    var loss = 2.5
    let ys = (0..<10_000).map { step -> Double in
        loss = loss * 0.9995 + 0.0004 * (1 + random.nextNormal())
        return loss + 0.15 * abs(random.nextNormal()) * exp(-Double(step) / 4000)
    }
    return LineChart([Series("batch loss", y: ys)], title: "10,000 steps", xLabel: "step", yLabel: "loss")
}
