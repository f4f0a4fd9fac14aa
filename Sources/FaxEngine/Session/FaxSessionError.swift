import Foundation

/// Why a `FaxSession` could not be created.
public enum FaxSessionError: Error, Sendable {
    /// The TIFF to send cannot be sent as it is (the reason says why).
    case unreadableDocument(URL, FaxDocumentError)
    /// SpanDSP could not allocate its state.
    case initialisationFailed
}
