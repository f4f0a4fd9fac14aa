import Foundation
import NIOCore
import SIP
import Testing
@testable import TelephonyKit

/// Registration toward a registrar played by a bare UDP socket.
@Suite("SIP registration")
struct SIPRegistrationTests {
    @Test("REGISTER answers a 401 (SHA-256 preferred), registers, refreshes at half the granted time, and unregisters")
    func registerRefreshUnregister() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let registrar = try await RawUDPPeer(group: harness.group)
        let agent = harness.pagewire.agent
        let destination = try SocketAddress(ipAddress: "127.0.0.1", port: registrar.port)
        let states = StateLog()
        let registration = try await agent.loop.submit {
            let registration = SIPRegistration(agent: agent, registrar: SIPURI(host: "127.0.0.1", port: registrar.port), destination: destination,
                                               user: "trunk42", credentials: SIPCredentials(username: "trunk42", password: "pw"), expires: 600)
            registration.onStateChange = { states.append($0) }
            registration.start()
            return UncheckedBox(registration)
        }.get()
        // act: challenge, accept for 2 s, expect the refresh, then stop
        let first = try #require(await registrar.nextMessage())
        var challenge = first.response(401, toTag: "reg")
        challenge.headers.add("WWW-Authenticate", #"Digest realm="carrier", nonce="abc", algorithm=MD5"#)
        challenge.headers.add("WWW-Authenticate", #"Digest realm="carrier", nonce="abc", algorithm=SHA-256, qop="auth""#)
        try await registrar.send(challenge, to: agent.port)
        let second = try #require(await registrar.nextMessage(after: first))
        var ok = second.response(200, toTag: "reg")
        ok.headers.add("Contact", (second.headers["Contact"] ?? "").replacingOccurrences(of: "expires=600", with: "expires=2"))
        try await registrar.send(ok, to: agent.port)
        let refresh = try #require(await registrar.nextMessage(after: second, within: 5))
        try await registrar.send(refresh.response(200, toTag: "reg"), to: agent.port)
        try await agent.loop.submit { registration.value.stop() }.get()
        let removal = try #require(await registrar.nextMessage(after: refresh))
        // check
        #expect(first.method == .register && first.requestURI?.port == registrar.port)
        #expect(first.headers["Authorization"] == nil)
        let authorization = try #require(second.headers["Authorization"])
        #expect(authorization.contains("algorithm=SHA-256") && authorization.contains(#"username="trunk42""#))
        #expect(second.callID == first.callID && second.cseq!.number > first.cseq!.number)
        #expect(second.from?.tag == first.from?.tag)
        #expect(refresh.callID == first.callID && refresh.cseq!.number > second.cseq!.number)
        #expect(removal.headers["Expires"] == "0")
        #expect(states.values.contains(.registered(expires: 2)))
        #expect(states.values.last == .stopped)
        await registrar.close()
        await harness.shutdown()
    }
}

final class StateLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [SIPRegistration.State] = []
    func append(_ state: SIPRegistration.State) { lock.lock(); log.append(state); lock.unlock() }
    var values: [SIPRegistration.State] { lock.lock(); defer { lock.unlock() }; return log }
}
