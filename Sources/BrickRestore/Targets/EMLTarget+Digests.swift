import BrickCore
import BrickMessage

extension EMLTarget {
    /// The content digests of the listed files; a file gone since has none.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        var digests: [ExistingCopy: String] = [:]
        for copy in copies where FileOperations.isContained(copy.locator) {
            if let found = try FileOperations.messageDigests(directory + "/" + copy.locator) {
                digests[copy] = found.content
            }
        }
        return digests
    }
}
