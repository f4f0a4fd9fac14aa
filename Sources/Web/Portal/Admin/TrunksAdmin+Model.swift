import Foundation
import PagewireCore

/// The trunks of the platform or a reseller (ICTFax's Provider/Trunks page): list with the last
/// OPTIONS check, add, and this node's failover order.
struct TrunksAdminModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let name: String
        let address: String
        let authentication: String
        let channels: Int
        let active: Bool
        let check: String
        let up: Bool
        let checked: Bool
    }
    struct OrderRow: Sendable {
        let id: Int64
        let name: String
        let position: String
    }
    let tabs: AdminTabs
    let accountID: Int64
    let rows: [Row]
    let hasRows: Bool
    let order: [OrderRow]
    let hasOrder: Bool
    let inherits: Bool
    let canManage: Bool
    let notice: String?
    let error: String?
}

/// One trunk: its settings form, last check and the test button.
struct TrunkAdminModel: Sendable {
    let tabs: AdminTabs
    let id: Int64
    let ownerID: Int64
    let name: String
    let host: String
    let port: Int
    let udp: Bool
    let ipAuthentication: Bool
    let username: String
    let channels: Int
    let active: Bool
    let t38: Bool
    let ecm: Bool
    let check: String
    let checked: Bool
    let up: Bool
    let canManage: Bool
    let notice: String?
    let error: String?
}

extension TrunkCheck {
    /// What the admin reads about the last check.
    var summary: String {
        let when = ISO8601DateFormatter().string(from: at)
        let status = sipStatus.map { "SIP \($0)" } ?? "no answer"
        return "\(isUp ? "Up" : "Down"): \(status)\(roundTripMilliseconds.map { ", \($0) ms" } ?? "")\(detail.isEmpty ? "" : " (\(detail))") at \(when)"
    }
}

extension TrunksAdminModel {
    static func query(_ target: AdminTarget, database: Database, notice: String? = nil, error: String? = nil) async throws -> TrunksAdminModel {
        let trunks = TrunkRepository(database: database)
        var rows: [Row] = []
        for t in try await trunks.owned(by: target.account.id, scope: target.scope) {
            let check = try await trunks.lastCheck(trunkID: t.id)
            rows.append(Row(
                id: t.id, name: t.name, address: "\(t.host):\(t.port)/\(t.transport)",
                authentication: t.username.map { "digest (\($0))" } ?? "IP authentication", channels: t.maxChannels, active: t.active,
                check: check?.summary ?? "never checked", up: check?.isUp ?? false, checked: check != nil))
        }
        let ordered = try await trunks.order(of: target.account.id, scope: target.scope)
        let position = Dictionary(ordered.enumerated().map { ($0.element.id, $0.offset + 1) }, uniquingKeysWith: { a, _ in a })
        let order = try await trunks.usable(by: target.account.id, scope: target.scope).map {
            OrderRow(id: $0.id, name: $0.name, position: position[$0.id].map(String.init) ?? "")
        }.sorted { ($0.position.isEmpty ? Int.max : Int($0.position)!, $0.name) < ($1.position.isEmpty ? Int.max : Int($1.position)!, $1.name) }
        return TrunksAdminModel(
            tabs: AdminTabs(target, current: "Trunks"), accountID: target.account.id, rows: rows, hasRows: !rows.isEmpty, order: order,
            hasOrder: !order.isEmpty, inherits: ordered.isEmpty, canManage: target.may(.manageTrunks), notice: notice, error: error)
    }
}

extension TrunkAdminModel {
    static func query(_ target: AdminTarget, database: Database, notice: String? = nil, error: String? = nil) async throws -> TrunkAdminModel {
        let trunks = TrunkRepository(database: database)
        guard let id = target.trunkID, let t = try await trunks.get(id, scope: target.scope) else { throw PortalError.notFound }
        let check = try await trunks.lastCheck(trunkID: id)
        return TrunkAdminModel(
            tabs: AdminTabs(target, current: "Trunks"), id: t.id, ownerID: target.account.id, name: t.name, host: t.host, port: t.port,
            udp: t.transport == "udp", ipAuthentication: t.username == nil, username: t.username ?? "", channels: t.maxChannels,
            active: t.active, t38: t.t38Allowed, ecm: t.ecm, check: check?.summary ?? "never checked", checked: check != nil,
            up: check?.isUp ?? false, canManage: target.may(.manageTrunks), notice: notice, error: error)
    }
}
