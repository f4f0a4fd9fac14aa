import Foundation
import PagewireCore

/// The port requests list (customer: their company's; porting team: every company below them).
struct PortingListModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let trackingID: String
        let businessName: String
        let numbers: String
        let created: String
        let foc: String
        let completed: String
        let status: String
        let statusClass: String
    }
    let rows: [Row]
    let hasRows: Bool
    let isStaff: Bool
    let canRequest: Bool
    let stateFilter: String
}

/// A label and its value, for the facts and summaries of port requests (and hidden form fields: name and value).
struct PortFact: Sendable {
    let label: String
    let value: String
}

/// The guided form, its review step, and the edit form (the same fields).
struct PortFormModel: Sendable {
    struct Address: Sendable {
        let n: Int
        let street: String
        let city: String
        let region: String
        let postalCode: String
    }
    struct UserOption: Sendable {
        let id: Int64
        let label: String
        let selected: Bool
    }
    typealias Fact = PortFact
    let action: String
    let heading: String
    let contactName: String
    let contactEmail: String
    let contactPhone: String
    let countryCode: String
    let numbers: String
    let btn: String
    let businessName: String
    let addresses: [Address]
    let instructions: String
    let users: [UserOption]
    let errors: [String]
    let hasErrors: Bool
    /// The review step: the summary and a confirm button that posts the same fields.
    let reviewing: Bool
    let summary: [Fact]
    let hiddenFields: [Fact]

    static func from(details d: PortRequestDetails, action: String, heading: String, users: [User], errors: [String] = [],
                     reviewing: Bool = false) -> PortFormModel {
        var addresses = d.serviceAddresses.enumerated().map {
            Address(n: $0.offset + 1, street: $0.element.street, city: $0.element.city, region: $0.element.region, postalCode: $0.element.postalCode)
        }
        while addresses.count < 3 { addresses.append(Address(n: addresses.count + 1, street: "", city: "", region: "", postalCode: "")) }
        let numbers = d.numbers.joined(separator: "\n")
        var summary: [Fact] = [
            Fact(label: "Contact", value: "\(d.contactName) <\(d.contactEmail)>" + (d.contactPhone.isEmpty ? "" : ", \(d.contactPhone)")),
            Fact(label: "Numbers to port", value: d.numbers.joined(separator: ", ")),
            Fact(label: "Billing telephone number", value: d.billingTelephoneNumber),
            Fact(label: "Business name", value: d.businessName),
        ]
        summary += d.serviceAddresses.enumerated().map { Fact(label: "Service address \($0.offset + 1)", value: $0.element.line) }
        if !d.instructions.isEmpty { summary.append(Fact(label: "Special instructions", value: d.instructions)) }
        if let id = d.assignToUserID, let user = users.first(where: { $0.id == id }) { summary.append(Fact(label: "Receives on the numbers", value: user.email)) }
        var hidden: [Fact] = [
            Fact(label: "contact_name", value: d.contactName), Fact(label: "contact_email", value: d.contactEmail),
            Fact(label: "contact_phone", value: d.contactPhone), Fact(label: "country_code", value: d.countryCode),
            Fact(label: "numbers", value: numbers), Fact(label: "btn", value: d.billingTelephoneNumber),
            Fact(label: "business_name", value: d.businessName), Fact(label: "instructions", value: d.instructions),
            Fact(label: "assign_user", value: d.assignToUserID.map(String.init) ?? ""),
        ]
        for a in addresses where !a.street.isEmpty {
            hidden += [Fact(label: "street_\(a.n)", value: a.street), Fact(label: "city_\(a.n)", value: a.city),
                       Fact(label: "region_\(a.n)", value: a.region), Fact(label: "postal_\(a.n)", value: a.postalCode)]
        }
        return PortFormModel(
            action: action, heading: heading, contactName: d.contactName, contactEmail: d.contactEmail, contactPhone: d.contactPhone,
            countryCode: d.countryCode, numbers: numbers, btn: d.billingTelephoneNumber, businessName: d.businessName, addresses: addresses,
            instructions: d.instructions,
            users: users.map { UserOption(id: $0.id, label: $0.displayName.isEmpty ? $0.email : "\($0.displayName) (\($0.email))", selected: $0.id == d.assignToUserID) },
            errors: errors, hasErrors: !errors.isEmpty, reviewing: reviewing, summary: summary, hiddenFields: hidden)
    }
}

/// One port request: details, documents, the LOA and its signature, notes, and the actions the
/// caller may take now.
struct PortRequestModel: Sendable {
    typealias Fact = PortFact
    struct File: Sendable {
        let documentID: Int64
        let kind: String
        let name: String
        let added: String
    }
    struct Section: Sendable {
        let heading: String
        let lines: [String]
    }
    struct Note: Sendable {
        let author: String
        let role: String
        let body: String
        let at: String
        let automatic: Bool
    }
    let id: Int64
    let trackingID: String
    let status: String
    let statusClass: String
    let facts: [Fact]
    let rejectionReason: String?
    let files: [File]
    let hasFiles: Bool
    let loa: [Section]
    let signed: String?
    let signedDocumentID: Int64?
    let termsDigest: String
    let today: String
    let missing: [String]
    let hasMissing: Bool
    let notes: [Note]
    let isStaff: Bool
    let canEdit: Bool
    let canSign: Bool
    let canSubmit: Bool
    let canCancel: Bool
    let canUpload: Bool
    let canStart: Bool
    let canSchedule: Bool
    let canComplete: Bool
    let canReject: Bool
    let notice: String?
    let error: String?
}
