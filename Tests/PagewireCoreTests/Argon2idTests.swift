import PagewireCore
import Testing

@Suite("Argon2id")
struct Argon2idTests {
    @Test func hashesVerifyAndRecordTheirParameters() throws {
        let hash = try Argon2id.hash(password: "correct horse", parameters: .testing)
        #expect(hash.hasPrefix("$argon2id$v=19$m=256,t=1,p=1$"))
        #expect(Argon2id.verify(password: "correct horse", hash: hash))
        #expect(!Argon2id.verify(password: "correct hors", hash: hash))
        #expect(Argon2id.parameters(of: hash) == .testing)
        // Two hashes of one password differ by their salt.
        #expect(try Argon2id.hash(password: "correct horse", parameters: .testing) != hash)
    }

    @Test func refusesMalformedHashes() {
        for bad in ["", "$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$garbage", "plain"] {
            #expect(!Argon2id.verify(password: "x", hash: bad))
        }
    }

    @Test func derivesStableKeys() throws {
        let salt = Array("0123456789abcdef".utf8)
        let a = try Argon2id.derive(password: Array("pw".utf8), salt: salt, parameters: .testing)
        let b = try Argon2id.derive(password: Array("pw".utf8), salt: salt, parameters: .testing)
        let c = try Argon2id.derive(password: Array("pX".utf8), salt: salt, parameters: .testing)
        #expect(a == b && a.count == 32 && a != c)
        #expect(throws: Argon2id.Failure.self) { try Argon2id.derive(password: [], salt: [1, 2], parameters: .testing) }
    }
}
