import Conveyor
public import Foundation
public import Hummingbird
import Synchronization

/// Google Drive's `files.list` (`GET /drive/v3/files`), answering in its format with the files
/// of a folder (`q='FOLDER' in parents`) changed after `modifiedTime > '…'` when asked.
public final class GoogleDriveStandIn: Sendable {
    public struct File: Sendable {
        public var id: String
        public var name: String
        public var folder: String
        public var modified: Date
        public var text: String

        public init(id: String, name: String, folder: String, modified: Date, text: String) {
            self.id = id
            self.name = name
            self.folder = folder
            self.modified = modified
            self.text = text
        }
    }

    private let files = Mutex<[File]>([])
    public let faults = Faults()

    public init() {}

    public func add(_ new: [File]) { files.withLock { $0 += new } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.get("drive/v3/files") { request, _ in
            guard request.headers[.authorization]?.hasPrefix("Bearer ") == true else {
                return try StandInAnswer.json(["error": ["code": 401, "message": "Request is missing required authentication credential.",
                                                         "status": "UNAUTHENTICATED"]] as JSONValue, status: 401)
            }
            if let fault = try await self.faults.response(for: "files.list") { return fault }
            let query = request.uri.queryParameters["q"].map(String.init) ?? ""
            let folder = query.firstMatch(of: /'([^']+)' in parents/).map { String($0.1) }
            let since = query.firstMatch(of: /modifiedTime > '([^']+)'/).flatMap { try? Date(String($0.1), strategy: .iso8601) }
            let matching = self.files.withLock { files in
                files.filter { file in (folder == nil || file.folder == folder) && (since == nil || file.modified > since!) }
            }
            return try StandInAnswer.json(FileList(files: matching.map {
                .init(id: $0.id, name: $0.name, modifiedTime: $0.modified.formatted(.iso8601), description: $0.text)
            }))
        }
        return router
    }

    private struct FileList: Encodable {
        struct Item: Encodable {
            let kind = "drive#file"
            let id: String
            let name: String
            let mimeType = "application/vnd.google-apps.document"
            let modifiedTime: String
            let description: String
        }
        let kind = "drive#fileList"
        let incompleteSearch = false
        let files: [Item]
    }
}
