import Foundation

extension Settings {
    /// The most numbers a company may hold (its maximum inventory); requests beyond it are refused.
    public static let maximumNumberInventory = SettingKey("numbers.maximum_inventory", default: 25) { n in
        (0...100_000).contains(n) ? nil : "the maximum inventory is 0 to 100,000 numbers"
    }
}

extension NumberRepository {
    /// What a pool import did: numbers added, and every refused line with its reason.
    public struct PoolImportReport: Sendable, Equatable {
        /// Numbers added to the pool.
        public var imported: Int
        /// Lines not imported, with the reason.
        public var problems: [CSVProblem]
    }

    /// A refused line of an import.
    public struct CSVProblem: Sendable, Equatable {
        /// The line of the file (1 is the header).
        public let line: Int
        /// Why it was refused.
        public let reason: String
    }

    /// Loads numbers into the pool of `poolAccountID` from CSV (first line names the columns:
    /// `number` and optionally `region` and `city`); good lines are added, bad ones reported by line.
    public func importPool(csv text: String, poolAccountID: Int64, scope: AccountScope, maxRows: Int = 10_000, now: Date = Date()) async throws -> PoolImportReport {
        let records: [CSVTable.Record]
        do { records = try CSVTable.parse(text) } catch { return PoolImportReport(imported: 0, problems: [CSVProblem(line: error.line, reason: error.reason)]) }
        guard let header = records.first else { return PoolImportReport(imported: 0, problems: [CSVProblem(line: 1, reason: "the file is empty")]) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let numberColumn = names.firstIndex(where: { ["number", "e164", "did", "fax", "fax_number"].contains($0) }) else {
            return PoolImportReport(imported: 0, problems: [CSVProblem(line: header.line, reason: "the first line must name the columns, one of them number")])
        }
        let regionColumn = names.firstIndex(where: { ["region", "state"].contains($0) }), cityColumn = names.firstIndex(of: "city")
        var report = PoolImportReport(imported: 0, problems: [])
        for record in records.dropFirst() {
            if report.imported + report.problems.count >= maxRows {
                report.problems.append(CSVProblem(line: record.line, reason: "more than \(maxRows) rows; the rest was not read"))
                break
            }
            func field(_ i: Int?) -> String? {
                guard let i, i < record.fields.count else { return nil }
                let v = record.fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            guard let number = field(numberColumn) else {
                if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
                report.problems.append(CSVProblem(line: record.line, reason: "no number"))
                continue
            }
            do {
                try await addToPool([number], poolAccountID: poolAccountID, region: field(regionColumn), city: field(cityColumn), scope: scope, now: now)
                report.imported += 1
            } catch NumberError.notFound {
                throw NumberError.notFound
            } catch let error as NumberError {
                report.problems.append(CSVProblem(line: record.line, reason: error.description))
            }
        }
        return report
    }

    /// Takes `quantity` available numbers of the company's pools in `areaCode` (and `region`, when
    /// given) into its inventory, refusing to go over `maximumInventory`; returns what it took.
    @discardableResult
    public func request(quantity: Int, areaCode: String?, region: String?, forCompany companyID: Int64, maximumInventory: Int,
                        scope: AccountScope, now: Date = Date()) async throws -> [FaxNumber] {
        guard (1...100).contains(quantity) else { throw NumberError.invalid("request 1 to 100 numbers at a time") }
        // The maximum first: "you are at your maximum" is the answer that helps, not "none free".
        let holding: Int = try await database.query(
            "SELECT COUNT(*) AS k FROM numbers n JOIN accounts a ON a.id = n.account_id WHERE a.company_id = ?", companyID)[0].get("k")
        guard holding + quantity <= maximumInventory else { throw NumberError.inventoryFull(maximum: maximumInventory, holding: holding) }
        let candidates = try await available(forCompany: companyID, areaCode: areaCode, scope: scope, limit: region == nil ? quantity : 1_000)
            .filter { region == nil || $0.region?.lowercased() == region?.lowercased() }
        guard candidates.count >= quantity else {
            throw NumberError.invalid("only \(candidates.count) number(s) are free for that choice; ask for fewer or another area code")
        }
        return try await take(candidates.prefix(quantity).map(\.id), forCompany: companyID, maximumInventory: maximumInventory, scope: scope, now: now)
    }

    /// Free, held and pending numbers of a pool, per area code, for the operator's or reseller's view.
    public func poolSummary(of poolAccountID: Int64, scope: AccountScope) async throws -> [(areaCode: String, free: Int, assigned: Int, pending: Int)] {
        let numbers = try await pool(of: poolAccountID, scope: scope)
        var order: [String] = []
        var counts: [String: (Int, Int, Int)] = [:]
        for n in numbers {
            let area = n.areaCode ?? String(n.e164.prefix(3))
            if counts[area] == nil { order.append(area); counts[area] = (0, 0, 0) }
            switch n.state {
            case .available: counts[area]!.0 += 1
            case .unassigned, .assigned: counts[area]!.1 += 1
            case .pendingPort: counts[area]!.2 += 1
            }
        }
        return order.map { (areaCode: $0, free: counts[$0]!.0, assigned: counts[$0]!.1, pending: counts[$0]!.2) }
    }
}
