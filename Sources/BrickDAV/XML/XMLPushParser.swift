import CLibXML2
import Foundation

/// What an `XMLPushParser` reports, element by element, with namespaces resolved.
protocol XMLPushHandler: AnyObject {
    /// An element begins; `attributes` by their local name.
    func start(namespace: String, name: String, attributes: [String: String]) -> XMLPushVerdict
    /// The innermost open element ends.
    func end() -> XMLPushVerdict
    /// Character data or CDATA of the innermost open element.
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// Whether the push parser goes on after an event, or stops with a reason.
enum XMLPushVerdict {
    /// Go on.
    case proceed
    /// Stop: the document is not what the reader expects.
    case stop(String)
}

/// libxml2's push parser (`xmlCreatePushParserCtxt`), owning its context: the document
/// is fed in pieces as they arrive, split anywhere, and reported to a handler as SAX
/// events, so nothing of it has to be held whole. No network access, no external
/// entities, no DTD loading. A document that is not well-formed is an error carrying
/// libxml2's reason, and nothing of it reaches standard error: libxml2 reports some
/// errors (a failed character conversion, an encoder's I/O error) on the thread's
/// error channels rather than the context's, and their default writes to standard
/// error, so each call first points the calling thread's channels at handlers that
/// drop them (the context still keeps its last error, read for the reason).
final class XMLPushParser {
    private let context: xmlParserCtxtPtr
    private let box: HandlerBox
    private var failure: String?
    private var sawBytes = false

    /// A parser reporting to `handler` (held strongly until the parser goes).
    init(handler: any XMLPushHandler) {
        box = HandlerBox(handler)
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { context, name, _, uri, _, _, attributeCount, _, attributes in
            guard let box = HandlerBox.from(context), let name else { return }
            var values: [String: String] = [:]
            if let attributes {
                for index in 0..<Int(attributeCount) {
                    let base = index * 5
                    guard let localName = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                    let value = UnsafeBufferPointer(start: start, count: end - start)
                    values[String(cString: localName)] = String(decoding: value, as: UTF8.self)
                }
            }
            let verdict = box.handler.start(
                namespace: uri.map { String(cString: $0) } ?? "", name: String(cString: name), attributes: values)
            box.apply(verdict)
        }
        sax.endElementNs = { context, _, _, _ in
            guard let box = HandlerBox.from(context) else { return }
            box.apply(box.handler.end())
        }
        sax.characters = { context, bytes, length in
            guard let box = HandlerBox.from(context), let bytes else { return }
            box.handler.text(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        sax.cdataBlock = sax.characters
        let userData = Unmanaged.passUnretained(box).toOpaque()
        // libxml2 keeps its own copy of the handler; the context is ours until deinit.
        context = withUnsafeMutablePointer(to: &sax) { xmlCreatePushParserCtxt($0, userData, nil, 0, nil) }
        box.parser = context
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue))
    }

    deinit {
        xmlFreeParserCtxt(context)
    }

    /// Drops the errors libxml2 reports on the calling thread's channels (their
    /// handlers are kept per thread, and the parser runs on whichever thread feeds it).
    private static func silenceThisThread() {
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        brick_xml_silence_generic_errors()
    }

    /// Parses the next piece; after a failure the rest is ignored (`finish` reports it).
    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        Self.silenceThisThread()
        sawBytes = true
        var offset = 0
        // xmlParseChunk takes an Int32 length: hand large pieces over in parts.
        while offset < bytes.count, failure == nil {
            let count = min(bytes.count - offset, 1 << 30)
            let base = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            if xmlParseChunk(context, base, Int32(count), 0) != 0 { noteFailure() }
            offset += count
        }
    }

    /// Ends the document: nil when it was well-formed and the handler went along,
    /// else the reason.
    func finish() -> String? {
        if failure == nil, !sawBytes { return "empty body" }
        Self.silenceThisThread()
        if failure == nil, xmlParseChunk(context, nil, 0, 1) != 0 { noteFailure() }
        return failure
    }

    private func noteFailure() {
        if let stopped = box.stopReason {
            failure = stopped
        } else if let error = xmlCtxtGetLastError(context), let message = error.pointee.message {
            let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
            failure = "\(text) at line \(error.pointee.line)"
        } else {
            failure = "not well-formed XML"
        }
    }
}

/// The handler as libxml2's user data carries it, with the reason it stopped.
private final class HandlerBox {
    let handler: any XMLPushHandler
    var stopReason: String?
    /// The parser context, for stopping it (set once it exists).
    var parser: xmlParserCtxtPtr?

    init(_ handler: any XMLPushHandler) {
        self.handler = handler
    }

    /// The box behind a callback's first argument (libxml2 passes the user data).
    static func from(_ userData: UnsafeMutableRawPointer?) -> HandlerBox? {
        userData.map { Unmanaged<HandlerBox>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Stops the parser when the handler asked to.
    func apply(_ verdict: XMLPushVerdict) {
        guard case .stop(let reason) = verdict, stopReason == nil else { return }
        stopReason = reason
        xmlStopParser(parser)
    }
}
