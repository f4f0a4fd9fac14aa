import Foundation

/// One of the up to three people the provider contacts when something needs the customer's
/// attention (the guide's Contacts tab). Inherited like every setting: a department without its
/// own list shows its company's.
public struct EmergencyContact: Codable, Sendable, Equatable {
    public var name: String
    public var email: String
    /// E.164 (`+12065550100`) once stored.
    public var phone: String
    /// What the contact is for ("Primary", "Technical", "Billing"); may be empty.
    public var role: String

    /// A contact; `normalized()` trims it and puts the phone number in E.164 form.
    public init(name: String, email: String, phone: String, role: String = "") {
        self.name = name
        self.email = email
        self.phone = phone
        self.role = role
    }

    /// At most this many contacts per level.
    public static let maximum = 3

    /// The contact trimmed, with its phone number in E.164 form when it parses.
    public func normalized() -> EmergencyContact {
        let phone = self.phone.trimmingCharacters(in: .whitespaces)
        return EmergencyContact(
            name: name.trimmingCharacters(in: .whitespacesAndNewlines), email: email.trimmingCharacters(in: .whitespaces),
            phone: (try? E164Number(parsing: phone).value) ?? phone, role: role.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Why the contact cannot be stored, or nil.
    public var problem: String? {
        let label = name.isEmpty ? "an emergency contact" : "emergency contact \(name)"
        if name.isEmpty || name.count > 100 || name.contains(where: \.isNewline) { return "an emergency contact needs a name of 1 to 100 characters" }
        if !InboundAddress.isPlausible(email) { return "\(label): \(email.isEmpty ? "an e-mail address is required" : "\(email) is not an e-mail address")" }
        if phone.isEmpty { return "\(label): a phone number is required" }
        do { _ = try E164Number(parsing: phone) } catch { return "\(label): \(phone) is not a phone number (\(error.description))" }
        if role.count > 100 || role.contains(where: \.isNewline) { return "\(label): the role has at most 100 characters" }
        return nil
    }
}

extension Settings {
    /// The level's emergency contacts (at most three).
    public static let emergencyContacts = SettingKey("contacts.emergency", default: [EmergencyContact]()) { list in
        if list.count > EmergencyContact.maximum { return "at most three emergency contacts (\(list.count) given)" }
        return list.lazy.compactMap(\.problem).first
    }
}
