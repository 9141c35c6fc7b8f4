#include "cluster/CoordinatorReadView.h"

#include "cluster/CoordinatorStore.h"
#include "cluster/TaskSpec.h"
#include "common/LogCategories.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace accel {

namespace {

const QByteArray kSuites = QByteArrayLiteral("/suites/");
const QByteArray kTasks = QByteArrayLiteral("/tasks/");
const QByteArray kSpecs = QByteArrayLiteral("/specs/");
const QByteArray kResults = QByteArrayLiteral("/results/");
const QByteArray kWorkers = QByteArrayLiteral("/workers/");
const QByteArray kRecovery = QByteArrayLiteral("/recovery/");

QJsonObject parseObject(const QByteArray &value)
{
    return QJsonDocument::fromJson(value).object();
}

} // namespace

CoordinatorReadView::CoordinatorReadView(CoordinatorStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{}

CoordinatorReadView::~CoordinatorReadView()
{
    stop();
}

bool CoordinatorReadView::start(QString *error)
{
    stop();
    const QByteArray all = QByteArrayLiteral("/");
    const auto snapshot = m_store->range(all, prefixRangeEnd(all));
    if (!snapshot) {
        *error = QStringLiteral("cannot read the coordinator state: %1").arg(snapshot.error().message);
        return false;
    }
    QSet<QString> tasks;
    QSet<QString> suites;
    QList<QJsonObject> others;
    for (const KeyValue &kv : snapshot->kvs) {
        put(kv.key, kv.value, &tasks, &suites, &others);
    }
    m_revision = snapshot->revision;
    const auto watch = m_store->watch(all, prefixRangeEnd(all), snapshot->revision + 1, this,
                                      [this](const QList<WatchEvent> &events) { apply(events); });
    if (!watch) {
        *error = QStringLiteral("cannot follow the coordinator state: %1").arg(watch.error().message);
        stop();
        return false;
    }
    m_watchId = watch.value();
    qCInfo(lcCluster) << "read view: loaded" << m_tasks.size() << "tasks," << m_suites.size()
                      << "suites at store revision" << m_revision;
    return true;
}

void CoordinatorReadView::stop()
{
    if (m_watchId != 0) {
        m_store->cancelWatch(m_watchId);
        m_watchId = 0;
    }
    m_revision = 0;
    m_suites.clear();
    m_tasks.clear();
    m_specs.clear();
    m_results.clear();
    m_workers.clear();
    m_recovery.clear();
}

void CoordinatorReadView::put(const QByteArray &key, const QByteArray &value, QSet<QString> *tasks,
                              QSet<QString> *suites, QList<QJsonObject> *others)
{
    if (key.startsWith(kSuites)) {
        const QString id = QString::fromUtf8(key.mid(kSuites.size()));
        m_suites.insert(id, parseObject(value));
        suites->insert(id);
    } else if (key.startsWith(kTasks)) {
        const QString k = QString::fromUtf8(key.mid(kTasks.size()));
        m_tasks.insert(k, parseObject(value));
        tasks->insert(k);
    } else if (key.startsWith(kSpecs)) {
        const QString k = QString::fromUtf8(key.mid(kSpecs.size()));
        TaskSpec spec;
        QString specError;
        if (TaskSpec::fromJson(parseObject(value), &spec, &specError)) {
            m_specs.insert(k, SpecInfo{spec.id, spec.name, spec.priority});
        } else {
            m_specs.remove(k);
        }
        tasks->insert(k);
    } else if (key.startsWith(kResults)) {
        const QString k = QString::fromUtf8(key.mid(kResults.size()));
        m_results.insert(k, parseObject(value));
        tasks->insert(k);
    } else if (key.startsWith(kWorkers)) {
        const QJsonObject w = parseObject(value);
        m_workers.insert(QString::fromUtf8(key.mid(kWorkers.size())), w);
        others->append({{QStringLiteral("event"), QStringLiteral("worker")}, {QStringLiteral("worker"), w}});
    } else if (key.startsWith(kRecovery)) {
        const QJsonObject step = parseObject(value);
        m_recovery.insert(key, step);
        others->append(
            {{QStringLiteral("event"), QStringLiteral("recovery")}, {QStringLiteral("step"), step}});
    }
}

void CoordinatorReadView::remove(const QByteArray &key, QSet<QString> *tasks, QSet<QString> *suites)
{
    if (key.startsWith(kSuites)) {
        m_suites.remove(QString::fromUtf8(key.mid(kSuites.size())));
        suites->insert(QString::fromUtf8(key.mid(kSuites.size())));
    } else if (key.startsWith(kTasks)) {
        m_tasks.remove(QString::fromUtf8(key.mid(kTasks.size())));
    } else if (key.startsWith(kSpecs)) {
        m_specs.remove(QString::fromUtf8(key.mid(kSpecs.size())));
    } else if (key.startsWith(kResults)) {
        const QString k = QString::fromUtf8(key.mid(kResults.size()));
        m_results.remove(k);
        tasks->insert(k);
    } else if (key.startsWith(kWorkers)) {
        m_workers.remove(QString::fromUtf8(key.mid(kWorkers.size())));
    } else if (key.startsWith(kRecovery)) {
        m_recovery.remove(key);
    }
}

void CoordinatorReadView::apply(const QList<WatchEvent> &events)
{
    if (m_watchId == 0) {
        return;
    }
    QSet<QString> tasks;
    QSet<QString> suites;
    QList<QJsonObject> others;
    for (const WatchEvent &e : events) {
        if (e.type == WatchEvent::Type::Put) {
            put(e.kv.key, e.kv.value, &tasks, &suites, &others);
        } else {
            remove(e.kv.key, &tasks, &suites);
        }
        m_revision = qMax(m_revision, e.kv.modRevision);
    }
    const QJsonValue revision = QJsonValue(double(m_revision));
    QStringList taskKeys(tasks.cbegin(), tasks.cend());
    taskKeys.sort();
    for (const QString &key : std::as_const(taskKeys)) {
        if (const auto t = effectiveTask(key)) {
            Q_EMIT eventOccurred({{QStringLiteral("event"), QStringLiteral("task")},
                                  {QStringLiteral("task"), taskSummary(key, *t)},
                                  {QStringLiteral("revision"), revision}});
        }
    }
    QStringList suiteIds(suites.cbegin(), suites.cend());
    suiteIds.sort();
    for (const QString &id : std::as_const(suiteIds)) {
        if (m_suites.contains(id)) {
            Q_EMIT eventOccurred({{QStringLiteral("event"), QStringLiteral("suite")},
                                  {QStringLiteral("suite"), suiteSummary(id)},
                                  {QStringLiteral("revision"), revision}});
        }
    }
    for (QJsonObject o : std::as_const(others)) {
        o.insert(QStringLiteral("revision"), revision);
        Q_EMIT eventOccurred(o);
    }
}

std::optional<QJsonObject> CoordinatorReadView::effectiveTask(const QString &key) const
{
    const auto record = m_tasks.constFind(key);
    if (record == m_tasks.cend() || !m_specs.contains(key)) {
        return std::nullopt;
    }
    auto task = Coordinator::taskApiJson(*record);
    if (!task || !m_suites.contains(task->value(QStringLiteral("suite")).toString())) {
        return std::nullopt; // the submission never completed: the leader skips it too
    }
    const auto result = m_results.constFind(key);
    if (!Coordinator::isFinalTaskState(task->value(QStringLiteral("state")).toString()) &&
        result != m_results.cend()) {
        // Finishing writes only the result (with the attempt history): it wins, as on a load.
        QJsonObject o = *result;
        o.insert(QStringLiteral("key"), key);
        o.insert(QStringLiteral("suite"), task->value(QStringLiteral("suite")));
        o.insert(QStringLiteral("state"), result->value(QStringLiteral("status")).toString());
        // The attempt the leader holds is its last assignment; the result's "attempts" counts a
        // task cancelled before any assignment as 1, so take the history (or the record) instead.
        const QJsonArray history = result->value(QStringLiteral("history")).toArray();
        o.insert(QStringLiteral("attempt"),
                 history.isEmpty() ? task->value(QStringLiteral("attempt")).toInt()
                                   : history.last().toObject().value(QStringLiteral("attempt")).toInt());
        if (auto fromResult = Coordinator::taskApiJson(o)) {
            task = fromResult;
        }
    }
    return task;
}

QJsonObject CoordinatorReadView::taskSummary(const QString &key, const QJsonObject &task) const
{
    const SpecInfo spec = m_specs.value(key);
    return {{QStringLiteral("key"), key},
            {QStringLiteral("suite"), task.value(QStringLiteral("suite"))},
            {QStringLiteral("id"), spec.id},
            {QStringLiteral("name"), spec.name},
            {QStringLiteral("state"), task.value(QStringLiteral("state"))},
            {QStringLiteral("attempt"), task.value(QStringLiteral("attempt"))},
            {QStringLiteral("worker"), task.value(QStringLiteral("worker"))},
            {QStringLiteral("priority"), spec.priority}};
}

QStringList CoordinatorReadView::suiteTaskKeys(const QString &suiteId) const
{
    QStringList keys;
    const QString prefix = suiteId + QLatin1Char('/');
    for (auto it = m_tasks.lowerBound(prefix); it != m_tasks.cend() && it.key().startsWith(prefix); ++it) {
        if (effectiveTask(it.key())) {
            keys << it.key();
        }
    }
    return keys;
}

QJsonObject CoordinatorReadView::suiteSummary(const QString &id) const
{
    const QJsonObject stored = m_suites.value(id);
    QJsonObject o{{QStringLiteral("id"), stored.value(QStringLiteral("id")).toString()},
                  {QStringLiteral("name"), stored.value(QStringLiteral("name")).toString()},
                  {QStringLiteral("startedAt"), stored.value(QStringLiteral("startedAt")).toString()},
                  {QStringLiteral("finishedAt"), stored.value(QStringLiteral("finishedAt")).toString()},
                  {QStringLiteral("state"), stored.value(QStringLiteral("state")).toString()}};
    QHash<QString, int> byState;
    int done = 0;
    const QStringList keys = suiteTaskKeys(id);
    for (const QString &key : keys) {
        const QString state = effectiveTask(key)->value(QStringLiteral("state")).toString();
        ++byState[state];
        done += Coordinator::isFinalTaskState(state) ? 1 : 0;
    }
    QJsonObject counts;
    for (auto it = byState.cbegin(); it != byState.cend(); ++it) {
        counts.insert(it.key(), it.value());
    }
    o.insert(QStringLiteral("total"), int(keys.size()));
    o.insert(QStringLiteral("done"), done);
    o.insert(QStringLiteral("counts"), counts);
    return o;
}

std::optional<HttpReply> CoordinatorReadView::handleGet(const QString &path, const QUrlQuery &query) const
{
    const QString prefix = QStringLiteral("/api/v1/");
    if (m_watchId == 0 || !path.startsWith(prefix)) {
        return std::nullopt;
    }
    QStringList parts = path.mid(prefix.size()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.isEmpty()) {
        return std::nullopt;
    }
    const QString root = parts.takeFirst();
    if (root == QLatin1String("suites")) {
        if (parts.isEmpty()) {
            QJsonArray list;
            for (auto it = m_suites.cbegin(); it != m_suites.cend(); ++it) {
                list.append(suiteSummary(it.key()));
            }
            return HttpReply::list(list);
        }
        if (parts.size() > 2 || (parts.size() == 2 && parts[1] != QLatin1String("results"))) {
            return std::nullopt; // other suite views are the leader's
        }
        if (!m_suites.contains(parts.first())) {
            return HttpReply::error(404, QStringLiteral("no suite '%1'").arg(parts.first().left(200)));
        }
        if (parts.size() == 1) {
            return HttpReply::object(suiteSummary(parts.first()));
        }
        const QJsonObject s = m_suites.value(parts.first());
        QJsonArray cases;
        for (const QString &key : suiteTaskKeys(parts.first())) {
            const auto it = m_results.constFind(key);
            if (it != m_results.cend()) {
                cases.append(*it);
            }
        }
        QJsonObject doc{{QStringLiteral("version"), 1},
                        {QStringLiteral("suite"), s.value(QStringLiteral("name")).toString()},
                        {QStringLiteral("id"), s.value(QStringLiteral("id")).toString()},
                        {QStringLiteral("startedAt"), s.value(QStringLiteral("startedAt")).toString()},
                        {QStringLiteral("cases"), cases}};
        const QString finishedAt = s.value(QStringLiteral("finishedAt")).toString();
        if (!finishedAt.isEmpty()) {
            doc.insert(QStringLiteral("finishedAt"), finishedAt);
        }
        return HttpReply::object(doc);
    }
    if (root == QLatin1String("tasks")) {
        if (parts.isEmpty()) {
            const QString suite = query.queryItemValue(QStringLiteral("suite"));
            const QString state = query.queryItemValue(QStringLiteral("state"));
            if (!suite.isEmpty() && !m_suites.contains(suite)) {
                return HttpReply::error(404, QStringLiteral("no suite '%1'").arg(suite.left(200)));
            }
            const QStringList keys = suite.isEmpty() ? m_tasks.keys() : suiteTaskKeys(suite);
            QJsonArray list;
            for (const QString &key : keys) {
                const auto t = effectiveTask(key);
                if (t && (state.isEmpty() || t->value(QStringLiteral("state")).toString() == state)) {
                    list.append(taskSummary(key, *t));
                }
            }
            return HttpReply::list(list);
        }
        if (parts.size() < 2 || parts.size() > 3 ||
            (parts.size() == 3 && parts[2] != QLatin1String("logs"))) {
            return std::nullopt;
        }
        const QString key = parts[0] + QLatin1Char('/') + parts[1];
        const auto t = effectiveTask(key);
        if (!t) {
            return HttpReply::error(404, QStringLiteral("no task '%1'").arg(key.left(200)));
        }
        const auto result = m_results.constFind(key);
        if (parts.size() == 3) {
            if (result == m_results.cend()) {
                return std::nullopt; // live output of a running attempt: only the leader has it
            }
            return HttpReply::object(
                {{QStringLiteral("task"), key},
                 {QStringLiteral("attempt"), t->value(QStringLiteral("attempt"))},
                 {QStringLiteral("final"), true},
                 {QStringLiteral("log"), result->value(QStringLiteral("output")).toString()}});
        }
        QJsonObject o = *t;
        if (result != m_results.cend()) {
            o.insert(QStringLiteral("result"), *result);
        }
        return HttpReply::object(o);
    }
    if (root == QLatin1String("recovery") && parts.isEmpty()) {
        QJsonArray list;
        for (const QJsonObject &step : m_recovery) {
            list.append(step);
        }
        return HttpReply::list(list);
    }
    return std::nullopt; // /workers (live state), /health (the server's), unknown paths
}

} // namespace accel
