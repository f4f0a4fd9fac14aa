import Foundation
import NIOCore
import PagewireCore
import SIP
import Testing
import TelephonyKit

/// The user agent seen from the wire: a bare UDP socket sends exact requests and checks the
/// responses and retransmissions RFC 3261 asks for.
@Suite("SIP user agent on the wire")
struct SIPUserAgentWireTests {
    static func request(_ method: String, to agentPort: Int, from peerPort: Int, user: String = "+15550100", callID: String = UUID().uuidString,
                        branch: String = "z9hG4bK" + UUID().uuidString.prefix(12), cseq: Int = 1, toTag: String? = nil, sdp: String = "") -> String {
        var text = "\(method) sip:\(user)@127.0.0.1:\(agentPort) SIP/2.0\r\n"
        text += "Via: SIP/2.0/UDP 127.0.0.1:\(peerPort);branch=\(branch)\r\n"
        text += "Max-Forwards: 70\r\nFrom: <sip:+15551230009@127.0.0.1:\(peerPort)>;tag=peer1\r\n"
        text += "To: <sip:\(user)@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? "") + "\r\n"
        text += "Call-ID: \(callID)\r\nCSeq: \(cseq) \(method == "ACK" ? "ACK" : method)\r\nContact: <sip:peer@127.0.0.1:\(peerPort)>\r\n"
        if !sdp.isEmpty { text += "Content-Type: application/sdp\r\n" }
        return text + "Content-Length: \(sdp.utf8.count)\r\n\r\n" + sdp
    }

    static func audioOffer(port: Int) -> String {
        SDPSession.audioOffer(capabilities: SDPCapabilities(), address: "127.0.0.1", port: port, sessionID: 1, version: 1).text
    }

    @Test("OPTIONS is answered with Allow; unknown methods get 501; a stray BYE 481; garbage and floods never stop it")
    func outOfDialog() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let peer = try await RawUDPPeer(group: harness.group)
        let port = harness.simulator.port
        // act: hostile input first
        try await peer.send([UInt8](repeating: 0x41, count: 60_000), to: port)
        try await peer.send("INVITE sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n", to: port)
        for _ in 0..<50 { try await peer.send((0..<200).map { _ in UInt8.random(in: 0...255) }, to: port) }
        try await peer.send(Self.request("OPTIONS", to: port, from: peer.port), to: port)
        let options = await peer.nextMessage()
        // a long request (many headers, as some carriers send) is read whole and answered
        var long = Self.request("OPTIONS", to: port, from: peer.port)
        long = long.replacingOccurrences(of: "Max-Forwards: 70\r\n",
                                         with: "Max-Forwards: 70\r\n" + (0..<60).map { "X-Carrier-Note-\($0): " + String(repeating: "n", count: 60) + "\r\n" }.joined())
        try await peer.send(long, to: port)
        let longAnswer = await peer.nextMessage()
        try await peer.send(Self.request("FROBNICATE", to: port, from: peer.port), to: port)
        let unknown = await peer.nextMessage()
        try await peer.send(Self.request("BYE", to: port, from: peer.port, toTag: "nosuchdialog"), to: port)
        let bye = await peer.nextMessage()
        // check
        #expect(options?.status == 200)
        #expect(options?.headers["Allow"]?.contains("INVITE") == true)
        #expect(long.utf8.count > 4_000 && longAnswer?.status == 200)
        #expect(unknown?.status == 501)
        #expect(bye?.status == 481)
        let malformed = try await harness.simulator.endpoint.loop.submit { harness.simulator.endpoint.agent.malformedCount }.get()
        #expect(malformed >= 2)
        await peer.close()
        await harness.shutdown()
    }

    @Test("INVITE to a busy number: 100, then 486 retransmitted until the ACK")
    func busyRetransmittedUntilACK() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let peer = try await RawUDPPeer(group: harness.group)
        let port = harness.simulator.port
        let callID = UUID().uuidString
        let branch = "z9hG4bKbusy\(UUID().uuidString.prefix(8))"
        // act
        try await peer.send(Self.request("INVITE", to: port, from: peer.port, user: SimulatorBehaviour.busy.number, callID: callID, branch: branch,
                                         sdp: Self.audioOffer(port: 41_999)), to: port)
        let trying = await peer.nextMessage()
        let busy = await peer.nextMessage()
        let again = await peer.nextMessage(within: 5)
        // check
        #expect(trying?.status == 100)
        #expect(busy?.status == 486)
        #expect(again?.status == 486, "timer G retransmits the final response")
        #expect(again?.to?.tag == busy?.to?.tag && busy?.to?.tag != nil)
        #expect(busy?.topVia?.branch == branch)
        try await peer.send(Self.request("ACK", to: port, from: peer.port, user: SimulatorBehaviour.busy.number, callID: callID, branch: branch,
                                         toTag: busy?.to?.tag), to: port)
        await peer.close()
        await harness.shutdown()
    }

    @Test("CANCEL of a ringing INVITE: 200 for the CANCEL, 487 for the INVITE")
    func cancelRinging() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let peer = try await RawUDPPeer(group: harness.group)
        let port = harness.simulator.port
        let callID = UUID().uuidString
        let branch = "z9hG4bKcancel\(UUID().uuidString.prefix(8))"
        let number = SimulatorBehaviour.noAnswer.number
        try await peer.send(Self.request("INVITE", to: port, from: peer.port, user: number, callID: callID, branch: branch,
                                         sdp: Self.audioOffer(port: 41_998)), to: port)
        #expect(await peer.nextMessage()?.status == 100)
        #expect(await peer.nextMessage()?.status == 180)
        // act
        try await peer.send(Self.request("CANCEL", to: port, from: peer.port, user: number, callID: callID, branch: branch), to: port)
        var statuses: [Int: SIPMessage] = [:]
        for _ in 0..<2 { if let message = await peer.nextMessage(), let status = message.status { statuses[status] = message } }
        // check
        #expect(statuses[200]?.cseq?.method == .cancel)
        #expect(statuses[487]?.cseq?.method == .invite)
        let record = await harness.simulator.nextRecord()
        #expect(record.report.sipStatus == 487)
        await peer.close()
        await harness.shutdown()
    }

    @Test("Our INVITE is retransmitted until a response (timer A); a 486 is acknowledged on the same branch")
    func inviteRetransmission() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let peer = try await RawUDPPeer(group: harness.group)
        var request = harness.request(to: "+15557770001", document: try harness.document(pages: 1))
        request.trunkPort = peer.port
        // act
        async let report = harness.pagewire.sendFax(request)
        let first = try #require(await peer.nextMessage())
        let second = try #require(await peer.nextMessage())
        try await peer.send(first.response(486, toTag: "far1"), to: harness.pagewire.agent.port)
        var ack: SIPMessage?
        while let message = await peer.nextMessage(within: 5) {
            if message.method == .ack { ack = message; break }
        }
        let result = await report
        // check
        #expect(first.method == .invite && second.method == .invite)
        #expect(first.topVia?.branch == second.topVia?.branch && first.cseq == second.cseq)
        #expect(first.requestURI?.user == "+15557770001")
        #expect(ack?.topVia?.branch == first.topVia?.branch)
        #expect(ack?.cseq == SIPCSeq(first.cseq!.number, .ack))
        #expect(ack?.to?.tag == "far1")
        #expect(result.resultCode == .busy && result.sipStatus == 486)
        await peer.close()
        await harness.shutdown()
    }

    @Test("A 407 digest challenge (MD5 or SHA-256) is answered with Proxy-Authorization", arguments: ["MD5", "SHA-256"])
    func digestChallenge(algorithm: String) async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let peer = try await RawUDPPeer(group: harness.group)
        var request = harness.request(to: "+15557770002", document: try harness.document(pages: 1))
        request.trunkPort = peer.port
        request.credentials = SIPCredentials(username: "trunkuser", password: "s3cret")
        let challengeText = #"Digest realm="carrier", nonce="n0nce42", qop="auth", algorithm=\#(algorithm)"#
        // act
        async let report = harness.pagewire.sendFax(request)
        let first = try #require(await peer.nextMessage())
        var challenge = first.response(407, toTag: "far2")
        challenge.headers.add("Proxy-Authenticate", challengeText)
        try await peer.send(challenge, to: harness.pagewire.agent.port)
        var second: SIPMessage?
        while let message = await peer.nextMessage(within: 5) {
            if message.method == .invite, message.cseq?.number != first.cseq?.number { second = message; break }
        }
        let authorized = try #require(second)
        try await peer.send(authorized.response(486, toTag: "far3"), to: harness.pagewire.agent.port)
        let result = await report
        // check
        let header = try #require(authorized.headers["Proxy-Authorization"])
        let fields = Dictionary(uniqueKeysWithValues: header.dropFirst(7).split(separator: ",").map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (pieces[0], pieces.count > 1 ? pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : "")
        })
        let expected = try SIPDigestChallenge(parsing: challengeText).authorization(
            username: "trunkuser", password: "s3cret", method: .invite, uri: fields["uri"] ?? "", cnonce: fields["cnonce"] ?? "")
        #expect(header == expected)
        #expect(fields["username"] == "trunkuser" && fields["algorithm"] == algorithm)
        #expect(authorized.callID == first.callID && authorized.topVia?.branch != first.topVia?.branch)
        #expect(result.resultCode == .busy)
        await peer.close()
        await harness.shutdown()
    }
}

@Suite("Trunk pings")
struct SIPPingTests {
    @Test("OPTIONS toward the simulator comes back 200")
    func ping() async throws {
        let harness = try await TelephonyHarness.start()
        let agent = harness.pagewire.agent
        let port = harness.simulator.port
        let status: Int? = try await withCheckedThrowingContinuation { continuation in
            agent.loop.execute {
                do {
                    let destination = try SocketAddress(ipAddress: "127.0.0.1", port: port)
                    agent.ping(SIPURI(host: "127.0.0.1", port: port), via: destination) { continuation.resume(returning: $0) }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        #expect(status == 200)
        await harness.shutdown()
    }
}
