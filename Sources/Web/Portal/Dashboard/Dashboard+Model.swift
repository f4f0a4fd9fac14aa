/// The dashboard: figures for the last days, the pages-per-day chart, recent faxes.
struct DashboardModel: Sendable {
    struct Figure: Sendable {
        let label: String
        let value: Int
    }

    /// A server-rendered SVG bar chart; every coordinate is computed here, the template only places them.
    struct Chart: Sendable {
        struct Bar: Sendable {
            let x: Int
            let y: Int
            let width: Int
            let height: Int
            let kind: String
            let title: String
        }
        struct Label: Sendable {
            let x: Int
            let y: Int
            let text: String
        }
        let width: Int
        let height: Int
        let bars: [Bar]
        let dayLabels: [Label]
        let scaleLabels: [Label]
        let summary: String
    }

    struct RecentFax: Sendable {
        let id: Int64
        let direction: String
        let remoteNumber: String
        let state: String
        let when: String
    }

    let figures: [Figure]
    let chart: Chart
    let recent: [RecentFax]
    let hasRecent: Bool
    let days: Int
}
