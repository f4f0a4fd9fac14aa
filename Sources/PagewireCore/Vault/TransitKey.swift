import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The platform transit keys, read from a key file outside the database.
///
/// While the system itself must read a document (rendering, sending, retries, delivery, and
/// always in managed mode) a second copy of the document key is wrapped with the current
/// transit key. The file holds one line per key, `key <id> <base64>`; the last line is the
/// current key, the others stay so copies wrapped with them keep opening during a rotation.
/// The file must be readable by its owner only (0600) and is never stored in the database.
public final class TransitKeyring: Sendable {
    /// The key file this keyring was read from.
    public let path: String
    private let state: Mutex<Keys>

    struct Keys: Sendable {
        var byID: [String: SymmetricKey]
        var currentID: String
    }

    private init(path: String, keys: Keys) {
        self.path = path
        self.state = Mutex(keys)
    }

    /// Reads the key file at `path`, creating it (directory 0700, file 0600) with one fresh key
    /// when it does not exist. `scripts/run` reaches this through `pagewire-jobs`' start-up.
    public static func loadOrCreate(path: String) throws(VaultError) -> TransitKeyring {
        if !FileManager.default.fileExists(atPath: path) {
            try write(path: path, lines: [line(id: newID(), key: SymmetricKey(size: .bits256))], replacing: false)
        }
        return TransitKeyring(path: path, keys: try read(path: path))
    }

    /// The id and key new transit copies are wrapped with.
    var current: (id: String, key: SymmetricKey) {
        state.withLock { ($0.currentID, $0.byID[$0.currentID]!) }
    }

    /// The id of the current key.
    public var currentKeyID: String { state.withLock { $0.currentID } }

    /// The ids of every key in the file.
    public var keyIDs: Set<String> { state.withLock { Set($0.byID.keys) } }

    /// The key named `id`, re-reading the file once when it is unknown (another host rotated).
    func key(id: String) throws(VaultError) -> SymmetricKey {
        if let key = state.withLock({ $0.byID[id] }) { return key }
        try reload()
        guard let key = state.withLock({ $0.byID[id] }) else { throw .unknownTransitKey(keyID: id) }
        return key
    }

    /// Re-reads the key file (after a rotation by another process).
    public func reload() throws(VaultError) {
        let keys = try Self.read(path: path)
        state.withLock { $0 = keys }
    }

    /// Appends a fresh key that becomes current; older keys stay until `retire` removes them.
    /// Returns the new key's id. Other processes pick it up on their next `reload`.
    @discardableResult
    public func rotate() throws(VaultError) -> String {
        let existing = try Self.readLines(path: path)
        let id = Self.newID()
        try Self.write(path: path, lines: existing + [Self.line(id: id, key: SymmetricKey(size: .bits256))], replacing: true)
        try reload()
        return id
    }

    /// Removes every key except the current one and those in `keep` (ids still referenced by
    /// transit copies; see `DocumentStore.transitKeyIDsInUse`).
    public func retire(keeping keep: Set<String>) throws(VaultError) {
        let current = currentKeyID
        let kept = try Self.readLines(path: path).filter { line in
            guard let id = Self.parse(line)?.id else { return false }
            return id == current || keep.contains(id)
        }
        try Self.write(path: path, lines: kept, replacing: true)
        try reload()
    }

    // MARK: - File format

    private static func newID() -> String {
        VaultCipher.randomBytes(8).map { String(format: "%02x", $0) }.joined()
    }

    private static func line(id: String, key: SymmetricKey) -> String {
        "key \(id) " + Data(VaultCipher.bytes(of: key)).base64EncodedString()
    }

    private static func parse(_ line: String) -> (id: String, key: SymmetricKey)? {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "key", let data = Data(base64Encoded: String(parts[2])), data.count == 32 else { return nil }
        return (String(parts[1]), SymmetricKey(data: data))
    }

    private static func readLines(path: String) throws(VaultError) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .transitKeyFile(path: path, reason: "cannot be read") }
        guard info.st_mode & 0o077 == 0 else {
            throw .transitKeyFile(path: path, reason: "must be readable by its owner only (chmod 600)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .transitKeyFile(path: path, reason: "cannot be read")
        }
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
    }

    private static func read(path: String) throws(VaultError) -> Keys {
        var byID: [String: SymmetricKey] = [:]
        var currentID: String?
        for (number, line) in try readLines(path: path).enumerated() {
            guard let (id, key) = parse(line) else {
                throw .transitKeyFile(path: path, reason: "line \(number + 1) is not `key <id> <base64 of 32 bytes>`")
            }
            byID[id] = key
            currentID = id
        }
        guard let currentID else { throw .transitKeyFile(path: path, reason: "holds no key") }
        return Keys(byID: byID, currentID: currentID)
    }

    /// Writes through a temporary file created 0600 and renamed over the old one, so a reader
    /// never sees half a file and the key never exists with looser permissions.
    private static func write(path: String, lines: [String], replacing: Bool) throws(VaultError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .transitKeyFile(path: path, reason: "its directory cannot be created")
            }
        }
        let temporary = path + ".tmp-\(getpid())"
        let text = "# Pagewire platform transit keys. Keep outside the database and its backups.\n"
            + lines.joined(separator: "\n") + "\n"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0o600)
        guard fd >= 0 else { throw .transitKeyFile(path: path, reason: "cannot create \(temporary)") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(temporary)
            throw .transitKeyFile(path: path, reason: "cannot be written")
        }
        if !replacing {
            // link() refuses an existing path: when another process created the file first,
            // keep theirs so every process shares one key.
            let linked = link(temporary, path) == 0 || errno == EEXIST
            unlink(temporary)
            guard linked else { throw .transitKeyFile(path: path, reason: "cannot be created") }
            return
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .transitKeyFile(path: path, reason: "cannot be replaced")
        }
    }
}
