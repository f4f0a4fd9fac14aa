import Foundation

/// What a company may pick from when it asks for new numbers (Concord "Request Inventory"):
/// first a state or region, then an area code with its city, then the numbers themselves.
extension NumberRepository {
    /// One area code on offer in a region, with its city and how many numbers are free.
    public struct AreaCodeOffer: Sendable, Equatable {
        public let areaCode: String
        public let city: String
        public let available: Int

        public init(areaCode: String, city: String, available: Int) {
            self.areaCode = areaCode
            self.city = city
            self.available = available
        }
    }

    /// The regions (states, provinces) with free numbers in the company's pools, with their counts.
    public func regions(forCompany companyID: Int64, scope: AccountScope) async throws -> [(region: String, available: Int)] {
        try await database.withConnection { c in
            let pools = try Self.pools(c, companyID, scope)
            guard !pools.isEmpty else { return [] }
            return try c.query(
                """
                SELECT COALESCE(n.region, '') AS region, COUNT(*) AS k FROM numbers n
                WHERE n.state = 'available' AND n.pool_account_id IN (\(pools.map { _ in "?" }.joined(separator: ", ")))
                GROUP BY COALESCE(n.region, '') ORDER BY region
                """, pools.map { $0 as any SQLEncodable }
            ).map { (try $0.get("region"), try $0.get("k")) }
        }
    }

    /// The area codes with free numbers in `region` of the company's pools, each with its city
    /// (the most common one given for its numbers) and count.
    public func areaCodes(forCompany companyID: Int64, region: String, scope: AccountScope) async throws -> [AreaCodeOffer] {
        try await database.withConnection { c in
            let pools = try Self.pools(c, companyID, scope)
            guard !pools.isEmpty else { return [] }
            let rows = try c.query(
                """
                SELECT COALESCE(n.area_code, '') AS area_code, COALESCE(n.city, '') AS city, COUNT(*) AS k FROM numbers n
                WHERE n.state = 'available' AND COALESCE(n.region, '') = ? AND n.pool_account_id IN (\(pools.map { _ in "?" }.joined(separator: ", ")))
                GROUP BY COALESCE(n.area_code, ''), COALESCE(n.city, '') ORDER BY area_code, k DESC
                """, [region as any SQLEncodable] + pools.map { $0 as any SQLEncodable })
            var offers: [AreaCodeOffer] = []
            for row in rows {
                let code: String = try row.get("area_code"), city: String = try row.get("city"), count: Int = try row.get("k")
                if let last = offers.last, last.areaCode == code {
                    offers[offers.count - 1] = AreaCodeOffer(areaCode: code, city: last.city, available: last.available + count)
                } else {
                    offers.append(AreaCodeOffer(areaCode: code, city: city, available: count))
                }
            }
            return offers
        }
    }

    /// The reseller and platform nodes above a company inside `scope`, whose pools it takes from.
    private static func pools(_ c: DatabaseConnection, _ companyID: Int64, _ scope: AccountScope) throws -> [Int64] {
        guard let company = try AccountRepository.fetch(c, id: companyID, scope: scope), company.kind == .company else { throw NumberError.notFound }
        return Array(company.ancestry.dropLast())
    }
}
