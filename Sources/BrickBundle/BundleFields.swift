/// The payload of a structured record: a set of tagged fields, each an integer, a
/// string or bytes (docs/FORMAT.md §8.3). A reader ignores tags it does not know, so a
/// later version adds fields without a format break; an absent tag is a NULL.
public struct BundleFields: Sendable, Equatable {
    /// One field's value.
    enum Value: Sendable, Equatable {
        case int(Int64)
        case bytes([UInt8])
        case string(String)

        /// Format constant (§8.3): the kind byte written before the value.
        var kind: UInt8 {
            switch self {
            case .int: return 1
            case .bytes: return 2
            case .string: return 3
            }
        }
    }

    private(set) var values: [UInt16: Value] = [:]
    private var order: [UInt16] = []

    /// An empty set of fields.
    public init() {}

    /// Sets (or, with nil, removes) an integer field.
    public mutating func set(_ tag: UInt16, _ value: Int64?) { store(tag, value.map(Value.int)) }
    /// Sets (or, with nil, removes) an integer field.
    public mutating func set(_ tag: UInt16, _ value: Int?) { store(tag, value.map { .int(Int64($0)) }) }
    /// Sets (or, with nil, removes) a text field.
    public mutating func set(_ tag: UInt16, _ value: String?) { store(tag, value.map(Value.string)) }
    /// Sets (or, with nil, removes) a bytes field.
    public mutating func set(_ tag: UInt16, bytes value: [UInt8]?) { store(tag, value.map(Value.bytes)) }

    /// The integer at `tag`, nil when absent; a field of another kind is an error.
    public func int(_ tag: UInt16) throws(BundleError) -> Int64? {
        switch values[tag] {
        case nil: return nil
        case .int(let value): return value
        default: throw .badField(tag: tag, detail: "expected an integer")
        }
    }

    /// The text at `tag`, nil when absent; a field of another kind is an error.
    public func string(_ tag: UInt16) throws(BundleError) -> String? {
        switch values[tag] {
        case nil: return nil
        case .string(let value): return value
        default: throw .badField(tag: tag, detail: "expected text")
        }
    }

    /// The bytes at `tag`, nil when absent or of another kind.
    public func bytes(_ tag: UInt16) -> [UInt8]? {
        if case .bytes(let value) = values[tag] { return value }
        return nil
    }

    /// The integer at `tag`, which must be present.
    public func requiredInt(_ tag: UInt16) throws(BundleError) -> Int64 {
        guard let value = try int(tag) else { throw .badField(tag: tag, detail: "missing") }
        return value
    }

    /// The text at `tag`, which must be present.
    public func requiredString(_ tag: UInt16) throws(BundleError) -> String {
        guard let value = try string(tag) else { throw .badField(tag: tag, detail: "missing") }
        return value
    }

    /// The fields' wire form, in the order they were first set.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        for tag in order {
            guard let value = values[tag] else { continue }
            out.appendLittleEndian(tag)
            out.append(value.kind)
            switch value {
            case .int(let number):
                out.appendLittleEndian(number)
            case .bytes(let bytes):
                out.appendLittleEndian(UInt32(bytes.count))
                out += bytes
            case .string(let text):
                let utf8 = Array(text.utf8)
                out.appendLittleEndian(UInt32(utf8.count))
                out += utf8
            }
        }
        return out
    }

    /// Decodes the wire form; a truncated field, an unknown kind or a tag given twice is
    /// an error.
    public init(decoding bytes: [UInt8]) throws(BundleError) {
        var cursor = ByteCursor(bytes)
        while cursor.remaining > 0 {
            guard let tag = cursor.read(UInt16.self), let kind = cursor.read(UInt8.self) else {
                throw .badField(tag: 0, detail: "truncated field")
            }
            guard values[tag] == nil else { throw .badField(tag: tag, detail: "given twice") }
            let value: Value
            switch kind {
            case 1:
                guard let number = cursor.read(Int64.self) else { throw .badField(tag: tag, detail: "truncated") }
                value = .int(number)
            case 2, 3:
                guard let length = cursor.read(UInt32.self), let body = cursor.read(count: Int(length)) else {
                    throw .badField(tag: tag, detail: "truncated")
                }
                if kind == 2 {
                    value = .bytes(body)
                } else {
                    guard let text = String(validating: body, as: UTF8.self) else {
                        throw .badField(tag: tag, detail: "text is not UTF-8")
                    }
                    value = .string(text)
                }
            default:
                throw .badField(tag: tag, detail: "unknown kind \(kind)")
            }
            store(tag, value)
        }
    }

    private mutating func store(_ tag: UInt16, _ value: Value?) {
        if values[tag] == nil, value != nil { order.append(tag) }
        if value == nil { order.removeAll { $0 == tag } }
        values[tag] = value
    }
}
