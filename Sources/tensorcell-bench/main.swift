// tensorcell-bench NAME: runs one workload and prints one JSON line of its figures.
// Each key names its unit (`gflops`, `seconds`, `seconds_per_epoch`, `ms`, `mb`, ...).
// `make bench` runs every workload beside its peers and rewrites docs/benchmarks.md.

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first else {
    let names = Workload.all.map(\.name).joined(separator: ", ")
    printError("usage: tensorcell-bench NAME [ARGS...]\nworkloads: \(names)")
    exit(2)
}
guard let workload = Workload.all.first(where: { $0.name == name }) else {
    printError("tensorcell-bench: no workload named '\(name)'")
    exit(2)
}
do {
    let figures = try workload.run(Array(arguments.dropFirst()))
    print(Figures.jsonLine(name: name, figures))
} catch {
    printError("tensorcell-bench \(name): \(error)")
    exit(1)
}
