import Foundation

/// A request to port existing numbers into the platform (Concord "Number Porting"), with the
/// data the losing carrier checks against its records.
public struct PortRequest: Sendable, Equatable {
    /// Where a port request is (Concord's "Tracking a Current Port").
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Being prepared by the customer; not yet sent to the porting team.
        case new
        /// Submitted with a signed LOA and a CSR; waiting for the porting team.
        case pending
        /// The porting team has sent it to the losing carrier; details are frozen.
        case inProgress = "in_progress"
        /// The carrier confirmed a firm order commitment (FOC) date.
        case scheduled
        /// The numbers are ours: in the company's inventory, able to receive.
        case completed
        /// Refused (with the reasons and the action required); the customer corrects and resubmits.
        case rejected
        /// Withdrawn; its pending numbers left the inventory.
        case cancelled

        /// What the customer reads in the list.
        public var title: String {
            switch self {
            case .new: "New"
            case .pending: "Pending"
            case .inProgress: "In progress"
            case .scheduled: "Scheduled"
            case .completed: "Completed"
            case .rejected: "Rejected"
            case .cancelled: "Cancelled"
            }
        }

        /// The customer may still change the request's details (until the port is in progress).
        public var isEditable: Bool { self == .new || self == .pending || self == .rejected }
        /// No change of state follows.
        public var isFinal: Bool { self == .completed || self == .cancelled }
    }

    /// Where the numbers are in service; the losing carrier matches it to its records.
    public struct ServiceAddress: Sendable, Equatable, Codable {
        public var street: String
        public var city: String
        public var region: String
        public var postalCode: String

        public init(street: String, city: String, region: String, postalCode: String) {
            self.street = street
            self.city = city
            self.region = region
            self.postalCode = postalCode
        }

        /// One line, as it is printed on the LOA.
        public var line: String { "\(street), \(city), \(region) \(postalCode)" }
    }

    public let id: Int64
    /// What the customer quotes to support, e.g. `PRT-7K2M9Q4X`.
    public let trackingID: String
    public let companyID: Int64
    public let accountID: Int64
    public let state: State
    public let details: PortRequestDetails
    /// The firm order commitment date (`yyyy-MM-dd`) once the carrier gave one.
    public let focDate: String?
    public let rejectionReason: String?
    public let createdAt: Date
    public let updatedAt: Date
    public let submittedAt: Date?
    public let completedAt: Date?

    static let columns = """
        p.id, p.tracking_id, p.company_id, p.account_id, p.state, p.contact_name, p.contact_email, p.contact_phone, p.country_code,
        p.btn, p.business_name, p.service_addresses_json, p.instructions, p.assign_user_id,
        DATE_FORMAT(p.foc_date, '%Y-%m-%d') AS foc_date, p.rejection_reason, p.created_at, p.updated_at, p.submitted_at, p.completed_at
        """

    init(row: SQLRow, numbers: [String]) throws {
        id = try row.get("id")
        trackingID = try row.get("tracking_id")
        companyID = try row.get("company_id")
        accountID = try row.get("account_id")
        guard let state = State(rawValue: try row.get("state")) else { throw DatabaseError(.decoding, "unknown port request state") }
        self.state = state
        let addresses = try JSONDecoder().decode([ServiceAddress].self, from: Data(try row.get("service_addresses_json", as: String.self).utf8))
        details = PortRequestDetails(
            contactName: try row.get("contact_name"), contactEmail: try row.get("contact_email"), contactPhone: try row.get("contact_phone"),
            countryCode: try row.get("country_code"), numbers: numbers, billingTelephoneNumber: try row.get("btn"),
            businessName: try row.get("business_name"), serviceAddresses: addresses, instructions: try row.optional("instructions") ?? "",
            assignToUserID: try row.optional("assign_user_id"))
        focDate = try row.optional("foc_date")
        rejectionReason = try row.optional("rejection_reason")
        createdAt = try row.get("created_at")
        updatedAt = try row.get("updated_at")
        submittedAt = try row.optional("submitted_at")
        completedAt = try row.optional("completed_at")
    }
}

/// What the customer fills in (the guided form), checked by `validated()`.
public struct PortRequestDetails: Sendable, Equatable {
    public var contactName: String
    public var contactEmail: String
    public var contactPhone: String
    /// Country calling code of the numbers, without `+` (`1` for North America).
    public var countryCode: String
    /// The numbers to port, as typed; stored in E.164.
    public var numbers: [String]
    /// Billing telephone number of the account at the losing carrier; empty means "same as the
    /// (first) number".
    public var billingTelephoneNumber: String
    /// The business name exactly as the losing carrier has it.
    public var businessName: String
    public var serviceAddresses: [PortRequest.ServiceAddress]
    public var instructions: String
    /// The user who receives on the numbers once ported; nil leaves them unassigned.
    public var assignToUserID: Int64?

    public init(contactName: String, contactEmail: String, contactPhone: String = "", countryCode: String = "1", numbers: [String],
                billingTelephoneNumber: String = "", businessName: String, serviceAddresses: [PortRequest.ServiceAddress],
                instructions: String = "", assignToUserID: Int64? = nil) {
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.contactPhone = contactPhone
        self.countryCode = countryCode
        self.numbers = numbers
        self.billingTelephoneNumber = billingTelephoneNumber
        self.businessName = businessName
        self.serviceAddresses = serviceAddresses
        self.instructions = instructions
        self.assignToUserID = assignToUserID
    }

    /// The most numbers one request may carry.
    public static let maximumNumbers = 500

    /// Trims and checks every field, normalises the numbers and the BTN to E.164, and reports
    /// every problem at once, by field, so the form can show them all.
    public func validated() throws(PortRequestError) -> PortRequestDetails {
        var problems: [PortRequestError.FieldProblem] = []
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        var v = self
        v.contactName = trimmed(contactName)
        v.contactEmail = trimmed(contactEmail).lowercased()
        v.contactPhone = trimmed(contactPhone)
        v.countryCode = trimmed(countryCode).replacingOccurrences(of: "+", with: "")
        v.businessName = trimmed(businessName)
        v.instructions = trimmed(instructions)
        if v.contactName.isEmpty || v.contactName.count > 200 { problems.append(.init(field: "contact_name", reason: "the contact needs a name of 1 to 200 characters")) }
        let at = v.contactEmail.split(separator: "@", omittingEmptySubsequences: false)
        if at.count != 2 || at[0].isEmpty || !at[1].contains(".") || v.contactEmail.count > 254 || v.contactEmail.contains(where: \.isWhitespace) {
            problems.append(.init(field: "contact_email", reason: "\"\(v.contactEmail)\" is not an e-mail address"))
        }
        if v.contactPhone.count > 40 { problems.append(.init(field: "contact_phone", reason: "the contact phone has at most 40 characters")) }
        if v.countryCode.isEmpty || v.countryCode.count > 3 || !v.countryCode.allSatisfy(\.isASCII) || !v.countryCode.allSatisfy(\.isNumber) || v.countryCode.hasPrefix("0") {
            problems.append(.init(field: "country_code", reason: "the country code is 1 to 3 digits, e.g. 1 for the US and Canada"))
        }
        var numbers: [String] = []
        let typed = self.numbers.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline }) }.map { trimmed(String($0)) }.filter { !$0.isEmpty }
        for text in typed {
            let withCountry = text.hasPrefix("+") || text.hasPrefix("00") || v.countryCode == "1" ? text : "+" + v.countryCode + text
            do {
                let number = try E164Number(parsing: withCountry).value
                if !number.hasPrefix("+" + v.countryCode) {
                    problems.append(.init(field: "numbers", reason: "\(text) is not a +\(v.countryCode) number"))
                } else if !numbers.contains(number) {
                    numbers.append(number)
                }
            } catch {
                problems.append(.init(field: "numbers", reason: "\(text): \(error.description)"))
            }
        }
        if typed.isEmpty { problems.append(.init(field: "numbers", reason: "name at least one number to port")) }
        if numbers.count > Self.maximumNumbers { problems.append(.init(field: "numbers", reason: "one request ports at most \(Self.maximumNumbers) numbers")) }
        v.numbers = numbers
        let btn = trimmed(billingTelephoneNumber)
        if btn.isEmpty || btn.lowercased() == "same" {
            v.billingTelephoneNumber = numbers.first ?? ""
        } else {
            do { v.billingTelephoneNumber = try E164Number(parsing: btn).value } catch {
                problems.append(.init(field: "btn", reason: "billing telephone number: \(error.description)"))
            }
        }
        if v.businessName.isEmpty || v.businessName.count > 200 {
            problems.append(.init(field: "business_name", reason: "the business name, exactly as on the carrier's bill, is required (at most 200 characters)"))
        }
        v.serviceAddresses = serviceAddresses.map {
            PortRequest.ServiceAddress(street: trimmed($0.street), city: trimmed($0.city), region: trimmed($0.region), postalCode: trimmed($0.postalCode))
        }.filter { !($0.street.isEmpty && $0.city.isEmpty && $0.region.isEmpty && $0.postalCode.isEmpty) }
        if v.serviceAddresses.isEmpty { problems.append(.init(field: "service_address", reason: "give the service address where the numbers are in use")) }
        for (i, a) in v.serviceAddresses.enumerated() where a.street.isEmpty || a.city.isEmpty || a.region.isEmpty || a.postalCode.isEmpty
            || a.line.count > 400 {
            problems.append(.init(field: "service_address", reason: "service address \(i + 1) needs street, city, state or region, and postal code"))
        }
        if v.serviceAddresses.count > 20 { problems.append(.init(field: "service_address", reason: "at most 20 service addresses")) }
        if v.instructions.count > 4000 { problems.append(.init(field: "instructions", reason: "special instructions have at most 4,000 characters")) }
        guard problems.isEmpty else { throw .invalid(problems) }
        return v
    }
}
