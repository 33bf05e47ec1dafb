// The syntax tree the parser builds and the evaluator walks.

public struct Expr: @unchecked Sendable {
    var kind: ExprKind
    var span: SourceSpan
}

indirect enum ExprKind {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string([StringPart])
    case name(String)
    case array([Expr])
    /// `["lr": 0.1, "epochs": 3]`, `[:]`.
    case dictionary([(key: Expr, value: Expr)])
    case tuple([Expr])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case conditional(Expr, Expr, Expr)
    /// `a..<b`, `a...b`, `..<b`, `a...`, and `..` (the whole axis).
    case range(Expr?, Expr?, closed: Bool)
    case call(Expr, [Argument])
    case member(Expr, String, nameSpan: SourceSpan)
    case index(Expr, [Expr])
    case closure(FunctionDeclaration)
    /// `x is Layer0`, `x is Tensor`.
    case typeCheck(Expr, String, nameSpan: SourceSpan)
}

enum StringPart {
    case text(String)
    case code(Expr)
    /// `\(loss, digits: 4)`: a number with exactly that many decimals.
    case formatted(Expr, digits: Expr)
}

struct Argument {
    var label: String?
    var value: Expr
    /// The label and the value, for errors about the argument.
    var span: SourceSpan
}

enum UnaryOperator: String {
    case negate = "-"
    case plus = "+"
    case not = "!"
}

enum BinaryOperator: String {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
    case matmul = "@"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
}

struct Stmt {
    var kind: StmtKind
    var span: SourceSpan
}

indirect enum StmtKind {
    case expression(Expr)
    case binding(mutable: Bool, Pattern, Expr)
    /// `target = value`, or `target op= value` with `op`.
    case assign(Expr, BinaryOperator?, Expr)
    case function(FunctionDeclaration)
    case `if`(Expr, [Stmt], [Stmt]?)
    case `for`(Pattern, Expr, [Stmt])
    case `while`(Expr, [Stmt])
    case `break`
    case `continue`
    case `return`(Expr?)
    /// `class Name { var a = 1; init(...) { ... }; func m() { ... } }`.
    case `class`(ClassDeclaration)
}

indirect enum Pattern {
    case name(String, SourceSpan)
    case wildcard
    case tuple([Pattern], SourceSpan)

    var names: [String] {
        switch self {
        case .name(let name, _): [name]
        case .wildcard: []
        case .tuple(let items, _): items.flatMap(\.names)
        }
    }
}

public final class FunctionDeclaration: @unchecked Sendable {
    /// Nil for closures.
    let name: String?
    let parameters: [FunctionParameter]
    let body: [Stmt]
    let span: SourceSpan
    /// A closure or function whose body is one expression returns its value.
    let returnsLastExpression: Bool
    /// For a method or init, the class that declares it: calls and the debugger's stack name it
    /// `Class.method`.
    var className: String? = nil {
        didSet { displayName = className.map { "\($0).\(name ?? "")" } ?? name ?? "closure" }
    }
    /// `override func`: the method replaces one the superclass has.
    var isOverride = false
    /// `Counter.increment`, `train`, or `closure`: made once, as every call names its function.
    private(set) var displayName: String

    init(name: String?, parameters: [FunctionParameter], body: [Stmt], span: SourceSpan) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.span = span
        displayName = name ?? "closure"
        if body.count == 1, case .expression = body[0].kind { returnsLastExpression = true } else {
            returnsLastExpression = false
        }
    }
}

struct FunctionParameter {
    var name: String
    var defaultValue: Expr?
    var span: SourceSpan
    /// The label a call may use besides the name: `by` in `func scale(_ x, by factor)`.
    var label: String? = nil

    /// Whether a call's `label:` names this parameter.
    func accepts(_ given: String) -> Bool { given == name || given == label }

    var defaultSource: String {
        guard let defaultValue, let file = defaultValue.span.file else { return "" }
        return file.text(defaultValue.span)
    }
}

/// A parsed cell: its statements, and whether it ends with `;` (show no result).
struct Program {
    var statements: [Stmt]
    var quiet: Bool
}

/// A class as written: stored properties in order, an optional `init`, methods.
final class ClassDeclaration: @unchecked Sendable {
    struct Property {
        var name: String
        var mutable: Bool
        /// Nil when `init` must set it (`var w`).
        var defaultValue: Expr?
        var span: SourceSpan
    }

    let name: String
    /// `class Dense2: Layer0`: the superclass's name as written, and where.
    let superclass: (name: String, span: SourceSpan)?
    let properties: [Property]
    let initializer: FunctionDeclaration?
    /// By name, in the order written.
    let methods: [FunctionDeclaration]
    let span: SourceSpan

    init(
        name: String, superclass: (name: String, span: SourceSpan)?, properties: [Property], initializer: FunctionDeclaration?,
        methods: [FunctionDeclaration], span: SourceSpan
    ) {
        self.name = name
        self.superclass = superclass
        self.properties = properties
        self.initializer = initializer
        self.methods = methods
        self.span = span
    }

    func method(_ name: String) -> FunctionDeclaration? { methods.first { $0.name == name } }
}
