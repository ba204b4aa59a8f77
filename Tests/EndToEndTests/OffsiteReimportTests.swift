import Foundation
import Testing

/// Importing a bundle directory again: each bundle already applied is recognised from
/// its file's end (its digest), without reading its records; a bundle file named on
/// its own may hold a saved stream and is read whole.
@Suite struct OffsiteReimportTests {
    @Test func anAppliedBundleOfADirectoryIsRecognisedFromItsEndAlone() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup()
        try site.export()
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try mail.addMessage(name: "1800000001.M1P1.again", subject: "second night")
        try site.backup()
        try site.export()
        let first = try site.importing([site.bundles.path])
        #expect(first.status == 0, "\(first.stderr)")

        // A byte flipped in the middle of the first bundle: only a whole read sees it.
        let bundle = try site.bundleFiles("alice")[0]
        var bytes = try Array(Data(contentsOf: bundle))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: bundle)

        let again = try site.importing([site.bundles.path])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.components(separatedBy: "already applied").count == 3, "\(again.stdout)")
        #expect(try site.differences("alice").isEmpty)

        let named = try site.importing([bundle.path])
        #expect(named.status == 4, "a file named on its own is read whole: \(named.stdout)\(named.stderr)")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 4 && verify.stdout.contains(bundle.lastPathComponent), "\(verify.stdout)")
        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.status == 0 && list.stdout.contains("ok"), "list reads header and end only: \(list.stdout)")
    }
}
