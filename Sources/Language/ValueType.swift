// The type of a value as a program sees it, known in one place: the name messages and
// `type(of:)` print, and the key of the value's member table in the library.

/// The type of a value as a program sees it: `Int`, `Tensor`, `Dense`, `Trainer`.
///
/// Member tables are keyed by it (`library.addMethod(.tensor, "sum", ...)`) and messages name a
/// value's type by it (`Value.type`), so the two cannot disagree. The kinds of `Value` have
/// their types here; an engine object's type is declared by its class
/// (`ScriptObject.valueType`), and members are registered with it:
/// `library.addProperty(TrainerObject.valueType, "model", ...)`.
public struct ValueType: Hashable, Sendable, CustomStringConvertible {
    /// The name a learner sees.
    public let name: String

    /// A type by its name; a class declares its own once (`static let valueType`).
    public init(named name: String) { self.name = name }

    /// The type named after a Swift class, `Dense` for `Dense.self`: an engine class the
    /// program uses under its own name.
    public init(_ swiftType: AnyObject.Type) { name = String(describing: swiftType) }

    public var description: String { name }

    public static let void = ValueType(named: "Void")
    public static let bool = ValueType(named: "Bool")
    public static let int = ValueType(named: "Int")
    public static let float = ValueType(named: "Float")
    public static let string = ValueType(named: "String")
    public static let array = ValueType(named: "Array")
    public static let tuple = ValueType(named: "Tuple")
    public static let dictionary = ValueType(named: "Dictionary")
    public static let range = ValueType(named: "Range")
    public static let tensor = ValueType(named: "Tensor")
    /// A function written in Swift, or a method bound to its receiver.
    public static let builtin = ValueType(named: "Builtin")
    /// A function or closure the program wrote.
    public static let function = ValueType(named: "Function")
}
