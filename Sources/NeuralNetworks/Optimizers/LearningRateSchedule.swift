#if canImport(Glibc)
    import Glibc
#endif

/// How the learning rate changes with the step count t (epochs or batches, as the caller steps it).
public enum LearningRateSchedule: Sendable, Equatable {
    /// η = η₀.
    case constant
    /// η = η₀ · factor^⌊t / every⌋ (PyTorch's StepLR).
    case step(every: Int, factor: Double)
    /// η = η₀ · factor^t (ExponentialLR).
    case exponential(factor: Double)
    /// η = η_min + (η₀ - η_min)(1 + cos(π t / steps)) / 2 for t ≤ steps (CosineAnnealingLR).
    case cosine(steps: Int, minimum: Double)
    /// Leslie Smith's one-cycle (PyTorch's OneCycleLR, cosine): from max/25 up to `maximum`
    /// over the first `warmupFraction` of `steps`, then down to max/25/10⁴.
    case oneCycle(maximum: Double, steps: Int, warmupFraction: Double)

    /// Cosine annealing to zero over `steps`.
    public static func cosine(steps: Int) -> LearningRateSchedule { .cosine(steps: steps, minimum: 0) }
    /// One-cycle with 30% warm-up.
    public static func oneCycle(maximum: Double, steps: Int) -> LearningRateSchedule {
        .oneCycle(maximum: maximum, steps: steps, warmupFraction: 0.3)
    }

    /// The learning rate after `t` scheduler steps, starting from `base`.
    public func learningRate(base: Double, at t: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .step(let every, let factor):
            return base * pow(factor, Double(t / max(every, 1)))
        case .exponential(let factor):
            return base * pow(factor, Double(t))
        case .cosine(let steps, let minimum):
            let progress = Double(min(t, max(steps, 1))) / Double(max(steps, 1))
            return minimum + (base - minimum) * (1 + cos(Double.pi * progress)) / 2
        case .oneCycle(let maximum, let steps, let warmupFraction):
            let initial = maximum / 25, final = initial / 1e4
            let warmupEnd = Double(steps) * warmupFraction - 1
            let t = Double(min(t, steps - 1))
            func anneal(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
                end + (start - end) / 2 * (1 + cos(Double.pi * fraction))
            }
            if t <= warmupEnd { return anneal(initial, maximum, warmupEnd > 0 ? t / warmupEnd : 1) }
            let span = Double(steps - 1) - warmupEnd
            return anneal(maximum, final, span > 0 ? (t - warmupEnd) / span : 1)
        }
    }

    /// Whether PyTorch users step this schedule once per batch (one-cycle) rather than per epoch.
    public var stepsPerBatch: Bool {
        if case .oneCycle = self { return true }
        return false
    }
}

/// Sets an optimizer's learning rate from a schedule each time `step()` is called.
public final class LearningRateScheduler {
    public let optimizer: Optimizer
    public let schedule: LearningRateSchedule
    /// The learning rate the optimizer had when the scheduler was made.
    public let baseLearningRate: Double
    /// Scheduler steps taken.
    public private(set) var stepCount = 0

    /// Starts the schedule: the optimizer's rate becomes the schedule's rate at t = 0.
    public init(_ optimizer: Optimizer, schedule: LearningRateSchedule) {
        self.optimizer = optimizer
        self.schedule = schedule
        baseLearningRate = optimizer.learningRate
        optimizer.learningRate = schedule.learningRate(base: baseLearningRate, at: 0)
    }

    /// Advances t by one and updates the optimizer's learning rate.
    public func step() {
        stepCount += 1
        optimizer.learningRate = schedule.learningRate(base: baseLearningRate, at: stepCount)
    }
}
