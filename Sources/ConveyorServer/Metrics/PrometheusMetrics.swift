import Conveyor
import CoreMetrics
import Metrics
public import Prometheus

/// Conveyor's metrics in Prometheus' text format: what the runtime records through
/// swift-metrics (`conveyor_jobs_total{queue,kind,state}`, the histograms
/// `conveyor_job_run_seconds{queue,kind}` and `conveyor_job_queue_latency_seconds{queue}`), and
/// on each scrape the stored jobs by queue and state (`conveyor_queue_jobs{queue,state}`).
public final class PrometheusMetrics: Sendable {
    /// Where the metrics are kept; pass your own to add your application's.
    public let registry: PrometheusCollectorRegistry

    /// Buckets from 1 ms to 5 minutes: jobs range from no-ops to reports.
    public static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(300),
    ]

    /// Metrics in `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Makes swift-metrics (and so the runtime) record into ``registry``. Once per process,
    /// before any `Conveyor` is created.
    public func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        MetricsSystem.bootstrap(factory)
    }

    private static var queueJobs: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "conveyor", metricName: "queue_jobs", unitName: "", helpText: "Stored jobs by queue and state, read at scrape time.") }

    /// The text exposition, with queue depths read from the store now.
    func render(_ conveyor: Conveyor) async throws -> String {
        for queue in try await conveyor.queues() {
            for state in JobState.allCases {
                registry.makeGauge(descriptor: Self.queueJobs, labels: [("queue", queue.name), ("state", state.rawValue)])
                    .set(Double(queue.count(state)))
            }
        }
        return registry.emitToString()
    }
}
