// Coordinator: worker connections and their protocol (register, heartbeats, started, log,
// result, reject, capabilities) and whether a worker accepts new tasks.
#include "cluster/Coordinator.h"

#include "cluster/CoordinatorInternal.h"
#include "cluster/WorkerLink.h"
#include "common/LogCategories.h"

namespace accel {

using namespace coordinator_internal;

WorkerLink::~WorkerLink() = default;

bool Coordinator::isCurrentAttempt(const Task &t, const QString &workerId, int attempt) const
{
    return isInFlight(t.state) && t.worker == workerId && t.attempt == attempt;
}

quint64 Coordinator::linkOpened(WorkerLink *link)
{
    const quint64 id = m_nextLink++;
    m_links.insert(id, Link{link, {}});
    return id;
}

void Coordinator::linkClosed(quint64 linkId)
{
    const Link l = m_links.take(linkId);
    if (l.workerId.isEmpty()) {
        return;
    }
    auto w = m_workers.find(l.workerId);
    if (w != m_workers.end() && w->link == linkId) {
        w->link = 0;
        // Not dead yet: the failure detector decides (a reconnect within the timeout is fine).
        if (hasEventListeners()) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("worker")},
                       {QStringLiteral("worker"), workerSummary(*w)}});
        }
    }
}

void Coordinator::sendTo(quint64 linkId, const ClusterMessage &m)
{
    auto it = m_links.constFind(linkId);
    if (it != m_links.cend() && it->link) {
        it->link->sendFrame(ClusterProtocol::encode(m));
    }
}

void Coordinator::sendError(quint64 linkId, const QString &message)
{
    ClusterMessage m;
    m.type = ClusterMessage::Type::Error;
    m.message = message.left(4000);
    sendTo(linkId, m);
}

void Coordinator::frameReceived(quint64 linkId, const QByteArray &frame)
{
    ClusterMessage m;
    QString error;
    if (!ClusterProtocol::decode(frame, &m, &error)) {
        qCWarning(lcCluster) << "bad frame from link" << linkId << ":" << error;
        sendError(linkId, QStringLiteral("bad frame: ") + error);
        return;
    }
    onMessage(linkId, m);
}

void Coordinator::onMessage(quint64 linkId, const ClusterMessage &m)
{
    auto link = m_links.find(linkId);
    if (link == m_links.end()) {
        return;
    }
    using T = ClusterMessage::Type;
    if (m.type == T::Register) {
        onRegister(linkId, m);
        scheduleNow();
        return;
    }
    if (link->workerId.isEmpty()) {
        sendError(linkId, QStringLiteral("register first"));
        return;
    }
    const QString workerId = link->workerId;
    if (!m_detector.isTracked(workerId)) {
        // Declared dead while it was away (hang, partition): it has to register again.
        sendError(linkId, QStringLiteral("worker %1 was declared dead; register again").arg(workerId));
        link->link->closeLink(QStringLiteral("declared dead"));
        return;
    }
    m_detector.heartbeat(workerId);
    switch (m.type) {
    case T::Heartbeat:
        break;
    case T::Started:
        onStarted(workerId, m);
        break;
    case T::Log:
        onLog(workerId, m);
        break;
    case T::Result:
        onResult(linkId, workerId, m);
        break;
    case T::Reject:
        onReject(workerId, m);
        break;
    case T::Capabilities:
        onCapabilities(workerId, m);
        break;
    default:
        sendError(linkId,
                  QStringLiteral("a worker may not send '%1'").arg(ClusterProtocol::typeName(m.type)));
        return;
    }
    scheduleNow();
}

void Coordinator::onRegister(quint64 linkId, const ClusterMessage &m)
{
    Link &link = m_links[linkId];
    if (!link.workerId.isEmpty()) {
        sendError(linkId, QStringLiteral("already registered as %1").arg(link.workerId));
        return;
    }
    Worker &w = m_workers[m.workerId];
    const bool known = !w.id.isEmpty();
    if (!known) {
        w.id = m.workerId;
        w.firstSeen = nowIso();
    }
    if (w.link != 0 && w.link != linkId && m_links.contains(w.link)) {
        Link &old = m_links[w.link];
        old.workerId.clear();
        old.link->closeLink(QStringLiteral("replaced by a new connection"));
    }
    w.link = linkId;
    w.name = m.name;
    w.capabilities = m.capabilities;
    link.workerId = w.id;
    m_detector.track(w.id);
    m_scheduler.removeWorker(w.id);
    m_scheduler.setWorker(w.id, w.capabilities);
    persistWorker(w);

    QHash<QString, int> reported;
    for (const auto &r : m.running) {
        reported.insert(r.task, r.attempt);
    }
    // Tasks the store says this worker has: kept if it still reports them, lost otherwise.
    for (auto it = m_tasks.begin(); it != m_tasks.end(); ++it) {
        Task &t = *it;
        if (!isInFlight(t.state) || t.worker != w.id) {
            continue;
        }
        if (reported.value(t.key) == t.attempt) {
            t.awaitingReconnect = false;
            m_scheduler.occupySlot(w.id);
        } else {
            applyFailure(t, FailureKind::WorkerCrash, QStringLiteral("worker re-registered without the task"),
                         QStringLiteral("lost-on-worker-restart"));
        }
    }
    // Attempts it still runs that are no longer its own: a partition healed after migration.
    for (auto r = reported.cbegin(); r != reported.cend(); ++r) {
        auto t = m_tasks.constFind(r.key());
        if (t != m_tasks.cend() && isCurrentAttempt(*t, w.id, r.value())) {
            continue;
        }
        ClusterMessage cancel;
        cancel.type = ClusterMessage::Type::Cancel;
        cancel.task = r.key();
        cancel.attempt = r.value();
        cancel.message = QStringLiteral("attempt is stale: the task was migrated or finished");
        sendTo(linkId, cancel);
        recordRecovery(RecoveryPolicy::kindName(FailureKind::NetworkPartition),
                       QStringLiteral("cancel-stale"), r.key(), w.id,
                       QStringLiteral("worker came back with attempt %1").arg(r.value()));
    }
    updateAccepting(w);
    ClusterMessage welcome;
    welcome.type = ClusterMessage::Type::Welcome;
    welcome.workerId = w.id;
    welcome.epoch = m_config.epoch;
    welcome.heartbeatMs = m_config.heartbeatMs;
    sendTo(linkId, welcome);
    if (w.draining) {
        ClusterMessage drain;
        drain.type = ClusterMessage::Type::Drain;
        sendTo(linkId, drain);
    }
    qCInfo(lcCluster) << "worker" << w.id << (known ? "re-registered" : "registered") << "with"
                      << w.capabilities.slotCount << "slots";
    if (hasEventListeners()) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("worker")},
                   {QStringLiteral("worker"), workerSummary(w)}});
    }
}

void Coordinator::onCapabilities(const QString &workerId, const ClusterMessage &m)
{
    auto w = m_workers.find(workerId);
    if (w == m_workers.end()) {
        return;
    }
    // Only the browsers change (the probe measured their features); slots, labels and the
    // permission to run commands stay as registered. The scheduler keeps the worker's load.
    w->capabilities.browsers = m.capabilities.browsers;
    m_scheduler.setWorker(w->id, w->capabilities);
    persistWorker(*w);
    QStringList summary;
    for (const WorkerCapabilities::Browser &b : std::as_const(w->capabilities.browsers)) {
        summary << QStringLiteral("%1[%2]").arg(b.name, b.probe == QLatin1String("failed")
                                                            ? QStringLiteral("failed: ") + b.probeError
                                                            : b.features.join(QLatin1Char(',')));
    }
    qCInfo(lcCluster).noquote() << "worker" << w->id
                                << "updated its browsers:" << summary.join(QLatin1Char(' '));
    if (hasEventListeners()) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("worker")},
                   {QStringLiteral("worker"), workerSummary(*w)}});
    }
}

void Coordinator::updateAccepting(const Worker &w)
{
    if (w.quarantined) {
        m_scheduler.setAccepting(w.id, false, QStringLiteral("quarantined"));
    } else if (w.draining) {
        m_scheduler.setAccepting(w.id, false, QStringLiteral("draining"));
    } else if (w.link == 0) {
        m_scheduler.setAccepting(w.id, false, QStringLiteral("not connected"));
    } else if (m_detector.state(w.id) != FailureDetector::State::Alive) {
        m_scheduler.setAccepting(w.id, false, QStringLiteral("suspect: heartbeats missing"));
    } else {
        m_scheduler.setAccepting(w.id, true);
    }
}

void Coordinator::onStarted(const QString &workerId, const ClusterMessage &m)
{
    auto it = m_tasks.find(m.task);
    if (it == m_tasks.end() || !isCurrentAttempt(*it, workerId, m.attempt)) {
        ClusterMessage cancel;
        cancel.type = ClusterMessage::Type::Cancel;
        cancel.task = m.task;
        cancel.attempt = m.attempt;
        cancel.message = QStringLiteral("not your task (or a stale attempt)");
        sendTo(m_workers.value(workerId).link, cancel);
        return;
    }
    if (it->state != QLatin1String("running")) {
        it->state = QStringLiteral("running");
        if (hasEventListeners()) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("task")},
                       {QStringLiteral("task"), taskSummary(*it)}});
        }
    }
}

void Coordinator::onLog(const QString &workerId, const ClusterMessage &m)
{
    auto it = m_tasks.constFind(m.task);
    if (it == m_tasks.cend() || !isCurrentAttempt(*it, workerId, m.attempt)) {
        return;
    }
    QByteArray &log = m_logs[m.task];
    log += m.data.toUtf8();
    if (log.size() > m_config.maxLogBytesPerTask) {
        log = log.right(m_config.maxLogBytesPerTask);
    }
    if (hasEventListeners()) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("log")},
                   {QStringLiteral("task"), m.task},
                   {QStringLiteral("attempt"), m.attempt},
                   {QStringLiteral("stream"), m.stream},
                   {QStringLiteral("data"), m.data}});
    }
}

void Coordinator::onResult(quint64 linkId, const QString &workerId, const ClusterMessage &m)
{
    auto it = m_tasks.find(m.task);
    auto ack = [this, linkId, m] {
        ClusterMessage a;
        a.type = ClusterMessage::Type::Ack;
        a.task = m.task;
        a.attempt = m.attempt;
        sendTo(linkId, a);
    };
    if (it == m_tasks.end()) {
        sendError(linkId, QStringLiteral("unknown task '%1'").arg(m.task));
        recordRecovery(QStringLiteral("protocol-violation"), QStringLiteral("reject"), m.task, workerId,
                       QStringLiteral("result for an unknown task"));
        return;
    }
    Task &t = *it;
    if (m.epoch != m_config.epoch) {
        sendError(
            linkId,
            QStringLiteral("result carries epoch %1, leader epoch is %2").arg(m.epoch).arg(m_config.epoch));
        return;
    }
    if (t.isFinal() && t.attempt == m.attempt && !t.history.isEmpty() &&
        t.history.last().worker == workerId && t.history.last().outcome == t.state) {
        // The same result again (its ack was lost, e.g. the leader died after committing it):
        // results are idempotent by task + attempt, so acknowledge and change nothing.
        ack();
        return;
    }
    if (!isCurrentAttempt(t, workerId, m.attempt)) {
        // Was this attempt ever given to this worker? Then it is a late answer (presumed dead,
        // partitioned, or the task was cancelled): acknowledged, recorded, never counted.
        for (Attempt &a : t.history) {
            if (a.attempt == m.attempt && a.worker == workerId) {
                if (!a.outcome.endsWith(QLatin1String("(late result ignored)"))) {
                    a.outcome += QStringLiteral(" (late result ignored)");
                    recordRecovery(QStringLiteral("late-result"), QStringLiteral("ignore"), t.key, workerId,
                                   QStringLiteral("attempt %1 answered %2 after it was given up")
                                       .arg(m.attempt)
                                       .arg(m.status));
                }
                persistTask(t, [ack](bool) { ack(); });
                return;
            }
        }
        sendError(linkId, QStringLiteral("task '%1' attempt %2 was not assigned to %3")
                              .arg(m.task)
                              .arg(m.attempt)
                              .arg(workerId));
        recordRecovery(QStringLiteral("protocol-violation"), QStringLiteral("reject"), t.key, workerId,
                       QStringLiteral("worker reported a task it was not given"));
        return;
    }
    Worker &w = m_workers[workerId];
    if (!t.history.isEmpty()) {
        t.history.last().durationMs = m.durationMs;
    }
    FailureKind kind = FailureKind::TaskFailed;
    const bool infraOrCrash = RecoveryPolicy::kindFromWorkerFailure(m.failure, &kind);
    if (m.status == QLatin1String("passed") || m.status == QLatin1String("skipped") ||
        (m.status == QLatin1String("failed") && !infraOrCrash &&
         (t.taskFailures >= t.spec.retry.maxRetries || !t.spec.retry.retryOnFailure))) {
        if (w.consecutiveFailures != 0) {
            w.consecutiveFailures = 0;
            persistWorker(w);
        }
        if (m.status == QLatin1String("failed")) {
            ++t.taskFailures;
        }
        finishTask(t, m.status, m.message, &m);
    } else {
        if (!infraOrCrash) {
            kind = FailureKind::TaskFailed;
        }
        m_logs.remove(t.key);
        applyFailure(t, kind, m.message, m.failure == QLatin1String("none") ? m.status : m.failure);
    }
    // Acknowledge only once the outcome is durable; the worker resends until then.
    const QString key = t.key;
    Write w2;
    w2.done = [ack](bool committed) {
        if (committed) {
            ack();
        }
    };
    queueWrite(std::move(w2));
}

void Coordinator::onReject(const QString &workerId, const ClusterMessage &m)
{
    auto it = m_tasks.find(m.task);
    if (it == m_tasks.end() || !isCurrentAttempt(*it, workerId, m.attempt)) {
        return;
    }
    Task &t = *it;
    FailureKind kind;
    if (RecoveryPolicy::kindFromWorkerFailure(m.failure, &kind) &&
        (kind == FailureKind::DiskFull || kind == FailureKind::WorkerOutOfMemory)) {
        applyFailure(t, kind, m.message, QStringLiteral("rejected: ") + m.failure);
        return;
    }
    // Not allowed / stale epoch / unsupported: this worker cannot run it; try another.
    m_scheduler.releaseSlot(workerId);
    if (!t.history.isEmpty()) {
        t.history.last().endedAt = nowIso();
        t.history.last().outcome = QStringLiteral("rejected: ") + m.failure;
        t.history.last().action = RecoveryPolicy::actionName(RecoveryAction::Migrate);
        t.history.last().reason = m.message;
    }
    if (!t.excluded.contains(workerId)) {
        t.excluded.append(workerId);
    }
    recordRecovery(QStringLiteral("rejected"), RecoveryPolicy::actionName(RecoveryAction::Migrate), t.key,
                   workerId, m.failure + QStringLiteral(": ") + m.message);
    enqueue(t);
    persistTask(t);
}

} // namespace accel
