/// The header fields of a SIP message, in wire order, with case-insensitive names and the
/// RFC 3261 compact forms (`v`, `f`, `t`, `i`, `m`, `l`, `c`, `k`, `s`, `e`) expanded.
public struct SIPHeaders: Sendable, Equatable, Sequence {
    /// The fields in wire order.
    public private(set) var fields: [(name: String, value: String)]

    /// Creates headers from fields.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields.map { (SIPHeaders.canonicalName($0.name), $0.value) }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        let name = SIPHeaders.canonicalName(name)
        return fields.first { $0.name.equalsIgnoringCase(name) }?.value
    }

    /// Every value of `name`, with comma-separated lists split into their elements.
    public func values(_ name: String) -> [String] {
        let name = SIPHeaders.canonicalName(name)
        return fields.filter { $0.name.equalsIgnoringCase(name) }.flatMap { SIPGrammar.splitTopLevel($0.value) }
    }

    /// Appends a field.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((SIPHeaders.canonicalName(name), value))
    }

    /// Replaces every field called `name` with one value (or removes them for nil).
    public mutating func set(_ name: String, _ value: String?) {
        let name = SIPHeaders.canonicalName(name)
        if let index = fields.firstIndex(where: { $0.name.equalsIgnoringCase(name) }), let value {
            fields[index].value = value
            var seen = false
            fields.removeAll { field in
                guard field.name.equalsIgnoringCase(name) else { return false }
                defer { seen = true }
                return seen
            }
        } else {
            remove(name)
            if let value { fields.append((name, value)) }
        }
    }

    /// Inserts a field before all others (a new top Via).
    public mutating func prepend(_ name: String, _ value: String) {
        fields.insert((SIPHeaders.canonicalName(name), value), at: 0)
    }

    /// Removes every field called `name`.
    public mutating func remove(_ name: String) {
        let name = SIPHeaders.canonicalName(name)
        fields.removeAll { $0.name.equalsIgnoringCase(name) }
    }

    /// Removes the first field called `name` (the top Via on a response going upstream).
    public mutating func removeFirst(_ name: String) {
        let name = SIPHeaders.canonicalName(name)
        if let index = fields.firstIndex(where: { $0.name.equalsIgnoringCase(name) }) { fields.remove(at: index) }
    }

    /// Iterates in wire order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// Compares names case-insensitively and values exactly, in order.
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name.equalsIgnoringCase($1.name) && $0.value == $1.value }
    }

    /// The long form of a compact header name; other names unchanged.
    static func canonicalName(_ name: String) -> String {
        guard name.utf8.count == 1 else { return name }
        switch name.lowercased() {
        case "v": return "Via"
        case "f": return "From"
        case "t": return "To"
        case "i": return "Call-ID"
        case "m": return "Contact"
        case "l": return "Content-Length"
        case "c": return "Content-Type"
        case "k": return "Supported"
        case "s": return "Subject"
        case "e": return "Content-Encoding"
        default: return name
        }
    }
}
