import BrickBundle

/// libFuzzer entry: the input is what `import` might be handed (docs/FORMAT.md §8, §9):
/// one or more bundles, plain or encrypted, damaged anywhere. Every bundle on it is read
/// record by record, small records as fields, the others skipped (checked), until the
/// input ends or a reader throws: never a trap, and a bundle read to its end has a
/// trailer. The input is also decoded as one record's fields, which must re-encode to
/// fields that decode the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let fields = try? BundleFields(decoding: bytes) {
        let again = try? BundleFields(decoding: fields.encoded())
        precondition(again == fields, "fields did not survive encoding")
    }
    let input = BundleMemoryInput(bytes)
    do {
        while let reader = try BundleReader.open(from: input, identities: []) {
            while let record = try reader.nextRecord() {
                if record.length <= 4096 { _ = try reader.readFields() } else { try reader.skipPayload() }
            }
            precondition(reader.trailer != nil, "a bundle read to its end without a trailer")
        }
    } catch {
        return 0
    }
    return 0
}
