import Foundation
import Hummingbird
import Mustache
import PagewireCore

/// Renders a page template inside the branded layout.
///
/// Templates are loaded once at start-up from `Resources/Templates`; a page that names a
/// missing template is a programming error caught by the tests.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The templates `CompiledTemplate` reads (with every partial they use), by library name.
    /// A page whose model is a `TemplateObject` renders through these; others through `library`.
    let compiled: [String: CompiledTemplate]

    /// Loads every `Templates/<area>/<page>.mustache` once, named `<area>-<page>` (a Mustache
    /// closing tag cannot hold a slash); a template that does not parse stops start-up.
    /// swift-mustache gets each template behind `HTMLScalarEscaping.pragma`, so it escapes as
    /// `CompiledTemplate` does.
    static func load(resourcesDirectory: String) async throws -> PageRenderer {
        let root = resourcesDirectory + "/Templates/"
        HTMLScalarEscaping.register()
        var library = MustacheLibrary()
        var compiled: [String: CompiledTemplate] = [:]
        guard let files = FileManager.default.enumerator(atPath: root) else { throw PortalStartupError.noTemplates(root) }
        for case let path as String in files where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count)).replacingOccurrences(of: "/", with: "-")
            let text = try String(contentsOfFile: root + path, encoding: .utf8)
            try library.register(HTMLScalarEscaping.pragma + text, named: name)
            compiled[name] = try? CompiledTemplate(parsing: text)
        }
        guard library.getTemplate(named: "portal-layout") != nil else { throw PortalStartupError.noTemplates(root) }
        return PageRenderer(library: library, compiled: Self.complete(compiled))
    }

    /// The compiled templates whose partials (and theirs) all compiled too.
    static func complete(_ templates: [String: CompiledTemplate]) -> [String: CompiledTemplate] {
        var kept = templates
        while let broken = kept.first(where: { !$0.value.references.isSubset(of: kept.keys) })?.key {
            kept[broken] = nil
        }
        return kept
    }

    enum PortalStartupError: Error, CustomStringConvertible {
        case noTemplates(String)
        var description: String {
            switch self {
            case .noTemplates(let path): "no portal templates under \(path)"
            }
        }
    }

    /// What every page shows around its content.
    struct Layout: Sendable {
        let brandName: String
        let pageTitle: String
        let logoURL: String?
        let footerText: String
        let supportEmail: String?
        let title: String
        let signedIn: Bool
        let userName: String
        let csrf: String
        let nav: [NavItem]
    }

    struct NavItem: Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    /// The object a page template renders: `layout.*` for the frame, `page.*` for the content.
    struct View<Page>: @unchecked Sendable {
        let layout: Layout
        let page: Page
    }

    static let navigation: [(href: String, label: String)] = [
        ("/dashboard", "Dashboard"), ("/send", "Send fax"), ("/outbox", "Outbox"), ("/inbox", "Inbox"), ("/contacts", "Contacts"),
        ("/groups", "Groups"), ("/documents", "Documents"), ("/numbers", "My numbers"), ("/profile", "Profile"),
    ]

    /// Shown to users who hold an admin grant; the pages show only what their rights open.
    static let adminNavigation: [(href: String, label: String)] = [
        ("/admin", "Administration"), (EmailToFaxAdminController.path, "E-mail to fax"), ("/porting", "Porting"), ("/apps", "API apps"),
    ]

    func layout(title: String, context: PortalRequestContext, current: String?, csrf: String? = nil) -> Layout {
        let brand = context.brand
        let session = context.session
        return Layout(
            brandName: brand.name, pageTitle: brand.pageTitle, logoURL: brand.logoURL, footerText: brand.footerText,
            supportEmail: brand.supportEmail, title: title, signedIn: session != nil,
            userName: session.map { $0.user.displayName.isEmpty ? $0.user.email : $0.user.displayName } ?? "",
            csrf: csrf ?? session?.csrfToken ?? "",
            nav: session.flatMap { $0.needsSecondFactor ? nil : $0 }.map { s in
                (Self.navigation + (s.ownFaxesOnly ? [] : Self.adminNavigation)).map { NavItem(href: $0.href, label: $0.label, current: $0.href == current) }
            } ?? [])
    }

    /// An HTML response for `template` with `page` as its model.
    func render<Page>(
        _ template: String, title: String, page: Page, context: PortalRequestContext,
        current: String? = nil, status: HTTPResponse.Status = .ok, csrf: String? = nil, headers: HTTPFields = [:]
    ) throws -> Response {
        let frame = layout(title: title, context: context, current: current, csrf: csrf)
        let name = template.replacingOccurrences(of: "/", with: "-")
        let body: ByteBuffer
        if let model = page as? any TemplateObject, let compiledPage = compiled[name] {
            var buffer = ByteBufferAllocator().buffer(capacity: 16 * 1024)
            compiledPage.render(CompiledView(layout: frame, page: model), library: compiled, into: &buffer)
            body = buffer
        } else {
            guard let html = library.render(View(layout: frame, page: page), withTemplate: name) else {
                throw HTTPError(.internalServerError, message: "missing template \(template)")
            }
            body = ByteBuffer(string: html)
        }
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// The root object of a compiled page: `layout.*` and `page.*`, as `View` for swift-mustache.
    struct CompiledView: TemplateObject {
        let layout: Layout
        let page: any TemplateObject

        func templateValue(named name: String) -> TemplateValue? {
            switch name {
            case "layout": .object(layout)
            case "page": .object(page)
            default: nil
            }
        }
    }

    /// A 303 redirect (the answer to a successful form post).
    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }
}

extension PageRenderer.View: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "layout": layout
        case "page": page
        default: nil
        }
    }
}

extension PageRenderer.Layout: TemplateObject {
    func templateValue(named name: String) -> TemplateValue? {
        switch name {
        case "brandName": .text(brandName)
        case "pageTitle": .text(pageTitle)
        case "logoURL": .optional(logoURL)
        case "footerText": .text(footerText)
        case "supportEmail": .optional(supportEmail)
        case "title": .text(title)
        case "signedIn": .flag(signedIn)
        case "userName": .text(userName)
        case "csrf": .text(csrf)
        case "nav": .list(nav)
        default: nil
        }
    }
}

extension PageRenderer.NavItem: TemplateObject {
    func templateValue(named name: String) -> TemplateValue? {
        switch name {
        case "href": .text(href)
        case "label": .text(label)
        case "current": .flag(current)
        default: nil
        }
    }
}
