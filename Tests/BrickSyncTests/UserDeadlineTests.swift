@testable import BrickSync
import Testing

@Suite struct UserDeadlineTests {
    @Test func aDeadlineThatPassesCallsExpire() async {
        let (expired, signal) = AsyncStream.makeStream(of: Void.self)
        let deadline = UserDeadline(seconds: 0.01) {
            signal.yield()
            signal.finish()
        }
        var calls = 0
        for await _ in expired { calls += 1 }
        deadline.cancel()
        #expect(calls == 1)
    }

    @Test func aCancelledDeadlineReleasesItsTimerWithoutExpiring() {
        let deadline = UserDeadline(seconds: 3600) { Issue.record("a cancelled deadline expired") }
        #expect(!deadline.isCancelled)
        deadline.cancel()
        #expect(deadline.isCancelled)
    }
}
