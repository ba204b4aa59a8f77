import BrickCore
import Testing

@Suite struct ModifiedUTF7Tests {
    @Test(arguments: [
        ("INBOX", "INBOX"), ("été", "&AOk-t&AOk-"), ("&", "&-"), ("Q&A", "Q&-A"),
        ("Résumé & Notes", "R&AOk-sum&AOk- &- Notes"), ("日本語", "&ZeVnLIqe-"), ("Отчёты", "&BB4EQgRHBFEEQgRL-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"), ("😀", "&2D3eAA-"),
    ])
    func encodesAndDecodesBothWays(decoded: String, encoded: String) throws {
        #expect(ModifiedUTF7.encode(decoded) == encoded)
        #expect(try ModifiedUTF7.decode(encoded) == decoded)
    }

    @Test(arguments: ["&", "&AOk", "&AE-", "&!!-", "caf\u{E9}", "&ZeVnLIqe"])
    func malformedNamesAreRejectedButDecodedLeniently(name: String) {
        #expect(throws: ModifiedUTF7.DecodingError.self) { try ModifiedUTF7.decode(name) }
        #expect(ModifiedUTF7.decodeLeniently(name) == name)
    }
}
