import Testing

@testable import Tensors

/// The memory ceiling follows the cgroup a hub or Binder puts the kernel in.
@Suite struct MemoryCeilingTests {
    @Test func cgroupV2ReadsTheLeastLimitUpTheHierarchy() {
        let files = [
            "/sys/fs/cgroup/user.slice/kernel.scope/memory.max": "max\n",
            "/sys/fs/cgroup/user.slice/memory.max": "2147483648\n",
            "/sys/fs/cgroup/memory.max": "8589934592\n",
        ]
        let limit = MemoryCeiling.cgroupLimit(membership: "0::/user.slice/kernel.scope\n") { files[$0] }
        #expect(limit == 2_147_483_648)
    }

    @Test func aContainersOwnRootCountsWhenItsPathIsTheHosts() {
        let files = ["/sys/fs/cgroup/memory.max": "1073741824\n"]
        #expect(MemoryCeiling.cgroupLimit(membership: "0::/docker/abc123\n") { files[$0] } == 1_073_741_824)
    }

    @Test func cgroupV1ReadsTheMemoryController() {
        let files = [
            "/sys/fs/cgroup/memory/hub/user-7/memory.limit_in_bytes": "536870912\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        ]
        let membership = "12:pids:/hub/user-7\n4:memory:/hub/user-7\n1:name=systemd:/hub\n"
        #expect(MemoryCeiling.cgroupLimit(membership: membership) { files[$0] } == 536_870_912)
    }

    @Test func noLimitSetMeansNone() {
        let files = ["/sys/fs/cgroup/memory.max": "max\n"]
        #expect(MemoryCeiling.cgroupLimit(membership: "0::/\n") { files[$0] } == nil)
        #expect(MemoryCeiling.cgroupLimit(membership: "") { _ in nil } == nil)
    }

    @Test func theTensorLimitIsHalfTheCeiling() {
        #expect(TensorMemory.defaultLimit() == MemoryCeiling.bytes() / 2)
        #expect(MemoryCeiling.bytes() <= MemoryCeiling.physicalBytes() ?? Int.max)
    }
}
