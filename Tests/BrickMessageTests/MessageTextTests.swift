import BrickMessage
import Testing

/// The text the full-text index gets of a message: text parts decoded, the rest left out.
struct MessageTextTests {
    private func message(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test func aPlainMessageGivesItsBody() {
        #expect(MessageText.extract(message("Subject: x\n\nHello there.\n")) == "Hello there.\r\n")
    }

    @Test func base64AndQuotedPrintableInACharsetAreDecoded() {
        let raw = message("""
            Content-Type: multipart/mixed; boundary="outer"

            preamble
            --outer
            Content-Type: text/plain; charset=ISO-8859-1
            Content-Transfer-Encoding: quoted-printable

            Le caf=E9 est pr=EAt, soft=
            break.
            --outer
            Content-Type: text/plain; charset="utf-8"
            Content-Transfer-Encoding: base64

            R3LDvMOfZSBhdXMgTcO8bmNoZW4=
            --outer--
            epilogue
            """)
        let text = MessageText.extract(raw)
        #expect(text.contains("Le café est prêt, softbreak."))
        #expect(text.contains("Grüße aus München"))
        #expect(!text.contains("preamble") && !text.contains("epilogue"))
    }

    @Test func htmlLosesItsMarkupStylesAndScripts() {
        let raw = message("""
            Content-Type: text/html; charset=utf-8

            <html><style>p { color: red }</style><script>var hidden = 1;</script><p>Signed &amp; sealed</p></html>
            """)
        let text = MessageText.extract(raw)
        #expect(text.contains("Signed & sealed"))
        #expect(!text.contains("color") && !text.contains("hidden") && !text.contains("<p>"))
    }

    @Test func attachmentsAndNonTextPartsAreLeftOutButAttachedMessagesAreRead() {
        let raw = message("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            visible
            --b
            Content-Type: text/plain
            Content-Disposition: attachment; filename=notes.txt

            secretword
            --b
            Content-Type: image/png
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --b
            Content-Type: message/rfc822

            Subject: inner
            Content-Type: text/plain

            forwarded words
            --b--
            """)
        let text = MessageText.extract(raw)
        #expect(text.contains("visible") && text.contains("forwarded words"))
        #expect(!text.contains("secretword") && !text.contains("iVBOR"))
    }

    @Test func theTextStopsAtTheLimitWithoutABrokenCharacter() {
        let raw = message("Content-Type: text/plain; charset=utf-8\n\n" + String(repeating: "é", count: 1000))
        let text = MessageText.extract(raw, limit: 101)
        #expect(text.utf8.count <= 101)
        #expect(text.allSatisfy { $0 == "é" } && text.count == 50)
    }

    @Test func aMultipartWithoutBoundaryOrANeverClosedOneDoesNotTrap() {
        #expect(MessageText.extract(message("Content-Type: multipart/mixed\n\nbody\n")) == "")
        let open = MessageText.extract(message("Content-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\nunfinished\n"))
        #expect(open.contains("unfinished"))
    }
}
