// Binding patterns to values and assigning to names, members and subscripts.

import NeuralNetworks
import Tensors

extension Evaluator {
    func bind(
        _ pattern: Pattern, to value: Value, mutable: Bool, in scope: Scope, span: SourceSpan,
        origin: Binding.Origin = .declared
    ) throws {
        switch pattern {
        case .name(let name, _):
            scope.names[name] = Binding(value: value, mutable: mutable, origin: origin)
        case .wildcard:
            break
        case .tuple(let patterns, let patternSpan):
            let items: [Value]
            switch value {
            case .tuple(let values), .array(let values): items = values
            default:
                throw LanguageError(
                    .typeError, "cannot unpack \(describeKind(value)) into \(patterns.count) names: it is not a tuple",
                    at: patternSpan)
            }
            guard items.count == patterns.count else {
                throw LanguageError(
                    .valueError, "cannot unpack \(items.count) values into \(patterns.count) names", at: patternSpan.to(span))
            }
            for (pattern, item) in zip(patterns, items) {
                try bind(pattern, to: item, mutable: mutable, in: scope, span: span, origin: origin)
            }
        }
    }

    func assign(_ target: Expr, _ value: Value, _ scope: Scope) throws {
        switch target.kind {
        case .name(let name):
            guard let owner = scope.owner(of: name) else {
                throw LanguageError(
                    .nameError, "'\(name)' is not defined: declare it first with var \(name) = ..."
                        + didYouMean(name, among: scope.allNames), at: target.span)
            }
            guard let binding = owner.names[name], binding.mutable else {
                let reason =
                    switch owner.names[name]?.origin ?? .declared {
                    case .declared: "it was declared with let; declare it with var to change it"
                    case .loopVariable: "a loop variable cannot change; copy it first: var changed = \(name)"
                    case .parameter: "a parameter cannot change; copy it first: var changed = \(name)"
                    }
                throw LanguageError(.typeError, "cannot assign to '\(name)': " + reason, at: target.span)
            }
            owner.names[name]!.value = value
        case .member(let objectExpression, let name, let nameSpan):
            let object = try eval(objectExpression, scope)
            guard let member = library.member(name, of: object) else { throw memberError(object, name, nameSpan) }
            guard case .property(_, let setter?, _) = member else {
                throw LanguageError(.typeError, "\(object.typeName).\(name) cannot be assigned to", at: nameSpan)
            }
            do { try setter(object, value) } catch { throw located(error, target.span) }
        case .index(let containerExpression, let indexExpressions):
            let container = try eval(containerExpression, scope)
            let indices = try indexExpressions.map { try eval($0, scope) }
            switch container {
            case .tensor(let tensor):
                try runtime.checkInterrupt()
                do {
                    let view = try tensor.index(try tensorIndices(indices, span: target.span))
                    try view.assign(try Convert.tensor(value, dtype: tensor.dtype))
                } catch { throw located(error, target.span) }
            case .array(var items):
                guard indices.count == 1, case .int(let position) = indices[0] else {
                    throw LanguageError(.typeError, "an array element is set with one whole-number index", at: target.span)
                }
                let resolved = position < 0 ? items.count + position : position
                guard resolved >= 0 && resolved < items.count else {
                    throw LanguageError(
                        .valueError, "index \(position) is out of range for an array of \(items.count) items", at: target.span)
                }
                items[resolved] = value
                try assign(containerExpression, .array(items), scope)
            case .tuple:
                throw LanguageError(
                    .typeError, "cannot set an element of a tuple: tuples do not change; use an array [...] instead",
                    at: target.span)
            default:
                throw LanguageError(.typeError, "cannot set elements of \(describeKind(container))", at: target.span)
            }
        case .tuple(let targets):
            let items: [Value]
            switch value {
            case .tuple(let values), .array(let values): items = values
            default:
                throw LanguageError(
                    .typeError, "cannot assign \(describeKind(value)) to \(targets.count) names: it is not a tuple",
                    at: target.span)
            }
            guard items.count == targets.count else {
                throw LanguageError(
                    .valueError, "cannot assign \(items.count) values to \(targets.count) names", at: target.span)
            }
            for (inner, item) in zip(targets, items) { try assign(inner, item, scope) }
        default:
            throw LanguageError(.syntaxError, "cannot assign to this expression", at: target.span)
        }
    }
}
