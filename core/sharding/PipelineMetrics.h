#pragma once

#include <QObject>
#include <QPointer>

namespace accel {

class MetricsStore;
class PipelineExecutor;

/// `modelFamily` ("text", "vision", "audio") is the `model` tag, as BrowserProfiles expects.
/// Feeds a pipeline's observations into the performance history (MetricsStore), where the
/// History panel charts and analyses them and the planner can read measured speeds back:
///   sharding.stage_latency        one run of one stage (tags: host, backend, model)
///   sharding.stage_ms_per_layer  the same divided by the stage's layer count
///   sharding.request_latency     submit to final answer (tags: model)
///   sharding.stage_queue_depth   requests waiting or in flight at a stage (tags: host, model)
///   sharding.shard_recovery_time failure detection to the first replayed answer (tags: host, model)
/// Samples carry wall-clock timestamps. Lives on the executor's thread.
class PipelineMetrics : public QObject
{
    Q_OBJECT
public:
    PipelineMetrics(PipelineExecutor *executor, MetricsStore *store, QString model,
                    QObject *parent = nullptr);

private:
    QPointer<PipelineExecutor> m_executor;
    MetricsStore *m_store;
    QString m_model;
};

} // namespace accel
