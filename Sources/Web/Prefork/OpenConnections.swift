import NIOCore
import Synchronization

/// The connections a worker is serving, so a drain closes none with a request unanswered.
///
/// On quiesce, a connection that has started a request is asked to close after its response
/// (an idle keep-alive one closes at once); a connection accepted but not yet read from is
/// left alone until its first request starts, and then closes after answering it. One that
/// sends nothing is closed after `idleGrace`.
final class OpenConnections: Sendable {
    private struct Entry {
        let channel: any Channel
        var requests: Int
    }
    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var quiescing = false
    }
    private let state = Mutex(State())
    let idleGrace: TimeAmount

    init(idleGrace: TimeAmount = .seconds(5)) {
        self.idleGrace = idleGrace
    }

    func add(_ channel: any Channel) {
        let quiescing = state.withLock { s in
            s.entries[ObjectIdentifier(channel)] = Entry(channel: channel, requests: 0)
            return s.quiescing
        }
        if quiescing { closeIfStillIdle(channel) }
    }

    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Called by the responder as each request begins.
    func requestStarted(on channel: any Channel) {
        let quiescing = state.withLock { s in
            s.entries[ObjectIdentifier(channel)]?.requests += 1
            return s.quiescing
        }
        if quiescing { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    func quiesceAll() {
        let entries = state.withLock { s in
            s.quiescing = true
            return Array(s.entries.values)
        }
        for entry in entries {
            if entry.requests > 0 {
                entry.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            } else {
                closeIfStillIdle(entry.channel)
            }
        }
    }

    private func closeIfStillIdle(_ channel: any Channel) {
        channel.eventLoop.scheduleTask(in: idleGrace) { [self] in
            let idle = state.withLock { $0.entries[ObjectIdentifier(channel)]?.requests == 0 }
            if idle { channel.close(promise: nil) }
        }
    }
}
