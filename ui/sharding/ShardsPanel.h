#pragma once

#include "pool/PoolHostInfo.h"
#include "sharding/ShardPlanner.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace accel {

class MetricsStore;
class ModelPackage;
class PipelineExecutor;
class PipelineMetrics;
class ResourcePool;
struct PipelineStage;
namespace ui {
class ShardConfigurator;
}

/// The Shards dock: the shard configurator over the pool's connected hosts, and the pipeline that
/// an applied plan starts (PipelineExecutor). Runs a stream of requests through it, checks every
/// answer against the native reference (computed off the GUI thread), shows live per-stage
/// latency, queue depth and recoveries, and offers the configurator's "kill host" fault drill
/// (SIGKILL to the host's browser group or embedded renderer).
class ShardsPanel : public QWidget
{
    Q_OBJECT
public:
    /// `metrics` may be null (no history recording).
    ShardsPanel(ResourcePool *pool, MetricsStore *metrics, QWidget *parent = nullptr);
    ~ShardsPanel() override;

    /// The model to shard (the console starts with the demo model).
    void setModel(std::shared_ptr<ModelPackage> package);

    ui::ShardConfigurator *configurator() const { return m_configurator; }
    PipelineExecutor *executor() const { return m_executor.get(); }
    QPushButton *runButton() const { return m_run; }
    QSpinBox *requestCount() const { return m_requests; }
    int answered() const { return m_answered; }
    int mismatches() const { return m_mismatches; }
    int failures() const { return m_failed; }

    /// Weight bytes of the model each host holds under `stages` (an applied pipeline's current
    /// stages, [firstLayer, lastLayer); a host holding two ranges after a recovery counts both),
    /// as the planner counts them (float32, embeddings on the first stage, final norm on the last).
    static QHash<QString, qint64> heldWeightBytes(const QList<PipelineStage> &stages,
                                                  const ShardModelFacts &facts);
    /// The configurator's candidates from the pool's hosts. freeMemoryBytes comes from each host's
    /// reported weight memory (limit - held; -1 = unknown, not limiting) with `reusableBytes` (the
    /// planned model's weights the host already holds) counted as free: see refreshHosts().
    static QList<ShardHost> shardHosts(const QList<PoolHostInfo> &hosts,
                                       const QHash<QString, double> &msPerLayer,
                                       const QHash<QString, qint64> &reusableBytes);

public Q_SLOTS:
    void applyPlan(const accel::ShardPlan &plan);
    void runStream();
    void killHost(const QString &hostId);

private:
    void refreshHosts();
    void refreshStats();
    void log(const QString &line);
    void computeReference();
    void onFinished(const QByteArray &hidden);

    QPointer<ResourcePool> m_pool;
    MetricsStore *m_metrics;
    std::shared_ptr<ModelPackage> m_package;
    ui::ShardConfigurator *m_configurator;
    QSpinBox *m_requests;
    QSpinBox *m_tokens;
    QPushButton *m_run;
    QLabel *m_status;
    QTableWidget *m_stats;
    QPlainTextEdit *m_log;
    QTimer *m_refresh;
    std::unique_ptr<PipelineExecutor> m_executor;
    std::shared_ptr<ModelPackage> m_appliedPackage; ///< the model m_executor runs
    std::unique_ptr<PipelineMetrics> m_recorder;
    QHash<QString, double> m_measuredMsPerLayer; ///< host -> last measured ms per layer
    std::vector<int> m_streamTokens;
    std::vector<float> m_reference; ///< the native answer for m_streamTokens (empty until computed)
    QList<QByteArray> m_unchecked;  ///< answers that arrived before the reference
    int m_submitted = 0;
    int m_answered = 0;
    int m_failed = 0;
    int m_mismatches = 0;
    double m_worstRel = 0;
};

} // namespace accel
