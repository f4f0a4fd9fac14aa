/// A G.711 law as named in SDP (RFC 3551 static payload types).
public enum SDPAudioCodec: String, Sendable, CaseIterable {
    /// µ-law, payload type 0.
    case pcmu = "PCMU"
    /// A-law, payload type 8.
    case pcma = "PCMA"

    /// The static RTP payload type.
    public var payloadType: UInt8 { self == .pcmu ? 0 : 8 }
}

/// The media a call settled on after offer/answer.
public enum SDPNegotiatedMedia: Sendable, Equatable {
    /// G.711 over RTP to `address:port`; `telephoneEvent` is the RFC 4733 payload type if both sides offered it.
    case audio(codec: SDPAudioCodec, address: String, port: Int, telephoneEvent: UInt8?)
    /// T.38 over UDPTL to `address:port`, with the far end's parameters.
    case t38(T38Parameters, address: String, port: Int)
}

/// What one side supports, for building offers and answers (RFC 3264).
public struct SDPCapabilities: Sendable {
    /// Audio codecs in order of preference.
    public var codecs: [SDPAudioCodec]
    /// Whether an `image/t38` stream may be accepted or offered.
    public var t38: Bool
    /// The T.38 parameters we offer (and answer with, adjusted to the offer).
    public var t38Parameters: T38Parameters

    /// Creates capabilities.
    public init(codecs: [SDPAudioCodec] = [.pcmu, .pcma], t38: Bool = true, t38Parameters: T38Parameters = T38Parameters()) {
        self.codecs = codecs
        self.t38 = t38
        self.t38Parameters = t38Parameters
    }
}

/// Why an offer could not be answered (the SIP layer answers 488 Not Acceptable Here).
public enum SDPNegotiationError: Error, Sendable, Equatable {
    /// No stream of the offer is one we can use.
    case noAcceptableMedia
}

extension SDPSession {
    /// An audio offer with our codecs, telephone-event and 20 ms packets.
    public static func audioOffer(capabilities: SDPCapabilities, address: String, port: Int, sessionID: UInt64, version: UInt64) -> SDPSession {
        var formats = capabilities.codecs.map { "\($0.payloadType)" }
        formats.append("101")
        var attributes: [(name: String, value: String?)] = capabilities.codecs.map { ("rtpmap", "\($0.payloadType) \($0.rawValue)/8000") }
        attributes += [("rtpmap", "101 telephone-event/8000"), ("fmtp", "101 0-15"), ("ptime", "20"), ("sendrecv", nil)]
        return SDPSession(sessionID: sessionID, sessionVersion: version, address: address,
                          media: [SDPMedia(kind: "audio", port: port, proto: "RTP/AVP", formats: formats, attributes: attributes)])
    }

    /// A T.38 offer (for a re-INVITE or a T.38-only INVITE).
    public static func t38Offer(parameters: T38Parameters, address: String, port: Int, sessionID: UInt64, version: UInt64) -> SDPSession {
        SDPSession(sessionID: sessionID, sessionVersion: version, address: address,
                   media: [SDPMedia(kind: "image", port: port, proto: "udptl", formats: ["t38"], attributes: parameters.attributes)])
    }

    /// The address media of stream `stream` goes to.
    public func address(of stream: SDPMedia) -> String { stream.connectionAddress ?? address }

    /// Answers an offer (RFC 3264 §6): picks T.38 when offered and allowed, otherwise the first
    /// of our codecs the offer has; every other stream is rejected with port 0, in the offer's order.
    ///
    /// - Parameters:
    ///   - audioPort, t38Port: our local ports for each kind of stream.
    /// - Returns: the answer and what was agreed.
    public func answer(capabilities: SDPCapabilities, address localAddress: String, audioPort: Int, t38Port: Int,
                       sessionID: UInt64, version: UInt64) throws(SDPNegotiationError) -> (SDPSession, SDPNegotiatedMedia) {
        var chosen: (index: Int, media: SDPNegotiatedMedia, answer: SDPMedia)?
        if capabilities.t38, let index = media.firstIndex(where: { $0.isT38 && $0.port > 0 }) {
            let offered = T38Parameters(media: media[index])
            let ours = capabilities.t38Parameters.answering(offered)
            chosen = (index, .t38(offered, address: address(of: media[index]), port: media[index].port),
                      SDPMedia(kind: "image", port: t38Port, proto: media[index].proto, formats: ["t38"], attributes: ours.attributes))
        }
        if chosen == nil {
            outer: for codec in capabilities.codecs {
                for (index, stream) in media.enumerated() where stream.isAudio && stream.port > 0 {
                    guard stream.formats.contains("\(codec.payloadType)") || stream.rtpmapPayloadType(named: codec.rawValue) != nil else { continue }
                    let event = stream.rtpmapPayloadType(named: "telephone-event")
                    var formats = ["\(codec.payloadType)"]
                    var attributes: [(name: String, value: String?)] = [("rtpmap", "\(codec.payloadType) \(codec.rawValue)/8000")]
                    if let event {
                        formats.append("\(event)")
                        attributes += [("rtpmap", "\(event) telephone-event/8000"), ("fmtp", "\(event) 0-15")]
                    }
                    attributes += [("ptime", "20"), ("sendrecv", nil)]
                    chosen = (index, .audio(codec: codec, address: address(of: stream), port: stream.port, telephoneEvent: event),
                              SDPMedia(kind: "audio", port: audioPort, proto: "RTP/AVP", formats: formats, attributes: attributes))
                    break outer
                }
            }
        }
        guard let chosen else { throw .noAcceptableMedia }
        let streams = media.enumerated().map { index, stream in
            index == chosen.index ? chosen.answer : SDPMedia(kind: stream.kind, port: 0, proto: stream.proto, formats: stream.formats)
        }
        return (SDPSession(sessionID: sessionID, sessionVersion: version, address: localAddress, media: streams), chosen.media)
    }

    /// What the far end's answer to our offer agreed on: the first accepted (non-zero port) stream we can use.
    public func negotiated(capabilities: SDPCapabilities) -> SDPNegotiatedMedia? {
        for stream in media where stream.port > 0 {
            if stream.isT38, capabilities.t38 {
                return .t38(T38Parameters(media: stream), address: address(of: stream), port: stream.port)
            }
            if stream.isAudio {
                for codec in capabilities.codecs where stream.formats.contains("\(codec.payloadType)") || stream.rtpmapPayloadType(named: codec.rawValue) != nil {
                    return .audio(codec: codec, address: address(of: stream), port: stream.port,
                                  telephoneEvent: stream.rtpmapPayloadType(named: "telephone-event"))
                }
            }
        }
        return nil
    }
}

extension SDPMedia {
    /// The payload type an `a=rtpmap` line gives to encoding `name` (case-insensitive), if any.
    public func rtpmapPayloadType(named name: String) -> UInt8? {
        for attribute in attributes where attribute.name.equalsIgnoringCase("rtpmap") {
            guard let value = attribute.value else { continue }
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let type = UInt8(parts[0]), type < 128 else { continue }
            if parts[1].split(separator: "/").first.map({ String($0).equalsIgnoringCase(name) }) == true,
               formats.contains("\(type)") { return type }
        }
        return nil
    }
}
