#pragma once

#include "cluster/Coordinator.h"
#include "cluster/StoreTypes.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QUrlQuery>

#include <optional>

namespace accel {

class CoordinatorStore;

/// What a follower serves by itself: a read-only replica of the coordinator state, built from
/// the replicated store (issue 8: "followers serve reads and the event stream").
///
/// Design (why not a second Coordinator): a Coordinator owns the state and changes it (restart
/// recovery, failure detection, scheduling); a follower must never do any of that. This view only
/// reads: start() loads every record under "/" at one store revision R, then follows the store's
/// watch from R + 1, so the replica is exactly the store at revision(), never a mix. It parses
/// the records the leader writes (/suites/, /tasks/, /specs/, /results/, /workers/, /recovery/)
/// the way Coordinator::start() does after a restart, so a follower's answer is what the leader
/// would answer after loading the same revision.
///
/// Served (GET only): /suites, /suites/{id}, /suites/{id}/results, /tasks[?suite=&state=],
/// /tasks/{suite}/{task}, /tasks/{suite}/{task}/logs of a finished task, /recovery. Everything
/// whose truth lives only in the leader's memory returns nullopt, and the server redirects it to
/// the leader: /workers (connected, heartbeat age, failure-detector state), live logs of running
/// tasks, and any path the view does not know. Differences from the leader, by design: the
/// "unschedulable" explanation of queued tasks is missing, and tasks of a suite are listed in key
/// order (a leader that received the submission lists them in submission order).
///
/// Staleness: answers reflect store revision revision(); the server reports it (and who leads)
/// in X-Accel-Store-Revision / X-Accel-Leader headers. Events: eventOccurred() for every change
/// the watch delivers — task (taskSummary), suite (suiteSummary), worker (the stored record) and
/// recovery events, each with a "revision" field.
/// Thread: the store's.
class CoordinatorReadView : public QObject
{
    Q_OBJECT
public:
    /// `store` (not owned) must outlive the view or stop() must be called first.
    explicit CoordinatorReadView(CoordinatorStore *store, QObject *parent = nullptr);
    ~CoordinatorReadView() override;

    /// Loads the snapshot and starts following the store. False + *error when it cannot be read.
    bool start(QString *error);
    /// Stops following and frees the replica.
    void stop();
    bool isRunning() const { return m_watchId != 0; }
    /// Store revision the replica reflects (0 when not running).
    qint64 revision() const { return m_revision; }
    int taskCount() const { return int(m_tasks.size()); }

    /// Answer of a GET of the read API, or nullopt when only the leader can answer it.
    std::optional<HttpReply> handleGet(const QString &path, const QUrlQuery &query) const;

Q_SIGNALS:
    void eventOccurred(const QJsonObject &event);

private:
    struct SpecInfo
    {
        QString id;
        QString name;
        int priority = 0;
    };
    void apply(const QList<WatchEvent> &events);
    void put(const QByteArray &key, const QByteArray &value, QSet<QString> *tasks, QSet<QString> *suites,
             QList<QJsonObject> *others);
    void remove(const QByteArray &key, QSet<QString> *tasks, QSet<QString> *suites);
    /// The task as the leader holds it after a load (result record wins over a non-final task
    /// record); nullopt when the leader would skip it (no spec, no suite record, unreadable).
    std::optional<QJsonObject> effectiveTask(const QString &key) const;
    QJsonObject taskSummary(const QString &key, const QJsonObject &task) const;
    QJsonObject suiteSummary(const QString &id) const;
    QStringList suiteTaskKeys(const QString &suiteId) const;

    CoordinatorStore *m_store;
    qint64 m_watchId = 0;
    qint64 m_revision = 0;
    QMap<QString, QJsonObject> m_suites;  ///< id -> stored suite record
    QMap<QString, QJsonObject> m_tasks;   ///< suite/task -> stored task record
    QMap<QString, SpecInfo> m_specs;      ///< suite/task -> the spec fields the API shows
    QMap<QString, QJsonObject> m_results; ///< suite/task -> final case
    QMap<QString, QJsonObject> m_workers; ///< id -> stored worker record
    QMap<QByteArray, QJsonObject> m_recovery;
};

} // namespace accel
