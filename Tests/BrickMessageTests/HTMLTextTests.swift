import Testing
@testable import BrickMessage

/// Markup dropped for the index: each tag is a space, script and style contents go,
/// the common references become characters, in one pass over the bytes.
struct HTMLTextTests {
    private func strip(_ html: String, limit: Int = .max) -> String {
        String(decoding: HTMLText.strip(Array(html.utf8), limit: limit), as: UTF8.self)
    }

    @Test func eachTagBecomesOneSpaceAndScriptAndStyleContentsGo() {
        #expect(strip("x<b>y</b>z") == "x y z")
        #expect(strip("x<SCRIPT type=a>var y;</Script>z") == "x z")
        #expect(strip("a<style>p{}</STYLE>b<script>c</script>d") == "a b d")
    }

    @Test func aScriptOrStyleWithoutItsEndTagDropsOnlyItsOwnTag() {
        #expect(strip("a<script>b<style>c</style>d<script>e") == "a b d e")
        #expect(strip("<style>one<style>two") == " one two")
    }

    @Test func manyUnclosedScriptTagsKeepTheTextBetweenThem() {
        // Each search for an end tag that is not there happens once, not once per tag.
        let html = String(repeating: "<script>w", count: 50_000)
        #expect(strip(html) == String(repeating: " w", count: 50_000))
    }

    @Test func aTagWithoutItsClosingBracketEndsTheText() {
        #expect(strip("kept<a href=") == "kept ")
    }

    @Test func referencesAreDecodedOnceAndMarkupNeverMakesOne() {
        #expect(strip("Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39;&nbsp;z") == "Tom & Jerry <3 \"x\" 'y' z")
        #expect(strip("&amp;lt; &am<b>p; &unknown;") == "&lt; &am p; &unknown;")
    }

    @Test func textStopsAtTheLimit() {
        #expect(strip("<p>abcdef</p>ghij", limit: 4) == " abc")
        #expect(strip("ab&amp;cd", limit: 3) == "ab&")
    }

    @Test func bytesThatAreNotUTF8PassThrough() {
        #expect(HTMLText.strip([0x61, 0xFF, 0x3C, 0x62, 0x3E, 0xC3, 0xA9]) == [0x61, 0xFF, 0x20, 0xC3, 0xA9])
    }
}
