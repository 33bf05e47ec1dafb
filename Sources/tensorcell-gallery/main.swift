// tensorcell-gallery FOLDER: renders every chart and table kind Display makes into FOLDER
// (name.svg, name.png, name.html, name.txt), so a person can look at them all at once.

import Display

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func fail(_ message: String) -> Never {
    let line = "tensorcell-gallery: " + message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { fail("cannot write \(path)") }
    defer { fclose(file) }
    if !bytes.isEmpty && fwrite(bytes, 1, bytes.count, file) != bytes.count { fail("short write to \(path)") }
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else { fail("usage: tensorcell-gallery FOLDER") }
let folder = arguments[1]
// The folder and any missing parents (a fresh clone has no build/ yet).
var prefix = folder.hasPrefix("/") ? "/" : ""
for part in folder.split(separator: "/") {
    prefix += part + "/"
    mkdir(prefix, 0o755)
}

for (name, chart) in Gallery.charts {
    writeFile("\(folder)/\(name).svg", Array(chart.svg().utf8))
    do {
        writeFile("\(folder)/\(name).png", try chart.png())
    } catch {
        fail("\(name): \(error)")
    }
    writeFile("\(folder)/\(name).txt", Array(chart.summary.utf8))
}
for (name, table) in Gallery.tables {
    let bundle = table.mimeBundle()
    for (type, suffix) in [("text/html", "html"), ("text/plain", "txt"), ("text/markdown", "md")] {
        if let text = bundle.text(type) { writeFile("\(folder)/\(name).\(suffix)", Array(text.utf8)) }
    }
}
/// Every part of a bundle a person can open: SVG, PNG, HTML, Markdown and text.
func writeBundle(_ name: String, _ bundle: MIMEBundle) {
    if let svg = bundle.text("image/svg+xml") { writeFile("\(folder)/\(name).svg", Array(svg.utf8)) }
    if let png = bundle.pngBytes { writeFile("\(folder)/\(name).png", png) }
    for (type, suffix) in [("text/html", "html"), ("text/plain", "txt"), ("text/markdown", "md")] {
        if let text = bundle.text(type) { writeFile("\(folder)/\(name).\(suffix)", Array(text.utf8)) }
    }
}

var adapters = 0
for (name, make) in Gallery.adapters {
    do {
        writeBundle(name, try make())
        adapters += 1
    } catch {
        fail("\(name): \(error)")
    }
}
do {
    for (name, bundle) in try Gallery.trainedExamples() {
        writeBundle(name, bundle)
        adapters += 1
    }
} catch {
    fail("trained examples: \(error)")
}
print("wrote \(Gallery.charts.count) charts, \(Gallery.tables.count) tables and \(adapters) Visualize outputs to \(folder)")
