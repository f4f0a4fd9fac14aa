extension Account {
    /// An account read from columns of a wider query (the session lookup joins it in).
    init(id: Int64, parentID: Int64?, kind: AccountKind, name: String, path: String, companyID: Int64?, status: String) {
        self.id = id
        self.parentID = parentID
        self.kind = kind
        self.name = name
        self.path = path
        self.companyID = companyID
        self.status = status
    }
}
