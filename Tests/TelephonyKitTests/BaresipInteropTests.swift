import Foundation
import NIOCore
import PagewireCore
import Testing
import TelephonyKit

/// baresip (Debian) as an independent far end: call set-up, a voice answer, 488 to our T.38
/// re-INVITE, BYE, and CANCEL of a ringing call.
@Suite("Interoperability with baresip")
struct BaresipInteropTests {
    @Test("baresip answers with audio and refuses T.38 (488): the call stays up, ends as not_a_fax_machine, and we hang up")
    func voiceAnswer() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let ports = FreePorts.block(10)
        let peer = try BaresipPeer(sipPort: ports.lowerBound, rtpPorts: (ports.lowerBound + 1)...ports.upperBound, autoAnswer: true)
        defer { peer.stop() }
        try await peer.waitUntilReady()
        var request = harness.request(to: "fax", document: try harness.document(pages: 1), t38: T38Policy(accept: true, request: true))
        request.trunkPort = peer.sipPort
        // act
        let report = await harness.pagewire.sendFax(request)
        // check
        #expect([ResultCode.notAFaxMachine, .voiceAnswer].contains(report.resultCode), "\(report)\nbaresip: \(peer.output.suffix(1_500))")
        #expect(report.sipStatus == 200)
        #expect(report.t38 == .refused && !report.usedT38)
        #expect((report.media?.rtpReceived ?? 0) > 100, "baresip's audio reached us")
        try await Task.sleep(for: .milliseconds(300))
        #expect(peer.output.lowercased().contains("closed"), "baresip saw our BYE: \(peer.output.suffix(600))")
        await harness.shutdown()
    }

    @Test("baresip ringing without answer: we CANCEL after the no-answer time and report no_answer")
    func cancelRinging() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let ports = FreePorts.block(10)
        let peer = try BaresipPeer(sipPort: ports.lowerBound, rtpPorts: (ports.lowerBound + 1)...ports.upperBound, autoAnswer: false)
        defer { peer.stop() }
        try await peer.waitUntilReady()
        var request = harness.request(to: "fax", document: try harness.document(pages: 1))
        request.trunkPort = peer.sipPort
        // (long enough for baresip's 180 Ringing to arrive on a loaded machine: a call without a
        // provisional response cannot be cancelled and ends as 408 instead of 487)
        request.noAnswerTimeout = .seconds(6)
        // act
        let report = await harness.pagewire.sendFax(request)
        // check
        #expect(report.resultCode == .noAnswer, "\(report)")
        #expect(report.sipStatus == 487)
        await harness.shutdown()
    }
}
