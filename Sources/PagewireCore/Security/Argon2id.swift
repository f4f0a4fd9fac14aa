private import CArgon2
import Crypto
import Foundation

/// Argon2id from the reference implementation (Debian `libargon2`), for password hashes and for
/// deriving key-wrapping keys from passwords. The only file that sees libargon2.
public enum Argon2id {
    /// Cost parameters, stored with every hash (in its PHC string) so they can be raised later.
    public struct Parameters: Sendable, Equatable {
        /// Passes over memory.
        public var iterations: UInt32
        /// Memory in KiB.
        public var memoryKiB: UInt32
        public var parallelism: UInt32

        public init(iterations: UInt32, memoryKiB: UInt32, parallelism: UInt32) {
            self.iterations = iterations
            self.memoryKiB = memoryKiB
            self.parallelism = parallelism
        }

        /// OWASP's first Argon2id recommendation: 19 MiB, 2 passes, 1 lane.
        public static let interactive = Parameters(iterations: 2, memoryKiB: 19_456, parallelism: 1)
        /// Cheap parameters for tests and benchmarks that create many users; never for production.
        public static let testing = Parameters(iterations: 1, memoryKiB: 256, parallelism: 1)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The raw Argon2id output for `password` and `salt`, `length` bytes long.
    public static func derive(password: [UInt8], salt: [UInt8], parameters: Parameters, length: Int = 32) throws(Failure) -> [UInt8] {
        guard salt.count >= 8 else { throw Failure(description: "Argon2id salt must be at least 8 bytes") }
        var output = [UInt8](repeating: 0, count: length)
        let status = password.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { s in
                output.withUnsafeMutableBytes { out in
                    argon2id_hash_raw(
                        parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                        pwd.baseAddress, pwd.count, s.baseAddress, s.count, out.baseAddress, out.count)
                }
            }
        }
        guard status == Int32(ARGON2_OK.rawValue) else {
            throw Failure(description: "Argon2id failed: " + String(cString: argon2_error_message(status)))
        }
        return output
    }

    /// A PHC-format hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password` with a fresh salt.
    public static func hash(password: String, parameters: Parameters = .interactive) throws(Failure) -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let encodedLength = 128
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let bytes = Array(password.utf8)
        let status = bytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { s in
                argon2id_hash_encoded(
                    parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                    pwd.baseAddress, pwd.count, s.baseAddress, s.count, 32, &encoded, encodedLength)
            }
        }
        guard status == Int32(ARGON2_OK.rawValue) else {
            throw Failure(description: "Argon2id failed: " + String(cString: argon2_error_message(status)))
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches a PHC-format Argon2id hash; a malformed hash never matches.
    public static func verify(password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$argon2id$") else { return false }
        let bytes = Array(password.utf8)
        return bytes.withUnsafeBytes { pwd in
            argon2id_verify(hash, pwd.baseAddress, pwd.count) == Int32(ARGON2_OK.rawValue)
        }
    }

    /// The parameters recorded in a PHC-format hash, to tell whether it should be re-hashed.
    public static func parameters(of hash: String) -> Parameters? {
        let parts = hash.split(separator: "$")
        guard parts.count >= 4, parts[0] == "argon2id" else { return nil }
        var m: UInt32?, t: UInt32?, p: UInt32?
        for pair in parts[2].split(separator: ",") {
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let v = UInt32(kv[1]) else { return nil }
            switch kv[0] { case "m": m = v; case "t": t = v; case "p": p = v; default: return nil }
        }
        guard let m, let t, let p else { return nil }
        return Parameters(iterations: t, memoryKiB: m, parallelism: p)
    }
}
