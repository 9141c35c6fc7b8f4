#include "cluster/Coordinator.h"

#include "cluster/CoordinatorStore.h"
#include "cluster/WorkerLink.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMetaMethod>
#include <QTimer>

namespace accel {

WorkerLink::~WorkerLink() = default;

namespace {

QString nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QByteArray taskStoreKey(const QString &key)
{
    return QByteArrayLiteral("/tasks/") + key.toUtf8();
}

QByteArray resultStoreKey(const QString &key)
{
    return QByteArrayLiteral("/results/") + key.toUtf8();
}

QByteArray toBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool isInFlight(const QString &state)
{
    return state == QLatin1String("assigned") || state == QLatin1String("running");
}

} // namespace

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

bool Coordinator::Task::isFinal() const
{
    return state == QLatin1String("passed") || state == QLatin1String("failed") ||
           state == QLatin1String("error") || state == QLatin1String("skipped");
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

void Coordinator::tick()
{
    detectFailures();
    scheduleNow();
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
