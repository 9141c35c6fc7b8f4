#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;
class QWebSocket;

namespace accel {

class Clock;

/// Asynchronous client of one coordinator (base URL + token) for live views: the HTTP/JSON API
/// through QNetworkAccessManager and the /api/v1/events WebSocket for live updates. Events
/// trigger narrow re-fetches (coalesced, at most ~10 per second); a slow poll covers missed
/// events and a coordinator without a working event stream. A lost coordinator is retried with
/// exponential backoff. Nothing here blocks: every outcome arrives as a signal.
///
/// The token is sent as "Authorization: Bearer" and is never logged or exposed again.
/// Thread: the thread it lives on (the GUI thread in the console); not thread-safe.
class ClusterConnection : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Disconnected = 1, ///< not connected and not trying (never connected, stopped, or a bad token)
        Connecting,       ///< first contact in progress
        Connected,        ///< the API answers
        Reconnecting,     ///< the coordinator was lost; retrying with backoff
    };
    Q_ENUM(State)
    enum class Error {
        None = 1,
        InvalidUrl,   ///< not an http(s) URL with a host
        Unauthorized, ///< 401: missing or wrong token (no automatic retries)
        Unreachable,  ///< connection refused, host not found, connection reset
        Timeout,      ///< no answer within Options::requestTimeoutMs
        BadReply,     ///< an answer that is not the expected JSON, or too large
        Rejected,     ///< the API answered with an error status (detail: its message)
    };
    Q_ENUM(Error)
    enum class Operation {
        SubmitSuite = 1,
        CancelSuite,
        DrainWorker,
        UndrainWorker,
        QuarantineWorker,
        UnquarantineWorker,
        TaskLog,
        TaskDetail,
    };
    Q_ENUM(Operation)

    struct Options
    {
        qint64 pollIntervalMs = 5000;         ///< full refresh while the event stream is live
        qint64 fallbackPollIntervalMs = 1500; ///< full refresh while it is not
        qint64 coalesceMs = 100;              ///< event-triggered re-fetches are batched this long
        qint64 reconnectMinMs = 250;
        qint64 reconnectMaxMs = 10000;
        qint64 requestTimeoutMs = 10000;
        qint64 summaryIntervalMs = 2000; ///< a changing suite's summary is re-fetched at most this often
    };

    /// The answer to one operation (see the operation methods).
    struct Reply
    {
        quint64 id = 0;
        Operation operation = Operation::SubmitSuite;
        QString subject; ///< suite id, worker id or task key the operation was about
        int status = 0;  ///< HTTP status, 0 when no answer arrived
        Error error = Error::None;
        QString detail; ///< the API's or the transport's message (English), empty when ok
        QJsonDocument json;
        bool ok() const { return error == Error::None; }
    };

    static constexpr qint64 kMaxReplyBytes = 64 * 1024 * 1024;
    static constexpr qint64 kMaxEventBytes = 4 * 1024 * 1024;

    explicit ClusterConnection(QObject *parent = nullptr);
    ClusterConnection(const Options &options, QObject *parent = nullptr);
    ~ClusterConnection() override;

    /// Drops any current connection and connects to `base` (http or https) with `token`.
    /// An invalid URL ends in Disconnected with Error::InvalidUrl (synchronously).
    void connectTo(const QUrl &base, const QByteArray &token);
    /// Stops talking to the coordinator (state Disconnected, no retries).
    void disconnectFromCoordinator();
    /// Tries again now (also after a bad token or a disconnect), resetting the backoff.
    void reconnectNow();

    QUrl baseUrl() const { return m_base; }
    State state() const { return m_state; }
    Error lastError() const { return m_lastError; }
    QString lastErrorDetail() const { return m_lastErrorDetail; }
    /// True while the event WebSocket is open.
    bool isLive() const { return m_live; }
    /// The last /api/v1/health answer (ok, version, epoch, store, queued, unfinished).
    QJsonObject health() const { return m_health; }
    /// Delay before the next reconnect attempt (ms); meaningful while Reconnecting.
    qint64 reconnectDelayMs() const { return m_backoffMs; }

    /// The suite whose tasks are fetched and reported (tasksReceived); empty = none.
    void setWatchedSuite(const QString &suiteId);
    QString watchedSuite() const { return m_watchedSuite; }

    /// Re-fetches health, workers, suites and the watched suite's tasks now.
    void refresh();

    // Operations. Each returns an id; requestFinished(reply) with that id follows exactly once
    // (also when the connection is dropped first: Error::Unreachable).
    quint64 submitSuite(const QByteArray &suiteJson);
    quint64 cancelSuite(const QString &suiteId);
    quint64 drainWorker(const QString &workerId) { return workerAction(workerId, Operation::DrainWorker); }
    quint64 undrainWorker(const QString &workerId)
    {
        return workerAction(workerId, Operation::UndrainWorker);
    }
    quint64 quarantineWorker(const QString &workerId)
    {
        return workerAction(workerId, Operation::QuarantineWorker);
    }
    quint64 unquarantineWorker(const QString &workerId)
    {
        return workerAction(workerId, Operation::UnquarantineWorker);
    }
    quint64 workerAction(const QString &workerId, Operation action);
    /// {"task", "attempt", "final", "log"} of a task ("suite/task").
    quint64 fetchTaskLog(const QString &taskKey);
    /// The task with its attempt history ("history") and, once final, its "result".
    quint64 fetchTask(const QString &taskKey);

    static QString stateName(State s);
    static QString errorName(Error e);

Q_SIGNALS:
    void stateChanged(accel::ClusterConnection::State state);
    /// Every failure, also ones that do not change the state (e.g. a 404 of a refresh).
    void errorOccurred(accel::ClusterConnection::Error error, const QString &detail);
    void liveChanged(bool live);
    void healthChanged(const QJsonObject &health);

    void workersReceived(const QJsonArray &workers); ///< the full list
    void workerUpdated(const QJsonObject &worker);   ///< one worker changed
    void suitesReceived(const QJsonArray &suites);
    void suiteUpdated(const QJsonObject &suite);
    void tasksReceived(const QString &suiteId, const QJsonArray &tasks); ///< the watched suite's tasks
    void taskUpdated(const QJsonObject &task);                           ///< any suite's task changed
    /// GET /api/v1/suites/{id}/summary of a suite whose "done" count changed (throttled to
    /// Options::summaryIntervalMs while it runs): counts, passed/failed/flaky, attempts, durations;
    /// for the watched suite also "cases" (the results document's cases without outputs).
    void summaryReceived(const QString &suiteId, const QJsonObject &summary);
    void logReceived(const QString &taskKey, int attempt, const QString &stream, const QString &data);
    void recoveryStep(const QJsonObject &step);

    void requestFinished(const accel::ClusterConnection::Reply &reply);

private:
    using Handler = std::function<void(const Reply &)>;
    enum Dirty : unsigned { DirtyHealth = 1, DirtyWorkers = 2, DirtySuites = 4, DirtyTasks = 8 };

    void init();
    QNetworkReply *send(const QByteArray &verb, const QString &path, const QByteArray &body, Handler handler);
    quint64 operation(Operation op, const QString &subject, const QByteArray &verb, const QString &path,
                      const QByteArray &body);
    void finishReply(QNetworkReply *reply, const Handler &handler);
    void setState(State s);
    void setError(Error e, const QString &detail);
    void setLive(bool live);
    void probe();
    void onProbed(const Reply &r);
    void lost(Error e, const QString &detail);
    bool handleBackgroundFailure(const Reply &r);
    void openEvents();
    void closeEvents();
    void onEventText(const QString &text);
    void markDirty(unsigned what);
    void flushDirty();
    void fetchHealth();
    void fetchWorkers();
    void fetchSuites();
    void fetchTasks();
    void noteSuite(const QJsonObject &suite);
    void fetchDueSummaries();
    void abortAll();
    void restartPoll();

    Options m_options;
    QNetworkAccessManager *m_nam;
    QWebSocket *m_events;
    QTimer *m_retry;
    QTimer *m_poll;
    QTimer *m_coalesce;
    QTimer *m_summaries;
    QUrl m_base;
    QByteArray m_token;
    State m_state = State::Disconnected;
    Error m_lastError = Error::None;
    QString m_lastErrorDetail;
    bool m_live = false;
    bool m_probing = false;
    qint64 m_backoffMs;
    quint64 m_generation = 0; ///< bumped on every (re)connect; older answers are ignored
    quint64 m_nextId = 1;
    unsigned m_dirty = 0;
    unsigned m_inFlight = 0; ///< Dirty bits with a fetch in flight
    QJsonObject m_health;
    QString m_watchedSuite;
    QHash<QNetworkReply *, Handler> m_replies;
    QHash<QString, int> m_summaryDone; ///< suite -> its "done" count when its summary was last fetched
    QHash<QString, int> m_suiteDone;   ///< suite -> its latest "done" count
    QSet<QString> m_summaryInFlight;
};

} // namespace accel

Q_DECLARE_METATYPE(accel::ClusterConnection::Reply)
