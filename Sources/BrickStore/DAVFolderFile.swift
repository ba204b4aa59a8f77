import BrickCore
import Foundation

/// The `dav` file in the directory of a folder that mirrors a CalDAV calendar, a CardDAV
/// address book or one of their homes (docs/FORMAT.md §1): what the catalog keeps of the
/// collection besides the path (`dav_href`, `dav_properties`, `identity`), so a catalog
/// rebuilt from the folder tree (`brick-backup repair`) gets the folder back as a DAV
/// folder. Four lines of UTF-8 text, each ending in a newline:
///
/// ```
/// brick-dav-folder 1
/// href <the collection's URL path, percent-encoded as the server wrote it>
/// identity <the folder's identity, e.g. dav:/alice/work/>
/// properties <dav_properties, a JSON object on one line>
/// ```
struct DAVFolderFile: Equatable {
    /// The file's name in the folder directory.
    static let name = "dav"
    /// The first line: what the file is and its version.
    static let header = "brick-dav-folder 1"

    /// `folders.dav_href`.
    var href: String
    /// `folders.identity`.
    var identity: String
    /// `folders.dav_properties`.
    var properties: String

    /// The file of `folder`, or nil when it is not a DAV folder.
    init?(folder: StoredFolder) {
        guard let href = folder.davHref else { return nil }
        self.href = href
        identity = folder.identity ?? "dav:" + href
        properties = folder.davProperties ?? "{}"
    }

    /// Parses the file's text; nil when it is not a version 1 file or a line is missing.
    init?(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count == 4, lines[0] == Self.header else { return nil }
        func value(_ line: String, _ name: String) -> String? {
            line.hasPrefix(name + " ") ? String(line.dropFirst(name.count + 1)) : nil
        }
        guard let href = value(lines[1], "href"), !href.isEmpty, let identity = value(lines[2], "identity"),
            let properties = value(lines[3], "properties")
        else { return nil }
        self.href = href
        self.identity = identity
        self.properties = properties
    }

    /// The file's text. Hrefs, identities and compact JSON hold no line breaks; any
    /// that slipped in are replaced by spaces rather than splitting a line.
    var text: String {
        func line(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
        return [Self.header, "href " + line(href), "identity " + line(identity), "properties " + line(properties)]
            .joined(separator: "\n") + "\n"
    }

    /// Reads the file of the folder directory `directory` (relative to the user
    /// directory of `layout`); nil when there is none or it does not parse.
    static func read(folderDirectory directory: String, layout: StoreLayout) -> DAVFolderFile? {
        (try? String(contentsOf: layout.url(directory + "/" + name), encoding: .utf8)).flatMap(DAVFolderFile.init(text:))
    }
}

extension UserStore {
    /// Writes the `dav` file of `folder` when it is a DAV folder whose directory exists
    /// (temp, fsync, rename); `onlyWhenMissing` leaves an existing file alone.
    func writeDAVFolderFile(_ folder: StoredFolder, onlyWhenMissing: Bool) throws(StoreError) {
        guard isWritable, let file = DAVFolderFile(folder: folder) else { return }
        let directory = layout.url(folder.directory)
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        let url = directory.appendingPathComponent(DAVFolderFile.name)
        if onlyWhenMissing && FileManager.default.fileExists(atPath: url.path) { return }
        try FileSystem.writeAtomically(file.text, to: url, user: user)
    }
}
