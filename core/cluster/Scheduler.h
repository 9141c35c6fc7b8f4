#pragma once

#include "cluster/TaskSpec.h"
#include "cluster/WorkerCapabilities.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <set>

namespace accel {

/// In-memory priority queue of runnable tasks and the set of workers, matched by capability.
/// Pure logic (no I/O, no clock of its own): the Coordinator persists its decisions.
/// Order: higher priority first, then submission order. Fairness: among eligible workers with a
/// free slot the least loaded (running / slots) wins, ties go to the worker that has been given
/// the fewest tasks. A task that no worker can take stays queued and does not block others.
class Scheduler
{
public:
    struct QueuedTask
    {
        QString key;
        int priority = 0;
        TaskRequirements requirements;
        QStringList capabilities; ///< required capability strings (kind + explicit)
        QSet<QString> excluded;   ///< workers this task must not go to (migrated away, quarantined)
        QString preferredWorker;  ///< retry in place: this worker if it can take it now
        qint64 notBeforeMs = 0;   ///< backoff: not before this Clock time
    };
    struct WorkerState
    {
        QString id;
        WorkerCapabilities capabilities;
        QStringList offered; ///< capabilities.capabilityStrings(), computed once in setWorker()
        int running = 0;
        bool accepting = true; ///< false while draining, quarantined, suspect or dead
        QString notAcceptingReason;
        qint64 assignedTotal = 0;
    };
    struct Assignment
    {
        QString task;
        QString worker;
    };

    void enqueue(const QueuedTask &task);
    bool remove(const QString &taskKey);
    bool contains(const QString &taskKey) const { return m_tasks.contains(taskKey); }
    int queuedCount() const { return int(m_tasks.size()); }
    QList<QString> queuedKeys() const;

    void setWorker(const QString &id, const WorkerCapabilities &caps);
    void removeWorker(const QString &id);
    void setAccepting(const QString &id, bool accepting, const QString &reason = {});
    /// A task of this worker finished or was taken away.
    void releaseSlot(const QString &id);
    /// A task is (again) counted as running on the worker (e.g. after a coordinator restart).
    void occupySlot(const QString &id);
    const WorkerState *worker(const QString &id) const;
    int freeSlots() const;

    /// Pops up to maxAssignments tasks that can run now and the workers they go to.
    QList<Assignment> schedule(qint64 nowMs, int maxAssignments = 1 << 30);

    /// Why a queued task is not running (empty when some worker could take it right now).
    QString explain(const QString &taskKey, qint64 nowMs) const;

private:
    struct Order
    {
        int priority;
        qint64 seq;
        QString key;
        bool operator<(const Order &o) const
        {
            return priority != o.priority ? priority > o.priority : seq < o.seq;
        }
    };
    struct Entry
    {
        QueuedTask task;
        Order order;
    };
    QString ineligibility(const QueuedTask &t, const WorkerState &w) const;
    bool matches(const QueuedTask &t, const WorkerState &w) const;
    WorkerState *pickWorker(const QueuedTask &t);

    QHash<QString, Entry> m_tasks;
    std::set<Order> m_order;
    QHash<QString, WorkerState> m_workers;
    qint64 m_seq = 0;
};

} // namespace accel
