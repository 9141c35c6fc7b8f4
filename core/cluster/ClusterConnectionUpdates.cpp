// ClusterConnection: live updates. Events from the /api/v1/events stream mark what changed;
// coalesced re-fetches (at most ~10 per second) bring the lists, and suites whose "done" count
// moved get their summary (throttled while they run).
#include "cluster/ClusterConnection.h"

#include "common/LogCategories.h"

#include <QTimer>

namespace accel {

// --- live updates ------------------------------------------------------------------------------

void ClusterConnection::onEventText(const QString &text)
{
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parse);
    if (!doc.isObject()) {
        qCWarning(lcCluster) << "ignoring an event that is not a JSON object:" << parse.errorString();
        return;
    }
    const QJsonObject e = doc.object();
    const QString kind = e.value(QStringLiteral("event")).toString();
    if (kind == QLatin1String("worker")) {
        const QJsonObject w = e.value(QStringLiteral("worker")).toObject();
        if (!w.value(QStringLiteral("id")).toString().isEmpty()) {
            emit workerUpdated(w);
        }
        markDirty(DirtyHealth);
    } else if (kind == QLatin1String("task")) {
        const QJsonObject t = e.value(QStringLiteral("task")).toObject();
        if (!t.value(QStringLiteral("key")).toString().isEmpty()) {
            emit taskUpdated(t);
        }
        // Suite counts and the queue length follow from task changes; no suite event says so.
        markDirty(DirtyHealth | DirtySuites);
    } else if (kind == QLatin1String("suite")) {
        const QJsonObject s = e.value(QStringLiteral("suite")).toObject();
        if (!s.value(QStringLiteral("id")).toString().isEmpty()) {
            noteSuite(s);
            emit suiteUpdated(s);
        }
        markDirty(DirtyHealth);
    } else if (kind == QLatin1String("log")) {
        emit logReceived(
            e.value(QStringLiteral("task")).toString(), e.value(QStringLiteral("attempt")).toInt(),
            e.value(QStringLiteral("stream")).toString(), e.value(QStringLiteral("data")).toString());
    } else if (kind == QLatin1String("recovery")) {
        emit recoveryStep(e.value(QStringLiteral("step")).toObject());
        // Quarantine and suspicion change workers without a worker event.
        markDirty(DirtyWorkers);
    }
}

void ClusterConnection::markDirty(unsigned what)
{
    m_dirty |= what;
    if (m_state == State::Connected && !m_coalesce->isActive()) {
        m_coalesce->start();
    }
}

void ClusterConnection::flushDirty()
{
    if (m_state != State::Connected) {
        return;
    }
    const unsigned want = m_dirty;
    m_dirty = 0;
    if (want & DirtyHealth) {
        fetchHealth();
    }
    if (want & DirtyWorkers) {
        fetchWorkers();
    }
    if (want & DirtySuites) {
        fetchSuites();
    }
    if (want & DirtyTasks) {
        fetchTasks();
    }
}

void ClusterConnection::fetchHealth()
{
    if (m_probing) {
        m_dirty |= DirtyHealth; // fetched again once the current answer is in
        return;
    }
    probe();
}

void ClusterConnection::fetchWorkers()
{
    if (m_inFlight & DirtyWorkers) {
        m_dirty |= DirtyWorkers;
        return;
    }
    m_inFlight |= DirtyWorkers;
    const quint64 gen = m_generation;
    send("GET", QStringLiteral("/api/v1/workers"), {}, [this, gen](const Reply &r) {
        if (gen != m_generation) {
            return;
        }
        m_inFlight &= ~unsigned(DirtyWorkers);
        if (handleBackgroundFailure(r)) {
            return;
        }
        if (!r.json.isArray()) {
            setError(Error::BadReply, QStringLiteral("the worker list is not a JSON array"));
            return;
        }
        emit workersReceived(r.json.array());
        if (m_dirty != 0 && !m_coalesce->isActive()) {
            m_coalesce->start();
        }
    });
}

void ClusterConnection::fetchSuites()
{
    if (m_inFlight & DirtySuites) {
        m_dirty |= DirtySuites;
        return;
    }
    m_inFlight |= DirtySuites;
    const quint64 gen = m_generation;
    send("GET", QStringLiteral("/api/v1/suites"), {}, [this, gen](const Reply &r) {
        if (gen != m_generation) {
            return;
        }
        m_inFlight &= ~unsigned(DirtySuites);
        if (handleBackgroundFailure(r)) {
            return;
        }
        if (!r.json.isArray()) {
            setError(Error::BadReply, QStringLiteral("the suite list is not a JSON array"));
            return;
        }
        const QJsonArray suites = r.json.array();
        for (const QJsonValue &v : suites) {
            noteSuite(v.toObject());
        }
        emit suitesReceived(suites);
        if (m_dirty != 0 && !m_coalesce->isActive()) {
            m_coalesce->start();
        }
    });
}

void ClusterConnection::fetchTasks()
{
    if (m_watchedSuite.isEmpty()) {
        return;
    }
    if (m_inFlight & DirtyTasks) {
        m_dirty |= DirtyTasks;
        return;
    }
    m_inFlight |= DirtyTasks;
    const quint64 gen = m_generation;
    const QString suite = m_watchedSuite;
    send("GET", QStringLiteral("/api/v1/tasks?suite=") + QString::fromLatin1(QUrl::toPercentEncoding(suite)),
         {}, [this, gen, suite](const Reply &r) {
             if (gen != m_generation) {
                 return;
             }
             m_inFlight &= ~unsigned(DirtyTasks);
             if (handleBackgroundFailure(r)) {
                 return;
             }
             if (!r.json.isArray()) {
                 setError(Error::BadReply, QStringLiteral("the task list is not a JSON array"));
                 return;
             }
             emit tasksReceived(suite, r.json.array());
             if (m_dirty != 0 && !m_coalesce->isActive()) {
                 m_coalesce->start();
             }
         });
}

void ClusterConnection::noteSuite(const QJsonObject &suite)
{
    const QString id = suite.value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        return;
    }
    const int done = suite.value(QStringLiteral("done")).toInt();
    m_suiteDone.insert(id, done);
    if (done <= 0 || m_summaryDone.value(id, -1) == done || m_state != State::Connected) {
        return;
    }
    // Throttled while the suite runs; a suite that just ended gets its final numbers at once.
    const bool ended = suite.value(QStringLiteral("state")).toString() != QLatin1String("running");
    if (ended || !m_summaries->isActive()) {
        fetchDueSummaries();
        if (!m_summaries->isActive()) {
            m_summaries->start();
        }
    }
}

void ClusterConnection::fetchDueSummaries()
{
    if (m_state != State::Connected) {
        m_summaries->stop();
        return;
    }
    bool due = false;
    for (auto it = m_suiteDone.cbegin(); it != m_suiteDone.cend(); ++it) {
        const QString id = it.key();
        const int done = it.value();
        if (done <= 0 || m_summaryDone.value(id, -1) == done) {
            continue;
        }
        due = true;
        if (m_summaryInFlight.contains(id)) {
            continue;
        }
        m_summaryInFlight.insert(id);
        const quint64 gen = m_generation;
        // Counts only; the watched suite's cases too (still without outputs: those are fetched
        // per task when looked at).
        const bool withCases = id == m_watchedSuite;
        send("GET",
             QStringLiteral("/api/v1/suites/") + QString::fromLatin1(QUrl::toPercentEncoding(id)) +
                 QStringLiteral("/summary") + (withCases ? QStringLiteral("?cases=1") : QString()),
             {}, [this, gen, id, done, withCases](const Reply &r) {
                 if (gen != m_generation) {
                     return;
                 }
                 m_summaryInFlight.remove(id);
                 if (handleBackgroundFailure(r)) {
                     if (r.error == Error::Rejected) {
                         m_summaryDone.insert(id, done); // e.g. a suite that vanished: do not hammer
                     }
                     return;
                 }
                 if (!r.json.isObject()) {
                     setError(Error::BadReply, QStringLiteral("the suite summary is not a JSON object"));
                     return;
                 }
                 // Watched since this was asked without cases: ask again (the timer runs).
                 if (withCases || id != m_watchedSuite) {
                     m_summaryDone.insert(id, done);
                 }
                 emit summaryReceived(id, r.json.object());
             });
    }
    if (!due) {
        m_summaries->stop();
    }
}

} // namespace accel
