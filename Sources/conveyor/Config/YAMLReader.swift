import Conveyor
import Foundation
import Yams

/// Walks a YAML document, reading values by path and collecting one problem per bad field
/// instead of stopping at the first.
struct YAMLReader {
    private(set) var problems: [ConfigProblem] = []
    let environment: [String: String]

    mutating func fail(_ path: String, _ node: Node?, _ message: String) {
        problems.append(ConfigProblem(path: path, line: node?.mark?.line, message: message))
    }

    /// The pairs of a mapping by key; a key not in `allowed` is a problem (a misspelt setting
    /// would otherwise be ignored).
    mutating func mapping(_ node: Node, _ path: String, allowed: [String]) -> [(key: String, value: Node, path: String)] {
        guard case .mapping(let mapping) = node else {
            fail(path, node, "must be a mapping of \(allowed.joined(separator: ", "))")
            return []
        }
        var pairs: [(key: String, value: Node, path: String)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                fail(path, keyNode, "has a key that is not text")
                continue
            }
            let child = path.isEmpty ? key : "\(path).\(key)"
            if !allowed.isEmpty, !allowed.contains(key) {
                fail(child, keyNode, "is not a setting here; use \(allowed.joined(separator: ", "))")
                continue
            }
            pairs.append((key, value, child))
        }
        return pairs
    }

    /// Every pair of a mapping whose keys are names (queues).
    mutating func namedMapping(_ node: Node, _ path: String) -> [(key: String, value: Node, path: String)] {
        mapping(node, path, allowed: [])
    }

    mutating func sequence(_ node: Node, _ path: String) -> [Node] {
        guard case .sequence(let sequence) = node else {
            fail(path, node, "must be a list")
            return []
        }
        return Array(sequence)
    }

    /// Text, with `${NAME}` replaced by the environment variable NAME.
    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            fail(path, node, "must be a single value")
            return nil
        }
        var text = scalar.string
        while let start = text.range(of: "${"), let end = text.range(of: "}", range: start.upperBound..<text.endIndex) {
            let name = String(text[start.upperBound..<end.lowerBound])
            guard let value = environment[name] else {
                fail(path, node, "names the environment variable \(name), which is not set")
                return nil
            }
            text.replaceSubrange(start.lowerBound..<end.upperBound, with: value)
        }
        return text
    }

    mutating func int(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            fail(path, node, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            return nil
        }
        return value
    }

    mutating func duration(_ node: Node, _ path: String) -> Duration? {
        guard let text = string(node, path) else { return nil }
        return checked(path, node) { () throws(ConveyorError) in try DurationArgument.parse(text, field: path) }
    }

    /// `body`'s value, or nil with its error recorded where it lies in the file (see `path(of:under:renamed:)`).
    mutating func checked<T>(_ path: String, _ node: Node, renamed: [String: String] = [:], _ body: () throws(ConveyorError) -> T) -> T? {
        do {
            return try body()
        } catch {
            fail(Self.path(of: error.field, under: path, renamed: renamed), node, error.message)
            return nil
        }
    }

    /// Where an error's field lies in the file. The checker names either the value itself (no
    /// field, the value's own name, or a name `renamed` maps to ""), which is `path`; or a field
    /// of the value, which lies under `path` (by its name in the file, `renamed`).
    static func path(of field: String?, under path: String, renamed: [String: String]) -> String {
        let name = path.split(separator: ".").last.map { String($0.split(separator: "[").first ?? $0) } ?? path
        guard let field, !field.isEmpty, field != path, field != name, renamed[field] != "" else { return path }
        return field.hasPrefix(path + ".") ? field : "\(path).\(renamed[field] ?? field)"
    }

    /// A YAML value as JSON: mappings, lists, and scalars by their YAML type.
    mutating func json(_ node: Node, _ path: String) -> JSONValue? {
        switch node {
        case .mapping:
            var fields: [String: JSONValue] = [:]
            for pair in namedMapping(node, path) { fields[pair.key] = json(pair.value, pair.path) ?? .null }
            return .object(fields)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { json($1, "\(path)[\($0)]") ?? .null })
        case .scalar:
            if node.null != nil { return .null }
            if node.tag == .init(.bool), let flag = node.bool { return .bool(flag) }
            if node.tag == .init(.int), let number = node.int { return .number(Double(number)) }
            if node.tag == .init(.float), let number = node.float { return .number(number) }
            return string(node, path).map(JSONValue.string)
        case .alias:
            fail(path, node, "is an alias; write the value out")
            return nil
        }
    }
}
