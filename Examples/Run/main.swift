import Conveyor
import ExampleKit
import Foundation
import Logging

// Runs one seed system with everything it needs: its tables and demo rows, local stand-ins
// of the services it calls (unless their base URLs are set), a node, and the dashboard.
//
//   swift run conveyor-examples contact-sync  [--database URL] [--port 8080]
//   swift run conveyor-examples hubspot-notes [--database URL] [--port 8080]
//   swift run conveyor-examples dealpulse     [--database URL] [--port 8080] [--app-port 3000]
//   swift run conveyor-examples client-monitoring [--database URL] [--port 8080] [--app-port 8000]
//   swift run conveyor-examples source-processing [--database URL] [--port 8080] [--app-port 3000]
//   swift run conveyor-examples dealpulse-worker --database URL [--node NAME]   (a worker process, no HTTP)

let demos: [String: Demo] = [
    "contact-sync": .contactSync, "hubspot-notes": .hubSpotNotes, "dealpulse": .dealPulse, "dealpulse-worker": .dealPulseWorker,
    "source-processing": .sourceProcessing, "client-monitoring": .clientMonitoring,
]

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
let logger = Logger(label: "conveyor-examples")
let name = CommandLine.arguments.dropFirst().first ?? ""
guard let demo = demos[name] else {
    FileHandle.standardError.write(Data("usage: conveyor-examples \(demos.keys.sorted().joined(separator: "|")) [--database URL] [--port N]\n".utf8))
    exit(64)
}
let environment = ProcessInfo.processInfo.environment
let database = option("database") ?? environment["CONVEYOR_DATABASE_URL"] ?? "sqlite:\(name.replacing("-worker", with: "")).sqlite"
guard let port = Int(option("port") ?? "8080"), (0...65_535).contains(port) else {
    FileHandle.standardError.write(Data("--port must be a number between 0 and 65535\n".utf8))
    exit(64)
}
do {
    try await ExampleDatabase.open(database, logger: logger) { store, db in
        try await demo.run(DemoSetting(store: store, db: db, environment: environment, port: port, logger: logger))
    }
} catch {
    logger.critical("\(error)")
    exit(1)
}
