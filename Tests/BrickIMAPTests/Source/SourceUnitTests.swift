@testable import BrickIMAP
import Testing

@Suite("Sync tokens and fetch planning")
struct SourceUnitTests {
    @Test("tokens round-trip and reject anything else")
    func tokens() {
        let token = SyncToken(uidValidity: 1795438963, modSeq: 90, committedUID: 12)
        #expect(token.description == "v1 1795438963 90 12")
        #expect(SyncToken(token.description) == token)
        #expect(SyncToken(nil) == nil)
        #expect(SyncToken("v2 1 2 3") == nil)
        #expect(SyncToken("v1 1 2") == nil)
        #expect(SyncToken("v1 x 2 3") == nil)
    }

    @Test("batches follow UID order, respect the byte limit, and a big message goes alone")
    func planner() {
        let planner = FetchPlanner(byteLimit: 100, countLimit: 3)
        let batches = planner.batches([(5, 10), (1, 60), (2, 30), (3, 500), (4, 20), (6, 1), (7, 1), (8, 1)])
        #expect(batches == [[1, 2], [3], [4, 5, 6], [7, 8]])
        #expect(planner.batches([]).isEmpty)
    }
}
