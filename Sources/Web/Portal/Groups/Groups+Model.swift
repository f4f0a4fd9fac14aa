/// The groups page: every group with its size, and the form that adds one.
struct GroupsModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let name: String
        let members: Int
    }

    let rows: [Row]
    let hasRows: Bool
    let name: String
    let notice: String?
    let error: String?
}

/// One group: rename, members (remove), contacts to add, delete.
struct GroupModel: Sendable {
    struct Member: Sendable {
        let id: Int64
        let name: String
        let faxNumber: String
    }

    let id: Int64
    let name: String
    let members: [Member]
    let hasMembers: Bool
    let candidates: [Member]
    let hasCandidates: Bool
    let notice: String?
    let error: String?
}
