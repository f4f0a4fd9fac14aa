/// One fax: its facts, attempts (result codes and statistics) and message events.
struct FaxDetailModel: Sendable {
    struct Fact: Sendable {
        let label: String
        let value: String
        /// The live status field that updates this fact (see `LiveStatusController.Status`).
        var live: String? = nil
    }
    struct Attempt: Sendable {
        let n: Int
        let started: String
        let ended: String
        let result: String
        let sipStatus: String
        let t30Code: String
        let pagesSent: Int
        let bitRate: String
        let ecm: String
        let remoteCSID: String
        let detail: String
    }
    struct Event: Sendable {
        let at: String
        let type: String
        let target: String
        let status: String
        let detail: String
    }

    let id: Int64
    let heading: String
    let facts: [Fact]
    let attempts: [Attempt]
    let hasAttempts: Bool
    let events: [Event]
    let hasEvents: Bool
    let cancellable: Bool
    let resendable: Bool
    let remoteNumber: String
    let backURL: String
    let notice: String?
    /// The status can still change: the page loads the live status script.
    var live: Bool = false
    /// Page numbers with a thumbnail (users of the fax's company, once rendered, until purged).
    var pageNumbers: [Int] = []
    var hasPages: Bool = false
    /// Why pages are not shown, when the viewer would otherwise see them.
    var pagesNote: String?
}
