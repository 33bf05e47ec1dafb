import Display

/// `charts`: a 10,000-point line chart rendered to SVG and to PNG (as a notebook shows it,
/// at twice the CSS size), median of repeated runs, with the size of each file.
let chartsWorkload = Workload(name: "charts") { _ in
    let chart = Gallery.bigLine
    var svgTimes: [Double] = []
    var pngTimes: [Double] = []
    var svgBytes = 0
    var pngBytes = 0
    for round in 0..<25 {
        let t0 = monotonicSeconds()
        let svg = chart.svg()
        let t1 = monotonicSeconds()
        let png = try chart.png()
        let t2 = monotonicSeconds()
        // The first rounds warm caches (fonts, allocator) and are not counted.
        if round >= 5 {
            svgTimes.append(t1 - t0)
            pngTimes.append(t2 - t1)
        }
        svgBytes = svg.utf8.count
        pngBytes = png.count
    }
    let svgMs = median(svgTimes) * 1000
    let pngMs = median(pngTimes) * 1000
    return [
        ("svg_ms", svgMs), ("png_ms", pngMs), ("total_ms", svgMs + pngMs),
        ("svg_kb", Double(svgBytes) / 1024), ("png_kb", Double(pngBytes) / 1024),
    ]
}
