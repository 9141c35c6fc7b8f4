// The oracle of the randomized fault test (TaskHistoryChecker) over hand-made store histories: it
// accepts good ones (a plain run, a failover with a re-assignment by the next epoch, a late
// result of the old epoch) and finds each kind of bad one (double submission, epochs going back,
// overlapping attempts, a rewritten assignment, a result recorded twice or changed, two passing
// attempts, a task never completed, unreadable records, revisions out of order).
#include "cluster/TaskHistoryChecker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using accel::StoredChange;
using accel::TaskHistoryChecker;

namespace {

QJsonObject attempt(int n, qint64 epoch, const QString &worker, const QString &start, const QString &end = {},
                    const QString &outcome = {})
{
    QJsonObject a{{QStringLiteral("attempt"), n},
                  {QStringLiteral("epoch"), epoch},
                  {QStringLiteral("worker"), worker},
                  {QStringLiteral("startedAt"), QStringLiteral("2026-01-01T00:00:%1Z").arg(start)}};
    if (!end.isEmpty()) {
        a.insert(QStringLiteral("endedAt"), QStringLiteral("2026-01-01T00:00:%1Z").arg(end));
    }
    if (!outcome.isEmpty()) {
        a.insert(QStringLiteral("outcome"), outcome);
    }
    return a;
}

/// Builds a history key by key, numbering revisions and versions like etcd.
class History
{
public:
    History &put(const QByteArray &key, const QJsonObject &value)
    {
        return putRaw(key, QJsonDocument(value).toJson(QJsonDocument::Compact));
    }
    History &putRaw(const QByteArray &key, const QByteArray &value)
    {
        StoredChange c;
        c.revision = ++m_revision;
        c.key = key;
        c.value = value;
        c.version = ++m_versions[key];
        m_changes << c;
        return *this;
    }
    History &remove(const QByteArray &key)
    {
        StoredChange c;
        c.revision = ++m_revision;
        c.key = key;
        c.deleted = true;
        m_versions[key] = 0;
        m_changes << c;
        return *this;
    }
    History &submit(const QString &suite, const QString &name, const QString &task)
    {
        put("/specs/" + (suite + QLatin1Char('/') + task).toUtf8(), {{QStringLiteral("id"), task}});
        put("/tasks/" + (suite + QLatin1Char('/') + task).toUtf8(),
            record(suite, task, QStringLiteral("queued"), {}));
        return put("/suites/" + suite.toUtf8(),
                   {{QStringLiteral("id"), suite}, {QStringLiteral("name"), name}});
    }
    History &task(const QString &key, const QString &state, const QJsonArray &history)
    {
        const QStringList parts = key.split(QLatin1Char('/'));
        return put("/tasks/" + key.toUtf8(), record(parts[0], parts[1], state, history));
    }
    History &result(const QString &key, const QString &status, const QJsonArray &history)
    {
        return put("/results/" + key.toUtf8(), {{QStringLiteral("status"), status},
                                                {QStringLiteral("attempts"), int(history.size())},
                                                {QStringLiteral("history"), history}});
    }
    QList<StoredChange> changes() const { return m_changes; }

private:
    static QJsonObject record(const QString &suite, const QString &task, const QString &state,
                              const QJsonArray &history)
    {
        return {{QStringLiteral("key"), QString(suite + QLatin1Char('/') + task)},
                {QStringLiteral("suite"), suite},
                {QStringLiteral("state"), state},
                {QStringLiteral("history"), history}};
    }
    qint64 m_revision = 0;
    QHash<QByteArray, qint64> m_versions;
    QList<StoredChange> m_changes;
};

const QString K = QStringLiteral("s1/t1");

History plainRun()
{
    History h;
    h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
    h.task(K, QStringLiteral("assigned"), {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"))});
    h.result(K, QStringLiteral("passed"),
             {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"), QStringLiteral("02"),
                      QStringLiteral("passed"))});
    return h;
}

} // namespace

Q_DECLARE_METATYPE(History)

class tst_TaskHistoryChecker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void good_data()
    {
        QTest::addColumn<History>("history");
        QTest::addColumn<int>("attempts");
        QTest::newRow("plain run") << plainRun() << 1;
        {
            // Leader of epoch 5 dies; epoch 9 closes the lost attempt and re-assigns it.
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("running"), {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"))});
            const QJsonObject lost = attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"),
                                             QStringLiteral("04"), QStringLiteral("worker-crash"));
            h.task(K, QStringLiteral("queued"), {lost});
            h.task(K, QStringLiteral("assigned"),
                   {lost, attempt(2, 9, QStringLiteral("w2"), QStringLiteral("05"))});
            h.result(K, QStringLiteral("passed"),
                     {lost, attempt(2, 9, QStringLiteral("w2"), QStringLiteral("05"), QStringLiteral("06"),
                                    QStringLiteral("passed"))});
            QTest::newRow("failover re-assignment") << h << 2;
        }
        {
            // The worker finished attempt 1 (epoch 5) and reported it to the new leader (epoch 9).
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("running"), {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"))});
            h.result(K, QStringLiteral("passed"),
                     {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"), QStringLiteral("07"),
                              QStringLiteral("passed"))});
            QTest::newRow("result after failover") << h << 1;
        }
    }

    void good()
    {
        QFETCH(History, history);
        QFETCH(int, attempts);
        TaskHistoryChecker checker;
        checker.addAll(history.changes());
        const auto report = checker.check(true);
        QVERIFY2(report.ok(), qPrintable(report.violations.join(QLatin1Char('\n'))));
        QCOMPARE(report.tasks, 1);
        QCOMPARE(report.finished, 1);
        QCOMPARE(report.attempts, attempts);
        QCOMPARE(report.suitesByName.value(QStringLiteral("suite")), 1);
    }

    void bad_data()
    {
        QTest::addColumn<History>("history");
        QTest::addColumn<QString>("expected"); ///< part of the violation text
        const QJsonObject a1done = attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"),
                                           QStringLiteral("02"), QStringLiteral("worker-crash"));
        {
            History h = plainRun();
            h.remove("/specs/s1/t1").put("/specs/s1/t1", {{QStringLiteral("id"), QStringLiteral("t1")}});
            QTest::newRow("submitted twice") << h << QStringLiteral("spec created 2 times");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("assigned"),
                   {a1done, attempt(2, 4, QStringLiteral("w2"), QStringLiteral("03"))});
            QTest::newRow("epoch goes back") << h << QStringLiteral("epochs went back");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("assigned"),
                   {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01")),
                    attempt(2, 9, QStringLiteral("w2"), QStringLiteral("03"))});
            QTest::newRow("open attempt overlapped") << h << QStringLiteral("was still open");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("assigned"),
                   {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"), QStringLiteral("09"),
                            QStringLiteral("worker-crash")),
                    attempt(2, 9, QStringLiteral("w2"), QStringLiteral("03"))});
            QTest::newRow("started before the previous ended")
                << h << QStringLiteral("before attempt 1 ended");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("running"), {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"))});
            h.task(K, QStringLiteral("running"), {attempt(1, 9, QStringLiteral("w1"), QStringLiteral("01"))});
            QTest::newRow("assignment re-stamped") << h << QStringLiteral("an assignment was rewritten");
        }
        {
            History h = plainRun();
            h.remove("/results/s1/t1");
            h.result(K, QStringLiteral("passed"),
                     {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"), QStringLiteral("02"),
                              QStringLiteral("passed"))});
            QTest::newRow("result recorded twice") << h << QStringLiteral("result created 2 times");
        }
        {
            History h = plainRun();
            h.result(K, QStringLiteral("failed"),
                     {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"), QStringLiteral("02"),
                              QStringLiteral("passed"))});
            QTest::newRow("result changed") << h << QStringLiteral("result changed");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.result(K, QStringLiteral("passed"),
                     {attempt(1, 5, QStringLiteral("w1"), QStringLiteral("01"), QStringLiteral("02"),
                              QStringLiteral("passed")),
                      attempt(2, 9, QStringLiteral("w2"), QStringLiteral("03"), QStringLiteral("04"),
                              QStringLiteral("passed"))});
            QTest::newRow("passed twice") << h << QStringLiteral("completed more than once");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            QTest::newRow("never completed") << h << QStringLiteral("never completed");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.putRaw("/tasks/s1/t1", "{not json");
            QTest::newRow("unreadable") << h << QStringLiteral("unreadable record");
        }
        {
            History h;
            h.submit(QStringLiteral("s1"), QStringLiteral("suite"), QStringLiteral("t1"));
            h.task(K, QStringLiteral("assigned"),
                   {a1done, attempt(1, 5, QStringLiteral("w1"), QStringLiteral("03"))});
            QTest::newRow("attempt number repeated")
                << h << QStringLiteral("attempt numbers do not increase");
        }
    }

    void bad()
    {
        QFETCH(History, history);
        QFETCH(QString, expected);
        TaskHistoryChecker checker;
        checker.addAll(history.changes());
        const auto report = checker.check(true);
        QVERIFY(!report.ok());
        QVERIFY2(report.violations.join(QLatin1Char('\n')).contains(expected),
                 qPrintable(report.violations.join(QLatin1Char('\n'))));
    }

    void suiteSubmittedTwiceIsCounted()
    {
        History h = plainRun();
        h.submit(QStringLiteral("s2"), QStringLiteral("suite"), QStringLiteral("t1"));
        TaskHistoryChecker checker;
        checker.addAll(h.changes());
        const auto report = checker.check(false);
        QVERIFY2(report.ok(), qPrintable(report.violations.join(QLatin1Char('\n'))));
        QCOMPARE(report.suitesByName.value(QStringLiteral("suite")), 2);
        QCOMPARE(report.tasks, 2);
        QCOMPARE(report.finished, 1);
    }

    void outOfOrderRevisionsAreReported()
    {
        QList<StoredChange> changes = plainRun().changes();
        std::swap(changes[1], changes[3]);
        TaskHistoryChecker checker;
        checker.addAll(changes);
        QVERIFY(checker.check(false)
                    .violations.join(QLatin1Char('\n'))
                    .contains(QLatin1String("out of revision order")));
    }
};

QTEST_GUILESS_MAIN(tst_TaskHistoryChecker)
#include "tst_TaskHistoryChecker.moc"
