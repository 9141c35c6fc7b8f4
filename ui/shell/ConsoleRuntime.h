#pragma once

#include <QByteArray>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QUrl>

namespace accel {
class Coordinator;
class CoordinatorServer;
class MetricsStore;
class ResourcePool;
class RuntimeServer;
class SqliteStore;
class Worker;
class ShardsPanel;
class ClusterConnection;
} // namespace accel

namespace accel::ui {

class MainWindow;
class PoolPanels;

/// The console's embedded defaults, built and wired in one place so main() stays thin:
/// the metrics store (SQLite in the data dir), the runtime server with a resource pool of
/// embedded QtWebEngine hosts (and launchable external browsers), an in-process coordinator on
/// SQLite with one local worker, and the panels that show them.
///
/// Thread: GUI thread. Owns every object it creates (children of this object).
class ConsoleRuntime : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString dataDir;                  ///< metrics.sqlite, coordinator/, worker/ live here
        int embeddedHosts = 2;            ///< hosts started with the console
        int weightLimitMiB = 0;           ///< per-host cap on model weights; 0 = runtime default
        bool localWorkerCommands = false; ///< let the local worker run command tasks
    };

    explicit ConsoleRuntime(Options options, QObject *parent = nullptr);
    ~ConsoleRuntime() override;

    /// Starts everything and fills the window's panels. A part that fails to start is reported
    /// in the window's status bar and in `errors()`; the others still run.
    void start(MainWindow *window);

    QStringList errors() const { return m_errors; }
    MetricsStore *metricsStore() const { return m_metrics; }
    RuntimeServer *runtimeServer() const { return m_runtime; }
    ResourcePool *pool() const { return m_pool; }
    QUrl coordinatorUrl() const { return m_coordinatorUrl; }
    QString tokenFile() const { return m_tokenFile; }

private:
    void startMetrics(MainWindow *window);
    void startPool(MainWindow *window);
    void startCluster(MainWindow *window);
    void startShards(MainWindow *window);
    bool startLocalCoordinator(QString *error);
    void stopLocalCoordinator();
    bool startLocalWorker(QString *error);
    void stopLocalWorker();
    void recordPoolMetrics();
    void loadSelectionProfiles();
    void fail(MainWindow *window, const QString &what);

    Options m_options;
    QStringList m_errors;
    MetricsStore *m_metrics = nullptr;
    RuntimeServer *m_runtime = nullptr;
    ResourcePool *m_pool = nullptr;
    PoolPanels *m_poolPanels = nullptr;
    SqliteStore *m_clusterStore = nullptr;
    Coordinator *m_coordinator = nullptr;
    CoordinatorServer *m_coordinatorServer = nullptr;
    Worker *m_worker = nullptr;
    ShardsPanel *m_shards = nullptr;
    ClusterConnection *m_clusterConnection = nullptr;
    QByteArray m_token;
    quint16 m_coordinatorPort = 0;
    QFutureWatcherBase *m_profileLoad = nullptr;
    QUrl m_coordinatorUrl;
    QString m_tokenFile;
};

} // namespace accel::ui
