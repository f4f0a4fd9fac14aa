import Foundation

/// The outcome of one OPTIONS check of a trunk.
public struct TrunkCheck: Sendable, Equatable {
    /// When the check ended.
    public var at: Date
    /// The SIP status the trunk answered, or nil when it did not answer at all.
    public var sipStatus: Int?
    /// Round-trip time of the answer in milliseconds.
    public var roundTripMilliseconds: Int?
    /// What the admin reads next to the trunk ("200 OK", "no answer within 5 s", …).
    public var detail: String

    public init(at: Date, sipStatus: Int?, roundTripMilliseconds: Int?, detail: String) {
        self.at = at
        self.sipStatus = sipStatus
        self.roundTripMilliseconds = roundTripMilliseconds
        self.detail = detail
    }

    /// A trunk is up when it answered OPTIONS with any final response below 500 (many carriers
    /// answer 401, 403 or 405 to OPTIONS, which still proves them reachable).
    public var isUp: Bool { (sipStatus ?? 999) < 500 }

    /// Work kind `pagewire-telephony` runs to check one trunk now (payload `{"trunk_id": N}`).
    public static let workKind = "trunk.check"
}

extension TrunkRepository {
    /// Stores the latest check of `trunkID`.
    public func recordCheck(_ check: TrunkCheck, trunkID: Int64) async throws {
        try await database.execute(
            "UPDATE trunks SET last_check_at = ?, last_check_status = ?, last_check_rtt_ms = ?, last_check_detail = ? WHERE id = ?",
            check.at, check.sipStatus, check.roundTripMilliseconds, String(check.detail.prefix(255)), trunkID)
    }

    /// The latest check of `trunkID`, if it was ever checked.
    public func lastCheck(trunkID: Int64) async throws -> TrunkCheck? {
        guard let row = try await database.query(
            "SELECT last_check_at, last_check_status, last_check_rtt_ms, last_check_detail FROM trunks WHERE id = ?", trunkID
        ).first, let at: Date = try row.optional("last_check_at") else { return nil }
        return TrunkCheck(at: at, sipStatus: try row.optional("last_check_status"), roundTripMilliseconds: try row.optional("last_check_rtt_ms"),
                          detail: try row.optional("last_check_detail") ?? "")
    }

    /// Asks `pagewire-telephony` to check `trunkID` now; the result lands in `lastCheck`.
    public func requestCheck(trunkID: Int64, now: Date = Date()) async throws {
        _ = try await WorkQueue(database: database, owner: "trunk-admin").enqueue(
            kind: TrunkCheck.workKind, payload: "{\"trunk_id\":\(trunkID)}", runAt: now, maxAttempts: 1,
            dedupeKey: "\(TrunkCheck.workKind).\(trunkID).\(Int(now.timeIntervalSince1970))")
    }
}
