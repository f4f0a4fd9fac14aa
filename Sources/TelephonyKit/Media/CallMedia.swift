import FaxEngine
import Foundation
import Logging
import NIOCore
import SIP

/// The media of one call: an RTP socket for G.711 and a UDPTL socket for T.38, both read and
/// written by the media clock's tick on the call's event loop (see `MediaSocket`), feeding one
/// `FaxSession` at a time. Packets are only taken from the negotiated peer address; anything
/// else is dropped and counted. Confined to `loop`.
public final class CallMedia: MediaTicking, @unchecked Sendable {
    /// What the call is doing now.
    enum Mode {
        case idle
        case audio(codec: G711Codec, payloadType: UInt8, peer: MediaAddress)
        case t38(peer: MediaAddress)
        /// A person talking (the simulator's voice answer): speech-like audio out, input ignored.
        case voice(codec: G711Codec, payloadType: UInt8, peer: MediaAddress)
    }

    /// Counters for one call (logged at the end, summed by benchmarks).
    public struct Counters: Sendable {
        /// RTP packets sent.
        public var rtpSent = 0
        /// RTP packets received from the peer.
        public var rtpReceived = 0
        /// RTP packets that never arrived (a later one did).
        public var rtpLost = 0
        /// Packet times when the next RTP packet had not arrived yet (filled in, played late).
        public var rtpLate = 0
        /// UDPTL packets sent.
        public var udptlSent = 0
        /// UDPTL packets received from the peer.
        public var udptlReceived = 0
        /// IFPs recovered from redundancy.
        public var udptlRecovered = 0
        /// Datagrams from a wrong source or unparsable.
        public var dropped = 0
    }

    /// A socket the call is not using now is emptied this often (in ticks): what arrives there
    /// is only counted and dropped, and the kernel bounds its buffer meanwhile.
    static let idleDrainInterval = 25

    let loop: any EventLoop
    let clock: MediaClock
    let logger: Logger
    let audioSocket: MediaSocket
    let t38Socket: MediaSocket
    /// The local ports, for SDP.
    public let audioPort: Int
    /// The local UDPTL port.
    public let t38Port: Int
    /// Redundancy depth for UDPTL.
    let redundancyDepth: Int
    /// Counters so far.
    public private(set) var counters = Counters()

    private(set) var mode: Mode = .idle
    /// The session being driven (nil before media starts and after the call).
    private(set) var session: FaxSession?
    /// Called once when the session reaches phase E.
    var onFinished: ((FaxOutcome) -> Void)?

    private var jitter = RTPJitterBuffer()
    private var rtpSequence = UInt16.random(in: 0...UInt16.max)
    private var rtpTimestamp = UInt32.random(in: 0...UInt32.max)
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var udptlWindow = UDPTLReceiveWindow()
    private var udptlHistory: UDPTLSendHistory
    private var finishedReported = false
    private var voiceTicks = 0
    private var ticks = 0
    private var closed = false
    /// Where datagrams are read to (one call's sockets are read one after the other).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: MediaSocket.maximumDatagram, alignment: 8)

    init(loop: any EventLoop, clock: MediaClock, logger: Logger, audio: MediaSocket, t38: MediaSocket, redundancyDepth: Int) {
        self.loop = loop
        self.clock = clock
        self.logger = logger
        audioSocket = audio
        t38Socket = t38
        audioPort = audio.port
        t38Port = t38.port
        self.redundancyDepth = redundancyDepth
        udptlHistory = UDPTLSendHistory(depth: redundancyDepth, maxDatagram: 400)
    }

    deinit {
        audioSocket.close()
        t38Socket.close()
        scratch.deallocate()
    }

    /// Binds both sockets from the allocator.
    static func open(loop: any EventLoop, clock: MediaClock, ports: MediaPortAllocator, logger: Logger, redundancyDepth: Int) throws -> CallMedia {
        let audio = try ports.bind()
        let t38: MediaSocket
        do {
            t38 = try ports.bind()
        } catch {
            audio.close()
            throw error
        }
        return CallMedia(loop: loop, clock: clock, logger: logger, audio: audio, t38: t38, redundancyDepth: redundancyDepth)
    }

    /// Starts (or switches to) G.711 with `session`.
    func startAudio(codec: SDPAudioCodec, address: String, port: Int, session: FaxSession) {
        loop.preconditionInEventLoop()
        guard let peer = MediaAddress(ipAddress: address, port: port) else {
            logger.warning("Unusable RTP peer address", metadata: ["media.address": "\(address)"])
            return
        }
        mode = .audio(codec: codec == .pcmu ? .pcmu : .pcma, payloadType: codec.payloadType, peer: peer)
        self.session = session
        jitter = RTPJitterBuffer()
        clock.add(self)
    }

    /// Switches to T.38 with a new session (the audio session is dropped).
    func startT38(parameters: T38Parameters, address: String, port: Int, session: FaxSession) {
        loop.preconditionInEventLoop()
        guard let peer = MediaAddress(ipAddress: address, port: port) else {
            logger.warning("Unusable UDPTL peer address", metadata: ["media.address": "\(address)"])
            return
        }
        mode = .t38(peer: peer)
        self.session = session
        udptlWindow = UDPTLReceiveWindow()
        udptlHistory = UDPTLSendHistory(depth: parameters.errorCorrection == .none ? 0 : redundancyDepth,
                                        maxDatagram: parameters.maxDatagram)
        clock.add(self)
    }

    /// Plays speech-like audio to the peer instead of fax tones (no session).
    func startVoice(codec: SDPAudioCodec, address: String, port: Int) {
        loop.preconditionInEventLoop()
        guard let peer = MediaAddress(ipAddress: address, port: port) else { return }
        mode = .voice(codec: codec == .pcmu ? .pcmu : .pcma, payloadType: codec.payloadType, peer: peer)
        clock.add(self)
    }

    /// True while media runs over T.38.
    var isT38: Bool {
        if case .t38 = mode { return true }
        return false
    }

    /// Stops the clock and closes both sockets (idempotent).
    func close() {
        loop.preconditionInEventLoop()
        guard !closed else { return }
        closed = true
        clock.remove(self)
        mode = .idle
        session = nil
        audioSocket.close()
        t38Socket.close()
    }

    /// Ends the fax now (remote hang-up, cancel): phase E follows with "call dropped".
    func hangUpSession() {
        guard let session, !session.isFinished else { return }
        session.hangUp()
        checkFinished()
    }

    // MARK: Ticks

    /// One packet time: reads what arrived since the last one, plays the next received packet
    /// into the session and sends the next one out.
    public func mediaTick() {
        ticks &+= 1
        receive()
        if case .voice(let codec, let payloadType, let peer) = mode {
            let packet = RTPPacket(payloadType: payloadType, sequenceNumber: rtpSequence, timestamp: rtpTimestamp, ssrc: ssrc,
                                   payload: codec.encode(Self.speech(tick: voiceTicks)))
            voiceTicks += 1
            rtpSequence &+= 1
            rtpTimestamp &+= 160
            audioSocket.send(packet.bytes, to: peer)
            counters.rtpSent += 1
            return
        }
        guard let session else { return }
        switch mode {
        case .idle, .voice:
            return
        case .audio(let codec, let payloadType, let peer):
            switch jitter.pop() {
            case .packet(let payload):
                session.audioIn(payload: payload.count == 160 ? payload : Array(payload.prefix(160)) + [UInt8](repeating: codec == .pcmu ? 0xFF : 0xD5, count: max(0, 160 - payload.count)), codec: codec)
            case .missing:
                counters.rtpLost = jitter.lost
                counters.rtpLate = jitter.underruns
                session.audioMissing(count: 160)
            case .idle:
                session.audioIn([Int16](repeating: 0, count: 160))
            }
            let packet = RTPPacket(payloadType: payloadType, sequenceNumber: rtpSequence, timestamp: rtpTimestamp, ssrc: ssrc,
                                   payload: session.audioOutPayload(count: 160, codec: codec))
            rtpSequence &+= 1
            rtpTimestamp &+= 160
            audioSocket.send(packet.bytes, to: peer)
            counters.rtpSent += 1
        case .t38(let peer):
            for packet in session.tick(samples: 160) {
                let udptl = udptlHistory.packet(ifp: packet.ifp, sequence: packet.sequence)
                let copies = udptlHistory.depth == 0 ? max(1, packet.copies) : 1
                let bytes = udptl.bytes
                for _ in 0..<copies { t38Socket.send(bytes, to: peer) }
                counters.udptlSent += copies
            }
        }
        checkFinished()
    }

    private func checkFinished() {
        guard !finishedReported, let outcome = session?.outcome else { return }
        finishedReported = true
        onFinished?(outcome)
    }

    /// 20 ms of a voice-like signal: a few harmonics of a gliding pitch in 200 ms syllables with pauses.
    static func speech(tick: Int) -> [Int16] {
        (0..<160).map { i in
            let t = Double(tick * 160 + i) / 8_000
            guard (tick / 10) % 3 != 2 else { return 0 }
            let pitch = 140 + 40 * sin(2 * .pi * 0.7 * t)
            var value = 0.0
            for harmonic in 1...6 { value += sin(2 * .pi * pitch * Double(harmonic) * t) / Double(harmonic) }
            return Int16(value * 4_000)
        }
    }

    // MARK: Receiving

    /// Empties the socket in use into the jitter buffer or the UDPTL window, and now and then
    /// the RTP socket when it is not in use (counted as dropped).
    private func receive() {
        let drainIdle = ticks % Self.idleDrainInterval == 0
        switch mode {
        case .audio(_, let payloadType, let peer):
            audioSocket.receiveAll(into: scratch) { bytes, source in receiveRTP(bytes, from: source, peer: peer, payloadType: payloadType) }
            // The UDPTL socket is left alone: a far end that accepted our re-INVITE to T.38
            // sends its first IFPs (its CED, the start of its DIS) before the 200 reaches us,
            // and they must still be there when the call switches.
        case .t38(let peer):
            t38Socket.receiveAll(into: scratch) { bytes, source in receiveUDPTL(bytes, from: source, peer: peer) }
            if drainIdle { drop(audioSocket) }
        case .voice:
            // The far end's audio is not listened to.
            drop(audioSocket)
            if drainIdle { drop(t38Socket) }
        case .idle:
            if drainIdle { drop(audioSocket); drop(t38Socket) }
        }
    }

    private func drop(_ socket: MediaSocket) {
        counters.dropped += socket.receiveAll(into: scratch) { _, _ in }
    }

    private func receiveRTP(_ bytes: UnsafeRawBufferPointer?, from source: MediaAddress, peer: MediaAddress, payloadType: UInt8) {
        guard source == peer, let bytes, let packet = try? RTPPacket(parsing: bytes) else {
            counters.dropped += 1
            return
        }
        // telephone-event and comfort noise are not fax audio.
        guard packet.payloadType == payloadType else { return }
        counters.rtpReceived += 1
        jitter.insert(packet)
    }

    private func receiveUDPTL(_ bytes: UnsafeRawBufferPointer?, from source: MediaAddress, peer: MediaAddress) {
        guard source == peer, let session, let bytes, let packet = try? UDPTLPacket(parsing: bytes) else {
            counters.dropped += 1
            return
        }
        counters.udptlReceived += 1
        let before = udptlWindow.recovered
        for (ifp, sequence) in udptlWindow.accept(packet) { session.ifpIn(ifp, sequence: sequence) }
        counters.udptlRecovered += udptlWindow.recovered - before
    }
}
