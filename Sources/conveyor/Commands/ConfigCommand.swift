import ArgumentParser
import Conveyor
import Foundation

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration file for `conveyor serve --config`.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a YAML configuration file and name every bad field with its line; exit non-zero if there is one.",
            discussion: "Environment variables the file names as ${NAME} are read from this environment.")
        @Argument(help: "The file.") var file: String

        func run() async throws {
            let (settings, problems) = try ServeFile.read(path: file, environment: ProcessInfo.processInfo.environment)
            guard problems.isEmpty else {
                for problem in problems { FileHandle.standardError.write(Data("\(file): \(problem)\n".utf8)) }
                throw ExitCode(1)
            }
            print("\(file): ok (\(settings.queues.count) queue\(settings.queues.count == 1 ? "" : "s"), \(settings.schedules.count) schedule\(settings.schedules.count == 1 ? "" : "s"))")
        }
    }
}
