import Foundation
import Mustache
import NIOCore
import PagewireCore
import Testing
@testable import Web

/// The compiled renderer against swift-mustache: the same templates and models give the same
/// bytes (the portal's own templates included), and its escaping holds where swift-mustache's
/// per-Character lookup did not.
@Suite("Compiled templates")
struct CompiledTemplateTests {
    /// A model given as a dictionary (both engines see it through `TemplateObject`).
    struct Fields: TemplateObject {
        let values: [String: TemplateValue]
        func templateValue(named name: String) -> TemplateValue? { values[name] }
    }

    /// Answers every name with the same text, so every section opens and every variable shows.
    struct Everything: TemplateObject {
        func templateValue(named name: String) -> TemplateValue? { .text("v<" + name + ">") }
    }

    /// Answers every name with text that tries to close an attribute with a quote carrying a
    /// combining mark (one Character, which swift-mustache's own escaping table does not hold).
    struct Hostile: TemplateObject {
        static let text = "\"\u{301} onmouseover=alert(1) x=\"\u{301}<hostile>"
        /// Fields a template shows unescaped on purpose (markup Pagewire made, such as the QR code's SVG).
        static let markupFields: Set<String> = ["qrSVG"]
        func templateValue(named name: String) -> TemplateValue? {
            if name == "layout" || name == "page" { return .object(self) }
            return .text(Self.markupFields.contains(name) ? "<svg></svg>" : Self.text)
        }
    }

    static let quoteWithMark = "\"\u{301}"
    static let escapedQuoteWithMark = "&quot;\u{301} onmouseover"

    /// Whether `html` holds `needle` scalar for scalar (String.contains compares Characters,
    /// and a quote with its combining mark is one Character).
    static func containsScalars(_ html: String, _ needle: String) -> Bool {
        let scalars = Array(html.unicodeScalars), wanted = Array(needle.unicodeScalars)
        guard scalars.count >= wanted.count else { return false }
        return (0...(scalars.count - wanted.count)).contains { scalars[$0..<($0 + wanted.count)].elementsEqual(wanted) }
    }

    static func render(_ root: any TemplateObject, _ name: String, compiled: [String: CompiledTemplate]) -> String {
        var buffer = ByteBuffer()
        compiled[name]!.render(root, library: compiled, into: &buffer)
        return String(buffer: buffer)
    }

    static func bothEngines(_ templates: [String: String], root: any TemplateObject, render name: String) throws -> (mustache: String, compiled: String) {
        var library = MustacheLibrary()
        var compiled: [String: CompiledTemplate] = [:]
        for (templateName, text) in templates {
            try library.register(text, named: templateName)
            compiled[templateName] = try CompiledTemplate(parsing: text)
        }
        return (try #require(library.render(root, withTemplate: name)), render(root, name, compiled: compiled))
    }

    @Test func standaloneLinesSectionsPartialsAndInheritanceRenderAsInSwiftMustache() throws {
        // setup: a layout with blocks, a page overriding some, a partial, nested and inverted sections
        let templates = [
            "layout": "<html>\n<title>{{title}} · {{brand.name}}</title>\n{{$head}}{{/head}}\n<body>\n{{$content}}\ndefault\n{{/content}}\n{{$footer}}\n<p>footer {{brand.name}}</p>\n{{/footer}}\n</body>\n</html>\n",
            "list": "<ul>\n{{#items}}\n<li>{{name}} of {{title}}{{#last}} (last){{/last}}</li>\n{{/items}}\n{{^items}}\n<li>none</li>\n{{/items}}\n</ul>\n",
            "page": """
                {{<layout}}
                {{$content}}
                  <h1>{{title}}</h1>
                    <p>{{ brand.name }} & {{missing}} {{count}} {{flag}}</p>
                  {{#flag}}
                  flag on
                  {{/flag}}
                {{^flag}}flag off{{/flag}}{{#brand}}[{{name}}|{{.name}}|{{title}}]{{/brand}}
                {{>list}}
                {{#empty}}never{{/empty}}{{^empty}}empty list{{/empty}}
                {{/content}}
                ignored text
                {{/layout}}

                """,
        ]
        let items: [any TemplateObject] = [Fields(values: ["name": .text("a<b")]), Fields(values: ["name": .text("c\"d"), "last": .flag(true)])]
        let root = Fields(values: [
            "title": .text("T&T's"), "brand": .object(Fields(values: ["name": .text("Brand \"X\"")])),
            "count": .number(-42), "flag": .flag(true), "items": .list(items), "empty": .list([]),
        ])
        // act
        let (mustache, compiled) = try Self.bothEngines(templates, root: root, render: "page")
        let (mustacheOff, compiledOff) = try Self.bothEngines(templates, root: Fields(values: ["flag": .flag(false)]), render: "page")
        // check
        #expect(compiled == mustache)
        #expect(compiledOff == mustacheOff)
        #expect(compiled.contains("<li>a&lt;b of T&amp;T&#39;s</li>") && compiled.contains("flag on") && compiled.contains("empty list"))
        #expect(compiledOff.contains("<li>none</li>") && compiledOff.contains("flag off"))
    }

    @Test func everyPortalTemplateThatCompilesRendersAsSwiftMustache() async throws {
        // setup
        let renderer = try await PageRenderer.load(resourcesDirectory: TestDatabase.repositoryRoot + "/Resources")
        // check: the pages served most are compiled, with the layout they extend
        for name in ["portal-layout", "portal-faxes", "portal-error"] {
            #expect(renderer.compiled[name] != nil, "\(name) should compile")
        }
        // act + check: with nothing set (inverted sections show) and with everything set (sections show)
        for name in renderer.compiled.keys.sorted() {
            for root in [Fields(values: [:]) as any TemplateObject, Everything(), Hostile()] {
                let expected = try #require(renderer.library.render(root, withTemplate: name))
                #expect(Self.render(root, name, compiled: renderer.compiled) == expected, "\(name)")
            }
        }
    }

    @Test func outboxAndInboxPagesRenderAsSwiftMustache() async throws {
        // setup: hostile text in every field a user or a remote party can influence
        let renderer = try await PageRenderer.load(resourcesDirectory: TestDatabase.repositoryRoot + "/Resources")
        let layout = PageRenderer.Layout(
            brandName: "Acme <Fax> & \"Co\"", pageTitle: "Acme's portal", logoURL: "https://cdn.example/logo.png?a=1&b='2'",
            footerText: "© 2026 Acme – <b>fax</b>", supportEmail: "help@acme.example", title: "Outbox", signedIn: true,
            userName: "O'Brien <script>alert(1)</script>", csrf: "c5rf-t0ken_x",
            nav: PageRenderer.navigation.map { PageRenderer.NavItem(href: $0.href, label: $0.label, current: $0.href == "/outbox") })
        func rows(_ outbound: Bool) -> [FaxListModel.Row] {
            (0..<7).map { i in
                FaxListModel.Row(
                    id: Int64(1_000_000 - i), number: i == 3 ? "+1 206\"><script>x</script>" : "+1206555\(1000 + i)", state: "partially delivered",
                    result: i % 2 == 0 ? "Busy" : "", pages: "\(i)/5", attempts: i, when: "2026-03-0\(i + 1) 12:0\(i)",
                    cancellable: i % 3 == 0, selectable: true, final: i % 2 == 0)
            }
        }
        func model(_ outbound: Bool, rows: [FaxListModel.Row], notice: String?, next: String?, newest: String?) -> FaxListModel {
            let groups = FaxListModel.statusGroups(outbound: outbound)
            return FaxListModel(
                heading: outbound ? "Outbox" : "Inbox", path: outbound ? "/outbox" : "/inbox", isOutbox: outbound,
                from: "2026-03-01", to: "\"><b>", number: "+1&2",
                statuses: [FaxListModel.Option(value: "", label: "Any status", selected: false)]
                    + groups.map { FaxListModel.Option(value: $0.value, label: $0.label, selected: $0.value == "failed") },
                rows: rows, hasRows: !rows.isEmpty, nextURL: next, newestURL: newest, notice: notice)
        }
        let pages = [
            model(true, rows: rows(true), notice: "3 fax(es) cancelled.", next: "/outbox?from=2026-03-01&before=999994", newest: "/outbox?from=x"),
            model(false, rows: rows(false), notice: nil, next: nil, newest: nil),
            model(true, rows: [], notice: "<i>none</i>", next: nil, newest: "/outbox"),
        ]
        for page in pages {
            // act
            let expected = try #require(renderer.library.render(PageRenderer.View(layout: layout, page: page), withTemplate: "portal-faxes"))
            let compiled = Self.render(PageRenderer.CompiledView(layout: layout, page: page), "portal-faxes", compiled: renderer.compiled)
            // check
            #expect(compiled == expected)
            #expect(!compiled.contains("<script>") && compiled.contains("O&#39;Brien &lt;script&gt;"))
        }
    }

    @Test func escapingCoversQuotesFollowedByCombiningMarks() throws {
        // setup: a quote with a combining accent is one Character, which swift-mustache's
        // per-Character table did not escape (an attribute could be closed with it)
        let root = Fields(values: ["v": .text("\"\u{301} onmouseover=alert(1) x=\"\u{301}&\u{301}<\u{301}'\u{301}")])
        // act
        let compiled = Self.render(root, "t", compiled: ["t": try CompiledTemplate(parsing: "<a title=\"{{v}}\">")])
        // check
        #expect(compiled == "<a title=\"&quot;\u{301} onmouseover=alert(1) x=&quot;\u{301}&amp;\u{301}&lt;\u{301}&#39;\u{301}\">")
    }

    @Test func everyPortalTemplateEscapesAQuoteFollowedByACombiningMarkInBothEngines() async throws {
        // setup: every template, including the pages swift-mustache still renders
        let root = TestDatabase.repositoryRoot + "/Resources/Templates/"
        let renderer = try await PageRenderer.load(resourcesDirectory: TestDatabase.repositoryRoot + "/Resources")
        let names = try #require(FileManager.default.enumerator(atPath: root)?.allObjects as? [String])
            .filter { $0.hasSuffix(".mustache") }
            .map { String($0.dropLast(".mustache".count)).replacingOccurrences(of: "/", with: "-") }
        try #require(names.count > renderer.compiled.count)
        var checked = 0
        for name in names.sorted() {
            // act
            let html = try #require(renderer.library.render(Hostile(), withTemplate: name), "\(name)")
            // check
            let rawQuote = Self.containsScalars(html, Self.quoteWithMark)
            let rawTag = Self.containsScalars(html, "<hostile>")
            #expect(!rawQuote, "\(name) let a quote with a combining mark through")
            #expect(!rawTag, "\(name)")
            if Self.containsScalars(html, Self.escapedQuoteWithMark) { checked += 1 }
        }
        // Most pages show at least one value (the layout's title); they are the ones checked.
        #expect(checked > names.count / 2)
        // The pragma line that selects the escaping leaves no trace in a page.
        let plain = try #require(renderer.library.render(Fields(values: [:]), withTemplate: "portal-layout"))
        #expect(!plain.contains("CONTENT_TYPE"))
    }

    @Test func templatesWithFeaturesItDoesNotReadAreRefusedAndLeftToSwiftMustache() throws {
        // setup
        let unsupported = ["{{{raw}}}", "{{&raw}}", "{{! comment }}", "{{=<% %>=}}", "  {{>indented}}\n", "{{>*dynamic}}",
                           "{{uppercased(name)}}", "{{#open}}never closed", "{{/stray}}", "a\r\nb"]
        // act + check
        for text in unsupported {
            #expect(throws: CompiledTemplate.Unsupported.self, "\(text)") { try CompiledTemplate(parsing: text) }
        }
        // a page whose partial cannot be compiled is not compiled either
        let kept = PageRenderer.complete([
            "a": try CompiledTemplate(parsing: "{{>b}}"), "c": try CompiledTemplate(parsing: "{{<a}}{{/a}}"), "d": try CompiledTemplate(parsing: "x"),
        ])
        #expect(Set(kept.keys) == ["d"])
    }
}
