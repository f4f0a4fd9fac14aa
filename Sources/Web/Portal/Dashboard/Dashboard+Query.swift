import Foundation
import PagewireCore

extension DashboardModel {
    /// Builds the dashboard for a session from MariaDB.
    static func query(session: PortalSession, database: Database, format: DisplayFormat, days: Int = 14, now: Date = Date()) async throws -> DashboardModel {
        let history = FaxHistory(database: database)
        let viewer = FaxHistory.Viewer(scope: session.scope, onlyUser: session.ownFaxesOnly ? session.user.id : nil)
        let perDay = try await history.pagesPerDay(viewer: viewer, days: days, timeZone: format.timeZone, now: now)
        let outbound = try await history.list(.init(direction: "outbound"), viewer: viewer, limit: 5)
        let inbound = try await history.list(.init(direction: "inbound"), viewer: viewer, limit: 5)
        let recent = (outbound.faxes + inbound.faxes).sorted { $0.createdAt > $1.createdAt }.prefix(8).map {
            RecentFax(id: $0.id, direction: $0.direction == "outbound" ? "Sent" : "Received", remoteNumber: $0.remoteNumber,
                      state: $0.state.rawValue.replacingOccurrences(of: "_", with: " "), when: format.dateTime($0.createdAt))
        }
        let figures = [
            Figure(label: "Pages sent (\(days) days)", value: perDay.reduce(0) { $0 + $1.sent }),
            Figure(label: "Pages received (\(days) days)", value: perDay.reduce(0) { $0 + $1.received }),
        ]
        return DashboardModel(
            figures: figures, chart: chart(perDay, format: format), recent: Array(recent), hasRecent: !recent.isEmpty, days: days)
    }

    /// Lays out two bars per day (sent, received) on a scale rounded up to a readable step.
    static func chart(_ perDay: [(day: Date, sent: Int, received: Int)], format: DisplayFormat) -> Chart {
        let width = 720, height = 240, left = 40, bottom = 24, top = 10
        let plotHeight = height - bottom - top
        let peak = max(1, perDay.map { max($0.sent, $0.received) }.max() ?? 1)
        let step = niceStep(peak)
        let scaleMax = ((peak + step - 1) / step) * step
        let slot = (width - left) / max(1, perDay.count)
        let barWidth = max(2, (slot - 6) / 2)
        var bars: [Chart.Bar] = []
        var dayLabels: [Chart.Label] = []
        for (i, entry) in perDay.enumerated() {
            let x0 = left + i * slot + 3
            for (j, (value, kind)) in [(entry.sent, "sent"), (entry.received, "received")].enumerated() {
                let h = value * plotHeight / scaleMax
                bars.append(.init(x: x0 + j * barWidth, y: top + plotHeight - h, width: barWidth, height: h, kind: kind,
                                  title: "\(format.date(entry.day)): \(value) pages \(kind)"))
            }
            if perDay.count <= 16 || i % 2 == 0 {
                dayLabels.append(.init(x: x0, y: height - 8, text: format.dayLabel(entry.day)))
            }
        }
        let scaleLabels = stride(from: 0, through: scaleMax, by: step).map { v in
            Chart.Label(x: 2, y: top + plotHeight - v * plotHeight / scaleMax + 4, text: "\(v)")
        }
        let totalSent = perDay.reduce(0) { $0 + $1.sent }, totalReceived = perDay.reduce(0) { $0 + $1.received }
        return Chart(width: width, height: height, bars: bars, dayLabels: dayLabels, scaleLabels: scaleLabels,
                     summary: "Pages per day over \(perDay.count) days: \(totalSent) sent, \(totalReceived) received.")
    }

    static func niceStep(_ peak: Int) -> Int {
        let raw = max(1, peak / 4)
        var magnitude = 1
        while magnitude * 10 <= raw { magnitude *= 10 }
        for m in [1, 2, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return raw
    }
}
