// The `tensorcell` command: wiring only; the work is in the Kernel and Language modules.

import ArgumentParser
import Kernel
import Language

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

struct Tensorcell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensorcell",
        abstract: "A Jupyter kernel for learning deep learning.",
        version: tensorcellVersion,
        subcommands: [RunKernel.self, InstallKernelspec.self, RunFile.self, PrintReference.self])
}

/// A failure while doing the work (not a misuse of the command line), so no usage is printed.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct RunKernel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Serve a Jupyter front end (the kernelspec runs this).")

    @Option(name: .long, help: "The connection file written by the front end.")
    var connectionFile: String

    func run() throws {
        let connection: ConnectionInfo
        let server: KernelServer
        do {
            connection = try ConnectionInfo(contentsOf: connectionFile)
            server = try KernelServer(connection: connection)
        } catch {
            throw CommandFailure("\(error)")
        }
        _ = server.run(interpreter: Interpreter())
    }
}

struct RunFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Tensorcell program file, printing what a notebook would show as text.",
        discussion: "Lines that are exactly `// %%` split the file into cells, run one after another.")

    @Argument(help: "The program file.")
    var file: String

    func run() throws {
        guard let handle = fopen(file, "r") else { throw CommandFailure("cannot open \(file)") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        fclose(handle)
        let source = String(decoding: bytes, as: UTF8.self)
        let (_, failed) = Interpreter().transcript(Interpreter.cells(of: source)) { piece in
            var bytes = Array(piece.utf8)
            _ = write(1, &bytes, bytes.count)
        }
        if failed { throw ExitCode(1) }
    }
}

struct PrintReference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference", abstract: "Print the builtin reference (Markdown) that docs/language.md includes.",
        shouldDisplay: false)

    func run() throws {
        var bytes = Array(Interpreter.standardLibrary().referenceMarkdown().utf8)
        _ = write(1, &bytes, bytes.count)
    }
}

struct InstallKernelspec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the Tensorcell kernelspec so Jupyter can start this binary.",
        discussion: """
            Like `jupyter kernelspec install`, the default is the system-wide directory
            /usr/local/share/jupyter/kernels. --user installs for the current user
            ($JUPYTER_DATA_DIR, or $XDG_DATA_HOME/jupyter, or ~/.local/share/jupyter);
            --sys-prefix installs into the active Python environment ($VIRTUAL_ENV or
            $CONDA_PREFIX, else the sys.prefix of python3); --prefix DIR into DIR/share/jupyter.
            """)

    @Flag(help: "Install for the current user.")
    var user = false

    @Flag(name: .customLong("sys-prefix"), help: "Install into the active Python environment.")
    var sysPrefix = false

    @Option(help: "Install into PREFIX/share/jupyter/kernels.")
    var prefix: String?

    func validate() throws {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose at most one of --user, --sys-prefix and --prefix")
        }
    }

    func run() throws {
        let kernels = try kernelsDirectory()
        let directory = kernels + "/tensorcell"
        try makeDirectories(directory)
        let spec: JSON = [
            "argv": [.string(try executablePath()), "kernel", "--connection-file", "{connection_file}"],
            "display_name": "Tensorcell",
            "language": "tensorcell",
            "interrupt_mode": "signal",
            "kernel_protocol_version": .string(protocolVersion),
            "metadata": ["debugger": true],
        ]
        try writeFile(directory + "/kernel.json", spec.serialized() + [UInt8(ascii: "\n")])
        for logo in kernelspecLogos {
            guard let bytes = Base64.decode(logo.base64) else {
                throw CommandFailure("the built-in logo \(logo.name) is not base64")
            }
            try writeFile(directory + "/" + logo.name, bytes)
        }
        print("Installed the tensorcell kernelspec in \(directory)")
    }

    private func kernelsDirectory() throws -> String {
        let environment = { (name: String) -> String? in
            getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let prefix { return absolute(prefix) + "/share/jupyter/kernels" }
        if user {
            if let data = environment("JUPYTER_DATA_DIR") { return absolute(data) + "/kernels" }
            if let xdg = environment("XDG_DATA_HOME") { return xdg + "/jupyter/kernels" }
            guard let home = environment("HOME") else { throw ValidationError("HOME is not set; use --prefix") }
            return home + "/.local/share/jupyter/kernels"
        }
        if sysPrefix {
            if let prefix = environment("VIRTUAL_ENV") ?? environment("CONDA_PREFIX") {
                return prefix + "/share/jupyter/kernels"
            }
            guard let prefix = pythonPrefix() else {
                throw ValidationError("no active Python environment: set VIRTUAL_ENV, or use --prefix")
            }
            return prefix + "/share/jupyter/kernels"
        }
        return "/usr/local/share/jupyter/kernels"
    }
}

/// The absolute path of this binary, which the kernelspec must name.
func executablePath() throws -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if length > 0 { return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    let argument = CommandLine.arguments[0]
    guard argument.contains("/") else { throw ValidationError("cannot tell where this binary is") }
    return absolute(argument)
}

func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return path }
    let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return cwd + "/" + path
}

/// `sys.prefix` of the python3 on PATH, as `jupyter kernelspec install --sys-prefix` uses.
func pythonPrefix() -> String? {
    guard let pipe = popen("python3 -c 'import sys; print(sys.prefix)' 2>/dev/null", "r") else { return nil }
    var buffer = [CChar](repeating: 0, count: 4096)
    let line =
        fgets(&buffer, Int32(buffer.count), pipe) != nil
        ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    let status = pclose(pipe)
    let prefix = line.trimmingSuffix("\n")
    return status == 0 && !prefix.isEmpty ? prefix : nil
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

func makeDirectories(_ path: String) throws {
    var current = ""
    for component in path.split(separator: "/") {
        current += "/" + component
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            let hint = errno == EACCES ? " (use --user, --sys-prefix or --prefix DIR)" : ""
            throw CommandFailure("cannot create \(current): \(reason)\(hint)")
        }
    }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let file = fopen(path, "wb") else {
        throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
        throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
    }
}

useShippedFonts()
Tensorcell.main()
