import BrickMessage
import Testing

/// An address list and the mailboxes expected from it, as `name|address` strings
/// (`|address` when there is no name).
struct AddressCase: CustomTestStringConvertible, Sendable {
    var input: String
    var expected: [String]
    var testDescription: String { input }
}

let addressCases: [AddressCase] = [
    AddressCase(input: "john@example.com", expected: ["|john@example.com"]),
    AddressCase(input: "John Doe <John.Doe@Example.COM>", expected: ["John Doe|john.doe@example.com"]),
    AddressCase(input: "\"Doe, John\" <jd@x.org>, jane@x.org", expected: ["Doe, John|jd@x.org", "|jane@x.org"]),
    AddressCase(input: "\"Quote \\\"inner\\\" text\" <q@x.org>", expected: ["Quote \"inner\" text|q@x.org"]),
    AddressCase(input: "John Q. Public <jqp@x.org>", expected: ["John Q. Public|jqp@x.org"]),
    AddressCase(input: "jdoe@example.com (John Doe)", expected: ["John Doe|jdoe@example.com"]),
    AddressCase(input: "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
                expected: ["Pete|pete@silly.test"]),
    AddressCase(input: "(nested (comment)) a@b.org", expected: ["nested (comment)|a@b.org"]),
    AddressCase(input: "undisclosed-recipients:;", expected: []),
    AddressCase(input: "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
                expected: ["Ed Jones|c@a.test", "|joe@where.test", "John|jdoe@one.test"]),
    AddressCase(input: "Group: a@x.org; b@y.org", expected: ["|a@x.org", "|b@y.org"]),
    AddressCase(input: "<@route1.test,@route2.test:user@final.test>", expected: ["|user@final.test"]),
    AddressCase(input: "\"john doe\"@example.com", expected: ["|\"john doe\"@example.com"]),
    AddressCase(input: "\"plain\"@example.com", expected: ["|plain@example.com"]),
    AddressCase(input: "user@[192.0.2.1]", expected: ["|user@[192.0.2.1]"]),
    AddressCase(input: "MAILER-DAEMON", expected: ["|mailer-daemon"]),
    AddressCase(input: "=?utf-8?q?J=C3=B6rg?= <j@x.de>", expected: ["Jörg|j@x.de"]),
    AddressCase(input: "\"=?utf-8?q?J=C3=B6rg?=\" <j@x.de>", expected: ["Jörg|j@x.de"]),
    AddressCase(input: "=?utf-8?q?Doe,_John?= <j@x.de>", expected: ["Doe, John|j@x.de"]),
    AddressCase(input: "=?utf-8?b?5bGx55Sw?= =?utf-8?b?5aSq6YOO?= <t@x.jp>", expected: ["山田太郎|t@x.jp"]),
    AddressCase(input: "Zoë <zoe@x.org>", expected: ["Zoë|zoe@x.org"]),
    AddressCase(input: "John Smith john@x.org", expected: ["John Smith|john@x.org"]),
    AddressCase(input: "john @ x.org", expected: ["|john@x.org"]),
    AddressCase(input: "a@x.org,,, ,b@x.org", expected: ["|a@x.org", "|b@x.org"]),
    AddressCase(input: "<a@x.org", expected: ["|a@x.org"]),
    AddressCase(input: "Name <a@x.org> trailing", expected: ["Name trailing|a@x.org"]),
    AddressCase(input: "<>", expected: []),
    AddressCase(input: "Just A Name", expected: []),
    AddressCase(input: "\"unterminated <a@x.org>", expected: []),
    AddressCase(input: ")(<>@@,;:", expected: []),
    AddressCase(input: "", expected: []),
]

@Test("address lists parse", arguments: addressCases)
func addressLists(_ testCase: AddressCase) {
    let parsed = AddressParser.parse(testCase.input).map { "\($0.name ?? "")|\($0.address)" }
    #expect(parsed == testCase.expected)
}

@Test("description shows name and address")
func addressDescription() {
    #expect(MailAddress(name: "A B", address: "a@b.org").description == "A B <a@b.org>")
    #expect(MailAddress(name: nil, address: "a@b.org").description == "a@b.org")
}
