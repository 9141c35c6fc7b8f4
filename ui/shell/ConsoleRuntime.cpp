#include "shell/ConsoleRuntime.h"

#include "cluster/AccessToken.h"
#include "cluster/ClusterConnection.h"
#include "cluster/ClusterPanel.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/LocalClusterControl.h"
#include "cluster/SqliteStore.h"
#include "cluster/TestRunsView.h"
#include "cluster/Worker.h"
#include "common/Clock.h"
#include "history/HistoryView.h"
#include "history/MetricsStore.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelPanel.h"
#include "model/ModelWeights.h"
#include "pool/PoolConfig.h"
#include "pool/PoolPanels.h"
#include "pool/ProfileSelectionPolicy.h"
#include "pool/ResourcePool.h"
#include "sharding/ShardsPanel.h"
#include "shell/MainWindow.h"

#include <QDateTime>
#include <QDir>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QLabel>
#include <QSysInfo>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace accel::ui {

ConsoleRuntime::ConsoleRuntime(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

ConsoleRuntime::~ConsoleRuntime()
{
    // The profile query reads the metrics store from another thread: let it finish first.
    if (m_profileLoad) {
        m_profileLoad->waitForFinished();
    }
    // Stop the hosts before the server they talk to, and the worker before its coordinator.
    if (m_pool) {
        m_pool->stop();
    }
    if (m_worker) {
        m_worker->stop();
    }
    // Children die in creation order; the cluster objects must go in reverse dependency order.
    delete m_worker;
    delete m_coordinatorServer;
    delete m_coordinator;
    delete m_clusterStore;
}

void ConsoleRuntime::fail(MainWindow *window, const QString &what)
{
    m_errors << what;
    qWarning("accelerate-console: %s", qPrintable(what));
    if (window) {
        window->showStatus(what, 0);
    }
}

void ConsoleRuntime::start(MainWindow *window)
{
    QDir().mkpath(m_options.dataDir);
    startMetrics(window);
    startPool(window);
    startCluster(window);
}

void ConsoleRuntime::startMetrics(MainWindow *window)
{
    m_metrics = new MetricsStore(QDir(m_options.dataDir).filePath(QStringLiteral("metrics.sqlite")),
                                 Clock::system(), this);
    QString error;
    if (!m_metrics->open(&error)) {
        fail(window, tr("Metrics store unavailable: %1").arg(error));
        delete m_metrics;
        m_metrics = nullptr;
        return;
    }
    window->setPanel(MainWindow::Panel::History, new HistoryView(m_metrics));
}

void ConsoleRuntime::startPool(MainWindow *window)
{
    m_runtime = new RuntimeServer({}, Clock::system(), this);
    QString error;
    if (!m_runtime->start(&error)) {
        fail(window, tr("Runtime server did not start: %1").arg(error));
        return;
    }
    PoolConfig config;
    auto limits = PoolConfig::defaultLimits();
    limits[HostKind::Embedded].minHosts =
        qBound(0, m_options.embeddedHosts, limits[HostKind::Embedded].maxHosts);
    config.limits = limits;
    config.weightLimitBytes = qint64(m_options.weightLimitMiB) * 1024 * 1024;
    m_pool = PoolPanels::createDefaultPool(m_runtime, config, this);
    m_poolPanels = new PoolPanels(m_pool, this);
    window->setPanel(MainWindow::Panel::Hosts, m_poolPanels->takeHostsPanel());
    window->setPanel(MainWindow::Panel::Dashboard, m_poolPanels->takeDashboard());
    connect(m_poolPanels, &PoolPanels::hostCountChanged, window, &MainWindow::setHostCount);
    connect(m_pool, &ResourcePool::hostsUpdated, this, &ConsoleRuntime::recordPoolMetrics);
    m_pool->start();
    loadSelectionProfiles();
    startShards(window);
}

void ConsoleRuntime::startShards(MainWindow *window)
{
    // The bundled demo model (random weights) until the operator loads another one.
    auto weights = std::make_shared<ModelWeights>();
    ModelError error;
    if (!DemoModel::load(weights.get(), &error)) {
        fail(window, tr("Demo model unavailable: %1").arg(error.message));
        return;
    }
    m_shards = new ShardsPanel(m_pool, m_metrics);
    m_shards->setModel(std::make_shared<ModelPackage>(QStringLiteral("demo"), weights));
    window->setPanel(MainWindow::Panel::Shards, m_shards);
    window->setPanel(MainWindow::Panel::Model, new ModelPanel(m_pool, Clock::system()));
}

void ConsoleRuntime::loadSelectionProfiles()
{
    if (!m_metrics || !m_pool) {
        return;
    }
    // Measured stage latencies decide which browser kind serves which model family once the
    // history is confident (BrowserProfiles); the query blocks, so it runs off the GUI thread.
    auto *watcher = new QFutureWatcher<BrowserProfiles>(this);
    m_profileLoad = watcher;
    connect(watcher, &QFutureWatcher<BrowserProfiles>::finished, this, [this, watcher] {
        m_pool->selector().setPolicy(std::make_shared<ProfileSelectionPolicy>(watcher->result()));
    });
    MetricsStore *store = m_metrics;
    watcher->setFuture(QtConcurrent::run([store] {
        return BrowserProfiles::fromStore(store, QStringLiteral("sharding.stage_ms_per_layer"), {});
    }));
}

void ConsoleRuntime::recordPoolMetrics()
{
    if (!m_metrics || !m_pool) {
        return;
    }
    // Health and availability feed the performance history (throttled by the pool's publication
    // rate); the History panel charts and analyses them like any other series.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QList<MetricSample> samples;
    int available = 0;
    for (const PoolHostInfo &info : m_pool->hosts()) {
        MetricSample health;
        health.metric = QStringLiteral("pool.health_score");
        health.tags.host = info.id;
        health.tags.browser = hostKindName(info.kind);
        health.timestampMs = nowMs;
        health.value = info.health;
        samples << health;
        if (info.state == PoolHostState::Ready && info.breaker == BreakerState::Closed) {
            ++available;
        }
    }
    MetricSample hosts;
    hosts.metric = QStringLiteral("pool.hosts_available");
    hosts.timestampMs = nowMs;
    hosts.value = available;
    samples << hosts;
    m_metrics->record(samples);
}

void ConsoleRuntime::startCluster(MainWindow *window)
{
    const QDir dir(m_options.dataDir);
    dir.mkpath(QStringLiteral("coordinator"));
    dir.mkpath(QStringLiteral("worker"));
    QString error;
    m_tokenFile = dir.filePath(QStringLiteral("coordinator/token"));
    m_token = AccessToken::loadOrCreate(m_tokenFile, &error);
    if (m_token.isEmpty()) {
        fail(window, tr("Coordinator token unavailable: %1").arg(error));
        return;
    }
    if (!startLocalCoordinator(&error)) {
        fail(window, error);
        return;
    }
    startLocalWorker(&error);

    // The panels talk to a coordinator over its API like any remote client would.
    m_clusterConnection = new ClusterConnection(this);
    m_clusterConnection->connectTo(m_coordinatorUrl, m_token);
    LocalClusterControl control;
    control.startCoordinator = [this](QString *e) {
        return startLocalCoordinator(e);
    };
    control.stopCoordinator = [this](QString *) {
        stopLocalCoordinator();
        return true;
    };
    control.startWorker = [this](QString *e) {
        return startLocalWorker(e);
    };
    control.stopWorker = [this](QString *) {
        stopLocalWorker();
        return true;
    };
    control.coordinatorRunning = [this] {
        return m_coordinator != nullptr;
    };
    control.workerRunning = [this] {
        return m_worker != nullptr;
    };
    control.localEndpoint = [this](QUrl *url, QByteArray *token) {
        if (!m_coordinator) {
            return false;
        }
        *url = m_coordinatorUrl;
        *token = m_token;
        return true;
    };
    window->setPanel(MainWindow::Panel::Cluster, new ClusterPanel(m_clusterConnection, control));
    window->setPanel(MainWindow::Panel::Tests, new TestRunsView(m_clusterConnection));
}

bool ConsoleRuntime::startLocalCoordinator(QString *error)
{
    if (m_coordinator) {
        return true;
    }
    const QDir dir(m_options.dataDir);
    m_clusterStore =
        new SqliteStore(dir.filePath(QStringLiteral("coordinator/coordinator.db")), Clock::system(), this);
    const auto opened = m_clusterStore->open();
    if (!opened) {
        *error = tr("Coordinator store unavailable: %1").arg(opened.error().message);
        stopLocalCoordinator();
        return false;
    }
    m_coordinator = new Coordinator(m_clusterStore, Clock::system(), CoordinatorConfig{}, this);
    QString why;
    if (!m_coordinator->start(&why)) {
        *error = tr("Coordinator did not start: %1").arg(why);
        stopLocalCoordinator();
        return false;
    }
    m_coordinatorServer = new CoordinatorServer(m_coordinator, m_token, this);
    // Restarts keep the port, so the URL the panels and the local worker use stays valid.
    const quint16 port = m_coordinatorServer->start(QHostAddress::LocalHost, m_coordinatorPort, &why);
    if (port == 0) {
        *error = tr("Coordinator did not start: %1").arg(why);
        stopLocalCoordinator();
        return false;
    }
    m_coordinatorPort = port;
    m_coordinatorUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    return true;
}

void ConsoleRuntime::stopLocalCoordinator()
{
    delete m_coordinatorServer;
    m_coordinatorServer = nullptr;
    delete m_coordinator;
    m_coordinator = nullptr;
    delete m_clusterStore;
    m_clusterStore = nullptr;
}

bool ConsoleRuntime::startLocalWorker(QString *error)
{
    if (m_worker) {
        return true;
    }
    if (!m_coordinatorUrl.isValid()) {
        *error = tr("The local worker needs the local coordinator's address: start the coordinator first.");
        return false;
    }
    const QDir dir(m_options.dataDir);
    WorkerConfig worker;
    worker.coordinator = m_coordinatorUrl;
    worker.token = m_token;
    worker.workerId = QStringLiteral("local-") + QSysInfo::machineHostName();
    worker.name = worker.workerId;
    worker.workDir = dir.filePath(QStringLiteral("worker/work"));
    worker.labels = {QStringLiteral("local")};
    worker.allowCommands = m_options.localWorkerCommands;
    m_worker = new Worker(worker, this);
    m_worker->start();
    return true;
}

void ConsoleRuntime::stopLocalWorker()
{
    delete m_worker;
    m_worker = nullptr;
}

} // namespace accel::ui
