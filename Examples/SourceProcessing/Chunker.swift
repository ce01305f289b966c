/// Splits text into chunks of about `size` characters on word boundaries, each starting
/// `overlap` characters before the previous one ended, so that no sentence is only ever cut.
public struct Chunker: Sendable {
    public var size = 1_000
    public var overlap = 200

    public init(size: Int = 1_000, overlap: Int = 200) {
        self.size = size
        self.overlap = overlap
    }

    public func chunks(of text: String) -> [String] {
        let words = text.split(whereSeparator: \.isWhitespace)
        var chunks: [String] = [], start = 0
        while start < words.count {
            var end = start, length = 0
            while end < words.count, length + words[end].count + 1 <= size || end == start {
                length += words[end].count + 1
                end += 1
            }
            chunks.append(words[start..<end].joined(separator: " "))
            guard end < words.count else { break }
            // Step back by about `overlap` characters, but always move forward.
            var back = end, kept = 0
            while back > start + 1, kept + words[back - 1].count + 1 <= overlap {
                back -= 1
                kept += words[back].count + 1
            }
            start = back
        }
        return chunks
    }
}
