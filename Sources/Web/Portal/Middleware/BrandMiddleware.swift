import Foundation
import Hummingbird
import PagewireCore
import Synchronization

/// Picks the brand from the request's host (cached for a short while per worker process).
struct BrandMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let cache: BrandCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let host = request.head.authority ?? ""
        context.brand = try await cache.brand(forHost: host)
        return try await next(request, context)
    }
}

/// Host → brand, read from MariaDB and kept for `lifetime` so a brand change shows within it.
final class BrandCache: Sendable {
    let repository: BrandRepository
    let lifetime: Duration
    private let entries = Mutex<[String: (brand: Brand, until: ContinuousClock.Instant)]>([:])

    init(repository: BrandRepository, lifetime: Duration = .seconds(10)) {
        self.repository = repository
        self.lifetime = lifetime
    }

    func brand(forHost host: String) async throws -> Brand {
        let key = BrandRepository.normalize(host)
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[key] }), hit.until > now { return hit.brand }
        let brand = try await repository.brand(forHost: key)
        entries.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = (brand, now + lifetime)
        }
        return brand
    }
}
