import Mustache

/// What a compiled template can show or walk into: text, numbers, flags, objects and lists,
/// reached without reflection or dynamic casts (which dominated the outbox's rendering cost).
enum TemplateValue {
    case text(String)
    case number(Int)
    case flag(Bool)
    case object(any TemplateObject)
    case list([any TemplateObject])

    /// `text` for a present string, nil for an absent one (Mustache then looks further up the stack).
    static func optional(_ text: String?) -> TemplateValue? {
        text.map { .text($0) }
    }
}

/// A view model whose fields a template names. The same lookup serves `CompiledTemplate` and,
/// through `MustacheParent`, swift-mustache (pages not yet on the compiled path, and the
/// equivalence tests), so both engines see the same values.
protocol TemplateObject: MustacheParent {
    /// The field `name`, or nil when the object has none (or it is absent).
    func templateValue(named name: String) -> TemplateValue?
}

extension TemplateObject {
    func child(named name: String) -> Any? {
        switch templateValue(named: name) {
        case nil: nil
        case .text(let text): text
        case .number(let number): number
        case .flag(let flag): flag
        case .object(let object): object
        case .list(let list): list
        }
    }
}
