// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Pagewire",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PagewireCore", targets: ["PagewireCore"]),
        .executable(name: "pagewire-web", targets: ["Web"]),
        .executable(name: "pagewire-jobs", targets: ["Jobs"]),
        .executable(name: "pagewire-telephony", targets: ["Telephony"]),
        .executable(name: "pagewire-engine-bench", targets: ["EngineBench"]),
        .executable(name: "pagewire-telephony-bench", targets: ["TelephonyBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // portal: HTTPField for headers such as Set-Cookie (already in the graph through Hummingbird)
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // STARTTLS on the e-mail-to-fax listener.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // C libraries from Debian packages: one module map each, imported privately by one wrapper.
        .systemLibrary(name: "CMariaDB", path: "Sources/CMariaDB", pkgConfig: "libmariadb"),
        .systemLibrary(name: "CArgon2", path: "Sources/CArgon2", pkgConfig: "libargon2"),
        .systemLibrary(name: "CSpanDSP", path: "Sources/CSpanDSP", pkgConfig: "spandsp"),
        .systemLibrary(name: "CMagickWand", path: "Sources/CMagickWand", pkgConfig: "MagickWand"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),

        .target(
            name: "PagewireCore",
            dependencies: [
                "CMariaDB", "CArgon2", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/PagewireCore"
        ),
        .target(
            name: "FaxEngine",
            dependencies: [
                "PagewireCore", "CSpanDSP", "CMagickWand",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/FaxEngine"
        ),
        // Drives FaxEngine for scripts/benchmarks/engine.sh; not shipped.
        .executableTarget(name: "EngineBench", dependencies: ["FaxEngine"], path: "Sources/EngineBench"),
        .executableTarget(
            name: "Web",
            dependencies: [
                "PagewireCore",
                // PDFs and images: the port request LOA, transmission reports, fax page views (issues 6, 7, 12)
                "FaxEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // portal: prefork supervisor and worker accept loop
                "CProcessShim",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/Web"
        ),
        .executableTarget(
            name: "Jobs",
            dependencies: [
                "PagewireCore", "FaxEngine", "SMTPGateway", "InboundDelivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Jobs"
        ),
        .executableTarget(
            name: "Telephony",
            dependencies: [
                "PagewireCore", "FaxEngine", "TelephonyKit", "SIP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Telephony"
        ),
        // scripts/benchmarks/vault.sh: document vault throughput against plain chunk writes (release build).
        .executableTarget(name: "VaultBench", dependencies: ["PagewireCore"], path: "Sources/VaultBench"),

        // --- portal (issue 7): prefork shim and portal tests ---
        // prctl(PR_SET_PDEATHSIG) for web workers; prctl is variadic, so it needs C.
        .target(name: "CProcessShim", path: "Sources/CProcessShim"),
        .testTarget(
            name: "PortalTests",
            dependencies: ["Web", "PagewireCore", "FaxEngine", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           // web-perf: compiled templates are checked against swift-mustache
                           .product(name: "Mustache", package: "swift-mustache")],
            path: "Tests/PortalTests",
            exclude: ["Browser"]
        ),
        // --- end portal ---
        // E-mail to fax (issue 10): GMime behind one wrapper, the SMTP listener, intake handlers.
        .systemLibrary(name: "CGMime", path: "Sources/CGMime", pkgConfig: "gmime-3.0"),
        .systemLibrary(name: "CSPF2", path: "Sources/CSPF2"),
        .target(
            name: "SMTPGateway",
            dependencies: [
                "PagewireCore", "FaxEngine", "CGMime", "CSPF2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SMTPGateway"
        ),
        // scripts/benchmarks/smtp.sh: listener acceptance against Postfix (release build).
        .executableTarget(
            name: "SMTPBench",
            dependencies: ["SMTPGateway", "PagewireCore", .product(name: "Logging", package: "swift-log")],
            path: "Sources/SMTPBench"
        ),
        .testTarget(
            name: "SMTPGatewayTests",
            dependencies: ["SMTPGateway", "PagewireCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/SMTPGatewayTests",
            exclude: ["Fixtures"]
        ),

        .testTarget(name: "PagewireCoreTests", dependencies: ["PagewireCore", .product(name: "Logging", package: "swift-log")], path: "Tests/PagewireCoreTests"),
        .testTarget(name: "FaxEngineTests", dependencies: ["FaxEngine", "PagewireCore"], path: "Tests/FaxEngineTests"),

        // Telephony (issue 5): SIP/SDP/RTP/UDPTL protocol library, the user agent and call logic
        // that pagewire-telephony and its simulator mode share, and their tests.
        .target(
            name: "SIP",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/SIP"
        ),
        .target(
            name: "TelephonyKit",
            dependencies: [
                "SIP", "FaxEngine", "PagewireCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/TelephonyKit"
        ),
        // scripts/benchmarks/telephony.sh: simultaneous real-time fax calls to the simulator (release build).
        .executableTarget(
            name: "TelephonyBench",
            dependencies: ["TelephonyKit", "FaxEngine", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Sources/TelephonyBench"
        ),
        .testTarget(name: "SIPTests", dependencies: ["SIP"], path: "Tests/SIPTests", exclude: ["Fixtures"]),
        .testTarget(
            name: "TelephonyKitTests",
            dependencies: [
                "TelephonyKit", "SIP", "FaxEngine", "PagewireCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TelephonyKitTests"
        ),
        // --- receive (issue 9): delivery of received faxes (routes, stamp, files), run by pagewire-jobs ---
        .target(
            name: "InboundDelivery",
            dependencies: ["PagewireCore", "FaxEngine", .product(name: "Logging", package: "swift-log")],
            path: "Sources/InboundDelivery"
        ),
        // --- end receive ---
        // REST API /v1 (issue 6): tests against the live HTTP server and a real MariaDB.
        .testTarget(
            name: "WebAPITests",
            dependencies: [
                "Web", "PagewireCore",
                "InboundDelivery", "FaxEngine",  // receive (issue 9): inbound delivery tests
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/WebAPITests"
        ),
    ]
)

// --- identity (issue 11): jwt-kit for API app tokens, external IdP tokens and OIDC sign-in ---
package.dependencies.append(.package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"))
for target in package.targets where ["PagewireCore", "WebAPITests", "PortalTests"].contains(target.name) {
    target.dependencies.append(.product(name: "JWTKit", package: "jwt-kit"))
}
for target in package.targets where ["WebAPITests"].contains(target.name) {
    target.dependencies.append(.product(name: "Crypto", package: "swift-crypto"))
    // the OpenID provider the tests start (django-oidc-provider)
    target.exclude.append("Fixtures")
}
// --- end identity ---
