import Foundation

/// A private, initially empty directory for one rendering step; removed afterwards.
struct Workspace {
    let directory: URL

    init() throws(RenderError) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-render-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .failed("cannot create a working directory")
        }
    }

    func copyIn(_ source: URL, as name: String) throws(RenderError) -> URL {
        let destination = directory.appendingPathComponent(name)
        do {
            try FileManager.default.copyItem(at: source, to: destination)
        } catch {
            throw .damaged("the file could not be read")
        }
        return destination
    }

    func write(_ data: Data, as name: String) throws(RenderError) -> URL {
        let destination = directory.appendingPathComponent(name)
        do { try data.write(to: destination) } catch { throw .failed("cannot write \(name)") }
        return destination
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
