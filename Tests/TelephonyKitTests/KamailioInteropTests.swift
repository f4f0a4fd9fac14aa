import FaxEngine
import Foundation
import PagewireCore
import Testing
import TelephonyKit

/// Kamailio (Debian) as a record-routing proxy between Pagewire and the simulator: the dialog's
/// in-dialog requests in both directions follow the route set through the proxy.
@Suite("Interoperability with Kamailio")
struct KamailioInteropTests {
    @Test("A T.38 fax through Kamailio: the far end's re-INVITE, our ACK and BYE all pass the proxy")
    func faxThroughProxy() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let proxy = try KamailioProxy(port: FreePorts.block(1).lowerBound, forwardTo: harness.simulator.port)
        defer { proxy.stop() }
        try await proxy.waitUntilListening()
        let document = try harness.document(pages: 1)
        var request = harness.request(to: SimulatorBehaviour.faxT38Requesting.number, document: document)
        request.trunkPort = proxy.port
        // act
        let report = await harness.pagewire.sendFax(request)
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .ok, "\(report)")
        #expect(report.usedT38)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        let methods = proxy.proxiedRequests.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(methods.filter { $0 == "INVITE" }.count >= 2, "the initial INVITE and the re-INVITE: \(methods)")
        #expect(methods.contains("ACK"))
        #expect(methods.contains("BYE"))
        await harness.shutdown()
    }
}
