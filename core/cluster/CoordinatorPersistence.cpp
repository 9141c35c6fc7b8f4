// Coordinator: the stored records (tasks, suites, workers, attempts as JSON), id counters and the
// group-committed writes to the CoordinatorStore.
#include "cluster/Coordinator.h"

#include "cluster/CoordinatorInternal.h"
#include "cluster/CoordinatorStore.h"
#include "common/LogCategories.h"

#include <QDateTime>

namespace accel {

using namespace coordinator_internal;

QJsonObject Coordinator::Attempt::toJson() const
{
    QJsonObject o{{QStringLiteral("attempt"), attempt},
                  {QStringLiteral("worker"), worker},
                  {QStringLiteral("startedAt"), startedAt}};
    if (epoch > 0) {
        o.insert(QStringLiteral("epoch"), epoch);
    }
    if (!endedAt.isEmpty()) {
        o.insert(QStringLiteral("endedAt"), endedAt);
    }
    if (!outcome.isEmpty()) {
        o.insert(QStringLiteral("outcome"), outcome);
    }
    if (!action.isEmpty()) {
        o.insert(QStringLiteral("action"), action);
    }
    if (!reason.isEmpty()) {
        o.insert(QStringLiteral("reason"), reason);
    }
    if (durationMs > 0) {
        o.insert(QStringLiteral("durationMs"), durationMs);
    }
    return o;
}

bool Coordinator::isFinalTaskState(const QString &state)
{
    return state == QLatin1String("passed") || state == QLatin1String("failed") ||
           state == QLatin1String("error") || state == QLatin1String("skipped");
}

bool Coordinator::Task::isFinal() const
{
    return isFinalTaskState(state);
}

std::optional<QJsonObject> Coordinator::taskApiJson(const QJsonObject &stored)
{
    Task t;
    if (!Task::fromJson(stored, &t)) {
        return std::nullopt;
    }
    return t.toJson();
}

QJsonObject Coordinator::Task::toJson() const
{
    QJsonArray h;
    for (const Attempt &a : history) {
        h.append(a.toJson());
    }
    return {{QStringLiteral("key"), key},
            {QStringLiteral("suite"), suite},
            {QStringLiteral("state"), state},
            {QStringLiteral("attempt"), attempt},
            {QStringLiteral("worker"), worker},
            {QStringLiteral("taskFailures"), taskFailures},
            {QStringLiteral("infraFailures"), infraFailures},
            {QStringLiteral("excluded"), QJsonArray::fromStringList(excluded)},
            {QStringLiteral("preferredWorker"), preferredWorker},
            {QStringLiteral("history"), h}};
}

bool Coordinator::Task::fromJson(const QJsonObject &o, Task *out)
{
    Task t;
    t.key = o.value(QStringLiteral("key")).toString();
    t.suite = o.value(QStringLiteral("suite")).toString();
    t.state = o.value(QStringLiteral("state")).toString();
    t.attempt = o.value(QStringLiteral("attempt")).toInt();
    t.worker = o.value(QStringLiteral("worker")).toString();
    t.taskFailures = o.value(QStringLiteral("taskFailures")).toInt();
    t.infraFailures = o.value(QStringLiteral("infraFailures")).toInt();
    t.preferredWorker = o.value(QStringLiteral("preferredWorker")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("excluded")).toArray()) {
        t.excluded << v.toString();
    }
    for (const QJsonValue &v : o.value(QStringLiteral("history")).toArray()) {
        const QJsonObject a = v.toObject();
        Attempt at;
        at.attempt = a.value(QStringLiteral("attempt")).toInt();
        at.worker = a.value(QStringLiteral("worker")).toString();
        at.epoch = qint64(a.value(QStringLiteral("epoch")).toDouble());
        at.startedAt = a.value(QStringLiteral("startedAt")).toString();
        at.endedAt = a.value(QStringLiteral("endedAt")).toString();
        at.outcome = a.value(QStringLiteral("outcome")).toString();
        at.action = a.value(QStringLiteral("action")).toString();
        at.reason = a.value(QStringLiteral("reason")).toString();
        at.durationMs = qint64(a.value(QStringLiteral("durationMs")).toDouble());
        t.history.append(at);
    }
    if (t.key.isEmpty() || t.suite.isEmpty() || t.state.isEmpty()) {
        return false;
    }
    *out = t;
    return true;
}

QJsonObject Coordinator::Suite::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("startedAt"), startedAt},
            {QStringLiteral("finishedAt"), finishedAt},
            {QStringLiteral("state"), state}};
}

QJsonObject Coordinator::Worker::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("capabilities"), capabilities.toJson()},
            {QStringLiteral("firstSeen"), firstSeen},
            {QStringLiteral("draining"), draining},
            {QStringLiteral("quarantined"), quarantined},
            {QStringLiteral("consecutiveFailures"), consecutiveFailures}};
}

QString Coordinator::nextId(const char *counter, const QString &prefix)
{
    const QByteArray key = QByteArrayLiteral("/counters/") + counter;
    auto kv = m_store->get(key);
    const qint64 next = (kv ? kv->value.toLongLong() : 0) + 1;
    m_store->put(key, QByteArray::number(next));
    return QStringLiteral("%1-%2-%3")
        .arg(prefix, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd")))
        .arg(next, 4, 10, QLatin1Char('0'));
}

void Coordinator::persistTask(const Task &t, std::function<void(bool)> done)
{
    Write w;
    w.ops.append(StoreOp::put(taskStoreKey(t.key), toBytes(t.toJson())));
    w.done = std::move(done);
    queueWrite(std::move(w));
}

void Coordinator::persistWorker(const Worker &w)
{
    Write wr;
    wr.ops.append(StoreOp::put(QByteArrayLiteral("/workers/") + w.id.toUtf8(), toBytes(w.toJson())));
    queueWrite(std::move(wr));
}

void Coordinator::persistSuite(const Suite &s)
{
    Write w;
    w.ops.append(StoreOp::put(QByteArrayLiteral("/suites/") + s.id.toUtf8(), toBytes(s.toJson())));
    queueWrite(std::move(w));
}

void Coordinator::queueWrite(Write w)
{
    m_pending.append(std::move(w));
    if (!m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(
            this, [this] { flush(); }, Qt::QueuedConnection);
    }
}

bool Coordinator::flush()
{
    m_flushQueued = false;
    if (m_pending.isEmpty()) {
        return true;
    }
    const QList<Write> batch = std::move(m_pending);
    m_pending.clear();
    // Group commit: one transaction for everything of this event-loop turn (in groups of at most
    // kMaxOpsPerWrite operations: etcd refuses larger ones). Later puts of the same key win, as
    // they would applied one by one.
    QList<QList<Write>> groups;
    qsizetype ops = 0;
    qsizetype compares = 0;
    for (const Write &w : batch) {
        if (groups.isEmpty() || ops + w.ops.size() > kMaxOpsPerWrite ||
            compares + w.compares.size() > kMaxOpsPerWrite) {
            groups.append(QList<Write>());
            ops = 0;
            compares = 0;
        }
        groups.last().append(w);
        ops += w.ops.size();
        compares += w.compares.size();
    }
    bool allOk = true;
    for (const QList<Write> &group : std::as_const(groups)) {
        allOk = commitGroup(group) && allOk;
    }
    return allOk;
}

bool Coordinator::commitGroup(const QList<Write> &batch)
{
    StoreTxn txn;
    for (const Write &w : batch) {
        txn.compares += w.compares;
        txn.success += w.ops;
    }
    auto r = m_store->txn(txn);
    bool allOk = r && r->succeeded;
    if (allOk) {
        for (const Write &w : batch) {
            if (w.done) {
                w.done(true);
            }
        }
        return true;
    }
    if (!r) {
        qCCritical(lcCluster) << "group commit failed:" << r.error().message << "- retrying one by one";
    }
    // A compare failed (or the batch failed): apply each write on its own.
    for (const Write &w : batch) {
        StoreTxn one;
        one.compares = w.compares;
        one.success = w.ops;
        auto single = m_store->txn(one);
        const bool ok = single && single->succeeded;
        if (!single) {
            qCCritical(lcCluster) << "store write failed:" << single.error().message;
        }
        allOk = allOk && ok;
        if (w.done) {
            w.done(ok);
        }
    }
    return allOk;
}

} // namespace accel
