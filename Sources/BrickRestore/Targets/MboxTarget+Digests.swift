import BrickCore
import BrickMessage
import Foundation

extension MboxTarget {
    /// The content digests of the listed entries (unquoted, as restored); entries of
    /// a file replaced since the listing (another inode) have none.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        let wanted = Set(copies.compactMap(MboxCopyLocator.init))
        guard !wanted.isEmpty else { return [:] }
        return try FileOperations.withMappedFile(filePath(for: path)) { file, inode in
            var digests: [ExistingCopy: String] = [:]
            for message in MboxFormat.messages(in: file) {
                let locator = MboxCopyLocator(inode: inode, entry: message.entry)
                guard wanted.contains(locator) else { continue }
                let content = UnsafeRawBufferPointer(rebasing: file[message.content])
                digests[locator.copy] = MessageFingerprint.contentDigest(MboxFormat.unquoted(content))
            }
            return digests
        }
    }
}
