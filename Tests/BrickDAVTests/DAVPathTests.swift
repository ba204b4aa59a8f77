@testable import BrickDAV
import Testing

@Suite struct DAVPathTests {
    @Test func aResourceKeyIsItsDecodedFileName() {
        #expect(DAVPath.lastSegment(of: "/alice/work/a%20b.ics") == "a b.ics")
        #expect(DAVPath.lastSegment(of: "https://dav.example.org/alice/work/x.ics") == "x.ics")
        #expect(DAVPath.lastSegment(of: "/alice/work/") == "work")
        #expect(DAVPath.lastSegment(of: "/c/%2E%2E%2Fetc") == "../etc")
    }

    @Test func encodingASegmentRoundTripsAnyName() {
        for name in ["plain.ics", "a b.ics", "../etc/passwd", "100%.vcf", "Zürich?#.ics", "\u{1F600}.ics"] {
            let encoded = DAVPath.encodeSegment(name)
            #expect(!encoded.contains("/") && !encoded.contains("?") && !encoded.contains("#") && !encoded.contains(" "))
            #expect(DAVPath.decode(encoded) == name)
        }
    }

    @Test func onlyTwoHexadecimalDigitsMakeAnEscape() {
        #expect(DAVPath.decode("a%-0b%+1c%0") == "a%-0b%+1c%0")
        #expect(DAVPath.decode("%41%6a%6A%zz") == "Ajj%zz")
    }

    @Test func dotSegmentsAndTheEmptyNameNeverEncodeToAPathStep() {
        for name in ["..", ".", ""] {
            let encoded = DAVPath.encodeSegment(name)
            #expect(encoded == "_" + name)
            #expect(!["..", ".", ""].contains(DAVPath.decode(encoded)))
        }
    }

    @Test func aPasswordInARefusedURLIsNotInItsMessage() {
        do {
            _ = try DAVEndpoint(url: "https://alice:s3cret@dav.example.org/")
            Issue.record("a URL with a password was accepted")
        } catch {
            #expect(!"\(error)".contains("s3cret"))
        }
    }

    @Test func hrefsCompareWithoutTrailingSlashOrEncoding() {
        #expect(DAVPath.same("/alice/work/", "/alice/work"))
        #expect(DAVPath.same("http://h/alice/my%20cal/", "/alice/my cal/"))
        #expect(!DAVPath.same("/alice/work/", "/alice/home/"))
    }
}

@Suite struct DAVEndpointTests {
    @Test func urlsParseWithDefaultPortsAndPaths() throws {
        let secure = try DAVEndpoint(url: "https://dav.example.org/remote.php/dav/")
        #expect(secure.tls && secure.port == 443 && secure.host == "dav.example.org" && secure.path == "/remote.php/dav/")
        let plain = try DAVEndpoint(url: "http://127.0.0.1:5232")
        #expect(!plain.tls && plain.port == 5232 && plain.path == "/")
        let ipv6 = try DAVEndpoint(url: "http://[::1]:8008/dav")
        #expect(ipv6.host == "::1" && ipv6.port == 8008 && ipv6.description == "http://[::1]:8008/dav")
    }

    @Test(arguments: ["ftp://h/", "https://user:pw@h/", "http://h:0/", "http://h:99999/", "http:///x"])
    func badURLsAreRefused(url: String) {
        #expect(throws: DAVError.self) { try DAVEndpoint(url: url) }
    }

    @Test func aUserTemplateIsFilledEncoded() throws {
        let endpoint = try DAVEndpoint(url: "https://h/dav/{user}/")
        #expect(endpoint.forUser("alice").path == "/dav/alice/")
        #expect(endpoint.forUser("a/b c").path == "/dav/a%2Fb%20c/")
    }
}

@Suite struct DAVFolderNamingTests {
    @Test func collectionsBecomeFoldersUnderCalendarsAndContacts() {
        let paths = DAVFolderNaming.paths(for: [
            DAVCollection(href: "/a/work/", kind: .calendar, displayName: "Work"),
            DAVCollection(href: "/a/book/", kind: .addressbook, displayName: nil),
        ])
        #expect(paths.map(\.description) == ["Calendars/Work", "Contacts/book"])
    }

    @Test func hostileNamesStayOneFolderNameAndTwinsAreTold() {
        let long = String(repeating: "x", count: 5000)
        let paths = DAVFolderNaming.paths(for: [
            DAVCollection(href: "/a/1/", kind: .calendar, displayName: ".."),
            DAVCollection(href: "/a/2/", kind: .calendar, displayName: "../../etc/passwd"),
            DAVCollection(href: "/a/3/", kind: .calendar, displayName: long),
            DAVCollection(href: "/a/4/", kind: .calendar, displayName: "Twin"),
            DAVCollection(href: "/a/5/", kind: .calendar, displayName: "Twin"),
            DAVCollection(href: "/a/6/", kind: .calendar, displayName: "tab\tand\nnewline"),
        ])
        for path in paths { #expect(path.components.count == 2 && path.components[0] == "Calendars") }
        #expect(paths[0].components[1] == "..")
        #expect(paths[1].components[1] == "../../etc/passwd")
        #expect(paths[2].components[1].count == 200)
        #expect(paths[3].components[1] == "Twin (4)" && paths[4].components[1] == "Twin (5)")
        #expect(paths[5].components[1] == "tab_and_newline")
    }

    @Test func aSuffixedTwinNeverTakesAThirdCollectionsName() {
        let paths = DAVFolderNaming.paths(for: [
            DAVCollection(href: "/a/6/", kind: .calendar, displayName: "Twin (5)"),
            DAVCollection(href: "/a/4/", kind: .calendar, displayName: "Twin"),
            DAVCollection(href: "/a/5/", kind: .calendar, displayName: "Twin"),
        ])
        #expect(Set(paths).count == 3)
        #expect(paths.map { $0.components[1] } == ["Twin (5) (2)", "Twin (4)", "Twin (5)"])
    }
}
