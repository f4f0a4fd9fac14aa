import NIOCore

/// Something the media clock advances every 20 ms.
public protocol MediaTicking: AnyObject {
    /// One 20 ms packet time: send what is due, consume what arrived.
    func mediaTick()
}

/// One 20 ms timer for every call on an event loop, on absolute deadlines (t0 + k·20 ms), so
/// packet times do not drift the way `scheduleRepeatedTask` does under load. Confined to `loop`.
public final class MediaClock: @unchecked Sendable {
    /// The packet time.
    public static let period = TimeAmount.milliseconds(20)

    /// The loop it runs on; every leg must live there too.
    public let loop: any EventLoop
    private var legs: [ObjectIdentifier: MediaTicking] = [:]
    private var origin: NIODeadline?
    private var tickIndex: Int64 = 0
    private var scheduled: Scheduled<Void>?
    /// Ticks run so far.
    public private(set) var ticks = 0
    /// Ticks that ran more than half a period after their deadline.
    public private(set) var lateTicks = 0
    /// The most legs ticked at once so far.
    public private(set) var peakLegCount = 0
    /// How late a tick may be and still be caught up on (the ticks after it run back to back);
    /// later, the clock starts a new time base. Catching up on longer stalls (tried: 1 s) ran a
    /// tick in every loop iteration for seconds while hundreds of calls set up, and SIP
    /// messages waited behind them: T.38 re-INVITEs came too late and every T.38 call failed.
    static let maximumCatchUp = TimeAmount.milliseconds(200)

    /// Creates a clock for `loop` (it starts with the first leg).
    public init(loop: any EventLoop) { self.loop = loop }

    /// Adds a leg; it is ticked from the next deadline on.
    public func add(_ leg: MediaTicking) {
        loop.preconditionInEventLoop()
        legs[ObjectIdentifier(leg)] = leg
        peakLegCount = max(peakLegCount, legs.count)
        if scheduled == nil {
            origin = .now()
            tickIndex = 0
            scheduleNext()
        }
    }

    /// Removes a leg; the timer stops when none is left.
    public func remove(_ leg: MediaTicking) {
        loop.preconditionInEventLoop()
        legs[ObjectIdentifier(leg)] = nil
        if legs.isEmpty {
            scheduled?.cancel()
            scheduled = nil
        }
    }

    /// Number of legs being ticked.
    public var legCount: Int { legs.count }

    private func scheduleNext() {
        guard let origin else { return }
        tickIndex += 1
        let deadline = origin + .nanoseconds(MediaClock.period.nanoseconds * tickIndex)
        scheduled = loop.scheduleTask(deadline: deadline) { [self] in
            let lateness = NIODeadline.now() - deadline
            if lateness > .milliseconds(10) { lateTicks += 1 }
            if lateness > MediaClock.maximumCatchUp {
                // The process stalled: start a new time base rather than bursting to catch up.
                self.origin = .now()
                tickIndex = 0
            }
            ticks += 1
            for leg in Array(legs.values) { leg.mediaTick() }
            if !legs.isEmpty { scheduleNext() } else { scheduled = nil }
        }
    }
}
