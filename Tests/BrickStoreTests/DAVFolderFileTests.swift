import BrickCore
import Foundation
import Testing
@testable import BrickStore

/// The `dav` file of a calendar or address book folder (FORMAT.md §1): written with
/// the folder, rewritten when its properties change, read back by repair, and refused
/// when it is not version 1.
@Suite struct DAVFolderFileTests {
    private let work = DAVFolderInfo(href: "/alice/work/", properties: ##"{"color":"#FF0000FF","displayname":"Work","resourcetype":"calendar"}"##)

    @Test func aNewCalendarFolderGetsItsDavFileAndAPropertyChangeRewritesIt() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let path = FolderPath(["Calendars", "Work"])
        let folder = try store.ensureFolder(path, upstreamName: work.href, identity: "dav:/alice/work/", dav: work, run: run).folder
        let layout = try StoreLayout(root: dir.url, user: "alice")
        #expect(DAVFolderFile.read(folderDirectory: folder.directory, layout: layout)
            == DAVFolderFile(text: "brick-dav-folder 1\nhref /alice/work/\nidentity dav:/alice/work/\nproperties \(work.properties)\n"))

        var renamed = work
        renamed.properties = #"{"displayname":"Work (old)","resourcetype":"calendar"}"#
        try store.ensureFolder(path, upstreamName: work.href, identity: "dav:/alice/work/", dav: renamed, run: run)
        #expect(DAVFolderFile.read(folderDirectory: folder.directory, layout: layout)?.properties == renamed.properties)

        let mail = try store.ensureFolder(.inbox, run: run).folder
        #expect(!FileManager.default.fileExists(atPath: layout.url(mail.directory + "/dav").path))
    }

    @Test func onlyAWholeVersionOneFileIsRead() {
        let good = "brick-dav-folder 1\nhref /a/b/\nidentity dav:/a/b/\nproperties {}\n"
        #expect(DAVFolderFile(text: good)?.href == "/a/b/")
        #expect(DAVFolderFile(text: good.replacingOccurrences(of: "folder 1", with: "folder 2")) == nil)
        #expect(DAVFolderFile(text: "brick-dav-folder 1\nhref /a/b/\nidentity dav:/a/b/\n") == nil)
        #expect(DAVFolderFile(text: "brick-dav-folder 1\nhref \nidentity x\nproperties {}\n") == nil)
        #expect(DAVFolderFile(text: "") == nil)
    }
}
