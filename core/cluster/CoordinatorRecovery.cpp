// Coordinator: the outcomes of attempts — failure handling with the recovery policy (retry in
// place, migrate, fail), finishing tasks and suites, dead workers, quarantine, failure detection
// and the recovery log.
#include "cluster/Coordinator.h"

#include "cluster/CoordinatorInternal.h"
#include "cluster/WorkerLink.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <algorithm>

namespace accel {

using namespace coordinator_internal;

namespace {

QByteArray resultStoreKey(const QString &key)
{
    return QByteArrayLiteral("/results/") + key.toUtf8();
}

} // namespace

void Coordinator::applyFailure(Task &t, FailureKind kind, const QString &detail, const QString &outcome)
{
    const QString workerId = t.worker;
    if (isInFlight(t.state)) {
        m_scheduler.releaseSlot(workerId);
    }
    AttemptHistory h;
    h.attempts = t.attempt;
    h.taskFailures = t.taskFailures;
    h.infraFailures = t.infraFailures;
    h.maxRetries = t.spec.retry.maxRetries;
    h.maxInfraAttempts = t.spec.retry.maxInfraAttempts;
    h.retryOnFailure = t.spec.retry.retryOnFailure;
    h.backoffMs = t.spec.retry.backoffMs;
    auto wit = m_workers.find(workerId);
    const int workerFailures = wit != m_workers.end() ? wit->consecutiveFailures : 0;
    const RecoveryDecision d = m_policy.decide(kind, h, workerFailures);
    if (kind == FailureKind::TaskFailed || kind == FailureKind::TaskCrash ||
        kind == FailureKind::TaskTimeout) {
        ++t.taskFailures;
    } else if (kind != FailureKind::CoordinatorRestart) {
        ++t.infraFailures;
    }
    if (!t.history.isEmpty()) {
        Attempt &a = t.history.last();
        a.endedAt = nowIso();
        a.outcome = outcome.isEmpty() ? RecoveryPolicy::kindName(kind) : outcome;
        a.action = RecoveryPolicy::actionName(d.action);
        a.reason = d.reason + (detail.isEmpty() ? QString()
                                                : QStringLiteral(" (") + detail.left(500) + QLatin1Char(')'));
    }
    recordRecovery(RecoveryPolicy::kindName(kind), RecoveryPolicy::actionName(d.action), t.key, workerId,
                   d.reason + (detail.isEmpty() ? QString() : QStringLiteral(": ") + detail.left(500)));
    if (wit != m_workers.end() && d.countsAgainstWorker) {
        ++wit->consecutiveFailures;
        if (d.quarantineWorker && !wit->quarantined) {
            setQuarantined(*wit, true,
                           QStringLiteral("%1 consecutive failures (last: %2)")
                               .arg(wit->consecutiveFailures)
                               .arg(RecoveryPolicy::kindName(kind)));
        }
        persistWorker(*wit);
    }
    switch (d.action) {
    case RecoveryAction::RetryInPlace:
        t.preferredWorker = workerId;
        t.notBeforeMs = m_clock->nowMs() + d.delayMs;
        enqueue(t);
        break;
    case RecoveryAction::Migrate:
        if (!workerId.isEmpty() && !t.excluded.contains(workerId)) {
            t.excluded.append(workerId);
        }
        t.preferredWorker.clear();
        t.notBeforeMs = m_clock->nowMs() + d.delayMs;
        enqueue(t);
        break;
    case RecoveryAction::Fail:
        finishTask(t, d.finalStatus,
                   d.reason + (detail.isEmpty() ? QString() : QStringLiteral(": ") + detail), nullptr);
        return;
    case RecoveryAction::AwaitReconnect:
        t.awaitingReconnect = true;
        break;
    }
    persistTask(t);
    if (hasEventListeners()) {
        emitEvent(
            {{QStringLiteral("event"), QStringLiteral("task")}, {QStringLiteral("task"), taskSummary(t)}});
    }
}

void Coordinator::finishTask(Task &t, const QString &status, const QString &message,
                             const ClusterMessage *result)
{
    if (t.isFinal()) {
        return;
    }
    if (isInFlight(t.state)) {
        m_scheduler.releaseSlot(t.worker);
    }
    m_scheduler.remove(t.key);
    t.state = status;
    if (!t.history.isEmpty() && t.history.last().endedAt.isEmpty()) {
        t.history.last().endedAt = nowIso();
        t.history.last().outcome = status;
    }
    QJsonObject c;
    c.insert(QStringLiteral("id"), t.spec.id);
    c.insert(QStringLiteral("classname"), t.spec.classname);
    c.insert(QStringLiteral("name"), t.spec.name);
    c.insert(QStringLiteral("status"), status);
    c.insert(QStringLiteral("durationSec"), result ? double(result->durationMs) / 1000.0 : 0.0);
    c.insert(QStringLiteral("attempts"), std::max(1, t.attempt));
    c.insert(QStringLiteral("flaky"), status == QLatin1String("passed") && t.taskFailures > 0);
    c.insert(QStringLiteral("message"),
             QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')).left(2000));
    c.insert(QStringLiteral("output"), result ? result->output : QString::fromUtf8(m_logs.value(t.key)));
    c.insert(QStringLiteral("worker"),
             result ? t.worker : (t.history.isEmpty() ? QString() : t.history.last().worker));
    QJsonObject props;
    for (auto it = t.spec.properties.cbegin(); it != t.spec.properties.cend(); ++it) {
        props.insert(it.key(), it.value());
    }
    if (result) {
        props.insert(QStringLiteral("exitCode"), QString::number(result->exitCode));
    }
    c.insert(QStringLiteral("properties"), props);
    c.insert(QStringLiteral("metrics"), QJsonObject());
    if (result && !result->artifacts.isEmpty()) {
        QJsonArray arts;
        for (const auto &a : result->artifacts) {
            arts.append(QJsonObject{{QStringLiteral("name"), a.name},
                                    {QStringLiteral("content"), QString::fromUtf8(a.content)},
                                    {QStringLiteral("truncated"), a.truncated}});
        }
        c.insert(QStringLiteral("artifacts"), arts);
    }
    QJsonArray history;
    for (const Attempt &a : t.history) {
        history.append(a.toJson());
    }
    c.insert(QStringLiteral("history"), history);
    c.insert(QStringLiteral("taskFailures"), t.taskFailures);
    c.insert(QStringLiteral("infraFailures"), t.infraFailures);
    m_results.insert(t.key, c);
    m_logs.remove(t.key);
    --m_unfinished;
    auto suite = m_suites.find(t.suite);
    if (suite != m_suites.end()) {
        --suite->unfinished;
    }
    Write w;
    w.compares.append(StoreCompare::createRevision(resultStoreKey(t.key), StoreCompare::Op::Equal, 0));
    w.ops.append(StoreOp::put(resultStoreKey(t.key), toBytes(c)));
    const QString key = t.key;
    w.done = [key](bool committed) {
        if (!committed) {
            qCWarning(lcCluster) << "result for" << key << "was already recorded; not counted twice";
        }
    };
    queueWrite(std::move(w));
    if (hasEventListeners()) {
        emitEvent(
            {{QStringLiteral("event"), QStringLiteral("task")}, {QStringLiteral("task"), taskSummary(t)}});
    }
    suiteMaybeFinished(t.suite);
}

void Coordinator::suiteMaybeFinished(const QString &suiteId)
{
    auto it = m_suites.find(suiteId);
    if (it == m_suites.end() || it->state != QLatin1String("running") || it->unfinished > 0) {
        return;
    }
    it->state = QStringLiteral("finished");
    it->finishedAt = nowIso();
    persistSuite(*it);
    if (hasEventListeners()) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("suite")},
                   {QStringLiteral("suite"), suiteSummary(*it)}});
    }
    emit suiteFinished(suiteId);
}

void Coordinator::workerDied(const QString &workerId, FailureKind kind, const QString &why)
{
    qCWarning(lcCluster) << "worker" << workerId << "declared dead:" << why;
    m_detector.forget(workerId);
    m_scheduler.removeWorker(workerId);
    auto w = m_workers.find(workerId);
    if (w != m_workers.end() && w->link != 0) {
        const quint64 linkId = w->link;
        w->link = 0;
        if (m_links.contains(linkId)) {
            m_links[linkId].workerId.clear();
            m_links[linkId].link->closeLink(QStringLiteral("declared dead: ") + why);
        }
    }
    QList<QString> keys;
    for (auto it = m_tasks.cbegin(); it != m_tasks.cend(); ++it) {
        if (isInFlight(it->state) && it->worker == workerId) {
            keys.append(it.key());
        }
    }
    std::sort(keys.begin(), keys.end());
    for (const QString &key : std::as_const(keys)) {
        Task &t = m_tasks[key];
        t.awaitingReconnect = false;
        applyFailure(t, kind, why, RecoveryPolicy::kindName(kind));
    }
    if (w != m_workers.end()) {
        if (hasEventListeners()) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("worker")},
                       {QStringLiteral("worker"), workerSummary(*w)}});
        }
    }
}

void Coordinator::setQuarantined(Worker &w, bool quarantined, const QString &reason)
{
    w.quarantined = quarantined;
    if (!quarantined) {
        w.consecutiveFailures = 0;
    }
    updateAccepting(w);
    persistWorker(w);
    recordRecovery(QStringLiteral("quarantine"),
                   quarantined ? QStringLiteral("quarantine") : QStringLiteral("release"), QString(), w.id,
                   reason);
}

void Coordinator::detectFailures()
{
    const auto transitions = m_detector.evaluate();
    for (const FailureDetector::Transition &tr : transitions) {
        auto w = m_workers.find(tr.id);
        if (tr.to == FailureDetector::State::Dead) {
            const bool connected = w != m_workers.end() && w->link != 0;
            workerDied(tr.id, connected ? FailureKind::WorkerHang : FailureKind::WorkerCrash,
                       QStringLiteral("no heartbeat for %1 ms (%2)")
                           .arg(tr.silentMs)
                           .arg(connected ? QStringLiteral("connection open: hung")
                                          : QStringLiteral("connection lost")));
        } else if (w != m_workers.end()) {
            if (tr.to == FailureDetector::State::Suspect) {
                recordRecovery(QStringLiteral("suspect"), QStringLiteral("stop-assigning"), QString(), tr.id,
                               QStringLiteral("no heartbeat for %1 ms").arg(tr.silentMs));
            }
            updateAccepting(*w);
            if (hasEventListeners()) {
                emitEvent({{QStringLiteral("event"), QStringLiteral("worker")},
                           {QStringLiteral("worker"), workerSummary(*w)}});
            }
        }
    }
}

void Coordinator::recordRecovery(const QString &kind, const QString &action, const QString &task,
                                 const QString &worker, const QString &detail)
{
    const qint64 seq = ++m_recoverySeq;
    const QJsonObject step{{QStringLiteral("seq"), seq},      {QStringLiteral("at"), nowIso()},
                           {QStringLiteral("kind"), kind},    {QStringLiteral("action"), action},
                           {QStringLiteral("task"), task},    {QStringLiteral("worker"), worker},
                           {QStringLiteral("detail"), detail}};
    Write w;
    w.ops.append(StoreOp::put(
        QByteArrayLiteral("/recovery/") + QByteArray::number(seq).rightJustified(12, '0'), toBytes(step)));
    w.ops.append(StoreOp::put(QByteArrayLiteral("/counters/recovery"), QByteArray::number(seq)));
    queueWrite(std::move(w));
    qCInfo(lcCluster).noquote() << "recovery:" << kind << action << task << worker << detail;
    if (hasEventListeners()) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("recovery")}, {QStringLiteral("step"), step}});
    }
}

} // namespace accel
