// Calls: argument evaluation, builtins and their binding, user functions and recursion depth.

import NeuralNetworks
import Tensors

extension Evaluator {
    // MARK: Calls

    func evalCall(_ calleeExpression: Expr, _ argumentExpressions: [Argument], span: SourceSpan, _ scope: Scope) throws
        -> Value
    {
        // `items.append(x)` changes the array the variable holds.
        if case .member(let target, let name, _) = calleeExpression.kind, name == "append" || name == "removeLast",
            case .array(var items) = try eval(target, scope)
        {
            if name == "append" {
                guard argumentExpressions.count == 1 else {
                    throw LanguageError(.typeError, "append takes one value", at: span)
                }
                items.append(try eval(argumentExpressions[0].value, scope))
                try assign(target, .array(items), scope)
                return .void
            }
            guard argumentExpressions.isEmpty else { throw LanguageError(.typeError, "removeLast takes no arguments", at: span) }
            guard let last = items.popLast() else {
                throw LanguageError(.valueError, "removeLast on an empty array", at: span)
            }
            try assign(target, .array(items), scope)
            return last
        }
        let callee: Value
        if case .member(let objectExpression, let name, let nameSpan) = calleeExpression.kind {
            // `xs.count()`: a property called like a method.
            let object = try eval(objectExpression, scope)
            callee = try member(object, name, nameSpan: nameSpan, span: calleeExpression.span)
            if !isOwnMember(object, name), case .property? = library.member(name, of: object), !isCallable(callee) {
                throw LanguageError(
                    .typeError, "\(object.typeName).\(name) is a property, not a method: write .\(name) without ( )",
                    at: span)
            }
        } else {
            callee = try eval(calleeExpression, scope)
        }
        var arguments: [CallArgument] = []
        arguments.reserveCapacity(argumentExpressions.count)
        for argument in argumentExpressions {
            arguments.append(CallArgument(label: argument.label, value: try eval(argument.value, scope), span: argument.span))
        }
        return try call(callee, arguments, span: span)
    }

    /// Every call passes here, from the program or from a builtin's callback, so this is where an
    /// interrupt or the time limit stops a program between calls; builtins need not check
    /// themselves unless they loop for long inside one call.
    func call(_ callee: Value, _ arguments: [CallArgument], span: SourceSpan) throws -> Value {
        do { try runtime.checkInterrupt() } catch { throw located(error, span) }
        switch callee {
        case .function(let function):
            switch function.body {
            case .builtin(let builtin):
                return try callBuiltin(builtin, arguments, receiver: nil, span: span)
            case .method(let builtin, let receiver):
                return try callBuiltin(builtin, arguments, receiver: receiver, span: span)
            case .user(let declaration, let captured):
                return try callUser(declaration, captured: captured, arguments, span: span)
            }
        case .object(let definition as ClassDefinition):
            return try instantiate(definition, arguments, span: span)
        case .object(let instance as ObjectInstance):
            guard let (method, owner) = instance.definition.lookupMethod("callAsFunction") else {
                throw LanguageError(.typeError,
                    "\(instance.className) objects cannot be called: add func callAsFunction(_ x) { ... } to the class",
                    at: span)
            }
            let result = try callUser(method, captured: methodScope(instance, owner: owner), arguments, span: span)
            if case .tensor(let output) = result { ShapeTrace.record(instance, output) }
            return result
        case .object(let initializer as SuperInitializer):
            return try callSuperInitializer(initializer, arguments, span: span)
        case .object:
            if let member = library.member("()", of: callee), case .method(let builtin) = member {
                return try callBuiltin(builtin, arguments, receiver: callee, span: span)
            }
        default:
            break
        }
        throw LanguageError(.typeError, "\(describeKind(callee)) cannot be called like a function", at: span)
    }

    func callBuiltin(_ builtin: Builtin, _ arguments: [CallArgument], receiver: Value?, span: SourceSpan) throws -> Value {
        let parameters = builtin.parameters
        var values = [Value?](repeating: nil, count: parameters.count)
        var spans = [SourceSpan?](repeating: nil, count: parameters.count)
        var variadic: [Value] = []
        var keywordValues: [Value] = []
        let keywordIndex = parameters.firstIndex(where: \.keywords)
        var nextPositional = 0
        let displayName = receiver.map { "\($0.typeName).\(builtin.name)" } ?? builtin.name
        for argument in arguments {
            if let label = argument.label {
                guard let index = parameters.firstIndex(where: { $0.name == label && !$0.keywords }) else {
                    if let keywordIndex {
                        keywordValues.append(.tuple([.string(label), argument.value]))
                        spans[keywordIndex] = spans[keywordIndex] ?? argument.span
                        continue
                    }
                    let hint = didYouMean(label, among: parameters.map(\.name))
                    let known = parameters.isEmpty ? "it takes none" : "it takes " + parameters.map { $0.name }.joined(separator: ", ")
                    throw LanguageError(
                        .typeError, "\(displayName) has no argument '\(label)'" + (hint.isEmpty ? ": \(known)" : hint),
                        at: argument.span)
                }
                values[index] = argument.value
                spans[index] = argument.span
                continue
            }
            while nextPositional < parameters.count
                && (!parameters[nextPositional].positional || (values[nextPositional] != nil && !parameters[nextPositional].variadic))
            {
                nextPositional += 1
            }
            guard nextPositional < parameters.count else {
                let positionalCount = parameters.filter(\.positional).count
                let labelled = parameters.filter { !$0.positional }.map { "\($0.name):" }
                var message = "\(displayName) takes \(positionalCount) unlabelled argument\(positionalCount == 1 ? "" : "s") but was given more"
                if !labelled.isEmpty { message += "; did you forget a label? (\(labelled.joined(separator: ", ")))" }
                throw LanguageError(.typeError, message + " — \(builtin.signature)", at: argument.span)
            }
            if parameters[nextPositional].variadic {
                variadic.append(argument.value)
                spans[nextPositional] = spans[nextPositional] ?? argument.span
            } else {
                values[nextPositional] = argument.value
                spans[nextPositional] = argument.span
                nextPositional += 1
            }
        }
        var bound: [Value] = []
        bound.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            if parameter.variadic {
                bound.append(.array(variadic))
            } else if parameter.keywords {
                bound.append(.array(keywordValues))
            } else if let value = values[index] {
                bound.append(value)
            } else if let defaultValue = parameter.defaultValue {
                bound.append(defaultValue)
            } else {
                throw LanguageError(
                    .typeError, "\(displayName) is missing its argument '\(parameter.name)' — \(builtin.signature)", at: span)
            }
        }
        var bundle = Arguments(
            builtin: builtin, values: bound, spans: spans, span: span, receiver: receiver, runtime: runtime,
            evaluator: self)
        do {
            return try builtin.body(&bundle)
        } catch {
            throw located(error, span)
        }
    }

    func callUser(
        _ declaration: FunctionDeclaration, captured: Scope?, _ arguments: [CallArgument], span: SourceSpan,
        name given: String? = nil
    ) throws -> Value {
        let name = given ?? declaration.displayName
        let parameters = declaration.parameters
        let scope = Scope(parent: captured ?? globals)
        var given = [Bool](repeating: false, count: parameters.count)
        var nextPositional = 0
        for argument in arguments {
            if let label = argument.label {
                guard let index = parameters.firstIndex(where: { $0.accepts(label) }) else {
                    let known = parameters.flatMap { [$0.name] + ($0.label.map { [$0] } ?? []) }
                    let hint = didYouMean(label, among: known)
                    let list = parameters.isEmpty ? "it takes none" : "it takes " + parameters.map { $0.label ?? $0.name }.joined(separator: ", ")
                    throw LanguageError(
                        .typeError, "\(name) has no parameter '\(label)'" + (hint.isEmpty ? ": \(list)" : hint),
                        at: argument.span)
                }
                if given[index] {
                    throw LanguageError(
                        .typeError, "\(name) was given '\(parameters[index].name)' twice, by position and by label",
                        at: argument.span)
                }
                scope.names[parameters[index].name] = Binding(value: argument.value, mutable: false, origin: .parameter)
                given[index] = true
                continue
            }
            while nextPositional < parameters.count && given[nextPositional] { nextPositional += 1 }
            guard nextPositional < parameters.count else {
                throw LanguageError(
                    .typeError,
                    "\(name) takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") but was given \(arguments.count)",
                    at: argument.span)
            }
            scope.names[parameters[nextPositional].name] = Binding(value: argument.value, mutable: false, origin: .parameter)
            given[nextPositional] = true
            nextPositional += 1
        }
        for (index, parameter) in parameters.enumerated() where !given[index] {
            guard let defaultValue = parameter.defaultValue else {
                throw LanguageError(.typeError, "\(name) is missing its argument '\(parameter.name)'", at: span)
            }
            scope.names[parameter.name] = Binding(value: try eval(defaultValue, scope), mutable: false, origin: .parameter)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > maxCallDepth {
            throw LanguageError(
                .recursionError, "too many nested calls (more than \(maxCallDepth)): does \(name) call itself without end?",
                at: span)
        }
        let debugged = debugging.isAttached
        if debugged { debugging.enter(function: name, scope: scope, span: declaration.body.first?.span ?? span) }
        defer { if debugged { debugging.leave() } }
        do {
            if declaration.returnsLastExpression, case .expression(let expression) = declaration.body[0].kind {
                if debugged {
                    return try debugging.step(at: declaration.body[0].span, in: scope, evaluator: self) {
                        try eval(expression, scope)
                    }
                }
                return try eval(expression, scope)
            }
            switch try exec(declaration.body, scope) {
            case .normal: return .void
            case .returned(let value, _): return value
            case .breakLoop(let at): throw LanguageError(.syntaxError, "'break' outside a loop", at: at)
            case .continueLoop(let at): throw LanguageError(.syntaxError, "'continue' outside a loop", at: at)
            }
        } catch var failure as LanguageError {
            if failure.kind != .keyboardInterrupt {
                failure.passThrough(function: name, at: span)
            }
            throw failure
        }
    }

    /// Calls a function value from a builtin (callbacks, `map`, `noGrad { }`).
    func callFunction(_ function: Value, _ arguments: [Value], span: SourceSpan) throws -> Value {
        try call(function, arguments.map { CallArgument(label: nil, value: $0, span: span) }, span: span)
    }
}
