/// The contacts page: search, the list, the add form, and the report of the last CSV import.
struct ContactsModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let name: String
        let faxNumber: String
        let email: String
        let company: String
    }
    struct Problem: Sendable {
        let line: Int
        let reason: String
    }

    let search: String
    let rows: [Row]
    let hasRows: Bool
    let notice: String?
    let error: String?
    let hasReport: Bool
    let imported: Int
    let problems: [Problem]
    let hasProblems: Bool
}

/// One contact.
struct ContactModel: Sendable {
    struct Field: Sendable {
        let label: String
        let value: String
    }
    let id: Int64
    let name: String
    let fields: [Field]
    let faxNumber: String
}
