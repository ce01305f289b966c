public import Conveyor
public import ExampleKit
public import Foundation

/// What every DealPulse worker uses.
public struct DealPulseServices: Sendable {
    public let db: any AppDatabase
    public let claude: Claude
    public let driveBaseURL: String
    public let driveToken: String
    public let timeZone: TimeZone

    public init(db: any AppDatabase, claude: Claude, driveBaseURL: String, driveToken: String, timeZone: TimeZone) {
        self.db = db
        self.claude = claude
        self.driveBaseURL = driveBaseURL
        self.driveToken = driveToken
        self.timeZone = timeZone
    }

    /// Asks Claude `instruction` about the body of row `id` of `table` and writes the answer
    /// into `column`, counting the run; a row that is gone discards the job.
    func analyze(_ table: String, id: String, into column: String, _ instruction: String) async throws {
        let name = db.table(table)
        guard let body = try await db.first("SELECT body FROM \(name) WHERE id = ?", [.text(id)])?["body"].text else {
            throw JobControl.discard(reason: "\(table.dropLast()) \(id) does not exist")
        }
        let answer = try await claude.ask(instruction, about: body)
        try await db.execute("UPDATE \(name) SET \(column) = ?, runs = runs + 1 WHERE id = ?", [.text(answer), .text(id)])
    }

    /// The day `date` falls on where the deal team works.
    func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// `daily-brief.ts`: one deal's brief for one day, from its documents and emails.
public struct DailyBriefJob: JobWorker {
    public struct Args: Codable, Sendable, Equatable {
        public let dealId: String
        public let date: String?

        public init(dealId: String, date: String?) {
            self.dealId = dealId
            self.date = date
        }
    }

    public static let kind = "daily-brief"
    /// One brief per deal and day, however often it is asked for.
    public static let options = JobOptions(queue: DealPulseQueue.dailyBrief.rawValue, maxAttempts: 3, backoff: DealPulse.backoff,
                                           unique: UniqueOptions(by: .args))
    let services: DealPulseServices

    public init(services: DealPulseServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        let db = services.db
        let day = args.date ?? services.day(of: context.job.scheduledAt)
        guard let deal = try await db.first("SELECT name FROM \(db.table("deals")) WHERE id = ?", [.text(args.dealId)]) else {
            throw JobControl.discard(reason: "deal \(args.dealId) does not exist")
        }
        let documents = try await db.query("SELECT title, summary FROM \(db.table("documents")) WHERE deal_id = ? AND summary IS NOT NULL ORDER BY id", [.text(args.dealId)])
        let emails = try await db.query("SELECT sentiment, blocker FROM \(db.table("emails")) WHERE deal_id = ? AND sentiment IS NOT NULL ORDER BY id", [.text(args.dealId)])
        let material = (documents.map { "Document \($0["title"]): \($0["summary"])" } + emails.map { "Email: \($0["sentiment"]), blocker: \($0["blocker"])" })
            .joined(separator: " ")
        let brief = try await services.claude.ask("Write the daily brief for \(deal["name"]) on \(day).", about: material)
        try await db.execute("DELETE FROM \(db.table("daily_briefs")) WHERE deal_id = ? AND day = ?", [.text(args.dealId), .text(day)])
        try await db.execute("INSERT INTO \(db.table("daily_briefs")) (deal_id, day, body) VALUES (?, ?, ?)", [.text(args.dealId), .text(day), .text(brief)])
    }
}

/// `daily-brief-cron.ts`: at the brief's time, a brief for every active deal.
public struct DailyBriefCron: JobWorker {
    public struct Args: Codable, Sendable {}
    public static let kind = "daily-brief-cron"
    let services: DealPulseServices

    public init(services: DealPulseServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        let day = services.day(of: context.job.scheduledAt)
        for deal in try await DealPulseJobs.activeDeals(services.db) {
            try context.followUp(DailyBriefJob.self, args: .init(dealId: deal, date: day))
        }
    }
}

/// `document-processing.ts`: summary, risks or workstream of one document.
public struct DocumentProcessingJob: JobWorker {
    public enum Operation: String, Codable, Sendable {
        case summarize, extractRisks = "extract_risks", classify
    }

    public struct Args: Codable, Sendable, Equatable {
        public let documentId: String
        public let dealId: String
        public let operation: Operation

        public init(documentId: String, dealId: String, operation: Operation) {
            self.documentId = documentId
            self.dealId = dealId
            self.operation = operation
        }
    }

    public static let kind = "document-processing"
    public static let options = JobOptions(queue: DealPulseQueue.documentProcessing.rawValue, maxAttempts: 5, backoff: DealPulse.backoff)
    let services: DealPulseServices

    public init(services: DealPulseServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        let (column, instruction) = switch args.operation {
        case .summarize: ("summary", "Summarize this deal document in one sentence.")
        case .extractRisks: ("risks", "List the risks in this deal document.")
        case .classify: ("workstream", "Classify this document's workstream: financial, legal or tax.")
        }
        try await services.analyze("documents", id: args.documentId, into: column, instruction)
    }
}

/// `email-processing.ts`: sentiment or blocker of one email.
public struct EmailProcessingJob: JobWorker {
    public enum Operation: String, Codable, Sendable {
        case analyzeSentiment = "analyze_sentiment", detectBlocker = "detect_blocker"
    }

    public struct Args: Codable, Sendable, Equatable {
        public let emailId: String
        public let dealId: String
        public let operation: Operation

        public init(emailId: String, dealId: String, operation: Operation) {
            self.emailId = emailId
            self.dealId = dealId
            self.operation = operation
        }
    }

    public static let kind = "email-processing"
    public static let options = JobOptions(queue: DealPulseQueue.emailProcessing.rawValue, maxAttempts: 5, backoff: DealPulse.backoff)
    let services: DealPulseServices

    public init(services: DealPulseServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        let (column, instruction) = switch args.operation {
        case .analyzeSentiment: ("sentiment", "Give the sentiment of this email: positive or negative.")
        case .detectBlocker: ("blocker", "Name the blocker this email reports, or none.")
        }
        try await services.analyze("emails", id: args.emailId, into: column, instruction)
    }
}

/// `source-sync.ts`: new and changed files of a deal's source become documents, each summarized.
public struct SourceSyncJob: JobWorker {
    public enum Source: String, Codable, Sendable { case gdrive, sharepoint, gmail, outlook }
    public enum SyncType: String, Codable, Sendable { case incremental, full }

    public struct Args: Codable, Sendable, Equatable {
        public let dealId: String
        public let sourceType: Source
        public let syncType: SyncType

        public init(dealId: String, sourceType: Source, syncType: SyncType) {
            self.dealId = dealId
            self.sourceType = sourceType
            self.syncType = syncType
        }
    }

    public static let kind = "source-sync"
    public static let options = JobOptions(queue: DealPulseQueue.sourceSync.rawValue, maxAttempts: 3, backoff: DealPulse.backoff, timeout: .seconds(300))
    let services: DealPulseServices

    public init(services: DealPulseServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        guard args.sourceType == .gdrive else {
            throw JobControl.discard(reason: "this example has a Google Drive connector only, not \(args.sourceType.rawValue)")
        }
        let db = services.db, deals = db.table("deals"), documents = db.table("documents")
        guard let deal = try await db.first("SELECT drive_folder, synced_through FROM \(deals) WHERE id = ?", [.text(args.dealId)]),
              let folder = deal["drive_folder"].text else {
            throw JobControl.discard(reason: "deal \(args.dealId) has no Google Drive folder")
        }
        var query = "'\(folder)' in parents"
        if args.syncType == .incremental, let since = deal["synced_through"].date { query += " and modifiedTime > '\(since.formatted(.iso8601))'" }
        let drive = ServiceClient(service: "Google Drive", baseURL: services.driveBaseURL, headers: [("Authorization", "Bearer \(services.driveToken)")])
        let path = "/drive/v3/files?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&fields=files(id,name,modifiedTime,description)"
        let list: FileList = try await drive.send(.GET, path)
        var latest = deal["synced_through"].date
        for file in list.files {
            try await db.execute("DELETE FROM \(documents) WHERE id = ?", [.text(file.id)])
            try await db.execute("INSERT INTO \(documents) (id, deal_id, title, body) VALUES (?, ?, ?, ?)",
                                 [.text(file.id), .text(args.dealId), .text(file.name), .text(file.description ?? "")])
            try context.followUp(DocumentProcessingJob.self, args: .init(documentId: file.id, dealId: args.dealId, operation: .summarize))
            if let modified = try? Date(file.modifiedTime, strategy: .iso8601), latest.map({ modified > $0 }) ?? true { latest = modified }
        }
        if let latest { try await db.execute("UPDATE \(deals) SET synced_through = ? WHERE id = ?", [.date(latest), .text(args.dealId)]) }
        try context.setResult(["files": list.files.count])
    }

    struct FileList: Decodable {
        struct File: Decodable {
            let id: String
            let name: String
            let modifiedTime: String
            let description: String?
        }
        let files: [File]
    }
}
