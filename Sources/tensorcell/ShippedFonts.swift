#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Points fontconfig at the fonts shipped beside this binary, when there are some.
///
/// The wheel carries its own font and a fontconfig file naming it (`../etc/fonts/fonts.conf`
/// from the binary), so charts are set in the same font on every machine, including one with
/// no fonts and no fontconfig configuration at all. A `FONTCONFIG_FILE` the user set wins; a
/// binary built from source has no such file and keeps the system's fonts.
func useShippedFonts() {
    guard getenv("FONTCONFIG_FILE") == nil, let binary = try? executablePath(),
        let slash = binary.lastIndex(of: "/")
    else { return }
    let configuration = String(binary[..<slash]) + "/../etc/fonts/fonts.conf"
    if access(configuration, R_OK) == 0 {
        setenv("FONTCONFIG_FILE", configuration, 0)
    }
}
