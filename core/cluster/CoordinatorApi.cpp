// Coordinator's HTTP/JSON API: routing and the JSON views of suites, tasks and workers.
#include "cluster/Coordinator.h"

#include "cluster/CoordinatorStore.h"
#include "cluster/WorkerLink.h"
#include "common/Clock.h"
#include "common/Version.h"

#include <QDateTime>
#include <QJsonDocument>

namespace accel {

QJsonObject Coordinator::taskSummary(const Task &t) const
{
    QJsonObject o{{QStringLiteral("key"), t.key},       {QStringLiteral("suite"), t.suite},
                  {QStringLiteral("id"), t.spec.id},    {QStringLiteral("name"), t.spec.name},
                  {QStringLiteral("state"), t.state},   {QStringLiteral("attempt"), t.attempt},
                  {QStringLiteral("worker"), t.worker}, {QStringLiteral("priority"), t.spec.priority}};
    return o;
}

QJsonObject Coordinator::workerSummary(const Worker &w) const
{
    QJsonObject o = w.toJson();
    QString state;
    if (!m_detector.isTracked(w.id)) {
        state = QStringLiteral("dead");
    } else {
        state = FailureDetector::stateName(m_detector.state(w.id));
    }
    o.insert(QStringLiteral("state"), state);
    o.insert(QStringLiteral("connected"), w.link != 0);
    o.insert(QStringLiteral("heartbeatAgeMs"),
             m_detector.isTracked(w.id) ? m_detector.heartbeatAgeMs(w.id) : -1);
    QJsonArray current;
    for (const Task &t : m_tasks) {
        if ((t.state == QLatin1String("assigned") || t.state == QLatin1String("running")) &&
            t.worker == w.id) {
            current.append(t.key);
        }
    }
    o.insert(QStringLiteral("tasks"), current);
    o.insert(QStringLiteral("capabilityStrings"),
             QJsonArray::fromStringList(w.capabilities.capabilityStrings()));
    return o;
}

QJsonObject Coordinator::suiteSummary(const Suite &s) const
{
    QJsonObject counts;
    int done = 0;
    QHash<QString, int> byState;
    for (const QString &key : s.taskKeys) {
        auto t = m_tasks.constFind(key);
        if (t != m_tasks.cend()) {
            ++byState[t->state];
            done += t->isFinal() ? 1 : 0;
        }
    }
    for (auto it = byState.cbegin(); it != byState.cend(); ++it) {
        counts.insert(it.key(), it.value());
    }
    QJsonObject o = s.toJson();
    o.insert(QStringLiteral("total"), int(s.taskKeys.size()));
    o.insert(QStringLiteral("done"), done);
    o.insert(QStringLiteral("counts"), counts);
    return o;
}

QJsonObject Coordinator::resultsDocument(const Suite &s) const
{
    QJsonArray cases;
    for (const QString &key : s.taskKeys) {
        auto it = m_results.constFind(key);
        if (it != m_results.cend()) {
            cases.append(*it);
        }
    }
    QJsonObject doc{{QStringLiteral("version"), 1},
                    {QStringLiteral("suite"), s.name},
                    {QStringLiteral("id"), s.id},
                    {QStringLiteral("startedAt"), s.startedAt},
                    {QStringLiteral("cases"), cases}};
    if (!s.finishedAt.isEmpty()) {
        doc.insert(QStringLiteral("finishedAt"), s.finishedAt);
    }
    return doc;
}

QJsonObject Coordinator::suiteResultsSummary(const Suite &s, bool withCases) const
{
    // Counts only: a live view polls this while the suite runs instead of the results document,
    // whose outputs and artifacts can reach megabytes.
    QJsonObject o = suiteSummary(s);
    int passed = 0, failed = 0, errors = 0, skipped = 0, flaky = 0, attempts = 0, retried = 0;
    double taskSeconds = 0;
    QJsonArray cases;
    for (const QString &key : s.taskKeys) {
        auto t = m_tasks.constFind(key);
        if (t != m_tasks.cend()) {
            attempts += t->attempt;
            retried += t->attempt > 1 ? 1 : 0;
        }
        auto r = m_results.constFind(key);
        if (r == m_results.cend()) {
            continue;
        }
        const QString status = r->value(QStringLiteral("status")).toString();
        passed += status == QLatin1String("passed") ? 1 : 0;
        failed += status == QLatin1String("failed") ? 1 : 0;
        errors += status == QLatin1String("error") ? 1 : 0;
        skipped += status == QLatin1String("skipped") ? 1 : 0;
        flaky += r->value(QStringLiteral("flaky")).toBool() ? 1 : 0;
        taskSeconds += r->value(QStringLiteral("durationSec")).toDouble();
        if (withCases) {
            QJsonObject c = *r;
            c.remove(QStringLiteral("output"));
            c.remove(QStringLiteral("artifacts"));
            cases.append(c);
        }
    }
    const QDateTime started = QDateTime::fromString(s.startedAt, Qt::ISODateWithMs);
    const QDateTime ended = s.finishedAt.isEmpty() ? QDateTime::currentDateTimeUtc()
                                                   : QDateTime::fromString(s.finishedAt, Qt::ISODateWithMs);
    o.insert(QStringLiteral("passed"), passed);
    o.insert(QStringLiteral("failed"), failed);
    o.insert(QStringLiteral("error"), errors);
    o.insert(QStringLiteral("skipped"), skipped);
    o.insert(QStringLiteral("flaky"), flaky);
    o.insert(QStringLiteral("attempts"), attempts);
    o.insert(QStringLiteral("retried"), retried);
    o.insert(QStringLiteral("durationMs"), started.isValid() && ended.isValid() ? started.msecsTo(ended) : 0);
    o.insert(QStringLiteral("taskDurationMs"), qint64(taskSeconds * 1000.0 + 0.5));
    if (withCases) {
        o.insert(QStringLiteral("cases"), cases);
    }
    return o;
}

HttpReply Coordinator::handleHttp(const QString &method, const QString &path, const QUrlQuery &query,
                                  const QByteArray &body)
{
    const QString prefix = QStringLiteral("/api/v1/");
    if (!path.startsWith(prefix)) {
        return HttpReply::error(404, QStringLiteral("no such endpoint: %1").arg(path.left(200)));
    }
    QStringList parts = path.mid(prefix.size()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const bool get = method == QLatin1String("GET");
    const bool post = method == QLatin1String("POST");
    if (parts.isEmpty()) {
        return HttpReply::error(404, QStringLiteral("no such endpoint"));
    }
    const QString root = parts.takeFirst();
    if (root == QLatin1String("health") && parts.isEmpty()) {
        if (!get) {
            return HttpReply::error(405, QStringLiteral("use GET"));
        }
        return HttpReply::object({{QStringLiteral("ok"), true},
                                  {QStringLiteral("version"), projectVersion()},
                                  {QStringLiteral("epoch"), m_config.epoch},
                                  {QStringLiteral("store"), m_store->backendName()},
                                  {QStringLiteral("queued"), m_scheduler.queuedCount()},
                                  {QStringLiteral("unfinished"), m_unfinished}});
    }
    if (root == QLatin1String("suites")) {
        if (parts.isEmpty()) {
            if (post) {
                SuiteSpec spec;
                QString error;
                if (!SuiteSpec::parse(body, &spec, &error)) {
                    return HttpReply::error(400, error);
                }
                const QString id = submitSuite(spec);
                if (!flush()) {
                    return HttpReply::error(500, QStringLiteral("the suite could not be stored durably"));
                }
                scheduleNow();
                return HttpReply::object(
                    {{QStringLiteral("id"), id}, {QStringLiteral("tasks"), int(spec.tasks.size())}}, 201);
            }
            if (!get) {
                return HttpReply::error(405, QStringLiteral("use GET or POST"));
            }
            QJsonArray list;
            for (const QString &id : m_suiteOrder) {
                list.append(suiteSummary(m_suites[id]));
            }
            return HttpReply::list(list);
        }
        auto s = m_suites.constFind(parts.first());
        if (s == m_suites.cend()) {
            return HttpReply::error(404, QStringLiteral("no suite '%1'").arg(parts.first().left(200)));
        }
        if (parts.size() == 1 && get) {
            return HttpReply::object(suiteSummary(*s));
        }
        if (parts.size() == 2 && parts[1] == QLatin1String("results") && get) {
            return HttpReply::object(resultsDocument(*s));
        }
        if (parts.size() == 2 && parts[1] == QLatin1String("summary") && get) {
            return HttpReply::object(
                suiteResultsSummary(*s, query.queryItemValue(QStringLiteral("cases")) == QLatin1String("1")));
        }
        if (parts.size() == 2 && parts[1] == QLatin1String("cancel") && post) {
            int cancelled = 0;
            for (const QString &key : s->taskKeys) {
                Task &t = m_tasks[key];
                if (t.isFinal()) {
                    continue;
                }
                if ((t.state == QLatin1String("assigned") || t.state == QLatin1String("running")) &&
                    m_workers.value(t.worker).link != 0) {
                    ClusterMessage c;
                    c.type = ClusterMessage::Type::Cancel;
                    c.task = t.key;
                    c.attempt = t.attempt;
                    c.message = QStringLiteral("suite cancelled");
                    sendTo(m_workers.value(t.worker).link, c);
                }
                finishTask(t, QStringLiteral("skipped"), QStringLiteral("cancelled"), nullptr);
                ++cancelled;
            }
            m_suites[s->id].state = QStringLiteral("cancelled");
            m_suites[s->id].finishedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
            persistSuite(m_suites[s->id]);
            flush();
            return HttpReply::object(
                {{QStringLiteral("id"), s->id}, {QStringLiteral("cancelled"), cancelled}});
        }
        return HttpReply::error(parts.size() <= 2 ? 405 : 404, QStringLiteral("unsupported suite request"));
    }
    if (root == QLatin1String("tasks")) {
        if (parts.isEmpty()) {
            if (!get) {
                return HttpReply::error(405, QStringLiteral("use GET"));
            }
            const QString suite = query.queryItemValue(QStringLiteral("suite"));
            const QString state = query.queryItemValue(QStringLiteral("state"));
            QStringList keys;
            if (!suite.isEmpty()) {
                if (!m_suites.contains(suite)) {
                    return HttpReply::error(404, QStringLiteral("no suite '%1'").arg(suite.left(200)));
                }
                keys = m_suites[suite].taskKeys;
            } else {
                keys = m_tasks.keys();
                keys.sort();
            }
            QJsonArray list;
            for (const QString &key : std::as_const(keys)) {
                const Task &t = m_tasks[key];
                if (state.isEmpty() || t.state == state) {
                    list.append(taskSummary(t));
                }
            }
            return HttpReply::list(list);
        }
        if (parts.size() < 2) {
            return HttpReply::error(404, QStringLiteral("task paths are /api/v1/tasks/{suite}/{task}"));
        }
        const QString key = parts[0] + QLatin1Char('/') + parts[1];
        auto it = m_tasks.find(key);
        if (it == m_tasks.end()) {
            return HttpReply::error(404, QStringLiteral("no task '%1'").arg(key.left(200)));
        }
        if (parts.size() == 2 && get) {
            QJsonObject o = it->toJson();
            if (it->state == QLatin1String("queued")) {
                o.insert(QStringLiteral("unschedulable"), m_scheduler.explain(key, m_clock->nowMs()));
            }
            if (m_results.contains(key)) {
                o.insert(QStringLiteral("result"), m_results.value(key));
            }
            return HttpReply::object(o);
        }
        if (parts.size() == 3 && parts[2] == QLatin1String("logs") && get) {
            const QString log = m_results.contains(key)
                                    ? m_results.value(key).value(QStringLiteral("output")).toString()
                                    : QString::fromUtf8(m_logs.value(key));
            return HttpReply::object({{QStringLiteral("task"), key},
                                      {QStringLiteral("attempt"), it->attempt},
                                      {QStringLiteral("final"), m_results.contains(key)},
                                      {QStringLiteral("log"), log}});
        }
        if (parts.size() == 3 && parts[2] == QLatin1String("cancel") && post) {
            if (it->isFinal()) {
                return HttpReply::error(
                    409, QStringLiteral("task '%1' already finished (%2)").arg(key, it->state));
            }
            if (it->state != QLatin1String("queued") && m_workers.value(it->worker).link != 0) {
                ClusterMessage c;
                c.type = ClusterMessage::Type::Cancel;
                c.task = key;
                c.attempt = it->attempt;
                c.message = QStringLiteral("cancelled");
                sendTo(m_workers.value(it->worker).link, c);
            }
            finishTask(*it, QStringLiteral("skipped"), QStringLiteral("cancelled"), nullptr);
            flush();
            return HttpReply::object(taskSummary(*it));
        }
        return HttpReply::error(405, QStringLiteral("unsupported task request"));
    }
    if (root == QLatin1String("workers")) {
        if (parts.isEmpty()) {
            if (!get) {
                return HttpReply::error(405, QStringLiteral("use GET"));
            }
            QStringList ids = m_workers.keys();
            ids.sort();
            QJsonArray list;
            for (const QString &id : std::as_const(ids)) {
                list.append(workerSummary(m_workers[id]));
            }
            return HttpReply::list(list);
        }
        auto w = m_workers.find(parts[0]);
        if (w == m_workers.end()) {
            return HttpReply::error(404, QStringLiteral("no worker '%1'").arg(parts[0].left(200)));
        }
        if (parts.size() == 1 && get) {
            return HttpReply::object(workerSummary(*w));
        }
        if (parts.size() == 2 && post) {
            const QString action = parts[1];
            if (action == QLatin1String("drain")) {
                w->draining = true;
                updateAccepting(*w);
                persistWorker(*w);
                if (w->link != 0) {
                    ClusterMessage d;
                    d.type = ClusterMessage::Type::Drain;
                    sendTo(w->link, d);
                }
            } else if (action == QLatin1String("undrain")) {
                w->draining = false;
                updateAccepting(*w);
                persistWorker(*w);
            } else if (action == QLatin1String("quarantine")) {
                setQuarantined(*w, true, QStringLiteral("operator request"));
            } else if (action == QLatin1String("unquarantine")) {
                setQuarantined(*w, false, QStringLiteral("operator request"));
            } else {
                return HttpReply::error(404,
                                        QStringLiteral("unknown worker action '%1'").arg(action.left(100)));
            }
            flush();
            return HttpReply::object(workerSummary(*w));
        }
        return HttpReply::error(405, QStringLiteral("unsupported worker request"));
    }
    if (root == QLatin1String("recovery") && parts.isEmpty() && get) {
        auto r = m_store->prefix(QByteArrayLiteral("/recovery/"));
        if (!r) {
            return HttpReply::error(500, r.error().message);
        }
        QJsonArray list;
        for (const KeyValue &kv : r->kvs) {
            list.append(QJsonDocument::fromJson(kv.value).object());
        }
        return HttpReply::list(list);
    }
    return HttpReply::error(404, QStringLiteral("no such endpoint: %1").arg(path.left(200)));
}

} // namespace accel
