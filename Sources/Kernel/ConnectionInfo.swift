// The connection file a front end writes before it starts the kernel.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the kernel's five sockets live and how messages are signed.
public struct ConnectionInfo: Sendable, Equatable {
    public enum Transport: String, Sendable { case tcp, ipc }

    public var transport: Transport
    public var ip: String
    public var shellPort: Int
    public var controlPort: Int
    public var stdinPort: Int
    public var iopubPort: Int
    public var heartbeatPort: Int
    /// The HMAC key; empty means messages are neither signed nor checked.
    public var key: [UInt8]
    public var signatureScheme: String

    /// The endpoint libzmq binds for a port: `tcp://ip:port`, or `ipc://ip-port` as jupyter_client names it.
    public func endpoint(port: Int) -> String {
        switch transport {
        case .tcp:
            let host = ip.contains(":") ? "[\(ip)]" : ip
            return "tcp://\(host):\(port)"
        case .ipc: return "ipc://\(ip)-\(port)"
        }
    }
}

/// Why a connection file could not be used, naming the file and the field.
public enum ConnectionFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidJSON(path: String, JSONParseError)
    case missingField(path: String, field: String)
    case invalidField(path: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read connection file \(path): \(reason)"
        case .invalidJSON(let path, let error): "connection file \(path): \(error)"
        case .missingField(let path, let field): "connection file \(path): missing \"\(field)\""
        case .invalidField(let path, let field, let reason):
            "connection file \(path): \"\(field)\" \(reason)"
        }
    }
}

extension ConnectionInfo {
    /// Reads and checks a connection file.
    public init(contentsOf path: String) throws(ConnectionFileError) {
        guard let file = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
        }
        try self.init(json: bytes, path: path)
    }

    /// Parses the JSON text of a connection file; `path` only labels errors.
    public init(json bytes: [UInt8], path: String = "<connection file>") throws(ConnectionFileError) {
        let document: JSON
        do {
            document = try JSON.parse(bytes)
        } catch {
            throw .invalidJSON(path: path, error)
        }
        guard case .object(let fields) = document else {
            throw .invalidField(path: path, field: "", reason: "must be a JSON object")
        }

        func port(_ name: String) throws(ConnectionFileError) -> Int {
            guard let value = fields[name] else { throw .missingField(path: path, field: name) }
            guard let port = value.intValue, (1...65535).contains(port) else {
                throw .invalidField(path: path, field: name, reason: "must be a port number from 1 to 65535")
            }
            return port
        }

        let transportName = fields["transport"]?.stringValue ?? "tcp"
        guard let transport = Transport(rawValue: transportName) else {
            throw .invalidField(
                path: path, field: "transport", reason: "must be \"tcp\" or \"ipc\", not \"\(transportName)\"")
        }
        guard let ip = fields["ip"]?.stringValue, !ip.isEmpty else { throw .missingField(path: path, field: "ip") }

        let scheme = fields["signature_scheme"]?.stringValue ?? "hmac-sha256"
        let key = fields["key"]?.stringValue ?? ""
        if !key.isEmpty && scheme != "hmac-sha256" {
            throw .invalidField(
                path: path, field: "signature_scheme", reason: "\"\(scheme)\" is not supported; use \"hmac-sha256\"")
        }

        self.init(
            transport: transport, ip: ip,
            shellPort: try port("shell_port"), controlPort: try port("control_port"),
            stdinPort: try port("stdin_port"), iopubPort: try port("iopub_port"),
            heartbeatPort: try port("hb_port"),
            key: Array(key.utf8), signatureScheme: scheme)
    }
}
