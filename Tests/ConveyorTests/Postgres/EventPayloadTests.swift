import Conveyor
import ConveyorPostgres
import Foundation
import Testing

/// Events as NOTIFY payloads: what one node writes, another reads back the same; separators in
/// texts do not break lines apart; a payload stays under PostgreSQL's limit; junk is skipped.
struct EventPayloadTests {
    @Test(arguments: 0..<4)
    func eventsReadBackAsWritten(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let kinds: [JobEvent.Kind] = [.inserted, .started, .progress, .completed, .retrying, .discarded, .cancelled, .snoozed, .released]
        let texts = ["", "plain", "tab\there", "new\nline", "é日😀", String(repeating: "long ", count: 40)]
        let events = (0..<500).map { index in
            JobEvent(
                kind: kinds[Int(random.next() % UInt64(kinds.count))], jobID: Int64(bitPattern: random.next() >> 1),
                jobKind: "kind.\(index % 7)", queue: "queue-\(index % 3)", attempt: Int(random.next() % 30),
                at: Date(timeIntervalSince1970: Double(1_700_000_000_000_000 + Int64(random.next() % 1_000_000_000_000)) / 1_000_000),
                progress: random.next() % 2 == 0 ? nil : Double(random.next() % 1_001) / 1_000,
                message: random.next() % 3 == 0 ? nil : texts[Int(random.next() % UInt64(texts.count))],
                node: random.next() % 4 == 0 ? nil : "node-\(random.next() % 5)",
                tags: random.next() % 2 == 0 ? [] : ["agent:\(index % 9)", "tab\tand\nnewline", "é日"],
                details: random.next() % 3 == 0 ? .object(["step": .string("embed\tnow"), "n": .number(Double(index)), "none": .null]) : nil)
        }
        let payloads = EventPayload.encode(events, sender: "sender")
        #expect(payloads.count > 1, "500 events do not fit one payload")
        #expect(payloads.allSatisfy { $0.utf8.count < 8_000 })
        let read = payloads.flatMap { payload -> [JobEvent] in
            guard case .events(let node, let body) = NodeMessage(text: payload) else { Issue.record("not an events message"); return [] }
            #expect(node == "sender")
            return EventPayload.events(in: body)
        }
        #expect(read.count == events.count)
        for (sent, received) in zip(events, read) {
            var expected = sent
            expected.message = sent.message?.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
            if expected.message == "" { expected.message = nil }
            #expect(received == expected)
        }
    }

    /// Tags or details too large for a payload are left out of the event, not the event.
    @Test func oversizedTagsAndDetailsAreLeftOut() {
        let big = JobEvent(kind: .progress, jobID: 1, jobKind: "k", queue: "q", attempt: 1, at: Date(timeIntervalSince1970: 1_700_000_000),
                           progress: 0.5, tags: (0..<30).map { "tag-\($0)-" + String(repeating: "x", count: 60) },
                           details: .object(["blob": .string(String(repeating: "y", count: 3_000))]))
        let payloads = EventPayload.encode([big], sender: "s")
        guard case .events(_, let body) = NodeMessage(text: payloads[0]) else { Issue.record("not an events message"); return }
        let read = EventPayload.events(in: body)
        #expect(read.count == 1 && read[0].tags.isEmpty && read[0].details == nil && read[0].progress == 0.5)
    }

    @Test func linesThatDoNotParseAreSkipped() {
        let good = EventPayload.encode([JobEvent(kind: .completed, jobID: 9_223_372_036_854_775_807, jobKind: "k", queue: "q", attempt: 1,
                                                 at: Date(timeIntervalSince1970: 1_700_000_000))], sender: "s")[0]
        let payload = good + "\nnot an event\ncompleted\t99999999999999999999\t1\tq\tk\t\t1\t\t\ncompleted\t1\tx\tq\tk\t\t1\t\t"
        guard case .events(_, let body) = NodeMessage(text: payload) else { Issue.record("not an events message"); return }
        let read = EventPayload.events(in: body)
        #expect(read.map(\.jobID) == [9_223_372_036_854_775_807])
    }
}
