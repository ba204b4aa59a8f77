import BrickIMAP
import Testing

@Suite struct TokenAfterRepairTests {
    @Test func repairKeepsUIDValidityAndCommittedUIDAndDropsTheModseqSoTheNextSyncDiffsUIDs() {
        #expect(IMAPSource.tokenAfterRepair("v1 1795438963 90 12") == "v1 1795438963 0 12")
    }

    @Test func aTokenThatIsNotIMAPsIsDropped() {
        #expect(IMAPSource.tokenAfterRepair("maildir-v1 cur=1:2:3 new=- n=4 settled=1") == nil)
    }
}
