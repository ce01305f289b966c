import Conveyor

/// A queue's activity as an inline SVG bar chart: a green bar per period for completed jobs,
/// a red one stacked on it for failed ones; `minutesPerBar` minutes make a bar. The axes'
/// labels are the page's (text in a stretched SVG would stretch).
enum ActivityChart {
    /// The most jobs in one bar: the top of the chart.
    static func peak(_ activity: QueueActivity, minutesPerBar: Int) -> Int {
        max(1, bars(activity, minutesPerBar).map { $0.completed + $0.failed }.max() ?? 1)
    }

    private static func bars(_ activity: QueueActivity, _ minutesPerBar: Int) -> [(completed: Int, failed: Int)] {
        stride(from: 0, to: activity.minutes.count, by: max(minutesPerBar, 1)).map { start in
            let slice = activity.minutes[start..<min(start + max(minutesPerBar, 1), activity.minutes.count)]
            return (slice.reduce(0) { $0 + $1.completed }, slice.reduce(0) { $0 + $1.failed })
        }
    }

    static func svg(_ activity: QueueActivity, minutesPerBar: Int = 1, width: Int = 300, height: Int = 60) -> String {
        let bars = bars(activity, minutesPerBar)
        let peak = peak(activity, minutesPerBar: minutesPerBar)
        let slot = Double(width) / Double(max(bars.count, 1))
        var drawn = ""
        for (index, minute) in bars.enumerated() {
            let x = Double(index) * slot
            let completed = Double(minute.completed) / Double(peak) * Double(height - 2)
            let failed = Double(minute.failed) / Double(peak) * Double(height - 2)
            if minute.completed > 0 {
                drawn += rect(x: x, y: Double(height) - completed, width: slot - 1, height: completed, color: "#3c9d62", title: "\(minute.completed) completed")
            }
            if minute.failed > 0 {
                drawn += rect(x: x, y: Double(height) - completed - failed, width: slot - 1, height: failed, color: "#c94a4a", title: "\(minute.failed) failed")
            }
        }
        return #"<svg role="img" aria-label="jobs per minute" viewBox="0 0 \#(width) \#(height)" width="100%" height="\#(height)" preserveAspectRatio="none">"#
            + ##"<line x1="0" y1="\##(height)" x2="\##(width)" y2="\##(height)" stroke="#ccd"/>"## + drawn + "</svg>"
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, color: String, title: String) -> String {
        func f(_ value: Double) -> String { String(Int(value.rounded())) }
        return #"<rect x="\#(f(x))" y="\#(f(y))" width="\#(f(max(width, 1)))" height="\#(f(max(height, 1)))" fill="\#(color)"><title>\#(title)</title></rect>"#
    }
}
