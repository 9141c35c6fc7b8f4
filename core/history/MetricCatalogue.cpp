#include "history/MetricCatalogue.h"

#include <QHash>

namespace accel {

namespace {

QList<MetricDefinition> buildCatalogue()
{
    using D = MetricDirection;
    return {
        {QStringLiteral("pool.latency.p50"), QStringLiteral("ms"), D::LowerIsBetter, QStringLiteral("pool"),
         QStringLiteral("Median end-to-end inference latency of requests served by the pool")},
        {QStringLiteral("pool.latency.p95"), QStringLiteral("ms"), D::LowerIsBetter, QStringLiteral("pool"),
         QStringLiteral("95th percentile inference latency")},
        {QStringLiteral("pool.latency.p99"), QStringLiteral("ms"), D::LowerIsBetter, QStringLiteral("pool"),
         QStringLiteral("99th percentile inference latency")},
        {QStringLiteral("pool.throughput"), QStringLiteral("requests/s"), D::HigherIsBetter,
         QStringLiteral("pool"), QStringLiteral("Completed inference requests per second")},
        {QStringLiteral("pool.tokens_per_second"), QStringLiteral("tokens/s"), D::HigherIsBetter,
         QStringLiteral("pool"), QStringLiteral("Generated tokens per second across the pool")},
        {QStringLiteral("pool.queue_depth"), QStringLiteral("requests"), D::LowerIsBetter,
         QStringLiteral("pool"), QStringLiteral("Requests waiting for a host")},
        {QStringLiteral("pool.hosts_available"), QStringLiteral("hosts"), D::HigherIsBetter,
         QStringLiteral("pool"), QStringLiteral("Hosts connected with a closed circuit breaker")},
        {QStringLiteral("pool.host_memory"), QStringLiteral("MiB"), D::LowerIsBetter, QStringLiteral("hosts"),
         QStringLiteral("Resident memory reported by a shard host page")},
        {QStringLiteral("pool.gpu_adapter_memory"), QStringLiteral("MiB"), D::LowerIsBetter,
         QStringLiteral("hosts"), QStringLiteral("GPU buffer memory in use on the host's WebGPU adapter")},
        {QStringLiteral("pool.gpu_matmul_gflops"), QStringLiteral("GFLOP/s"), D::HigherIsBetter,
         QStringLiteral("hosts"), QStringLiteral("Measured matmul speed of the host's WebGPU adapter")},
        {QStringLiteral("pool.wasm_matmul_gflops"), QStringLiteral("GFLOP/s"), D::HigherIsBetter,
         QStringLiteral("hosts"), QStringLiteral("Measured matmul speed of the host's Wasm SIMD kernel")},
        {QStringLiteral("pool.host_startup"), QStringLiteral("ms"), D::LowerIsBetter, QStringLiteral("hosts"),
         QStringLiteral("Time from browser launch to the host's hello message")},
        {QStringLiteral("pool.breaker_open_count"), QStringLiteral("events"), D::LowerIsBetter,
         QStringLiteral("pool"), QStringLiteral("Circuit breaker openings per interval")},
        {QStringLiteral("pool.health_score"), QStringLiteral("score"), D::HigherIsBetter,
         QStringLiteral("pool"), QStringLiteral("Host health score (0..100, HealthScorer)")},
        {QStringLiteral("pool.error_rate"), QStringLiteral("ratio"), D::LowerIsBetter, QStringLiteral("pool"),
         QStringLiteral("Failed requests / all requests")},
        {QStringLiteral("pool.recovery_time"), QStringLiteral("ms"), D::LowerIsBetter, QStringLiteral("pool"),
         QStringLiteral("Time from a host failure to traffic served elsewhere")},
        {QStringLiteral("sharding.stage_latency"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Latency of one pipeline stage for one micro-batch")},
        {QStringLiteral("sharding.stage_ms_per_layer"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("sharding"),
         QStringLiteral("Stage latency divided by its layer count (host speed per layer)")},
        {QStringLiteral("sharding.stage_queue_depth"), QStringLiteral("requests"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Requests queued or in flight at a pipeline stage")},
        {QStringLiteral("sharding.request_latency"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Submit to final answer of one pipelined request")},
        {QStringLiteral("sharding.activation_transfer"), QStringLiteral("MiB/s"), D::HigherIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Activation bytes moved between stages per second")},
        {QStringLiteral("sharding.weight_upload"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Time to send a shard's weights to a host")},
        {QStringLiteral("sharding.plan_time"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Time to compute a shard plan")},
        {QStringLiteral("sharding.pipeline_bubble"), QStringLiteral("ratio"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Fraction of stage time spent idle")},
        {QStringLiteral("sharding.replay_count"), QStringLiteral("requests"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("In-flight requests replayed after a lost host")},
        {QStringLiteral("sharding.shard_recovery_time"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Time to rebuild a pipeline after a lost host")},
        {QStringLiteral("sharding.reference_max_abs_error"), QStringLiteral("abs error"), D::LowerIsBetter,
         QStringLiteral("sharding"), QStringLiteral("Largest difference from the native reference runner")},
        {QStringLiteral("cluster.task_duration"), QStringLiteral("s"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Wall time of one test task on a worker")},
        {QStringLiteral("cluster.task_pass"), QStringLiteral("ratio"), D::HigherIsBetter,
         QStringLiteral("cluster"), QStringLiteral("1 for a passed task, 0 for a failed one")},
        {QStringLiteral("cluster.flakiness"), QStringLiteral("ratio"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Share of a test's recent runs whose outcome flipped")},
        {QStringLiteral("cluster.queue_wait"), QStringLiteral("s"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Time a task waited before a worker claimed it")},
        {QStringLiteral("cluster.workers_alive"), QStringLiteral("workers"), D::HigherIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Workers with a live lease")},
        {QStringLiteral("cluster.leader_failover"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("cluster"),
         QStringLiteral("Time without a leader after the leading coordinator was lost")},
        {QStringLiteral("cluster.store_write_latency"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Latency of one coordinator store write")},
        {QStringLiteral("cluster.heartbeat_rtt"), QStringLiteral("ms"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Worker heartbeat round-trip time")},
        {QStringLiteral("cluster.tasks_per_minute"), QStringLiteral("tasks/min"), D::HigherIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Tasks completed per minute")},
        {QStringLiteral("cluster.worker_cpu"), QStringLiteral("percent"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("CPU use of a worker while running tasks")},
        {QStringLiteral("cluster.worker_memory"), QStringLiteral("MiB"), D::LowerIsBetter,
         QStringLiteral("cluster"), QStringLiteral("Resident memory of a worker while running tasks")},
    };
}

} // namespace

const QList<MetricDefinition> &MetricCatalogue::all()
{
    static const QList<MetricDefinition> catalogue = buildCatalogue();
    return catalogue;
}

const MetricDefinition *MetricCatalogue::find(const QString &name)
{
    static const QHash<QString, qsizetype> index = [] {
        QHash<QString, qsizetype> h;
        const auto &defs = all();
        for (qsizetype i = 0; i < defs.size(); ++i) {
            h.insert(defs[i].name, i);
        }
        return h;
    }();
    const auto it = index.constFind(name);
    return it == index.cend() ? nullptr : &all()[*it];
}

} // namespace accel
