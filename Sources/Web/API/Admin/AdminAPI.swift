import Hummingbird
import PagewireCore

/// The administration resources of `/v1` (accounts and settings, users and admins, numbers and pools, trunks); every route is checked by `AdminAuthorizer`.
enum AdminAPI {
    static func addRoutes(to api: RouterGroup<APIRequestContext>, database: Database, transit: TransitKeyring) {
        let routes = AdminAPIRoutes(group: api, authorizer: AdminAuthorizer(database: database))
        AccountsAPIController(database: database).addRoutes(to: routes)
        UsersAPIController(database: database).addRoutes(to: routes)
        AdminsAPIController(database: database).addRoutes(to: routes)
        TrunksAPIController(database: database, transit: transit).addRoutes(to: routes)
        NumbersAPIController(database: database).addRoutes(to: routes)
        UsageReportAPIController(database: database).addRoutes(to: routes)
        DeliveryAPIController(delivery: DeliverySettings(database: database, transit: transit)).addRoutes(to: routes)
        SecurityPolicyAPIController(database: database).addRoutes(to: routes)
        EmergencyContactsAPIController(database: database).addRoutes(to: routes)
        StampAPIController(database: database).addRoutes(to: routes)
        let coverPages = CoverPagesAPIController(database: database)
        coverPages.addRoutes(to: routes)
        coverPages.addUserRoutes(to: api)
    }
}
