#pragma once

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
namespace ui {
class ShardConfigurator;
}
struct ShardPlan;

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
