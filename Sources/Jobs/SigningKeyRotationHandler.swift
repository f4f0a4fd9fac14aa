import Foundation
import Logging
import PagewireCore

/// The scheduled rotation of the platform's token signing key (`identity.signing_keys`): a new key
/// every `oauth.signing_key_rotation_seconds`, retired keys removed from the JWKS once every token
/// they signed has expired; then the next check is scheduled. Idempotent: a repeated run finds the
/// key fresh and nothing expired.
struct SigningKeyRotationHandler: WorkHandler {
    let kind = Self.workKind
    let lease: TimeInterval = 120
    let database: Database
    let keys: SigningKeyStore
    /// Seconds between rotations; 0: no scheduled rotation (expired keys are still removed).
    let rotationSeconds: Int
    let logger: Logger

    static let workKind = "identity.signing_keys"

    /// How often the job looks: at the rotation interval, and at least hourly to remove keys whose tokens expired.
    static func checkInterval(rotationSeconds: Int) -> TimeInterval {
        rotationSeconds == 0 ? 3600 : TimeInterval(min(rotationSeconds, 3600))
    }

    static func schedule(on queue: WorkQueue, at date: Date, rotationSeconds: Int) async throws {
        let slot = Int(date.timeIntervalSince1970 / checkInterval(rotationSeconds: rotationSeconds))
        try await queue.enqueue(kind: workKind, runAt: date, maxAttempts: 3, dedupeKey: "\(workKind)@\(slot)")
    }

    func handle(_ item: WorkItem) async throws {
        let interval = rotationSeconds == 0 ? TimeInterval.infinity : TimeInterval(rotationSeconds)
        let (rotated, removed) = try await keys.rotateIfDue(interval: interval)
        if let rotated { logger.notice("token signing key rotated", metadata: ["identity.kid": "\(rotated)"]) }
        if !removed.isEmpty { logger.info("retired token signing keys removed from the JWKS", metadata: ["identity.kids": "\(removed.joined(separator: ","))"]) }
        let next = Date().addingTimeInterval(Self.checkInterval(rotationSeconds: rotationSeconds))
        try await Self.schedule(on: WorkQueue(database: database, owner: "identity"), at: next, rotationSeconds: rotationSeconds)
    }
}
