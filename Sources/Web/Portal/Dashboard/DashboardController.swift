import Hummingbird
import PagewireCore

/// `/dashboard`.
struct DashboardController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/dashboard") { _, context in
            let session = try context.requireSession()
            let format = try await DisplayFormat.forUser(session, settings: SettingsRepository(database: database))
            let model = try await DashboardModel.query(session: session, database: database, format: format)
            return try renderer.render("portal/dashboard", title: "Dashboard", page: model, context: context, current: "/dashboard")
        }
    }
}
