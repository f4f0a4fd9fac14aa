import Foundation
import NIOCore
import SIP

/// Keeps our contact registered with a trunk's registrar (RFC 3261 §10): REGISTER with digest
/// authentication on 401/407, refreshed at half the granted time, retried after a failure,
/// and removed (Expires: 0) on `stop`. Confined to the agent's loop.
public final class SIPRegistration: @unchecked Sendable {
    /// Where the registration stands.
    public enum State: Sendable, Equatable {
        /// A REGISTER is on its way.
        case registering
        /// Registered for this many seconds from the last 200.
        case registered(expires: Int)
        /// The registrar refused (status) or did not answer (nil); retried later.
        case failed(status: Int?)
        /// Unregistered after `stop`.
        case stopped
    }

    /// Called on the loop at every change.
    public var onStateChange: ((State) -> Void)?
    /// The current state.
    public private(set) var state = State.registering {
        didSet { onStateChange?(state) }
    }

    private unowned let agent: SIPUserAgent
    private let registrar: SIPURI
    private let destination: SocketAddress
    private let address: SIPNameAddress
    private let credentials: SIPCredentials?
    private let requestedExpires: Int
    private let retryInterval: TimeAmount
    private let callID = SIPIdentifiers.token(24)
    private let fromTag = SIPIdentifiers.tag()
    private var cseq: UInt32 = 0
    private var timer: Scheduled<Void>?
    private var stopped = false

    /// Creates a registration of `user` at `registrar` (sent to `destination`); call `start()` on the loop.
    public init(agent: SIPUserAgent, registrar: SIPURI, destination: SocketAddress, user: String, credentials: SIPCredentials?,
                expires: Int = 600, retryInterval: TimeAmount = .seconds(30)) {
        self.agent = agent
        self.registrar = registrar
        self.destination = destination
        self.address = SIPNameAddress(uri: SIPURI(user: user, host: registrar.host, port: registrar.port))
        self.credentials = credentials
        self.requestedExpires = expires
        self.retryInterval = retryInterval
    }

    /// Sends the first REGISTER.
    public func start() {
        agent.loop.preconditionInEventLoop()
        send(expires: requestedExpires, authorization: nil, challengesLeft: 2)
    }

    /// Removes the registration.
    public func stop() {
        agent.loop.preconditionInEventLoop()
        stopped = true
        timer?.cancel()
        send(expires: 0, authorization: nil, challengesLeft: 1)
        state = .stopped
    }

    private func send(expires: Int, authorization: (header: String, value: String)?, challengesLeft: Int) {
        cseq += 1
        var from = address
        from.tag = fromTag
        var headers = SIPHeaders()
        headers.add("Via", agent.newVia(toward: destination).description)
        headers.add("Max-Forwards", "70")
        headers.add("From", from.description)
        headers.add("To", address.description)
        headers.add("Call-ID", callID)
        headers.add("CSeq", SIPCSeq(cseq, .register).description)
        var contact = SIPNameAddress(uri: SIPURI(user: address.uri.user, host: agent.configuration.host, port: agent.port))
        contact.parameters.set("expires", "\(expires)")
        headers.add("Contact", contact.description)
        headers.add("Expires", "\(expires)")
        headers.add("User-Agent", agent.configuration.product)
        if let authorization { headers.add(authorization.header, authorization.value) }
        let request = SIPMessage.request(.register, registrar, headers: headers)
        if expires > 0 { state = .registering }
        agent.startClientTransaction(request, to: destination, onResponse: { [self] response in
            guard let status = response.status, status >= 200, !(stopped && expires > 0) else { return }
            if (status == 401 || status == 407), challengesLeft > 0, let credentials,
               let challenge = Self.challenge(in: response, status: status) {
                let value = challenge.authorization(username: credentials.username, password: credentials.password, method: .register,
                                                    uri: registrar.description, cnonce: SIPIdentifiers.token(16))
                send(expires: expires, authorization: (status == 401 ? "Authorization" : "Proxy-Authorization", value), challengesLeft: challengesLeft - 1)
                return
            }
            guard expires > 0 else { return }
            if (200..<300).contains(status) {
                let granted = Self.grantedExpires(response, contact: contact.uri) ?? expires
                state = .registered(expires: granted)
                schedule(after: .seconds(Int64(max(1, granted / 2))))
            } else {
                state = .failed(status: status)
                schedule(after: retryInterval)
            }
        }, onTimeout: { [self] in
            guard expires > 0, !stopped else { return }
            state = .failed(status: nil)
            schedule(after: retryInterval)
        })
    }

    private func schedule(after delay: TimeAmount) {
        timer?.cancel()
        timer = agent.loop.scheduleTask(in: delay) { [self] in
            guard !stopped else { return }
            send(expires: requestedExpires, authorization: nil, challengesLeft: 2)
        }
    }

    /// The first challenge we can answer (SHA-256 preferred over MD5, as RFC 8760 asks).
    static func challenge(in response: SIPMessage, status: Int) -> SIPDigestChallenge? {
        let name = status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"
        let challenges = response.headers.compactMap { field in
            field.name.lowercased() == name.lowercased() ? try? SIPDigestChallenge(parsing: field.value) : nil
        }
        return challenges.first { $0.algorithm == .sha256 } ?? challenges.first
    }

    /// The time the registrar granted: our Contact's `expires`, else the Expires header.
    static func grantedExpires(_ response: SIPMessage, contact: SIPURI) -> Int? {
        for value in response.headers.values("Contact") {
            guard let entry = try? SIPNameAddress(parsing: value), entry.uri.user == contact.user, entry.uri.port == contact.port else { continue }
            if let expires = entry.parameters["expires"].flatMap(Int.init) { return expires }
        }
        return response.headers["Expires"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}
