// An operation on a tensor that a program may spell as a function or as a method, `exp(x)` and
// `x.exp()`, declared once: one body, one doc, one example, one reference entry. The method is
// derived from the function by taking the operand from the receiver.

import Tensors

/// One operation with two spellings: `name(operand, parameters...)` and
/// `operand.name(parameters...)` on a tensor.
struct TensorOperation {
    let name: String
    /// The tensor operated on: the function's first (positional) parameter, the method's receiver.
    let operand: String
    /// The parameters after the operand, the same in both spellings.
    let parameters: [Parameter]
    let doc: String
    /// A program using the function spelling, shown in the reference and run by the tests.
    let example: String
    /// What the function gives for a plain number (Int, Float, Bool) operand, instead of a
    /// tensor: `exp(1)` is a Float. nil: the number becomes a tensor like any other operand.
    let number: ((Value, Arguments) throws -> Value)?
    /// The operation on a tensor operand; the other parameters are read from the arguments.
    let apply: (Tensor, Arguments) throws -> Value

    init(
        _ name: String, operand: String = "x", _ parameters: [Parameter] = [], doc: String, example: String,
        number: ((Value, Arguments) throws -> Value)? = nil, apply: @escaping (Tensor, Arguments) throws -> Value
    ) {
        self.name = name
        self.operand = operand
        self.parameters = parameters
        self.doc = doc
        self.example = example
        self.number = number
        self.apply = apply
    }
}

extension Library {
    /// Registers both spellings of `operation`: the function under the current topic and the
    /// method of `Tensor`, whose reference entry is the function's.
    func add(_ operation: TensorOperation) {
        let function = Builtin(
            operation.name, [.positional(operation.operand)] + operation.parameters, doc: operation.doc,
            example: operation.example
        ) { args in
            let operand = args.value(operation.operand)
            if let number = operation.number {
                switch operand {
                case .int, .float, .bool: return try number(operand, args)
                default: break
                }
            }
            return try operation.apply(try args.tensor(operation.operand), args)
        }
        let method = Builtin(operation.name, operation.parameters, doc: operation.doc, example: operation.example) {
            args in
            try operation.apply(try args.receiverTensor(), args)
        }
        function.methodSignature = "\(operation.operand)." + method.signature
        method.isMethodSpelling = true
        add(function)
        addMethod(TensorOperation.receiverType, method)
    }
}

extension TensorOperation {
    /// The member table the method spellings are registered in.
    static let receiverType = ValueType.tensor
}
