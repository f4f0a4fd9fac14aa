import SIP
import Testing

@Suite("SDP offer/answer")
struct SDPSessionTests {
    static let audioAndImageOffer = """
        v=0\r
        o=- 42 1 IN IP4 192.0.2.10\r
        s=call\r
        c=IN IP4 192.0.2.10\r
        t=0 0\r
        m=audio 40000 RTP/AVP 8 0 101\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r
        m=image 40002 udptl t38\r
        c=IN IP4 192.0.2.11\r
        a=T38FaxVersion:3\r
        a=T38MaxBitRate:9600\r
        a=T38FaxRateManagement:transferredTCF\r
        a=T38FaxMaxDatagram:316\r
        a=T38FaxUdpEC:t38UDPRedundancy\r
        a=T38FaxFillBitRemoval\r

        """

    @Test("An offer with audio and T.38 parses, with media-level connection and T.38 attributes")
    func parse() throws {
        let sdp = try SDPSession(parsing: Array(Self.audioAndImageOffer.utf8))
        #expect(sdp.media.count == 2)
        #expect(sdp.media[0].isAudio && sdp.media[1].isT38)
        #expect(sdp.address(of: sdp.media[0]) == "192.0.2.10")
        #expect(sdp.address(of: sdp.media[1]) == "192.0.2.11")
        let t38 = T38Parameters(media: sdp.media[1])
        #expect(t38.version == 3 && t38.maxBitRate == 9_600 && t38.maxDatagram == 316)
        #expect(t38.errorCorrection == .redundancy && t38.fillBitRemoval && t38.rateManagement == .transferredTCF)
        #expect(sdp.media[0].rtpmapPayloadType(named: "telephone-event") == 101)
    }

    @Test("Answering with T.38 allowed: image accepted at the lower version and rate, audio rejected with port 0")
    func answerT38() throws {
        // setup
        let offer = try SDPSession(parsing: Array(Self.audioAndImageOffer.utf8))
        let capabilities = SDPCapabilities(t38Parameters: T38Parameters(version: 0, maxBitRate: 14_400))
        // act
        let (answer, media) = try offer.answer(capabilities: capabilities, address: "127.0.0.1", audioPort: 41_000, t38Port: 41_002, sessionID: 7, version: 1)
        let parsed = try SDPSession(parsing: answer.bytes)
        // check
        #expect(media == .t38(T38Parameters(media: offer.media[1]), address: "192.0.2.11", port: 40_002))
        #expect(parsed.media.map(\.port) == [0, 41_002])
        let ours = T38Parameters(media: parsed.media[1])
        #expect(ours.version == 0 && ours.maxBitRate == 9_600 && ours.errorCorrection == .redundancy)
        #expect(parsed.negotiated(capabilities: capabilities) == .t38(ours, address: "127.0.0.1", port: 41_002))
    }

    @Test("Answering without T.38: our preferred codec the offer has, telephone-event kept, image rejected")
    func answerAudio() throws {
        // setup
        let offer = try SDPSession(parsing: Array(Self.audioAndImageOffer.utf8))
        let capabilities = SDPCapabilities(codecs: [.pcmu, .pcma], t38: false)
        // act
        let (answer, media) = try offer.answer(capabilities: capabilities, address: "127.0.0.1", audioPort: 41_000, t38Port: 41_002, sessionID: 7, version: 1)
        // check
        #expect(media == .audio(codec: .pcmu, address: "192.0.2.10", port: 40_000, telephoneEvent: 101))
        #expect(answer.media.map(\.port) == [41_000, 0])
        #expect(answer.media[0].formats == ["0", "101"])
    }

    @Test("An offer with nothing usable is refused (488)")
    func refuse() throws {
        let offer = SDPSession(sessionID: 1, sessionVersion: 1, address: "192.0.2.1",
                               media: [SDPMedia(kind: "video", port: 5000, proto: "RTP/AVP", formats: ["96"])])
        #expect(throws: SDPNegotiationError.noAcceptableMedia) {
            try offer.answer(capabilities: SDPCapabilities(), address: "127.0.0.1", audioPort: 1, t38Port: 2, sessionID: 1, version: 1)
        }
        let t38Only = SDPSession.t38Offer(parameters: T38Parameters(), address: "192.0.2.1", port: 6000, sessionID: 1, version: 2)
        #expect(throws: SDPNegotiationError.noAcceptableMedia) {
            try t38Only.answer(capabilities: SDPCapabilities(t38: false), address: "127.0.0.1", audioPort: 1, t38Port: 2, sessionID: 1, version: 1)
        }
    }

    @Test("Our offers round-trip")
    func offers() throws {
        let audio = SDPSession.audioOffer(capabilities: SDPCapabilities(), address: "127.0.0.1", port: 41_010, sessionID: 5, version: 1)
        #expect(try SDPSession(parsing: audio.bytes) == audio)
        #expect(audio.negotiated(capabilities: SDPCapabilities()) == .audio(codec: .pcmu, address: "127.0.0.1", port: 41_010, telephoneEvent: 101))
        let image = SDPSession.t38Offer(parameters: T38Parameters(version: 3), address: "127.0.0.1", port: 41_012, sessionID: 5, version: 2)
        #expect(try SDPSession(parsing: image.bytes) == image)
    }

    @Test("Malformed SDP fails", arguments: ["", "x", "v=1\r\n", "o=- 1 1 IN IP4\r\n", "v=0\r\nm=audio\r\n", "v=0\r\nm=audio 70000 RTP/AVP 0\r\n", "v=0\r\nc=IN\r\n", "v=0\r\nbad line\r\n"])
    func malformed(text: String) {
        #expect(throws: SIPParseError.self) { try SDPSession(parsing: Array(text.utf8)) }
    }
}
