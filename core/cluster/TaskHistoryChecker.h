#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace accel {

/// One change of a coordinator store key, as a watch replay from revision 1 delivers it (keys in
/// the coordinator's namespace: "/tasks/s-1/t1", "/results/s-1/t1", ...).
struct StoredChange
{
    qint64 revision = 0;
    QByteArray key;
    QByteArray value;   ///< empty for a delete
    qint64 version = 0; ///< the key's version after a put (1 = created); 0 for a delete
    bool deleted = false;
};

/// Linearizability-style audit of the task history a coordinator (or a succession of leaders)
/// left in the store — the oracle of the randomized fault tests (issue 8). Pure: feed it every
/// change in revision order, then check(). Any thread, no I/O.
///
/// Per task (suite/task key) it demands:
/// - submitted once: /specs/<key> and /tasks/<key> are each created exactly once, never deleted;
/// - assigned to one epoch at a time: in every stored version (task record and result), attempt
///   numbers increase, their epochs never go back, and each attempt but the last ended no later
///   than the next one started; an attempt, once recorded, keeps its epoch, worker and start
///   (the history is append-only across versions: no leader re-stamps another's assignment);
/// - completed once: /results/<key> is created exactly once and never changes its status or
///   attempt count; no two attempts of a history both passed;
/// - with requireFinished, every submitted task has a result.
/// Suites: the number of suite records per suite name (a retried submission must not double it).
class TaskHistoryChecker
{
public:
    struct Report
    {
        int tasks = 0;
        int finished = 0;
        int attempts = 0;
        QMap<qint64, int> attemptsByEpoch;
        QHash<QString, int> suitesByName;
        QStringList violations;
        bool ok() const { return violations.isEmpty(); }
    };

    void add(const StoredChange &change);
    void addAll(const QList<StoredChange> &changes);
    int changeCount() const { return m_changes; }

    /// `requireFinished`: a task without a result is a violation (the run was drained first).
    Report check(bool requireFinished) const;

private:
    struct KeyHistory
    {
        QList<StoredChange> changes;
    };
    QMap<QString, KeyHistory> m_specs;
    QMap<QString, KeyHistory> m_tasks;
    QMap<QString, KeyHistory> m_results;
    QMap<QString, KeyHistory> m_suites;
    int m_changes = 0;
    qint64 m_lastRevision = 0;
    QStringList m_orderViolations;
};

} // namespace accel
