// swift-tools-version: 6.0
import PackageDescription

// Release builds put each function of the project's modules in a section of its own, so that the
// linker lays out the code a kernel runs to start and answer cells side by side
// (Sources/tensorcell/link-order.txt, written by `make link-order`; docs/architecture.md). The
// system maps code in 64 KB windows around each page first touched: together, that code keeps a
// few windows resident instead of pages all over the binary's 14 MB of code.
let functionSections: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-function-sections"], .when(configuration: .release))]
let linkOrder: [LinkerSetting] = [
    .unsafeFlags(
        ["-Xlinker", "--section-ordering-file=\(Context.packageDirectory)/Sources/tensorcell/link-order.txt"],
        .when(configuration: .release))
]

let package = Package(
    name: "Tensorcell",
    products: [
        .executable(name: "tensorcell", targets: ["tensorcell"]),
        .executable(name: "tensorcell-bench", targets: ["tensorcell-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // C libraries from Debian packages, found with pkg-config.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        // Headers only: OpenBLAS is opened at run time, not linked (Sources/Tensors/BLAS.swift).
        // No pkg-config here: its flags would link the library, and it must load late.
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        // Headers only, for the same reason: Display opens cairo on its first drawing.
        .systemLibrary(name: "CCairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], swiftSettings: functionSections),
        // The data formats the other modules exchange: JSON, base64, MIME bundles. No dependencies.
        .target(name: "Interchange", swiftSettings: functionSections),
        // Loads OpenBLAS (Debian: libopenblas0-pthread) with dlopen on the first matrix product.
        .target(name: "Tensors", dependencies: ["Interchange", "CBLAS"], swiftSettings: functionSections),
        .target(name: "NeuralNetworks", dependencies: ["Interchange", "Tensors", "CZlib"], swiftSettings: functionSections),
        .target(
            name: "Display", dependencies: ["Interchange", "Tensors", "NeuralNetworks", "CCairo", "CZlib"],
            swiftSettings: functionSections),
        .target(
            name: "Kernel",
            dependencies: ["Interchange", "ZeroMQ", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: functionSections
        ),
        .target(
            name: "Language", dependencies: ["Interchange", "Kernel", "Tensors", "NeuralNetworks", "Display"],
            swiftSettings: functionSections),

        .executableTarget(
            name: "tensorcell",
            dependencies: ["Kernel", "Language", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["link-order.txt"],
            swiftSettings: functionSections,
            linkerSettings: linkOrder
        ),
        .executableTarget(
            name: "tensorcell-bench",
            dependencies: ["Tensors", "NeuralNetworks", "Display", "Language"]
        ),
        // The gallery's examples live here, not in Display; DisplayTests import them to pin
        // their output in golden files.
        .executableTarget(name: "tensorcell-gallery", dependencies: ["Display", "NeuralNetworks", "Tensors"]),

        .testTarget(name: "InterchangeTests", dependencies: ["Interchange"]),
        .testTarget(name: "KernelTests", dependencies: ["Kernel"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"], exclude: ["make_fixtures.py"]),
        // Fixtures are read by path: the safetensors files the Python cross-check also reads.
        .testTarget(name: "NeuralNetworksTests", dependencies: ["NeuralNetworks"], exclude: ["Fixtures"]),
        // Golden files are read from the source tree (see GoldenFileTests.swift), not bundled.
        .testTarget(name: "DisplayTests", dependencies: ["Display", "tensorcell-gallery"], exclude: ["Golden"]),
        // The corpus (.tc programs and their .out transcripts) is read from the source tree.
        .testTarget(name: "LanguageTests", dependencies: ["Language"], exclude: ["Corpus"]),
    ],
    swiftLanguageModes: [.v6]
)
