@testable import BrickStore
import Testing

/// Folder directories read from elsewhere (a bundle's folder rows) are taken only in
/// the form the store gives them, so none leads outside the user directory.
@Suite struct FolderDirectoryFormTests {
    @Test func theStoresOwnFolderDirectoriesHaveTheForm() {
        let top = StoreLayout.folderDirectory(id: 3, parentDirectory: nil)
        let child = StoreLayout.folderDirectory(id: 12, parentDirectory: top)
        #expect(StoreLayout.isFolderDirectory(top, of: 3))
        #expect(StoreLayout.isFolderDirectory(child, of: 12))
        #expect(StoreLayout.isFolderDirectory(StoreLayout.folderDirectory(id: 7, parentDirectory: child), of: 7))
    }

    @Test(arguments: [
        "../../escape/folders/3", "/tmp/folders/3", "folders/3/../../../folders/3", "folders/../3", "folders/3/",
        "folders//folders/3", "folders/03", "folders/+3", "folders/3x", "folders/ 3", "folders/2", "things/3",
        "folders/1/things/3", "folders/3/folders", "folders", "", "./folders/3", "folders/1/./folders/3",
    ])
    func anyOtherDirectoryIsRefused(directory: String) {
        #expect(!StoreLayout.isFolderDirectory(directory, of: 3))
    }
}
