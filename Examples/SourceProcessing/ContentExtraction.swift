public import Foundation

/// Text out of what a source gives: files by their extension, web pages by their HTML.
public enum ContentExtraction {
    public struct Unsupported: Error, CustomStringConvertible {
        public let format: String
        public var description: String { "'\(format)' files cannot be read here: this example extracts TXT, MD, CSV and JSON (PDF and DOCX need an extractor it does not have)" }
    }

    /// The text of a file named `name`.
    public static func text(ofFile name: String, data: Data) throws -> String {
        let format = (name.split(separator: ".").last.map(String.init) ?? "").lowercased()
        let content = String(decoding: data, as: UTF8.self)
        switch format {
        case "txt", "md": return content
        case "csv": return content.split(whereSeparator: \.isNewline).map { $0.replacing(",", with: " ") }.joined(separator: "\n")
        case "json":
            let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return strings(in: value).joined(separator: " ")
        default: throw Unsupported(format: format.isEmpty ? name : format)
        }
    }

    private static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: [text]
        case let list as [Any]: list.flatMap(strings)
        case let object as [String: Any]: object.keys.sorted().flatMap { strings(in: object[$0]!) }
        default: []
        }
    }

    /// A page's readable text and the links it has.
    public static func page(_ html: String) -> (text: String, links: [String]) {
        let links = html.matches(of: /<a\s[^>]*href="([^"#]+)"/).map { String($0.1) }
        let text = html.replacing(/(?s)<(script|style)[^>]*>.*?<\/\1>/, with: " ").replacing(/<[^>]*>/, with: " ")
            .replacing("&amp;", with: "&").replacing("&nbsp;", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return (text, links)
    }
}
