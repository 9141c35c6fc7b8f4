#include "cluster/TaskHistoryChecker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace accel {

namespace {

struct AttemptIdentity
{
    qint64 epoch = 0;
    QString worker;
    QString startedAt;
    qint64 firstRevision = 0;
};

int creations(const QList<StoredChange> &changes)
{
    return int(std::count_if(changes.cbegin(), changes.cend(),
                             [](const StoredChange &c) { return !c.deleted && c.version == 1; }));
}

int deletions(const QList<StoredChange> &changes)
{
    return int(
        std::count_if(changes.cbegin(), changes.cend(), [](const StoredChange &c) { return c.deleted; }));
}

} // namespace

void TaskHistoryChecker::add(const StoredChange &change)
{
    ++m_changes;
    if (change.revision < m_lastRevision) {
        m_orderViolations << QStringLiteral("changes out of revision order: %1 after %2 (%3)")
                                 .arg(change.revision)
                                 .arg(m_lastRevision)
                                 .arg(QString::fromUtf8(change.key.left(200)));
    }
    m_lastRevision = qMax(m_lastRevision, change.revision);
    static const QList<std::pair<QByteArray, QMap<QString, KeyHistory> TaskHistoryChecker::*>> kinds{
        {QByteArrayLiteral("/specs/"), &TaskHistoryChecker::m_specs},
        {QByteArrayLiteral("/tasks/"), &TaskHistoryChecker::m_tasks},
        {QByteArrayLiteral("/results/"), &TaskHistoryChecker::m_results},
        {QByteArrayLiteral("/suites/"), &TaskHistoryChecker::m_suites}};
    for (const auto &[prefix, member] : kinds) {
        if (change.key.startsWith(prefix)) {
            (this->*member)[QString::fromUtf8(change.key.mid(prefix.size()))].changes << change;
            return;
        }
    }
}

void TaskHistoryChecker::addAll(const QList<StoredChange> &changes)
{
    for (const StoredChange &c : changes) {
        add(c);
    }
}

TaskHistoryChecker::Report TaskHistoryChecker::check(bool requireFinished) const
{
    Report report;
    report.violations = m_orderViolations;
    auto violation = [&report](const QString &key, const QString &what) {
        report.violations << key + QStringLiteral(": ") + what;
    };

    for (auto it = m_suites.cbegin(); it != m_suites.cend(); ++it) {
        QString name;
        for (const StoredChange &c : it->changes) {
            if (!c.deleted) {
                name = QJsonDocument::fromJson(c.value).object().value(QStringLiteral("name")).toString();
            }
        }
        if (creations(it->changes) != 1) {
            violation(QStringLiteral("suite ") + it.key(),
                      QStringLiteral("suite record created %1 times").arg(creations(it->changes)));
        }
        ++report.suitesByName[name];
    }

    QStringList keys = m_specs.keys() + m_tasks.keys() + m_results.keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const QString &key : std::as_const(keys)) {
        ++report.tasks;
        const QList<StoredChange> specs = m_specs.value(key).changes;
        const QList<StoredChange> tasks = m_tasks.value(key).changes;
        const QList<StoredChange> results = m_results.value(key).changes;
        // Submitted once.
        if (creations(specs) != 1 || deletions(specs) > 0) {
            violation(key, QStringLiteral("spec created %1 times, deleted %2 times (submitted once expected)")
                               .arg(creations(specs))
                               .arg(deletions(specs)));
        }
        if (creations(tasks) != 1 || deletions(tasks) > 0) {
            violation(key, QStringLiteral("task record created %1 times, deleted %2 times")
                               .arg(creations(tasks))
                               .arg(deletions(tasks)));
        }
        // Every stored version of the task (record and result) in revision order.
        QList<StoredChange> versions;
        for (const StoredChange &c : tasks + results) {
            if (!c.deleted) {
                versions << c;
            }
        }
        std::stable_sort(versions.begin(), versions.end(), [](const StoredChange &a, const StoredChange &b) {
            return a.revision < b.revision;
        });
        QHash<int, AttemptIdentity> identities;
        QJsonArray lastHistory;
        for (const StoredChange &v : std::as_const(versions)) {
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(v.value, &parseError);
            if (!doc.isObject()) {
                violation(key, QStringLiteral("unreadable record at revision %1: %2")
                                   .arg(v.revision)
                                   .arg(parseError.errorString()));
                continue;
            }
            const QJsonArray history = doc.object().value(QStringLiteral("history")).toArray();
            int previousAttempt = 0;
            qint64 previousEpoch = 0;
            QString previousEnd;
            bool previousOpen = false;
            int passed = 0;
            for (qsizetype i = 0; i < history.size(); ++i) {
                const QJsonObject a = history.at(i).toObject();
                const int n = a.value(QStringLiteral("attempt")).toInt();
                const qint64 epoch = qint64(a.value(QStringLiteral("epoch")).toDouble());
                const QString startedAt = a.value(QStringLiteral("startedAt")).toString();
                const QString endedAt = a.value(QStringLiteral("endedAt")).toString();
                const QString where = QStringLiteral("revision %1, attempt %2").arg(v.revision).arg(n);
                if (n <= previousAttempt) {
                    violation(key, where + QStringLiteral(": attempt numbers do not increase"));
                }
                if (epoch < previousEpoch) {
                    violation(key, where + QStringLiteral(": epoch %1 after epoch %2 (epochs went back)")
                                               .arg(epoch)
                                               .arg(previousEpoch));
                }
                if (i > 0 && previousOpen) {
                    violation(key,
                              where + QStringLiteral(": started while attempt %1 (epoch %2) was still open")
                                          .arg(previousAttempt)
                                          .arg(previousEpoch));
                } else if (i > 0 && !startedAt.isEmpty() && previousEnd > startedAt) {
                    violation(key, where + QStringLiteral(": started at %1, before attempt %2 ended at %3")
                                               .arg(startedAt)
                                               .arg(previousAttempt)
                                               .arg(previousEnd));
                }
                passed += a.value(QStringLiteral("outcome")).toString() == QLatin1String("passed") ? 1 : 0;
                const auto known = identities.constFind(n);
                if (known == identities.cend()) {
                    identities.insert(n, AttemptIdentity{epoch, a.value(QStringLiteral("worker")).toString(),
                                                         startedAt, v.revision});
                } else if (known->epoch != epoch ||
                           known->worker != a.value(QStringLiteral("worker")).toString() ||
                           known->startedAt != startedAt) {
                    violation(key,
                              where + QStringLiteral(": recorded at revision %1 as epoch %2 on %3, now epoch "
                                                     "%4 on %5 (an assignment was rewritten)")
                                          .arg(known->firstRevision)
                                          .arg(known->epoch)
                                          .arg(known->worker)
                                          .arg(epoch)
                                          .arg(a.value(QStringLiteral("worker")).toString()));
                }
                previousAttempt = n;
                previousEpoch = epoch;
                previousEnd = endedAt;
                previousOpen = endedAt.isEmpty();
            }
            if (passed > 1) {
                violation(key, QStringLiteral("revision %1: %2 attempts passed (completed more than once)")
                                   .arg(v.revision)
                                   .arg(passed));
            }
            lastHistory = history;
        }
        for (const QJsonValue &a : std::as_const(lastHistory)) {
            ++report.attempts;
            ++report.attemptsByEpoch[qint64(a.toObject().value(QStringLiteral("epoch")).toDouble())];
        }
        // Completed once.
        if (!results.isEmpty()) {
            if (creations(results) != 1 || deletions(results) > 0) {
                violation(
                    key, QStringLiteral("result created %1 times, deleted %2 times (completed once expected)")
                             .arg(creations(results))
                             .arg(deletions(results)));
            }
            QString firstOutcome;
            for (const StoredChange &c : results) {
                if (c.deleted) {
                    continue;
                }
                const QJsonObject o = QJsonDocument::fromJson(c.value).object();
                const QString outcome = QStringLiteral("%1 after %2 attempt(s)")
                                            .arg(o.value(QStringLiteral("status")).toString())
                                            .arg(o.value(QStringLiteral("attempts")).toInt());
                if (firstOutcome.isEmpty()) {
                    firstOutcome = outcome;
                } else if (outcome != firstOutcome) {
                    violation(key, QStringLiteral("result changed from '%1' to '%2' at revision %3")
                                       .arg(firstOutcome, outcome)
                                       .arg(c.revision));
                }
            }
            ++report.finished;
        } else if (requireFinished) {
            violation(key, QStringLiteral("no result (never completed)"));
        }
    }
    return report;
}

} // namespace accel
