import Testing

@testable import Kernel

@Suite struct ConnectionInfoTests {
    let typical = """
        {"shell_port": 53794, "iopub_port": 53795, "stdin_port": 53796, "control_port": 53797,
         "hb_port": 53798, "ip": "127.0.0.1", "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84",
         "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "tensorcell"}
        """

    @Test func readsATypicalFile() throws {
        let info = try ConnectionInfo(json: Array(typical.utf8))
        #expect(info.transport == .tcp)
        #expect(info.shellPort == 53794 && info.iopubPort == 53795 && info.stdinPort == 53796)
        #expect(info.controlPort == 53797 && info.heartbeatPort == 53798)
        #expect(info.key == Array("a0436f6c-1916-498b-8eb9-e81ab9368e84".utf8))
        #expect(info.endpoint(port: info.shellPort) == "tcp://127.0.0.1:53794")
    }

    @Test func namesIPCEndpointsAsJupyterClientDoes() throws {
        let text = typical.replacingFirst("\"tcp\"", with: "\"ipc\"").replacingFirst(
            "\"127.0.0.1\"", with: "\"kernel-1234-ipc\"")
        let info = try ConnectionInfo(json: Array(text.utf8))
        #expect(info.transport == .ipc)
        #expect(info.endpoint(port: 53794) == "ipc://kernel-1234-ipc-53794")
    }

    @Test func bracketsIPv6Hosts() throws {
        let info = try ConnectionInfo(json: Array(typical.replacingFirst("\"127.0.0.1\"", with: "\"::1\"").utf8))
        #expect(info.endpoint(port: 1) == "tcp://[::1]:1")
    }

    @Test func reportsWhatIsWrong() {
        #expect(throws: ConnectionFileError.missingField(path: "f", field: "hb_port")) {
            try ConnectionInfo(json: Array(typical.replacingFirst("\"hb_port\"", with: "\"hb\"").utf8), path: "f")
        }
        #expect(throws: ConnectionFileError.self) {
            try ConnectionInfo(json: Array(typical.replacingFirst("\"tcp\"", with: "\"udp\"").utf8))
        }
        #expect(throws: ConnectionFileError.self) {
            try ConnectionInfo(json: Array(typical.replacingFirst("53794", with: "70000").utf8))
        }
        #expect(throws: ConnectionFileError.self) {
            try ConnectionInfo(json: Array(typical.replacingFirst("hmac-sha256", with: "hmac-md5").utf8))
        }
        #expect(throws: ConnectionFileError.self) { try ConnectionInfo(json: Array("{".utf8)) }
        #expect(throws: ConnectionFileError.self) { try ConnectionInfo(json: Array("[]".utf8)) }
    }

    @Test func reportsAMissingFile() {
        #expect(throws: ConnectionFileError.self) { try ConnectionInfo(contentsOf: "no-such-dir/no-such-file.json") }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let characters = Array(self)
        let pattern = Array(target)
        for start in 0...(characters.count - pattern.count)
        where Array(characters[start..<start + pattern.count]) == pattern {
            return String(characters[..<start]) + replacement + String(characters[(start + pattern.count)...])
        }
        return self
    }
}
