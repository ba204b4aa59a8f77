import NIOCore

/// libFuzzer entry: the input is bytes from an IMAP server. The first byte picks the
/// size of the reads they arrive in; the framer cuts them into responses, which must
/// be the input's bytes in order, and each response goes through the parser. Any
/// throw is fine; a trap or a frame that is not the input is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIMAPResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = input.first else { return 0 }
    let stream = input.dropFirst()
    let readSize = Int(first % 64) + 1
    var framer = ResponseFramer()
    var framed = 0
    var offset = stream.startIndex
    while offset < stream.endIndex {
        let end = min(offset + readSize, stream.endIndex)
        framer.append(Array(stream[offset..<end]))
        offset = end
        while true {
            let next: ResponseFrame?
            do { next = try framer.nextFrame() } catch { return 0 }
            guard let frame = next else { break }
            let bytes = frame.bytes
            precondition(bytes[...] == stream[(stream.startIndex + framed)..<(stream.startIndex + framed + bytes.count)],
                         "a frame is not the next bytes of the stream")
            framed += bytes.count
            _ = try? ResponseParser.parse(frame)
        }
    }
    precondition(framer.bufferedByteCount == stream.count - framed, "the framer lost or invented bytes")
    _ = try? ResponseParser.parse(Array(stream))
    return 0
}
