// The Jupyter widget protocol, version 2 (2.1.0), as ipywidgets 8 and @jupyter-widgets/controls
// 2.x speak it: one comm per model on the target `jupyter.widget`, state synchronised with
// `update` and `echo_update`, `request_state` for one model, and `request_states` on the
// `jupyter.widget.control` comm for every model at once. The front end's standard widget manager
// draws the models; this file only says how messages look.

import Kernel

enum WidgetProtocol {
    /// The comm target of widget models.
    static let target = "jupyter.widget"
    /// The comm target a front end opens to fetch every model's state in one message.
    static let controlTarget = "jupyter.widget.control"
    /// The protocol version, sent in the metadata of every `comm_open`.
    static let version = "2.1.0"
    /// The MIME type that shows a model through the front end's widget manager.
    static let viewMIMEType = "application/vnd.jupyter.widget-view+json"

    static let baseModule = "@jupyter-widgets/base"
    static let baseVersion = "2.0.0"
    static let controlsModule = "@jupyter-widgets/controls"
    static let controlsVersion = "2.0.0"
    static let outputModule = "@jupyter-widgets/output"
    static let outputVersion = "1.0.0"

    /// How one model refers to another in its state: `"IPY_MODEL_<id>"`.
    static func reference(_ id: String) -> JSON { .string("IPY_MODEL_" + id) }

    /// The display bundle's widget part.
    static func viewData(_ id: String) -> JSON {
        ["model_id": .string(id), "version_major": 2, "version_minor": 0]
    }

    /// What a front end asks of one model.
    enum Request: Equatable {
        /// New values for some keys; binary values arrive as buffers at `bufferPaths`.
        case update(state: [String: JSON], bufferPaths: [[JSON]])
        /// Send the whole state.
        case requestState
        /// A widget's own message: a button's click is `{"event": "click"}`.
        case custom(JSON)
    }

    enum Malformed: Error, Equatable {
        case notAnObject
        case noMethod
        case unknownMethod(String)
        case stateNotAnObject
    }

    /// Reads a `comm_msg`'s data.
    static func request(from data: JSON) throws(Malformed) -> Request {
        guard case .object(let fields) = data else { throw .notAnObject }
        guard let method = fields["method"]?.stringValue else { throw .noMethod }
        switch method {
        case "update":
            guard case .object(let state)? = fields["state"] else { throw .stateNotAnObject }
            let paths = fields["buffer_paths"]?.arrayValue?.compactMap(\.arrayValue) ?? []
            return .update(state: state, bufferPaths: paths)
        case "request_state":
            return .requestState
        case "custom":
            return .custom(fields["content"] ?? .null)
        default:
            throw .unknownMethod(method)
        }
    }

    /// A state change the kernel made: `update`.
    static func update(_ state: [String: JSON], bufferPaths: [[JSON]] = []) -> JSON {
        ["method": "update", "state": .object(state), "buffer_paths": .array(bufferPaths.map(JSON.array))]
    }

    /// What the kernel accepted of a front end's update, sent back so every view agrees (and the
    /// sender knows its change arrived): `echo_update`.
    static func echo(_ state: [String: JSON]) -> JSON {
        ["method": "echo_update", "state": .object(state), "buffer_paths": []]
    }
}

/// A random comm id in the form front ends use (32 hex digits).
func newCommID() -> String {
    var generator = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdef")
    return String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
}
