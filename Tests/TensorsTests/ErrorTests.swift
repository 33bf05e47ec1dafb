import Dispatch
import Synchronization
import Testing
@testable import Tensors

/// Bad input to each op family is a `TensorError` whose message names what was wrong.
@Suite struct ErrorTests {
    @Test func argumentsOutsideWhatAnOpAccepts() throws {
        let x = try Tensor.zeros([2, 3])
        #expect(errorMessage { try x.clamp(min: 2, max: 1) } == "clamp needs min <= max, got min 2.0 and max 1.0")
        #expect(errorMessage { try Tensor.arange(0, 1, step: 0) } == "arange needs finite bounds and a non-zero step, got 0.0, 1.0, step 0.0")
        #expect(errorMessage { try Tensor.linspace(0, 1, count: -1) } == "linspace needs a count of at least 0, got -1")
        #expect(errorMessage { try x.pad([(-1, 0)]) }?.contains("(before, after) pairs of sizes >= 0") == true)
        #expect(errorMessage { try x.flatten(startAxis: 1, endAxis: 0) } == "flatten needs startAxis <= endAxis, got 1 and 0")
        #expect(errorMessage { try x.variance(axis: 0, correction: 2) } == "variance over 2 elements with correction 2 divides by zero")
        #expect(errorMessage { try x.broadcast(to: [3]) } != nil)
        #expect(errorMessage { try x.reshape([-1, -1]) }?.contains("at most one -1") == true)
        #expect(errorMessage { try Tensor([0.5]).oneHot(classes: 2) } == "oneHot needs whole-number labels, got float32 values with fractions")
        #expect(errorMessage { try x.gather(axis: 0, index: Tensor([[0.0]])) } == "gather needs an integer index tensor, got float32")
        #expect(errorMessage { try concat([]) } == "concat needs at least one tensor")
        #expect(errorMessage { try conv2d(Tensor.zeros([1, 1, 3, 3]), Tensor.zeros([2, 1, 2, 2]), bias: Tensor.zeros([3])) } == "conv2d bias must have shape [2], got [3]")
        #expect(errorMessage { try x.backward() }?.contains("require gradients") == true)
    }

    @Test func errorKindsForTheLearner() {
        #expect(TensorError.shapeMismatch("").kind == "ShapeError")
        #expect(TensorError.indexOutOfRange(index: 1, axis: 0, size: 1).kind == "ShapeError")
        #expect(TensorError.dtype("").kind == "TypeError")
        #expect(TensorError.invalidSize("").kind == "ValueError")
        #expect(TensorError.tooLarge(requestedBytes: 1 << 40, limitBytes: 1 << 30, shape: [1]).description
            == "a tensor of shape [1] needs 1.0 TB, more than the memory limit of 1.0 GB")
    }

    @Test func opsAreSafeToRunFromManyThreadsAtOnce() throws {
        // Shared state (the buffer cache, OpenBLAS's thread setting, the shared random stream)
        // must hold up when several threads compute at the same time.
        let a = try Tensor.randn([300, 300], seed: 1, dtype: .float64)
        let expected = try matmul(a, a).sum().item()
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                for round in 0..<5 {
                    let product = try matmul(a, a)
                    let noise = try Tensor.randn([300, 300])
                    let big = try Tensor.ones([1 << 18]) * Double(worker + round)
                    guard Swift.abs(try product.sum().item() - expected) < 1e-6 * Swift.abs(expected) + 1e-6,
                        try big.sum().item() == Double((1 << 18) * (worker + round)),
                        noise.shape == [300, 300]
                    else {
                        failures.withLock { $0 += 1 }
                        return
                    }
                }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}
