/// A Mustache template parsed once into nodes that render straight into bytes, for the pages
/// served most (the outbox and inbox with the portal layout).
///
/// It reads the subset of Mustache the portal's templates use — escaped variables with dotted
/// names, sections, inverted sections, partials, and layout inheritance (`{{<parent}}` with
/// `{{$block}}` overrides) — and removes standalone tag lines exactly as swift-mustache 2.1
/// does, so a page renders byte for byte as it did there (`CompiledTemplateTests` compares
/// them). Anything else (unescaped variables, comments, delimiters, transforms, dynamic or
/// indented partials) is refused with `Unsupported`, and such a template stays on swift-mustache.
struct CompiledTemplate: Sendable {
    /// A name as written in a tag: `.` is the current object; a leading dot stays on it.
    struct Name: Sendable, Equatable {
        let segments: [String]
        /// Looked up on the current object only, not up the context stack.
        let anchored: Bool

        init(_ text: String) {
            segments = text.split(separator: ".").map(String.init)
            anchored = text.first == "."
        }
    }

    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(Name)
        case section(Name, [Node], inverted: Bool)
        /// A partial, or with `overrides` a parent template whose blocks it replaces.
        case partial(String, overrides: [String: [Node]]?)
        /// `{{$name}}default{{/name}}` in a parent: the override of that name, or the default.
        case block(String, default: [Node])
        /// `{{$name}}…{{/name}}` directly inside `{{<parent}}…{{/parent}}` (only while parsing).
        case blockDefinition(String, [Node])
    }

    /// Why a template cannot be compiled (it is then rendered by swift-mustache).
    struct Unsupported: Error, CustomStringConvertible {
        let reason: String
        let offset: Int
        var description: String { "\(reason) at byte \(offset)" }
    }

    let nodes: [Node]

    init(parsing text: String) throws(Unsupported) {
        var parser = Parser(bytes: Array(text.utf8))
        // swift-mustache reads Characters: other line breaks than "\n" would be lines to it.
        for (offset, scalar) in text.unicodeScalars.enumerated()
        where scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
            throw Unsupported(reason: "a line break other than \\n", offset: offset)
        }
        nodes = try parser.parse(State())
    }

    /// Names of the partials and parents this template renders.
    var references: Set<String> {
        var names = Set<String>()
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .text, .variable: break
                case .section(_, let inner, _): walk(inner)
                case .partial(let name, let overrides):
                    names.insert(name)
                    overrides?.values.forEach(walk)
                case .block(_, let inner), .blockDefinition(_, let inner): walk(inner)
                }
            }
        }
        walk(nodes)
        return names
    }

    // MARK: - Parsing

    struct State {
        var sectionName: String?
        var newLine = true
        /// Inside `{{<parent}}…{{/parent}}` (and the blocks defined there).
        var partialDefinition = false
        /// Directly inside `{{<parent}}…{{/parent}}`, where `{{$name}}` defines a block.
        var partialDefinitionTopLevel = false
        /// The indentation of a block definition's first line, removed from its later lines.
        var partialDefinitionIndent: Int?

        func section(_ name: String, newLine: Bool) -> State {
            var state = self
            state.sectionName = name
            state.partialDefinitionTopLevel = false
            if !newLine { state.newLine = false }
            return state
        }

        func inheritancePartial(_ name: String) -> State {
            var state = self
            state.sectionName = name
            state.newLine = true
            state.partialDefinition = true
            state.partialDefinitionTopLevel = true
            return state
        }
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
        private static let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")

        var atEnd: Bool { i >= bytes.count }

        mutating func parse(_ initial: State) throws(Unsupported) -> [Node] {
            var nodes: [Node] = []
            var state = initial
            var whitespace: ArraySlice<UInt8> = []
            while !atEnd {
                if state.newLine {
                    let start = i
                    while !atEnd, bytes[i] == Self.space || bytes[i] == Self.tab { i += 1 }
                    let read = bytes[start..<i]
                    if state.partialDefinition, !state.partialDefinitionTopLevel {
                        if let indent = state.partialDefinitionIndent {
                            whitespace = read.dropFirst(indent)
                        } else {
                            state.partialDefinitionIndent = read.count
                        }
                    } else {
                        whitespace = read
                    }
                }
                let (text, foundTag) = try readText()
                if !foundTag, !atEnd, bytes[i] == Self.newline {
                    nodes.append(.text(Array(whitespace) + text + [Self.newline]))
                    state.newLine = true
                    i += 1
                    continue
                }
                if !text.isEmpty {
                    nodes.append(.text(Array(whitespace) + text))
                    whitespace = []
                    state.newLine = false
                }
                if !foundTag { break }
                guard !atEnd else { throw Unsupported(reason: "unfinished tag", offset: i) }
                var standalone = false
                let tagStart = i
                switch bytes[i] {
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    let inverted = bytes[i] == UInt8(ascii: "^")
                    i += 1
                    let name = try readName()
                    if isStandalone(state) {
                        standalone = true
                    } else if !whitespace.isEmpty {
                        nodes.append(.text(Array(whitespace)))
                        whitespace = []
                    }
                    let inner = try parse(state.section(name, newLine: standalone))
                    nodes.append(.section(Name(name), inner, inverted: inverted))

                case UInt8(ascii: "/"):
                    i += 1
                    let name = try readName()
                    guard name == state.sectionName else {
                        throw Unsupported(reason: "closing tag \(name) does not match \(state.sectionName ?? "nothing")", offset: tagStart)
                    }
                    if !isStandalone(state), !whitespace.isEmpty {
                        nodes.append(.text(Array(whitespace)))
                    }
                    return nodes

                case UInt8(ascii: ">"):
                    i += 1
                    skipWhitespace()
                    let name = try readName(partial: true)
                    if name.hasPrefix("*") { throw Unsupported(reason: "dynamic partial", offset: tagStart) }
                    if !whitespace.isEmpty { throw Unsupported(reason: "indented partial", offset: tagStart) }
                    standalone = isStandalone(state)
                    nodes.append(.partial(name, overrides: nil))

                case UInt8(ascii: "<"):
                    i += 1
                    skipWhitespace()
                    let name = try readName(partial: true)
                    if name.hasPrefix("*") { throw Unsupported(reason: "dynamic parent", offset: tagStart) }
                    if !whitespace.isEmpty { throw Unsupported(reason: "indented parent", offset: tagStart) }
                    standalone = isStandalone(state)
                    var overrides: [String: [Node]] = [:]
                    for node in try parse(state.inheritancePartial(name)) {
                        switch node {
                        case .blockDefinition(let block, let inner): overrides[block] = inner
                        case .text: break
                        default: throw Unsupported(reason: "only blocks may stand inside {{<\(name)}}", offset: tagStart)
                        }
                    }
                    nodes.append(.partial(name, overrides: overrides))

                case UInt8(ascii: "$"):
                    i += 1
                    let name = try readName()
                    if state.partialDefinitionTopLevel {
                        standalone = isStandalone(state)
                        nodes.append(.blockDefinition(name, try parse(state.section(name, newLine: standalone))))
                    } else {
                        if !whitespace.isEmpty { throw Unsupported(reason: "indented block", offset: tagStart) }
                        standalone = isStandalone(state)
                        nodes.append(.block(name, default: try parse(state.section(name, newLine: standalone))))
                    }

                case UInt8(ascii: "!"), UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: "{"), UInt8(ascii: "&"):
                    throw Unsupported(reason: "tag {{\(Character(Unicode.Scalar(bytes[i])))", offset: tagStart)

                default:
                    if !whitespace.isEmpty {
                        nodes.append(.text(Array(whitespace)))
                        whitespace = []
                    }
                    nodes.append(.variable(Name(try readName())))
                }
                state.newLine = standalone
            }
            if let open = state.sectionName { throw Unsupported(reason: "\(open) is not closed", offset: i) }
            return nodes
        }

        /// Text up to the next `{{` (consumed; true) or newline (not consumed) or the end.
        private mutating func readText() throws(Unsupported) -> (ArraySlice<UInt8>, Bool) {
            let start = i
            while !atEnd {
                if bytes[i] == Self.newline { return (bytes[start..<i], false) }
                if bytes[i] == Self.open, i + 1 < bytes.count, bytes[i + 1] == Self.open {
                    let text = bytes[start..<i]
                    i += 2
                    if !atEnd, bytes[i] == Self.newline { throw Unsupported(reason: "newline in a tag", offset: i) }
                    return (text, true)
                }
                i += 1
            }
            return (bytes[start..<i], false)
        }

        private mutating func skipWhitespace() {
            while !atEnd, bytes[i] == Self.space || bytes[i] == Self.tab || bytes[i] == Self.newline { i += 1 }
        }

        private static func isNameByte(_ b: UInt8, partial: Bool) -> Bool {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"), UInt8(ascii: "*"):
                true
            case UInt8(ascii: "/"): partial
            default: false
            }
        }

        /// A tag's name and its closing `}}`; transforms (`f(x)`) are refused.
        private mutating func readName(partial: Bool = false) throws(Unsupported) -> String {
            let tagStart = i
            skipWhitespace()
            let start = i
            while !atEnd, Self.isNameByte(bytes[i], partial: partial) { i += 1 }
            let name = String(decoding: bytes[start..<i], as: UTF8.self)
            skipWhitespace()
            guard i + 1 < bytes.count, bytes[i] == Self.close, bytes[i + 1] == Self.close else {
                throw Unsupported(reason: "unreadable tag name", offset: tagStart)
            }
            i += 2
            return name
        }

        /// Whether the tag just read is alone on its line; if so, the rest of the line is consumed.
        private mutating func isStandalone(_ state: State) -> Bool {
            guard state.newLine else { return false }
            if atEnd { return true }
            var j = i
            while j < bytes.count, bytes[j] == Self.space || bytes[j] == Self.tab { j += 1 }
            if j < bytes.count, bytes[j] == Self.newline {
                i = j + 1
                return true
            }
            return false
        }
    }
}
