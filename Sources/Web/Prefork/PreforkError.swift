import Foundation

/// Why the prefork master or a worker could not do its job; carries the call and errno text.
enum PreforkError: Error, CustomStringConvertible {
    case socket(call: String, errno: Int32)
    case resolve(host: String, reason: String)
    case spawn(errno: Int32)
    case notReady(pid: Int32)

    var description: String {
        switch self {
        case .socket(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .resolve(let host, let reason): "cannot resolve \(host): \(reason)"
        case .spawn(let code): "cannot start a worker: \(String(cString: strerror(code)))"
        case .notReady(let pid): "worker \(pid) did not become ready"
        }
    }
}
