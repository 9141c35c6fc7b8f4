#pragma once

#include "cluster/ClusterProtocol.h"
#include "cluster/FailureDetector.h"
#include "cluster/RecoveryPolicy.h"
#include "cluster/Scheduler.h"
#include "cluster/StoreTypes.h"
#include "cluster/TaskSpec.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUrlQuery>

#include <functional>
#include <optional>

class QTimer;

namespace accel {

class Clock;
class CoordinatorStore;
class WorkerLink;

struct CoordinatorConfig
{
    qint64 epoch = 1;         ///< leader epoch carried by every assignment (1: single SQLite coordinator)
    qint64 heartbeatMs = 500; ///< asked of workers
    qint64 suspectAfterMs = 1500;
    qint64 deadAfterMs = 4000;
    qint64 tickMs = 100; ///< failure detection / scheduling period
    int quarantineAfterFailures = 3;
    qint64 maxLogBytesPerTask = 256 * 1024;
};

/// HTTP answer of Coordinator::handleHttp: a status and a JSON body.
struct HttpReply
{
    int status = 200;
    QJsonObject body;
    QJsonArray array; ///< used instead of body when isArray
    bool isArray = false;

    static HttpReply object(const QJsonObject &o, int status = 200)
    {
        HttpReply r;
        r.status = status;
        r.body = o;
        return r;
    }
    static HttpReply list(const QJsonArray &a)
    {
        HttpReply r;
        r.isArray = true;
        r.array = a;
        return r;
    }
    static HttpReply error(int status, const QString &message)
    {
        return object({{QStringLiteral("error"), message}}, status);
    }
};

/// The coordinator's logic: suites, tasks, workers, scheduling, failure detection and recovery.
/// All durable state lives in the CoordinatorStore (keys /suites/, /tasks/, /results/,
/// /workers/, /recovery/); writes are group-committed (one store transaction per event-loop
/// turn) and nothing is acknowledged or sent to a worker before its write committed.
/// Transport-free: CoordinatorServer feeds it HTTP requests and worker frames.
/// Thread: lives on one thread with its store.
class Coordinator : public QObject
{
    Q_OBJECT
public:
    Coordinator(CoordinatorStore *store, const Clock *clock, const CoordinatorConfig &config,
                QObject *parent = nullptr);
    ~Coordinator() override;

    /// Loads the state from the store (after a restart: in-flight tasks wait for their workers)
    /// and starts the periodic tick. False + *error when the store cannot be read.
    bool start(QString *error);

    /// A stored task record (/tasks/<key>) in the shape the API serves it, as the leader reads it
    /// back; nullopt when the record has no key, suite or state (follower read views use this).
    static std::optional<QJsonObject> taskApiJson(const QJsonObject &stored);
    /// passed, failed, error or skipped.
    static bool isFinalTaskState(const QString &state);

    /// HTTP/JSON API (routes in CoordinatorApi.cpp). Authentication is the transport's job.
    HttpReply handleHttp(const QString &method, const QString &path, const QUrlQuery &query,
                         const QByteArray &body);

    // Worker connections (the transport's side).
    quint64 linkOpened(WorkerLink *link);
    void frameReceived(quint64 linkId, const QByteArray &frame);
    void linkClosed(quint64 linkId);

    /// Submits a parsed suite; returns its id.
    QString submitSuite(const SuiteSpec &suite);
    /// Runs one scheduling pass now (also runs from the tick). Returns assignments made.
    int scheduleNow();
    /// Commits pending writes now (also happens on the next event-loop turn).
    bool flush();
    /// Runs failure detection now (also runs from the tick).
    void detectFailures();

    int queuedCount() const { return m_scheduler.queuedCount(); }
    int unfinishedCount() const { return m_unfinished; }
    const CoordinatorConfig &config() const { return m_config; }

Q_SIGNALS:
    /// Live events for the event stream: {"event": "task"|"worker"|"suite"|"log"|"recovery", ...}.
    void eventOccurred(const QJsonObject &event);
    /// A suite has no unfinished task left.
    void suiteFinished(const QString &suiteId);

private:
    struct Attempt
    {
        int attempt = 0;
        qint64 epoch = 0; ///< leader epoch that assigned it (fencing audit across failovers)
        QString worker;
        QString startedAt;
        QString endedAt;
        QString outcome; ///< passed, failed, worker-crash, late-result-ignored, ...
        QString action;  ///< recovery action taken
        QString reason;
        qint64 durationMs = 0;
        QJsonObject toJson() const;
    };
    struct Task
    {
        QString key; ///< suite/taskId
        QString suite;
        TaskSpec spec;
        QString state; ///< queued, assigned, running, passed, failed, error, skipped
        int attempt = 0;
        QString worker;
        int taskFailures = 0;
        int infraFailures = 0;
        QStringList excluded;
        QString preferredWorker;
        qint64 notBeforeMs = 0;
        QList<Attempt> history;
        bool awaitingReconnect = false;
        QJsonObject toJson() const;
        static bool fromJson(const QJsonObject &o, Task *out);
        bool isFinal() const;
    };
    struct Suite
    {
        QString id;
        QString name;
        QString startedAt;
        QString finishedAt;
        QString state; ///< running, finished, cancelled
        QStringList taskKeys;
        int unfinished = 0; ///< tasks not final yet (kept in step by finishTask)
        QJsonObject toJson() const;
    };
    struct Worker
    {
        QString id;
        QString name;
        WorkerCapabilities capabilities;
        QString firstSeen;
        bool draining = false;
        bool quarantined = false;
        int consecutiveFailures = 0;
        quint64 link = 0; ///< 0 = not connected
        QJsonObject toJson() const;
    };
    struct Link
    {
        WorkerLink *link = nullptr;
        QString workerId; ///< empty until registered
    };
    struct Write
    {
        QList<StoreCompare> compares;
        QList<StoreOp> ops;
        std::function<void(bool committed)> done;
    };

    void emitEvent(const QJsonObject &event);
    bool hasEventListeners() const;
    void onMessage(quint64 linkId, const ClusterMessage &m);
    void onRegister(quint64 linkId, const ClusterMessage &m);
    void onStarted(const QString &workerId, const ClusterMessage &m);
    void onResult(quint64 linkId, const QString &workerId, const ClusterMessage &m);
    void onReject(const QString &workerId, const ClusterMessage &m);
    void onLog(const QString &workerId, const ClusterMessage &m);
    void onCapabilities(const QString &workerId, const ClusterMessage &m);
    void sendTo(quint64 linkId, const ClusterMessage &m);
    void sendError(quint64 linkId, const QString &message);
    bool isCurrentAttempt(const Task &t, const QString &workerId, int attempt) const;

    void applyFailure(Task &t, FailureKind kind, const QString &detail, const QString &outcome);
    void finishTask(Task &t, const QString &status, const QString &message, const ClusterMessage *result);
    void enqueue(Task &t);
    void workerDied(const QString &workerId, FailureKind kind, const QString &why);
    void setQuarantined(Worker &w, bool quarantined, const QString &reason);
    void updateAccepting(const Worker &w);
    void recordRecovery(const QString &kind, const QString &action, const QString &task,
                        const QString &worker, const QString &detail);

    void persistTask(const Task &t, std::function<void(bool)> done = {});
    void persistWorker(const Worker &w);
    void persistSuite(const Suite &s);
    void queueWrite(Write w);
    bool commitGroup(const QList<Write> &batch);
    /// Operations (and compares) per store transaction; etcd's default limit is 128.
    static constexpr qsizetype kMaxOpsPerWrite = 100;
    void suiteMaybeFinished(const QString &suiteId);
    QJsonObject resultsDocument(const Suite &s) const;
    QJsonObject taskSummary(const Task &t) const;
    QJsonObject workerSummary(const Worker &w) const;
    QJsonObject suiteSummary(const Suite &s) const;
    /// GET /api/v1/suites/{id}/summary: suiteSummary plus passed, failed, error, skipped, flaky,
    /// attempts, retried, durationMs (wall), taskDurationMs; `withCases` adds the cases of the
    /// results document without output and artifacts.
    QJsonObject suiteResultsSummary(const Suite &s, bool withCases) const;
    QString nextId(const char *counter, const QString &prefix);
    void tick();

    CoordinatorStore *m_store;
    const Clock *m_clock;
    CoordinatorConfig m_config;
    Scheduler m_scheduler;
    FailureDetector m_detector;
    RecoveryPolicy m_policy;
    QHash<QString, Task> m_tasks;
    QHash<QString, Suite> m_suites;
    QStringList m_suiteOrder;
    QHash<QString, Worker> m_workers;
    QHash<quint64, Link> m_links;
    QHash<QString, QByteArray> m_logs;     ///< task key -> live output of the current attempt (capped)
    QHash<QString, QJsonObject> m_results; ///< task key -> final case of the results document
    quint64 m_nextLink = 1;
    qint64 m_recoverySeq = 0;
    int m_unfinished = 0;
    QList<Write> m_pending;
    bool m_flushQueued = false;
    QTimer *m_tick;
};

} // namespace accel
