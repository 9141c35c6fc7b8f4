#include "sharding/ShardsPanel.h"

#include "common/Clock.h"
#include "hosts/RuntimeServer.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "model/ReferenceCheck.h"
#include "model/ReferenceRunner.h"
#include "pool/HostInstance.h"
#include "pool/ResourcePool.h"
#include "sharding/PipelineExecutor.h"
#include "sharding/PipelineMetrics.h"
#include "sharding/ShardConfigurator.h"
#include "sharding/ShardPlanner.h"

#include <QDateTime>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <cmath>

#include <signal.h>

namespace accel {

namespace {
constexpr double kTolerance = 1e-4;
} // namespace

ShardsPanel::ShardsPanel(ResourcePool *pool, MetricsStore *metrics, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_metrics(metrics)
    , m_configurator(new ui::ShardConfigurator(this))
    , m_requests(new QSpinBox(this))
    , m_tokens(new QSpinBox(this))
    , m_run(new QPushButton(tr("Run stream"), this))
    , m_status(new QLabel(tr("Apply a plan to start a pipeline."), this))
    , m_stats(new QTableWidget(this))
    , m_log(new QPlainTextEdit(this))
    , m_refresh(new QTimer(this))
{
    m_requests->setRange(1, 10000);
    m_requests->setValue(32);
    m_requests->setToolTip(tr("Requests sent through the pipeline, one every 20 ms"));
    m_tokens->setRange(1, 256);
    m_tokens->setValue(16);
    m_tokens->setToolTip(tr("Token ids per request"));
    m_run->setEnabled(false);
    m_status->setWordWrap(true);
    m_stats->setColumnCount(10);
    m_stats->setHorizontalHeaderLabels({tr("Stage"), tr("Host"), tr("Layers"), tr("Backend"), tr("Runs"),
                                        tr("Last ms"), tr("Mean ms"), tr("Queued"), tr("Recoveries"),
                                        tr("Hop to next")});
    m_stats->verticalHeader()->hide();
    m_stats->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stats->horizontalHeader()->setStretchLastSection(true);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(500);
    m_log->setPlaceholderText(tr("Pipeline and recovery events appear here."));

    auto *runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Requests:"), this));
    runRow->addWidget(m_requests);
    runRow->addWidget(new QLabel(tr("Tokens each:"), this));
    runRow->addWidget(m_tokens);
    runRow->addWidget(m_run);
    runRow->addStretch(1);
    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addLayout(runRow);
    bottomLayout->addWidget(m_status);
    bottomLayout->addWidget(m_stats, 2);
    bottomLayout->addWidget(m_log, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_configurator);
    split->addWidget(bottom);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_configurator, &ui::ShardConfigurator::planApplied, this, &ShardsPanel::applyPlan);
    connect(m_configurator, &ui::ShardConfigurator::killHostRequested, this, &ShardsPanel::killHost);
    connect(m_run, &QPushButton::clicked, this, &ShardsPanel::runStream);
    if (m_pool) {
        connect(m_pool, &ResourcePool::hostsUpdated, this, &ShardsPanel::refreshHosts);
        connect(m_pool, &ResourcePool::hostAdded, this, &ShardsPanel::refreshHosts);
        connect(m_pool, &ResourcePool::hostRemoved, this, &ShardsPanel::refreshHosts);
    }
    m_refresh->setInterval(500);
    connect(m_refresh, &QTimer::timeout, this, &ShardsPanel::refreshStats);
    m_refresh->start();
}

ShardsPanel::~ShardsPanel() = default;

void ShardsPanel::setModel(std::shared_ptr<ModelPackage> package)
{
    m_package = std::move(package);
    if (m_package) {
        m_configurator->setModel(ShardModelFacts::fromConfig(m_package->weights().config()),
                                 m_package->name());
    }
    refreshHosts();
}

QHash<QString, qint64> ShardsPanel::heldWeightBytes(const QList<PipelineStage> &stages,
                                                    const ShardModelFacts &facts)
{
    const ShardPlanner planner(facts);
    QHash<QString, qint64> held;
    for (const PipelineStage &s : stages) {
        if (s.lastLayer > s.firstLayer) {
            held[s.hostId] += planner.stageMemoryBytes(s.lastLayer - s.firstLayer, s.firstLayer == 0,
                                                       s.lastLayer >= facts.layerCount);
        }
    }
    return held;
}

QList<ShardHost> ShardsPanel::shardHosts(const QList<PoolHostInfo> &hosts,
                                         const QHash<QString, double> &msPerLayer,
                                         const QHash<QString, qint64> &reusableBytes)
{
    QList<ShardHost> out;
    out.reserve(hosts.size());
    for (const PoolHostInfo &info : hosts) {
        ShardHost h;
        h.id = info.id;
        h.kind = info.kind;
        h.backend = info.backends.value(0);
        h.health = info.health;
        h.usable = info.state == PoolHostState::Ready && info.breaker != BreakerState::Open;
        h.msPerLayer = msPerLayer.value(info.id, -1);
        h.freeMemoryBytes = info.freeWeightBytes(reusableBytes.value(info.id, 0));
        out.append(h);
    }
    return out;
}

void ShardsPanel::refreshHosts()
{
    if (!m_pool) {
        return;
    }
    // A host of the applied plan holds this model's weights for its range. Re-planning the same
    // model replaces those tensors (the page keeps them by name, and its backend counts a
    // replaced tensor once), so they count as free: otherwise a host running the pipeline under a
    // tight cap would look full and even re-applying the same plan would be refused. Tensors of
    // a range a new plan moves away stay on the page (the runtime has no unload message yet); if
    // the new range then does not fit, the page refuses the load with its memory error and the
    // executor reports it.
    QHash<QString, qint64> reusable;
    if (m_executor && m_package && m_appliedPackage == m_package) {
        reusable =
            heldWeightBytes(m_executor->stages(), ShardModelFacts::fromConfig(m_package->weights().config()));
    }
    m_configurator->setHosts(shardHosts(m_pool->hosts(), m_measuredMsPerLayer, reusable));
}

void ShardsPanel::applyPlan(const ShardPlan &plan)
{
    if (!m_pool || !m_package) {
        return;
    }
    QList<PipelineStage> stages;
    for (const ShardStage &s : plan.stages) {
        // Pool hosts list capabilities ("wasm-simd", "wasm-threads"); the runtime names backends.
        QString backend = QStringLiteral("auto");
        if (s.backend == QLatin1String("webgpu") || s.backend == QLatin1String("webnn") ||
            s.backend == QLatin1String("js")) {
            backend = s.backend;
        } else if (s.backend.startsWith(QLatin1String("wasm"))) {
            backend = QStringLiteral("wasm");
        }
        stages.append({s.hostId, s.firstLayer, s.lastLayer, backend, m_configurator->threadsPerStage()});
    }
    m_recorder.reset();
    m_executor = std::make_unique<PipelineExecutor>(m_pool->server(), m_package, PipelineExecutor::Config{},
                                                    Clock::system());
    m_executor->setPool(m_pool);
    m_appliedPackage = m_package;
    if (m_metrics) {
        m_recorder = std::make_unique<PipelineMetrics>(
            m_executor.get(), m_metrics, ModelConfig::familyName(m_package->weights().config().family));
    }
    connect(m_executor.get(), &PipelineExecutor::recoveryEvent, this, &ShardsPanel::log);
    connect(m_executor.get(), &PipelineExecutor::ready, this, [this] {
        m_run->setEnabled(true);
        m_status->setText(tr("Pipeline ready: %n stage(s).", nullptr, int(m_executor->stages().size())));
        log(tr("pipeline ready"));
    });
    connect(m_executor.get(), &PipelineExecutor::startFailed, this, [this](const QString &message) {
        m_status->setText(tr("The plan could not be deployed: %1").arg(message));
        log(message);
    });
    connect(m_executor.get(), &PipelineExecutor::requestFinished, this,
            [this](quint64, const QByteArray &hidden) { onFinished(hidden); });
    connect(m_executor.get(), &PipelineExecutor::requestFailed, this, [this](quint64 id, const QString &why) {
        ++m_failed;
        log(tr("request %1 failed: %2").arg(id).arg(why));
    });
    m_run->setEnabled(false);
    QString error;
    if (!m_executor->start(stages, plan.spareHostIds, &error)) {
        m_status->setText(tr("The plan could not be started: %1").arg(error));
        m_executor.reset();
        m_appliedPackage.reset();
        return;
    }
    m_status->setText(tr("Deploying %n stage(s)…", nullptr, int(stages.size())));
    log(tr("deploying %1 stage(s), %2 spare(s)").arg(stages.size()).arg(plan.spareHostIds.size()));
}

void ShardsPanel::runStream()
{
    if (!m_executor || m_executor->state() == PipelineExecutor::State::Failed || !m_package) {
        return;
    }
    const ModelConfig &config = m_package->weights().config();
    std::vector<int> tokens;
    for (int i = 0; i < std::min(m_tokens->value(), config.maxPositions); ++i) {
        tokens.push_back((i * 97 + 13) % config.vocabSize);
    }
    if (tokens != m_streamTokens) {
        m_streamTokens = tokens;
        m_reference.clear();
        computeReference();
    }
    m_submitted = 0;
    m_answered = 0;
    m_failed = 0;
    m_mismatches = 0;
    m_worstRel = 0;
    m_run->setEnabled(false);
    const int total = m_requests->value();
    auto *feeder = new QTimer(this);
    feeder->setInterval(20);
    connect(feeder, &QTimer::timeout, this, [this, feeder, total] {
        if (!m_executor || m_submitted >= total) {
            feeder->deleteLater();
            return;
        }
        if (m_executor->submit(m_streamTokens) != 0) {
            ++m_submitted;
        }
    });
    feeder->start();
}

void ShardsPanel::computeReference()
{
    // The native answer for the stream's tokens, off the GUI thread.
    auto weights = m_package->sharedWeights();
    const std::vector<int> tokens = m_streamTokens;
    auto *watcher = new QFutureWatcher<std::vector<float>>(this);
    connect(watcher, &QFutureWatcher<std::vector<float>>::finished, this, [this, watcher, tokens] {
        watcher->deleteLater();
        if (tokens != m_streamTokens) {
            return; // a newer stream started meanwhile
        }
        m_reference = watcher->result();
        const QList<QByteArray> pending = std::exchange(m_unchecked, {});
        for (const QByteArray &hidden : pending) {
            onFinished(hidden);
            --m_answered; // counted when it arrived
        }
    });
    watcher->setFuture(QtConcurrent::run([weights, tokens] {
        ReferenceRunner runner(*weights);
        std::vector<float> hidden;
        ModelError error;
        if (!runner.embed(tokens, &hidden, &error) ||
            !runner.runLayers(&hidden, int(tokens.size()), 0, weights->config().layerCount, &error)) {
            hidden.clear();
        }
        return hidden;
    }));
}

void ShardsPanel::onFinished(const QByteArray &hidden)
{
    ++m_answered;
    if (m_reference.empty()) {
        m_unchecked.append(hidden);
        return;
    }
    const double rel = ReferenceCheck::compare(reinterpret_cast<const float *>(hidden.constData()),
                                               std::size_t(hidden.size()) / sizeof(float), m_reference)
                           .relative;
    m_worstRel = std::max(m_worstRel, rel);
    if (!(rel <= kTolerance)) {
        ++m_mismatches;
    }
}

void ShardsPanel::killHost(const QString &hostId)
{
    HostInstance *instance = m_pool ? m_pool->instance(hostId) : nullptr;
    const qint64 pid = instance ? instance->processId() : 0;
    if (pid <= 0) {
        log(tr("cannot kill %1: no process is known for it").arg(hostId));
        return;
    }
    // Browsers lead their own process group; an embedded host's pid is its renderer.
    const bool group = instance->kind() != HostKind::Embedded;
    if (::kill(pid_t(group ? -pid : pid), SIGKILL) != 0) {
        log(tr("kill of %1 failed: %2").arg(hostId, QString::fromLocal8Bit(strerror(errno))));
        return;
    }
    log(tr("fault drill: sent SIGKILL to %1 (%2 %3)")
            .arg(hostId, group ? tr("process group") : tr("renderer"))
            .arg(pid));
}

void ShardsPanel::refreshStats()
{
    if (!m_executor) {
        return;
    }
    const QList<PipelineExecutor::StageStats> stats = m_executor->stageStats();
    m_stats->setRowCount(int(stats.size()));
    QList<double> latencies;
    for (int i = 0; i < stats.size(); ++i) {
        const PipelineExecutor::StageStats &s = stats[i];
        const QStringList cells{QString::number(i),
                                s.hostId,
                                QStringLiteral("%1–%2").arg(s.firstLayer).arg(s.lastLayer - 1),
                                s.backend,
                                QString::number(s.runs),
                                QString::number(s.lastMs, 'f', 1),
                                QString::number(s.meanMs, 'f', 1),
                                QString::number(s.queued + s.inFlight),
                                QString::number(s.recoveries),
                                s.hop.isEmpty() ? QStringLiteral("—")
                                : s.hop == QLatin1String("direct")
                                    ? tr("page to page (%1 runs)").arg(s.linkedRuns)
                                    : tr("through the app")};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = m_stats->item(i, c);
            if (!item) {
                item = new QTableWidgetItem;
                m_stats->setItem(i, c, item);
            }
            item->setText(cells[c]);
        }
        m_stats->item(i, int(cells.size()) - 1)
            ->setToolTip(s.hop == QLatin1String("direct")
                             ? tr("The output goes straight to the next stage's page over a link; the app "
                                  "gets a copy to replay from")
                             : s.hopReason);
        latencies.append(s.meanMs);
        if (s.runs > 0 && s.lastLayer > s.firstLayer) {
            m_measuredMsPerLayer.insert(s.hostId, s.meanMs / (s.lastLayer - s.firstLayer));
        }
    }
    m_configurator->setStageLatencies(latencies);
    if (m_submitted > 0) {
        QString text = tr("%1 of %2 answered, %3 failed; state %4.")
                           .arg(m_answered)
                           .arg(m_requests->value())
                           .arg(m_failed)
                           .arg(PipelineExecutor::stateName(m_executor->state()));
        if (!m_reference.empty() && m_answered > 0) {
            text += QLatin1Char(' ') + tr("Largest error vs the native reference: %1 (%2 over tolerance).")
                                           .arg(m_worstRel, 0, 'g', 3)
                                           .arg(m_mismatches);
        }
        m_status->setText(text);
        if (m_answered + m_failed >= m_requests->value()) {
            m_run->setEnabled(m_executor->state() != PipelineExecutor::State::Failed);
        }
    }
}

void ShardsPanel::log(const QString &line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz  ")) + line);
}

} // namespace accel
