import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads an XML document into an `XMLNode` tree with namespaces resolved, using
/// Foundation's `XMLParser`. A document that is not well-formed (not XML, cut off)
/// is an error carrying the parser's reason.
public enum XMLTreeParser {
    /// The document's root element.
    public static func parse(_ bytes: [UInt8]) throws(XMLTreeError) -> XMLNode {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription) at line \(parser.lineNumber)" } ?? "no root element"
            throw XMLTreeError(reason: bytes.isEmpty ? "empty body" : reason)
        }
        return root
    }
}

/// Why a document could not be read as XML.
public struct XMLTreeError: Error, Sendable, Equatable {
    /// The parser's reason.
    public var reason: String
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(XMLNode(namespace: namespaceURI ?? "", name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let node = stack.popLast() else { return }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }
}
