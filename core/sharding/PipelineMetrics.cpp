#include "sharding/PipelineMetrics.h"

#include "history/MetricSample.h"
#include "history/MetricsStore.h"
#include "hosts/HostKind.h"
#include "sharding/PipelineExecutor.h"

#include <QDateTime>

namespace accel {

PipelineMetrics::PipelineMetrics(PipelineExecutor *executor, MetricsStore *store, QString model,
                                 QObject *parent)
    : QObject(parent)
    , m_executor(executor)
    , m_store(store)
    , m_model(std::move(model))
{
    connect(executor, &PipelineExecutor::stageCompleted, this, [this](int index, double ms) {
        if (!m_executor) {
            return;
        }
        const QList<PipelineExecutor::StageStats> stats = m_executor->stageStats();
        if (index < 0 || index >= stats.size()) {
            return;
        }
        const PipelineExecutor::StageStats &s = stats[index];
        // Tags as BrowserProfiles reads them: model = the model family, browser = the host kind
        // (host ids are "<kind>-<hex>"), backend; so measured speed refines host selection.
        MetricTags tags;
        tags.host = s.hostId;
        tags.backend = s.backend;
        tags.model = m_model;
        const auto kind = hostKindFromName(s.hostId.section(QLatin1Char('-'), 0, 0));
        tags.browser =
            kind ? (*kind == HostKind::Embedded ? QStringLiteral("qtwebengine") : hostKindName(*kind))
                 : QString();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const int layers = std::max(1, s.lastLayer - s.firstLayer);
        MetricTags queueTags;
        queueTags.host = s.hostId;
        queueTags.model = m_model;
        m_store->record(QList<MetricSample>{
            {QStringLiteral("sharding.stage_latency"), tags, now, ms},
            {QStringLiteral("sharding.stage_ms_per_layer"), tags, now, ms / layers},
            {QStringLiteral("sharding.stage_queue_depth"), queueTags, now, double(s.queued + s.inFlight)},
        });
    });
    connect(executor, &PipelineExecutor::requestFinished, this,
            [this](quint64, const QByteArray &, int, qint64 latencyMs) {
                MetricTags tags;
                tags.model = m_model;
                m_store->record(MetricSample{QStringLiteral("sharding.request_latency"), tags,
                                             QDateTime::currentMSecsSinceEpoch(), double(latencyMs)});
            });
    connect(executor, &PipelineExecutor::recovered, this, [this](int, const QString &hostId, qint64 ms) {
        MetricTags tags;
        tags.host = hostId;
        tags.model = m_model;
        m_store->record(MetricSample{QStringLiteral("sharding.shard_recovery_time"), tags,
                                     QDateTime::currentMSecsSinceEpoch(), double(ms)});
    });
}

} // namespace accel
