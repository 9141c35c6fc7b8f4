#pragma once

#include "cluster/ClusterProtocol.h"
#include "cluster/WorkerCapabilities.h"

#include <QHash>
#include <QObject>
#include <QUrl>

class QTimer;
class QWebSocket;

namespace accel {

class BrowserProber;
class TaskRunner;

struct WorkerConfig
{
    QUrl coordinator; ///< http(s):// or ws(s):// base URL of the coordinator
    /// Redundant coordinators, tried in order (empty: just `coordinator`). A follower answers the
    /// upgrade with a redirect, so the worker moves on until it reaches the leader.
    QList<QUrl> coordinators;
    QByteArray token;
    QString workerId;
    QString name;
    QString workDir;
    QStringList labels;
    int slotCount = 1;
    bool allowCommands = false;  ///< command tasks are refused unless the operator allowed them
    qint64 minFreeDiskMb = 64;   ///< refuse (disk-full) below this
    qint64 minFreeMemoryMb = 64; ///< refuse (low-memory) below this
    /// Measure each found browser's compute features after start (BrowserProber: one browser at a
    /// time, in a subprocess, after registration) and send them as a capability update.
    bool probeBrowsers = false;
    int browserProbeTimeoutMs = 30000; ///< per browser, launch until the runtime page's hello
    qint64 reconnectMinMs = 100;
    qint64 reconnectMaxMs = 2000;
};

/// A worker node: connects to the coordinator's /api/v1/worker WebSocket, registers its
/// capabilities, heartbeats, runs assigned tasks with TaskRunner, streams their output and
/// uploads results until the coordinator acknowledges them (resending after a reconnect, so a
/// coordinator restart loses nothing). Rejects assignments from an older leader epoch.
///
/// Redundant coordinators: on a failed connection or a disconnect it tries the next URL at once,
/// backing off only after a whole round failed. A coordinator that stops answering (paused,
/// partitioned: no message and no pong within max(3 heartbeats, 1.5 s)) is dropped the same way.
/// Tasks keep running across a failover; their results go to whichever leader the worker is
/// registered with, stamped with that leader's epoch (the result is identified by task + attempt).
class Worker : public QObject
{
    Q_OBJECT
public:
    explicit Worker(const WorkerConfig &config, QObject *parent = nullptr);
    ~Worker() override;

    void start();
    void stop();
    bool isConnected() const { return m_registered; }
    /// The coordinator URL the worker is connected or connecting to.
    QUrl currentCoordinator() const;
    int runningCount() const { return int(m_runners.size()); }
    const WorkerCapabilities &capabilities() const { return m_caps; }
    /// True while browsers are being probed.
    bool isProbing() const;

Q_SIGNALS:
    void registered(const QString &workerId);
    void disconnectedFromCoordinator();
    void taskFinished(const QString &task, int attempt, const QString &status);
    /// A browser's probe ended (WorkerCapabilities::Browser::probe is "done" or "failed").
    void browserProbed(const QString &name);

private:
    struct Running
    {
        QString task;
        int attempt = 0;
        TaskRunner *runner = nullptr;
    };
    void connectNow();
    void onConnected();
    void onDisconnected();
    void scheduleReconnect();
    void checkAlive();
    void onText(const QString &text);
    void send(const ClusterMessage &m);
    void onAssign(const ClusterMessage &m);
    void onCancel(const ClusterMessage &m);
    void reject(const ClusterMessage &assign, const QString &failure, const QString &message);
    QList<ClusterMessage::RunningTask> runningList() const;
    void flushLogs();
    void onBrowserProbed(int index, const WorkerCapabilities::Browser &browser);
    static QString runKey(const QString &task, int attempt);

    WorkerConfig m_config;
    WorkerCapabilities m_caps;
    QWebSocket *m_socket;
    QTimer *m_heartbeat;
    QTimer *m_reconnect;
    QTimer *m_logFlush;
    BrowserProber *m_prober = nullptr; ///< null unless config.probeBrowsers and browsers exist
    bool m_probeStarted = false;
    bool m_registered = false;
    bool m_stopping = false;
    bool m_draining = false;
    qint64 m_epoch = 0;
    qint64 m_backoffMs;
    QList<QUrl> m_urls;
    int m_urlIndex = 0;
    int m_failedInRound = 0;
    qint64 m_lastHeardMs = 0;
    QHash<QString, Running> m_runners;       ///< runKey -> running task
    QHash<QString, ClusterMessage> m_outbox; ///< runKey -> result not yet acknowledged
    QHash<QString, QString> m_pendingLogs;   ///< runKey -> output not yet sent
};

} // namespace accel
