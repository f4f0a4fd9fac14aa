import NIOCore

extension CompiledTemplate {
    /// Renders `root` with this template into `buffer`; partials and parents come from `library`.
    func render(_ root: any TemplateObject, library: [String: CompiledTemplate], into buffer: inout ByteBuffer) {
        var renderer = Renderer(library: library, stack: [.object(root)])
        renderer.stack.reserveCapacity(8)
        renderer.render(nodes, overrides: nil, into: &buffer)
    }

    /// The context stack while rendering (innermost object last), as in Mustache.
    struct Renderer {
        let library: [String: CompiledTemplate]
        var stack: [TemplateValue]

        mutating func render(_ nodes: [Node], overrides: [String: [Node]]?, into buffer: inout ByteBuffer) {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    buffer.writeBytes(bytes)
                case .variable(let name):
                    switch lookup(name) {
                    case .text(let text): Self.writeEscaped(text, to: &buffer)
                    case .number(let number): buffer.writeString(String(number))
                    case .flag(let flag): buffer.writeStaticString(flag ? "true" : "false")
                    case .object, .list, nil: break
                    }
                case .section(let name, let inner, let inverted):
                    let value = lookup(name)
                    if inverted {
                        switch value {
                        case nil, .flag(false): render(inner, overrides: overrides, into: &buffer)
                        case .list(let items) where items.isEmpty: render(inner, overrides: overrides, into: &buffer)
                        default: break
                        }
                        continue
                    }
                    switch value {
                    case nil, .flag(false): break
                    case .flag(true): render(inner, overrides: overrides, into: &buffer)
                    case .list(let items):
                        for item in items {
                            stack.append(.object(item))
                            render(inner, overrides: overrides, into: &buffer)
                            stack.removeLast()
                        }
                    case .some(let value):
                        stack.append(value)
                        render(inner, overrides: overrides, into: &buffer)
                        stack.removeLast()
                    }
                case .partial(let name, let given):
                    guard let template = library[name] else { continue }
                    // Overrides already in force win over the ones this tag brings (outermost first).
                    var merged = overrides
                    if let given {
                        merged = (overrides ?? [:]).merging(given) { current, _ in current }
                    }
                    render(template.nodes, overrides: merged, into: &buffer)
                case .block(let name, let defaultNodes):
                    render(overrides?[name] ?? defaultNodes, overrides: overrides, into: &buffer)
                case .blockDefinition:
                    break
                }
            }
        }

        /// The value `name` names: its first segment searched from the innermost object outwards
        /// (or on the innermost only, for `.x`), the rest within what was found.
        func lookup(_ name: Name) -> TemplateValue? {
            guard let first = name.segments.first else { return stack.last }
            var found: TemplateValue?
            if name.anchored {
                found = stack.last.flatMap { Self.child(first, of: $0) }
            } else {
                for value in stack.reversed() {
                    if let child = Self.child(first, of: value) {
                        found = child
                        break
                    }
                }
            }
            for segment in name.segments.dropFirst() {
                guard let value = found else { return nil }
                found = Self.child(segment, of: value)
            }
            return found
        }

        private static func child(_ name: String, of value: TemplateValue) -> TemplateValue? {
            if case .object(let object) = value { return object.templateValue(named: name) }
            return nil
        }

        /// HTML-escapes `text` byte by byte: `&`, `<`, `>`, `"` and `'` always, whatever follows
        /// them (a combining mark after a quote must not keep it unescaped).
        static func writeEscaped(_ text: String, to buffer: inout ByteBuffer) {
            var text = text
            text.withUTF8 { bytes in
                var start = 0
                for (index, byte) in bytes.enumerated() {
                    let replacement: StaticString
                    switch byte {
                    case UInt8(ascii: "&"): replacement = "&amp;"
                    case UInt8(ascii: "<"): replacement = "&lt;"
                    case UInt8(ascii: ">"): replacement = "&gt;"
                    case UInt8(ascii: "\""): replacement = "&quot;"
                    case UInt8(ascii: "'"): replacement = "&#39;"
                    default: continue
                    }
                    if index > start { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index]))) }
                    buffer.writeStaticString(replacement)
                    start = index + 1
                }
                if start < bytes.count { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...]))) }
            }
        }
    }
}
