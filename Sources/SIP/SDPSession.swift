/// A session description (RFC 4566) with the parts fax calls use: origin, connection,
/// and audio (`RTP/AVP`) or image (`udptl t38`) media.
public struct SDPSession: Sendable, Equatable {
    /// `o=` username.
    public var originUser: String
    /// `o=` session id.
    public var sessionID: UInt64
    /// `o=` session version; bump it on every new offer in a dialog (RFC 3264 §8).
    public var sessionVersion: UInt64
    /// The address in `o=` and the session-level `c=`.
    public var address: String
    /// `s=`.
    public var sessionName: String
    /// The media streams in order.
    public var media: [SDPMedia]

    /// Creates a description.
    public init(originUser: String = "pagewire", sessionID: UInt64, sessionVersion: UInt64, address: String,
                sessionName: String = "pagewire", media: [SDPMedia]) {
        self.originUser = originUser
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.address = address
        self.sessionName = sessionName
        self.media = media
    }

    /// The body as text with CRLF line ends.
    public var text: String {
        let family = address.contains(":") ? "IP6" : "IP4"
        var lines = [
            "v=0",
            "o=\(originUser) \(sessionID) \(sessionVersion) IN \(family) \(address)",
            "s=\(sessionName)",
            "c=IN \(family) \(address)",
            "t=0 0",
        ]
        for stream in media {
            lines.append("m=\(stream.kind) \(stream.port) \(stream.proto) \(stream.formats.joined(separator: " "))")
            if let connection = stream.connectionAddress { lines.append("c=IN \(connection.contains(":") ? "IP6" : "IP4") \(connection)") }
            for attribute in stream.attributes {
                lines.append(attribute.value.map { "a=\(attribute.name):\($0)" } ?? "a=\(attribute.name)")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The body as bytes.
    public var bytes: [UInt8] { Array(text.utf8) }

    /// Parses a body; unknown lines are ignored, malformed ones fail with `SIPParseError.badSDP`.
    public init(parsing bytes: [UInt8]) throws(SIPParseError) {
        guard bytes.count <= 16_384 else { throw .badSDP("too large") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notText }
        var originUser = "-"
        var sessionID: UInt64 = 0
        var sessionVersion: UInt64 = 0
        var sessionAddress: String?
        var originAddress = ""
        var sessionName = "-"
        var media: [SDPMedia] = []
        var sawVersion = false
        for line in text.sipLines() {
            guard line.count >= 2, line[line.index(after: line.startIndex)] == "=" else {
                if line.isEmpty { continue }
                throw .badSDP(String(line.prefix(40)))
            }
            let type = line.first!
            let value = String(line.dropFirst(2))
            switch type {
            case "v":
                guard value == "0" else { throw .badSDP("version \(value.prefix(10))") }
                sawVersion = true
            case "o":
                let parts = value.split(separator: " ")
                guard parts.count == 6 else { throw .badSDP("origin") }
                originUser = String(parts[0])
                sessionID = UInt64(parts[1]) ?? 0
                sessionVersion = UInt64(parts[2]) ?? 0
                originAddress = String(parts[5])
            case "s":
                sessionName = value
            case "c":
                let parts = value.split(separator: " ")
                guard parts.count == 3, parts[0] == "IN" else { throw .badSDP("connection") }
                var address = String(parts[2])
                if let slash = address.firstIndex(of: "/") { address = String(address[..<slash]) }
                if media.isEmpty { sessionAddress = address } else { media[media.count - 1].connectionAddress = address }
            case "m":
                let parts = value.split(separator: " ")
                guard parts.count >= 3, media.count < 16 else { throw .badSDP("media") }
                var portText = parts[1]
                if let slash = portText.firstIndex(of: "/") { portText = portText[..<slash] }
                guard let port = Int(portText), (0...65_535).contains(port) else { throw .badSDP("media port") }
                media.append(SDPMedia(kind: String(parts[0]), port: port, proto: String(parts[2]), formats: parts.dropFirst(3).map(String.init)))
            case "a":
                guard !media.isEmpty else { continue }
                guard media[media.count - 1].attributes.count < 64 else { throw .badSDP("too many attributes") }
                if let colon = value.firstIndex(of: ":") {
                    media[media.count - 1].attributes.append((String(value[..<colon]), String(value[value.index(after: colon)...])))
                } else {
                    media[media.count - 1].attributes.append((value, nil))
                }
            default:
                continue
            }
        }
        guard sawVersion else { throw .badSDP("no v= line") }
        self.init(originUser: originUser, sessionID: sessionID, sessionVersion: sessionVersion,
                  address: sessionAddress ?? originAddress, sessionName: sessionName, media: media)
    }
}

/// One `m=` section.
public struct SDPMedia: Sendable, Equatable {
    /// `audio` or `image`.
    public var kind: String
    /// The port; 0 rejects or disables the stream.
    public var port: Int
    /// `RTP/AVP` or `udptl`.
    public var proto: String
    /// Payload types (audio) or `t38` (image).
    public var formats: [String]
    /// A media-level `c=` address, overriding the session's.
    public var connectionAddress: String?
    /// `a=` lines in order.
    public var attributes: [(name: String, value: String?)]

    /// Creates a stream.
    public init(kind: String, port: Int, proto: String, formats: [String], connectionAddress: String? = nil,
                attributes: [(name: String, value: String?)] = []) {
        self.kind = kind
        self.port = port
        self.proto = proto
        self.formats = formats
        self.connectionAddress = connectionAddress
        self.attributes = attributes
    }

    /// The first value of attribute `name` (case-insensitive).
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name.equalsIgnoringCase(name) }?.value ?? nil
    }

    /// True if a flag or valued attribute `name` is present.
    public func hasAttribute(_ name: String) -> Bool { attributes.contains { $0.name.equalsIgnoringCase(name) } }

    /// True for `m=image … udptl t38`.
    public var isT38: Bool { kind == "image" && proto.equalsIgnoringCase("udptl") && formats.contains { $0.equalsIgnoringCase("t38") } }

    /// True for `m=audio … RTP/AVP`.
    public var isAudio: Bool { kind == "audio" && proto.uppercased().hasPrefix("RTP/AVP") }

    /// The media direction attribute (`sendrecv` when absent).
    public var direction: String {
        for name in ["sendrecv", "sendonly", "recvonly", "inactive"] where hasAttribute(name) { return name }
        return "sendrecv"
    }

    /// Compares all fields.
    public static func == (lhs: SDPMedia, rhs: SDPMedia) -> Bool {
        lhs.kind == rhs.kind && lhs.port == rhs.port && lhs.proto == rhs.proto && lhs.formats == rhs.formats
            && lhs.connectionAddress == rhs.connectionAddress && lhs.attributes.count == rhs.attributes.count
            && zip(lhs.attributes, rhs.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
