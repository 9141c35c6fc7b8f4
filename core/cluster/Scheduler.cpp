#include "cluster/Scheduler.h"

namespace accel {

void Scheduler::enqueue(const QueuedTask &task)
{
    remove(task.key);
    Entry e{task, Order{task.priority, m_seq++, task.key}};
    m_order.insert(e.order);
    m_tasks.insert(task.key, e);
}

bool Scheduler::remove(const QString &taskKey)
{
    auto it = m_tasks.find(taskKey);
    if (it == m_tasks.end()) {
        return false;
    }
    m_order.erase(it->order);
    m_tasks.erase(it);
    return true;
}

QList<QString> Scheduler::queuedKeys() const
{
    QList<QString> keys;
    keys.reserve(qsizetype(m_order.size()));
    for (const Order &o : m_order) {
        keys.append(o.key);
    }
    return keys;
}

void Scheduler::setWorker(const QString &id, const WorkerCapabilities &caps)
{
    auto it = m_workers.find(id);
    if (it == m_workers.end()) {
        WorkerState w;
        w.id = id;
        w.capabilities = caps;
        w.offered = caps.capabilityStrings();
        m_workers.insert(id, w);
    } else {
        it->capabilities = caps;
        it->offered = caps.capabilityStrings();
    }
}

void Scheduler::removeWorker(const QString &id)
{
    m_workers.remove(id);
}

void Scheduler::setAccepting(const QString &id, bool accepting, const QString &reason)
{
    auto it = m_workers.find(id);
    if (it != m_workers.end()) {
        it->accepting = accepting;
        it->notAcceptingReason = accepting ? QString() : reason;
    }
}

void Scheduler::releaseSlot(const QString &id)
{
    auto it = m_workers.find(id);
    if (it != m_workers.end() && it->running > 0) {
        --it->running;
    }
}

void Scheduler::occupySlot(const QString &id)
{
    auto it = m_workers.find(id);
    if (it != m_workers.end()) {
        ++it->running;
    }
}

const Scheduler::WorkerState *Scheduler::worker(const QString &id) const
{
    auto it = m_workers.constFind(id);
    return it == m_workers.cend() ? nullptr : &*it;
}

int Scheduler::freeSlots() const
{
    int free = 0;
    for (const WorkerState &w : m_workers) {
        if (w.accepting) {
            free += std::max(0, w.capabilities.slotCount - w.running);
        }
    }
    return free;
}

QString Scheduler::ineligibility(const QueuedTask &t, const WorkerState &w) const
{
    if (t.excluded.contains(w.id)) {
        return QStringLiteral("excluded after an earlier failure there");
    }
    if (!w.accepting) {
        return w.notAcceptingReason.isEmpty() ? QStringLiteral("not accepting tasks") : w.notAcceptingReason;
    }
    return w.capabilities.mismatch(t.requirements, t.capabilities, w.offered);
}

Scheduler::WorkerState *Scheduler::pickWorker(const QueuedTask &t)
{
    if (!t.preferredWorker.isEmpty()) {
        auto it = m_workers.find(t.preferredWorker);
        if (it != m_workers.end() && it->running < it->capabilities.slotCount &&
            ineligibility(t, *it).isEmpty()) {
            return &*it;
        }
    }
    // Exclusions are honoured while some other worker could take the task at all; when every
    // matching worker is excluded, one of them is better than starving.
    bool honourExclusions = false;
    for (const WorkerState &w : std::as_const(m_workers)) {
        if (!t.excluded.contains(w.id) && ineligibility(t, w).isEmpty()) {
            honourExclusions = true;
            break;
        }
    }
    WorkerState *best = nullptr;
    for (auto it = m_workers.begin(); it != m_workers.end(); ++it) {
        WorkerState &w = *it;
        if (w.running >= w.capabilities.slotCount) {
            continue;
        }
        if (honourExclusions ? !ineligibility(t, w).isEmpty() : !matches(t, w)) {
            continue;
        }
        if (!best) {
            best = &w;
            continue;
        }
        // Compare load ratios without division: a/b < c/d  <=>  a*d < c*b.
        const qint64 lhs = qint64(w.running) * best->capabilities.slotCount;
        const qint64 rhs = qint64(best->running) * w.capabilities.slotCount;
        if (lhs < rhs || (lhs == rhs && (w.assignedTotal < best->assignedTotal ||
                                         (w.assignedTotal == best->assignedTotal && w.id < best->id)))) {
            best = &w;
        }
    }
    return best;
}

bool Scheduler::matches(const QueuedTask &t, const WorkerState &w) const
{
    return w.accepting && w.capabilities.mismatch(t.requirements, t.capabilities, w.offered).isEmpty();
}

QList<Scheduler::Assignment> Scheduler::schedule(qint64 nowMs, int maxAssignments)
{
    QList<Assignment> out;
    int free = freeSlots();
    for (auto it = m_order.begin(); it != m_order.end() && free > 0 && out.size() < maxAssignments;) {
        const Entry &e = m_tasks[it->key];
        if (e.task.notBeforeMs > nowMs) {
            ++it;
            continue;
        }
        WorkerState *w = pickWorker(e.task);
        if (!w) {
            ++it;
            continue;
        }
        ++w->running;
        ++w->assignedTotal;
        --free;
        out.append({it->key, w->id});
        m_tasks.remove(it->key);
        it = m_order.erase(it);
    }
    return out;
}

QString Scheduler::explain(const QString &taskKey, qint64 nowMs) const
{
    auto it = m_tasks.constFind(taskKey);
    if (it == m_tasks.cend()) {
        return QStringLiteral("task is not queued");
    }
    const QueuedTask &t = it->task;
    if (t.notBeforeMs > nowMs) {
        return QStringLiteral("waiting %1 ms before retrying").arg(t.notBeforeMs - nowMs);
    }
    if (m_workers.isEmpty()) {
        return QStringLiteral("no workers are connected");
    }
    QStringList reasons;
    bool someEligibleBusy = false;
    for (const WorkerState &w : m_workers) {
        const QString why = ineligibility(t, w);
        if (why.isEmpty()) {
            if (w.running >= w.capabilities.slotCount) {
                someEligibleBusy = true;
            } else {
                return {};
            }
        } else {
            reasons << QStringLiteral("%1: %2").arg(w.id, why);
        }
    }
    if (someEligibleBusy) {
        return QStringLiteral("all matching workers are busy");
    }
    reasons.sort();
    return QStringLiteral("no worker matches: ") + reasons.join(QStringLiteral("; "));
}

} // namespace accel
