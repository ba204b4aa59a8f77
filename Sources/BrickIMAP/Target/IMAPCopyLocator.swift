import BrickCore

/// Where a message listed by `IMAPTarget.existingMessages` is: its UID and the
/// mailbox's UIDVALIDITY at listing time, written `UIDVALIDITY:UID`. A UID names the
/// same message only while UIDVALIDITY is unchanged, so removal checks it.
struct IMAPCopyLocator: Hashable, Sendable {
    /// The mailbox's UIDVALIDITY when the copy was listed.
    var uidValidity: UInt32
    /// The message's UID.
    var uid: UInt32

    /// The locator of a listed message.
    init(uidValidity: UInt32, uid: UInt32) {
        self.uidValidity = uidValidity
        self.uid = uid
    }

    /// Reads a copy's locator; nil when it is not `UIDVALIDITY:UID`.
    init?(_ copy: ExistingCopy) {
        let parts = copy.locator.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let validity = UInt32(parts[0]), let uid = UInt32(parts[1]), uid > 0 else { return nil }
        self.init(uidValidity: validity, uid: uid)
    }

    /// The copy as the restore engine carries it.
    var copy: ExistingCopy { ExistingCopy(locator: "\(uidValidity):\(uid)") }
}
