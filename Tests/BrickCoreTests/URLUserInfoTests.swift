import BrickCore
import Testing

@Suite struct URLUserInfoTests {
    @Test func aPasswordInTheAuthorityIsReplaced() {
        #expect(URLUserInfo.redacted("https://alice:s3cret@dav.example.org/cal/") == "https://***@dav.example.org/cal/")
        #expect(URLUserInfo.redacted("imaps://a%40b:p@ss@mail.example.org") == "imaps://***@mail.example.org")
    }

    @Test func aURLWithoutUserInformationIsKept() {
        #expect(URLUserInfo.redacted("https://dav.example.org/users/bob@example.org/") == "https://dav.example.org/users/bob@example.org/")
        #expect(URLUserInfo.redacted("maildir:/srv/mail/{user}") == "maildir:/srv/mail/{user}")
    }
}
