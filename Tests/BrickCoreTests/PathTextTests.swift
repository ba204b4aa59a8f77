import Testing
@testable import BrickCore

@Suite struct PathTextTests {
    @Test(arguments: [
        ("/a/b", "/a"), ("/a/b/", "/a"), ("a/b", "a"), ("a/b/", "a"), ("a//b", "a"),
        ("/a", "/"), ("/", "/"), ("//", "/"), ("a", ""), (".", ""), ("a/", ""), ("", ""),
        ("./a", "."), ("../x/y", "../x"),
    ])
    func parentIsTheDirectoryPartOfAPath(path: String, parent: String) {
        #expect(PathText.parent(of: path) == parent)
    }
}
