/// An ordered list of `;name=value` parameters whose names compare case-insensitively.
public struct SIPParameters: Sendable, Equatable, Sequence {
    /// The parameters in wire order; a nil value is a flag (`;lr`).
    public private(set) var items: [(name: String, value: String?)]

    /// Creates a list.
    public init(_ items: [(name: String, value: String?)] = []) { self.items = items }

    /// The value of `name` (nil when absent or a flag); use `contains` for flags.
    public subscript(name: String) -> String? {
        get { items.first { $0.name.equalsIgnoringCase(name) }?.value ?? nil }
        set { set(name, newValue) }
    }

    /// True when the parameter is present, with or without a value.
    public func contains(_ name: String) -> Bool { items.contains { $0.name.equalsIgnoringCase(name) } }

    /// Sets or adds a parameter (nil value: a flag).
    public mutating func set(_ name: String, _ value: String?) {
        if let index = items.firstIndex(where: { $0.name.equalsIgnoringCase(name) }) {
            items[index].value = value
        } else {
            items.append((name, value))
        }
    }

    /// Removes a parameter.
    public mutating func remove(_ name: String) { items.removeAll { $0.name.equalsIgnoringCase(name) } }

    /// Iterates in wire order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String?)]> { items.makeIterator() }

    /// `;a=b;c` as on the wire (empty when there are none).
    public var wireText: String {
        items.map { item in item.value.map { ";\(item.name)=\($0)" } ?? ";\(item.name)" }.joined()
    }

    /// Compares names case-insensitively and values exactly.
    public static func == (lhs: SIPParameters, rhs: SIPParameters) -> Bool {
        lhs.items.count == rhs.items.count && zip(lhs.items, rhs.items).allSatisfy { $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value }
    }

    /// Reads the text after the first `;`.
    static func parse(_ text: Substring) -> SIPParameters {
        SIPParameters(SIPGrammar.parameters(text).map { (name: $0.0, value: $0.1) })
    }
}

extension String {
    /// ASCII case-insensitive equality, as SIP header and parameter names compare.
    func equalsIgnoringCase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
