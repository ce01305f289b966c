import Conveyor

/// A queue's activity as an inline SVG bar chart: a green bar per minute for completed jobs,
/// a red one stacked on it for failed ones.
enum ActivityChart {
    static func svg(_ activity: QueueActivity, width: Int = 300, height: Int = 60) -> String {
        let peak = max(1, activity.minutes.map { $0.completed + $0.failed }.max() ?? 1)
        let slot = Double(width) / Double(max(activity.minutes.count, 1))
        var bars = ""
        for (index, minute) in activity.minutes.enumerated() {
            let x = Double(index) * slot
            let completed = Double(minute.completed) / Double(peak) * Double(height - 2)
            let failed = Double(minute.failed) / Double(peak) * Double(height - 2)
            if minute.completed > 0 {
                bars += rect(x: x, y: Double(height) - completed, width: slot - 1, height: completed, color: "#3c9d62", title: "\(minute.completed) completed")
            }
            if minute.failed > 0 {
                bars += rect(x: x, y: Double(height) - completed - failed, width: slot - 1, height: failed, color: "#c94a4a", title: "\(minute.failed) failed")
            }
        }
        return #"<svg role="img" aria-label="jobs per minute" viewBox="0 0 \#(width) \#(height)" width="100%" height="\#(height)" preserveAspectRatio="none">"#
            + ##"<line x1="0" y1="\##(height)" x2="\##(width)" y2="\##(height)" stroke="#ccd"/>"## + bars + "</svg>"
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, color: String, title: String) -> String {
        func f(_ value: Double) -> String { String(Int(value.rounded())) }
        return #"<rect x="\#(f(x))" y="\#(f(y))" width="\#(f(max(width, 1)))" height="\#(f(max(height, 1)))" fill="\#(color)"><title>\#(title)</title></rect>"#
    }
}
