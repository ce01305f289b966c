@testable import Conveyor
import Testing

@Suite("Store: messages between nodes")
struct NodeMessageTests {
    @Test(arguments: [
        NodeMessage.jobsAvailable(queue: "crm"), .jobsAvailable(queue: "a:b"), .queueChanged(queue: "ünï"),
        .jobCancelled(id: 9_223_372_036_854_775_807), .jobCancelled(id: -1), .probe("alive:42"),
        .wantsEvents(node: "node-1"), .asksWhoWantsEvents(node: "node-2"),
        .events(node: "node-3", body: "line one\nline two"), .events(node: "n", body: ""),
    ])
    func everyMessageReadsBackAsItWasSent(message: NodeMessage) {
        #expect(NodeMessage(text: message.text) == message)
    }

    @Test func theSQLBuiltWakeUpIsTheSameMessage() {
        #expect(NodeMessage(text: NodeMessage.jobsAvailableTag + "mail") == .jobsAvailable(queue: "mail"))
    }

    @Test(arguments: ["", "a", "x:y", "c:twelve", "c:", "c:99999999999999999999", ":a", "é:x"])
    func textThatIsNoMessageIsIgnored(text: String) {
        #expect(NodeMessage(text: text) == nil)
    }
}
