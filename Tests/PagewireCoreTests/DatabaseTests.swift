import Foundation
import PagewireCore
import Testing

@Suite("Database")
struct DatabaseTests {
    @Test func roundTripsEveryValueType() async throws {
        try await TestDatabase.with(migrate: false) { test in
        // setup
        try await test.database.withConnection { c in
            try c.run("""
                CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, i BIGINT NULL, u BIGINT UNSIGNED NULL,
                d DOUBLE NULL, s VARCHAR(100) NULL, b LONGBLOB NULL, at DATETIME(6) NULL, txt TEXT NULL)
                """)
        }
        let when = Date(timeIntervalSince1970: 1_763_000_000.123456)
        let blob: [UInt8] = (0..<300_000).map { UInt8($0 % 251) }
        // act
        let inserted = try await test.database.execute(
            "INSERT INTO t (i, u, d, s, b, at, txt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            Int64(-42), UInt64.max, 2.5, "Grüße ☎︎", blob, when, String?.none)
        let rows = try await test.database.query("SELECT * FROM t WHERE id = ?", Int64(inserted.lastInsertID))
        // check
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(try row.get("i", as: Int.self) == -42)
        #expect(try row.get("u", as: UInt64.self) == UInt64.max)
        #expect(try row.get("d", as: Double.self) == 2.5)
        #expect(try row.get("s", as: String.self) == "Grüße ☎︎")
        #expect(try row.get("b", as: [UInt8].self) == blob)
        #expect(abs(try row.get("at", as: Date.self).timeIntervalSince(when)) < 0.000_002)
        #expect(try row.optional("txt", as: String.self) == nil)
        #expect(throws: DatabaseError.self) { try row.get("txt", as: String.self) }
        #expect(throws: DatabaseError.self) { try row.get("missing", as: String.self) }
        }
    }
}
