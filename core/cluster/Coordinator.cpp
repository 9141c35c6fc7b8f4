// Coordinator: lifecycle (construction, loading the state on start, the periodic tick), suite
// submission, scheduling passes and the live event stream. Worker links are in
// CoordinatorWorkerLinks.cpp, failure handling and recovery in CoordinatorRecovery.cpp, records
// and store writes in CoordinatorPersistence.cpp, the HTTP API in CoordinatorApi.cpp.
#include "cluster/Coordinator.h"

#include "cluster/CoordinatorInternal.h"
#include "cluster/CoordinatorStore.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QJsonDocument>
#include <QMetaMethod>
#include <QTimer>

namespace accel {

using namespace coordinator_internal;

Coordinator::Coordinator(CoordinatorStore *store, const Clock *clock, const CoordinatorConfig &config,
                         QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock ? clock : Clock::system())
    , m_config(config)
    , m_detector(m_clock, config.suspectAfterMs, config.deadAfterMs)
    , m_policy(config.quarantineAfterFailures)
    , m_tick(new QTimer(this))
{
    m_tick->setInterval(int(config.tickMs));
    connect(m_tick, &QTimer::timeout, this, &Coordinator::tick);
}

Coordinator::~Coordinator()
{
    flush();
}

bool Coordinator::start(QString *error)
{
    auto suites = m_store->prefix(QByteArrayLiteral("/suites/"));
    auto tasks = m_store->prefix(QByteArrayLiteral("/tasks/"));
    auto results = m_store->prefix(QByteArrayLiteral("/results/"));
    auto workers = m_store->prefix(QByteArrayLiteral("/workers/"));
    auto recovery = m_store->prefix(QByteArrayLiteral("/counters/"));
    auto specs = m_store->prefix(QByteArrayLiteral("/specs/"));
    for (const auto *r : {&suites, &tasks, &results, &workers, &recovery, &specs}) {
        if (!*r) {
            *error = QStringLiteral("cannot read the coordinator state: %1").arg(r->error().message);
            return false;
        }
    }
    for (const KeyValue &kv : recovery->kvs) {
        if (kv.key == "/counters/recovery") {
            m_recoverySeq = kv.value.toLongLong();
        }
    }
    for (const KeyValue &kv : suites->kvs) {
        const QJsonObject o = QJsonDocument::fromJson(kv.value).object();
        Suite s;
        s.id = o.value(QStringLiteral("id")).toString();
        s.name = o.value(QStringLiteral("name")).toString();
        s.startedAt = o.value(QStringLiteral("startedAt")).toString();
        s.finishedAt = o.value(QStringLiteral("finishedAt")).toString();
        s.state = o.value(QStringLiteral("state")).toString();
        if (!s.id.isEmpty()) {
            m_suites.insert(s.id, s);
            m_suiteOrder.append(s.id);
        }
    }
    for (const KeyValue &kv : results->kvs) {
        const QString key = QString::fromUtf8(kv.key.mid(int(strlen("/results/"))));
        m_results.insert(key, QJsonDocument::fromJson(kv.value).object());
    }
    for (const KeyValue &kv : workers->kvs) {
        const QJsonObject o = QJsonDocument::fromJson(kv.value).object();
        Worker w;
        w.id = o.value(QStringLiteral("id")).toString();
        w.name = o.value(QStringLiteral("name")).toString();
        QString capsError;
        WorkerCapabilities::fromJson(o.value(QStringLiteral("capabilities")).toObject(), &w.capabilities,
                                     &capsError);
        w.firstSeen = o.value(QStringLiteral("firstSeen")).toString();
        w.draining = o.value(QStringLiteral("draining")).toBool();
        w.quarantined = o.value(QStringLiteral("quarantined")).toBool();
        w.consecutiveFailures = o.value(QStringLiteral("consecutiveFailures")).toInt();
        if (!w.id.isEmpty()) {
            m_workers.insert(w.id, w);
        }
    }
    QHash<QString, TaskSpec> specByKey;
    for (const KeyValue &kv : specs->kvs) {
        TaskSpec spec;
        QString specError;
        if (TaskSpec::fromJson(QJsonDocument::fromJson(kv.value).object(), &spec, &specError)) {
            specByKey.insert(QString::fromUtf8(kv.key.mid(int(strlen("/specs/")))), spec);
        }
    }
    QSet<QString> awaited;
    for (const KeyValue &kv : tasks->kvs) {
        Task t;
        if (!Task::fromJson(QJsonDocument::fromJson(kv.value).object(), &t) || !specByKey.contains(t.key)) {
            qCWarning(lcCluster) << "skipping unreadable task record" << kv.key;
            continue;
        }
        t.spec = specByKey.value(t.key);
        if (!m_suites.contains(t.suite)) {
            // A suite is stored in chunks with its own record last: without the record the
            // submission never completed (and was never acknowledged). Not run.
            qCWarning(lcCluster) << "skipping task" << t.key
                                 << "of a suite whose submission did not complete";
            continue;
        }
        auto result = m_results.constFind(t.key);
        if (!t.isFinal() && result != m_results.cend()) {
            // Finishing writes only the result (with the attempt history): it wins.
            Task fromResult;
            QJsonObject o = *result;
            o.insert(QStringLiteral("key"), t.key);
            o.insert(QStringLiteral("suite"), t.suite);
            o.insert(QStringLiteral("state"), result->value(QStringLiteral("status")).toString());
            o.insert(QStringLiteral("attempt"), result->value(QStringLiteral("attempts")).toInt());
            if (Task::fromJson(o, &fromResult)) {
                fromResult.spec = t.spec;
                t = fromResult;
            }
        }
        auto suite = m_suites.find(t.suite);
        if (suite != m_suites.end()) {
            suite->taskKeys.append(t.key);
            suite->unfinished += t.isFinal() ? 0 : 1;
        }
        if (!t.isFinal()) {
            ++m_unfinished;
        }
        m_tasks.insert(t.key, t);
    }
    for (auto it = m_tasks.begin(); it != m_tasks.end(); ++it) {
        Task &t = *it;
        if (t.state == QLatin1String("queued")) {
            enqueue(t);
        } else if (isInFlight(t.state)) {
            // Coordinator restart: the worker may still be running it. Give it the dead timeout to
            // reconnect and report; the failure detector migrates the task otherwise.
            const RecoveryDecision d = m_policy.decide(FailureKind::CoordinatorRestart, {}, 0);
            t.awaitingReconnect = true;
            awaited.insert(t.worker);
            recordRecovery(RecoveryPolicy::kindName(FailureKind::CoordinatorRestart),
                           RecoveryPolicy::actionName(d.action), t.key, t.worker, d.reason);
        }
    }
    for (const QString &workerId : std::as_const(awaited)) {
        if (m_workers.contains(workerId)) {
            m_detector.track(workerId);
        } else {
            workerDied(workerId, FailureKind::WorkerCrash, QStringLiteral("unknown worker after restart"));
        }
    }
    for (const Suite &s : std::as_const(m_suites)) {
        if (s.state == QLatin1String("running")) {
            suiteMaybeFinished(s.id);
        }
    }
    flush();
    m_tick->start();
    qCInfo(lcCluster) << "coordinator started:" << m_tasks.size() << "tasks," << m_unfinished << "unfinished,"
                      << m_workers.size() << "known workers, epoch" << m_config.epoch;
    return true;
}

QString Coordinator::submitSuite(const SuiteSpec &spec)
{
    Suite s;
    s.id = nextId("suite", QStringLiteral("s"));
    s.name = spec.name;
    s.startedAt = nowIso();
    s.state = QStringLiteral("running");
    // etcd caps a transaction at 128 operations: tasks go in chunks, the suite record last.
    Write w;
    for (const TaskSpec &ts : spec.tasks) {
        if (w.ops.size() >= kMaxOpsPerWrite - 1) {
            queueWrite(std::move(w));
            w = Write();
        }
        Task t;
        t.key = s.id + QLatin1Char('/') + ts.id;
        t.suite = s.id;
        t.spec = ts;
        t.state = QStringLiteral("queued");
        s.taskKeys.append(t.key);
        w.ops.append(StoreOp::put(QByteArrayLiteral("/specs/") + t.key.toUtf8(), toBytes(ts.toJson())));
        w.ops.append(StoreOp::put(taskStoreKey(t.key), toBytes(t.toJson())));
        m_tasks.insert(t.key, t);
        ++m_unfinished;
        ++s.unfinished;
    }
    w.ops.append(StoreOp::put(QByteArrayLiteral("/suites/") + s.id.toUtf8(), toBytes(s.toJson())));
    m_suites.insert(s.id, s);
    m_suiteOrder.append(s.id);
    queueWrite(std::move(w));
    for (const QString &key : std::as_const(s.taskKeys)) {
        enqueue(m_tasks[key]);
    }
    if (hasEventListeners()) {
        emitEvent(
            {{QStringLiteral("event"), QStringLiteral("suite")}, {QStringLiteral("suite"), suiteSummary(s)}});
    }
    return s.id;
}

void Coordinator::enqueue(Task &t)
{
    Scheduler::QueuedTask q;
    q.key = t.key;
    q.priority = t.spec.priority;
    q.requirements = t.spec.requirements;
    q.capabilities = t.spec.requiredCapabilities();
    q.excluded = QSet<QString>(t.excluded.cbegin(), t.excluded.cend());
    q.preferredWorker = t.preferredWorker;
    q.notBeforeMs = t.notBeforeMs;
    t.state = QStringLiteral("queued");
    t.worker.clear();
    m_scheduler.enqueue(q);
}

int Coordinator::scheduleNow()
{
    const auto assignments = m_scheduler.schedule(m_clock->nowMs());
    for (const Scheduler::Assignment &a : assignments) {
        Task &t = m_tasks[a.task];
        t.state = QStringLiteral("assigned");
        t.attempt += 1;
        t.worker = a.worker;
        t.preferredWorker.clear();
        t.notBeforeMs = 0;
        Attempt at;
        at.attempt = t.attempt;
        at.epoch = m_config.epoch;
        at.worker = a.worker;
        at.startedAt = nowIso();
        t.history.append(at);
        m_logs.remove(t.key);
        const QString key = t.key;
        const int attempt = t.attempt;
        const QString workerId = a.worker;
        persistTask(t, [this, key, attempt, workerId](bool committed) {
            auto it = m_tasks.constFind(key);
            if (!committed || it == m_tasks.cend() || !isCurrentAttempt(*it, workerId, attempt)) {
                return;
            }
            const Worker &w = m_workers[workerId];
            if (w.link == 0) {
                return; // the failure detector takes care of it
            }
            ClusterMessage m;
            m.type = ClusterMessage::Type::Assign;
            m.task = key;
            m.attempt = attempt;
            m.epoch = m_config.epoch;
            m.spec = it->spec;
            sendTo(w.link, m);
        });
        if (hasEventListeners()) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("task")},
                       {QStringLiteral("task"), taskSummary(t)}});
        }
    }
    return int(assignments.size());
}

void Coordinator::emitEvent(const QJsonObject &event)
{
    emit eventOccurred(event);
}

bool Coordinator::hasEventListeners() const
{
    static const QMetaMethod signal = QMetaMethod::fromSignal(&Coordinator::eventOccurred);
    return isSignalConnected(signal);
}

void Coordinator::tick()
{
    detectFailures();
    scheduleNow();
}

} // namespace accel
