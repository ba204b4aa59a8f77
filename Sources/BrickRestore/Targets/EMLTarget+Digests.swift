import BrickCore
import BrickMessage

extension EMLTarget {
    /// The content digests of the listed files; a file gone since has none.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        var digests: [ExistingCopy: String] = [:]
        for copy in copies where isContained(copy.locator) {
            if let bytes = try FileOperations.readFile(directory + "/" + copy.locator) {
                digests[copy] = MessageFingerprint.contentDigest(bytes)
            }
        }
        return digests
    }
}
