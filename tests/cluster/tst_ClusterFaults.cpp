// A coordinator and three workers as separate processes on loopback: 200 command tasks complete
// exactly once while a worker is SIGKILLed, another SIGSTOPped (hang) and the coordinator is
// killed and restarted; plus hostile input (bad token, malformed suites, oversized bodies, a
// worker reporting a task it was not given).
#include "CoordinatorFixture.h"

#include "cluster/ClusterClient.h"
#include "cluster/ClusterProtocol.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using accel::ClusterClient;

class tst_ClusterFaults : public QObject
{
    Q_OBJECT
private:
    CoordinatorFixture m_cluster{{QStringLiteral("--suspect-ms"), QStringLiteral("700"),
                                  QStringLiteral("--dead-ms"), QStringLiteral("1800")}};

    QUrl base() const { return m_cluster.base(); }

    void startWorker(const QString &id)
    {
        QVERIFY(m_cluster.startWorker(
            id, {QStringLiteral("--slots"), QStringLiteral("3"), QStringLiteral("--no-browser-probe")}));
    }

    QJsonArray workers()
    {
        ClusterClient c(base(), m_cluster.token());
        return c.get(QStringLiteral("/api/v1/workers"), 3000).json().array();
    }

    int connectedWorkers()
    {
        int n = 0;
        for (const QJsonValue &w : workers()) {
            n += w.toObject().value(QStringLiteral("connected")).toBool() ? 1 : 0;
        }
        return n;
    }

    QJsonObject suite(const QString &id)
    {
        ClusterClient c(base(), m_cluster.token());
        return c.get(QStringLiteral("/api/v1/suites/") + id, 3000).json().object();
    }

    int suiteDone(const QString &id) { return suite(id).value(QStringLiteral("done")).toInt(); }

    /// The worker index (0..2) that currently runs at least one task, excluding `except`.
    int busyWorker(int except)
    {
        for (const QJsonValue &v : workers()) {
            const QJsonObject w = v.toObject();
            const int index = w.value(QStringLiteral("id")).toString().mid(1).toInt() - 1;
            if (index != except && index >= 0 && !w.value(QStringLiteral("tasks")).toArray().isEmpty() &&
                w.value(QStringLiteral("connected")).toBool()) {
                return index;
            }
        }
        return -1;
    }

    static QByteArray suiteJson(int tasks, const QString &name)
    {
        QJsonArray list;
        for (int i = 0; i < tasks; ++i) {
            list.append(QJsonObject{
                {QStringLiteral("id"), QStringLiteral("t%1").arg(i, 3, 10, QLatin1Char('0'))},
                {QStringLiteral("classname"), QStringLiteral("cluster.faults")},
                {QStringLiteral("argv"), QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                                    QStringLiteral("sleep 0.15; echo task %1").arg(i)}},
                {QStringLiteral("timeoutMs"), 20000}});
        }
        return QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("tasks"), list}})
            .toJson();
    }

private Q_SLOTS:
    void init()
    {
        QString error;
        QVERIFY2(m_cluster.setUp(&error), qPrintable(error));
    }

    void cleanup() { m_cluster.tearDown(); }

    void twoHundredTasksSurviveKillHangAndRestart()
    {
        for (const char *id : {"w1", "w2", "w3"}) {
            startWorker(QString::fromLatin1(id));
        }
        QTRY_COMPARE_WITH_TIMEOUT(connectedWorkers(), 3, 15000);
        ClusterClient client(base(), m_cluster.token());
        const auto submitted =
            client.post(QStringLiteral("/api/v1/suites"), suiteJson(200, QStringLiteral("faults")));
        QCOMPARE(submitted.status, 201);
        const QString suiteId = submitted.json().object().value(QStringLiteral("id")).toString();
        QVERIFY(!suiteId.isEmpty());

        // Kill one worker mid-task and freeze another.
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suiteId) >= 15, 20000);
        int killed = -1;
        QTRY_VERIFY_WITH_TIMEOUT((killed = busyWorker(-1)) >= 0, 5000);
        m_cluster.worker(killed)->signal(SIGKILL);
        int frozen = -1;
        QTRY_VERIFY_WITH_TIMEOUT((frozen = busyWorker(killed)) >= 0, 5000);
        m_cluster.worker(frozen)->signal(SIGSTOP);

        // Restart the coordinator mid-suite on the same port.
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suiteId) >= 90, 40000);
        QVERIFY(suiteDone(suiteId) < 200);
        const quint16 port = m_cluster.port();
        m_cluster.coordinator()->signal(SIGKILL);
        m_cluster.coordinator()->kill();
        QVERIFY(m_cluster.startCoordinator(port));
        QCOMPARE(m_cluster.port(), port);

        QTRY_COMPARE_WITH_TIMEOUT(suite(suiteId).value(QStringLiteral("state")).toString(),
                                  QStringLiteral("finished"), 60000);
        // Let the frozen worker come back: its stale attempts must not count.
        m_cluster.worker(frozen)->signal(SIGCONT);
        const QString frozenId = QStringLiteral("w%1").arg(frozen + 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QJsonValue &w : workers()) {
                    if (w.toObject().value(QStringLiteral("id")).toString() == frozenId) {
                        return w.toObject().value(QStringLiteral("state")).toString() ==
                               QLatin1String("alive");
                    }
                }
                return false;
            }(),
            15000);

        const QJsonObject results =
            client.get(QStringLiteral("/api/v1/suites/%1/results").arg(suiteId)).json().object();
        QCOMPARE(results.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(results.value(QStringLiteral("suite")).toString(), QStringLiteral("faults"));
        const QJsonArray cases = results.value(QStringLiteral("cases")).toArray();
        QCOMPARE(cases.size(), 200);
        QSet<QString> ids;
        int retried = 0;
        for (const QJsonValue &v : cases) {
            const QJsonObject c = v.toObject();
            ids.insert(c.value(QStringLiteral("id")).toString());
            QCOMPARE(c.value(QStringLiteral("status")).toString(), QStringLiteral("passed"));
            QVERIFY(c.value(QStringLiteral("output")).toString().startsWith(QStringLiteral("task ")));
            retried += c.value(QStringLiteral("attempts")).toInt() > 1 ? 1 : 0;
        }
        QCOMPARE(ids.size(), 200); // every task exactly once
        QVERIFY2(retried >= 2, "the killed and the frozen worker each had a task in flight");
        // The summary a live view polls agrees with the results document, without its outputs.
        int attempts = 0;
        for (const QJsonValue &v : cases) {
            attempts += v.toObject().value(QStringLiteral("attempts")).toInt();
        }
        const auto summaryReply = client.get(QStringLiteral("/api/v1/suites/%1/summary").arg(suiteId));
        const QJsonObject summary = summaryReply.json().object();
        QCOMPARE(summary.value(QStringLiteral("total")).toInt(), 200);
        QCOMPARE(summary.value(QStringLiteral("done")).toInt(), 200);
        QCOMPARE(summary.value(QStringLiteral("passed")).toInt(), 200);
        QCOMPARE(summary.value(QStringLiteral("failed")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("retried")).toInt(), retried);
        QCOMPARE(summary.value(QStringLiteral("attempts")).toInt(), attempts);
        QVERIFY(!summaryReply.body.contains("task 1"));

        const QJsonArray steps = client.get(QStringLiteral("/api/v1/recovery")).json().array();
        QSet<QString> kinds;
        for (const QJsonValue &v : steps) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("action")).toString() == QLatin1String("migrate")) {
                kinds.insert(s.value(QStringLiteral("kind")).toString());
            } else {
                kinds.insert(s.value(QStringLiteral("kind")).toString() + QLatin1Char(':') +
                             s.value(QStringLiteral("action")).toString());
            }
        }
        QVERIFY2(kinds.contains(QStringLiteral("worker-crash")),
                 qPrintable(QStringList(kinds.values()).join(u',')));
        QVERIFY2(kinds.contains(QStringLiteral("worker-hang")),
                 qPrintable(QStringList(kinds.values()).join(u',')));
        QVERIFY2(kinds.contains(QStringLiteral("coordinator-restart:await-reconnect")),
                 qPrintable(QStringList(kinds.values()).join(u',')));
        // A migrated task keeps its attempt history.
        const QJsonArray tasks =
            client.get(QStringLiteral("/api/v1/tasks?suite=%1").arg(suiteId)).json().array();
        QCOMPARE(tasks.size(), 200);
        for (const QJsonValue &v : tasks) {
            if (v.toObject().value(QStringLiteral("attempt")).toInt() > 1) {
                const QJsonObject full = client
                                             .get(QStringLiteral("/api/v1/tasks/") +
                                                  v.toObject().value(QStringLiteral("key")).toString())
                                             .json()
                                             .object();
                const QJsonArray history = full.value(QStringLiteral("history")).toArray();
                QVERIFY(history.size() >= 2);
                QVERIFY(!history.first().toObject().value(QStringLiteral("action")).toString().isEmpty());
                break;
            }
        }
    }

    void badTokenIsRejected_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("none") << QByteArray();
        QTest::newRow("wrong") << QByteArray("0123456789abcdef0123456789abcdef");
        QTest::newRow("prefix") << QByteArray("x");
    }

    void badTokenIsRejected()
    {
        QFETCH(QByteArray, token);
        ClusterClient bad(base(), token);
        for (const QString &p : {QStringLiteral("/api/v1/suites"), QStringLiteral("/api/v1/workers"),
                                 QStringLiteral("/api/v1/health"),
                                 QStringLiteral("/api/v1/suites/s-1/summary"), QStringLiteral("/nope")}) {
            QCOMPARE(bad.get(p).status, 401);
        }
        QCOMPARE(bad.post(QStringLiteral("/api/v1/suites"), suiteJson(1, QStringLiteral("x"))).status, 401);
        QWebSocket ws;
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QSignalSpy disconnected(&ws, &QWebSocket::disconnected);
        QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/worker").arg(m_cluster.port())));
        req.setRawHeader("Authorization", "Bearer " + token);
        ws.open(req);
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(connected.count(), 0);
        ClusterClient good(base(), m_cluster.token());
        QCOMPARE(good.get(QStringLiteral("/api/v1/health")).status, 200);
    }

    void malformedSuiteIsRejected_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\"name\": ") << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("JSON object");
        QTest::newRow("no name") << QByteArray(R"({"tasks":[{"id":"a","argv":["/bin/true"]}]})")
                                 << QStringLiteral("name");
        QTest::newRow("no tasks") << QByteArray(R"({"name":"x","tasks":[]})") << QStringLiteral("tasks");
        QTest::newRow("argv string") << QByteArray(R"({"name":"x","tasks":[{"id":"a","argv":"/bin/true"}]})")
                                     << QStringLiteral("argv");
        QTest::newRow("empty argv") << QByteArray(R"({"name":"x","tasks":[{"id":"a","argv":[]}]})")
                                    << QStringLiteral("argv");
        QTest::newRow("duplicate id")
            << QByteArray(
                   R"({"name":"x","tasks":[{"id":"a","argv":["/bin/true"]},{"id":"a","argv":["/bin/true"]}]})")
            << QStringLiteral("duplicate");
        QTest::newRow("bad id") << QByteArray(
                                       R"({"name":"x","tasks":[{"id":"a b/../c","argv":["/bin/true"]}]})")
                                << QStringLiteral("id");
        QTest::newRow("bad kind") << QByteArray(R"({"name":"x","tasks":[{"id":"a","kind":"shell"}]})")
                                  << QStringLiteral("kind");
        QTest::newRow("negative timeout")
            << QByteArray(R"({"name":"x","tasks":[{"id":"a","argv":["x"],"timeoutMs":-1}]})")
            << QStringLiteral("timeoutMs");
        QTest::newRow("escaping output")
            << QByteArray(R"({"name":"x","tasks":[{"id":"a","argv":["x"],"outputs":["../../etc/passwd"]}]})")
            << QStringLiteral("relative path");
    }

    void malformedSuiteIsRejected()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        ClusterClient c(base(), m_cluster.token());
        const auto r = c.post(QStringLiteral("/api/v1/suites"), body);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.error.contains(expected), qPrintable(r.error));
        QCOMPARE(c.get(QStringLiteral("/api/v1/suites")).json().array().size(), 0);
    }

    void oversizedPayloadIsRejected()
    {
        ClusterClient c(base(), m_cluster.token());
        const auto r = c.post(QStringLiteral("/api/v1/suites"), QByteArray(17 * 1024 * 1024, ' '), 60000);
        QCOMPARE(r.status, 413);
        QCOMPARE(c.get(QStringLiteral("/api/v1/health")).status, 200);
    }

    void modelBenchmarkTaskRunsOnAWorker()
    {
        // The worker runs `accelctl model-bench` in its own process group: the native reference
        // and the embedded QtWebEngine host, each checked against the reference.
        startWorker(QStringLiteral("w1"));
        QTRY_VERIFY_WITH_TIMEOUT(connectedWorkers() == 1, 10000);
        const QJsonArray caps =
            workers().at(0).toObject().value(QStringLiteral("capabilityStrings")).toArray();
        QVERIFY2(caps.contains(QStringLiteral("model-benchmark")), "accelctl not found next to the worker");
        QVERIFY(caps.contains(QStringLiteral("native-backend")));
        ClusterClient c(base(), m_cluster.token());
        const QByteArray suiteJson =
            QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("models")},
                                      {QStringLiteral("tasks"),
                                       QJsonArray{QJsonObject{
                                           {QStringLiteral("id"), QStringLiteral("demo")},
                                           {QStringLiteral("kind"), QStringLiteral("model-benchmark")},
                                           {QStringLiteral("model"), QStringLiteral("demo")},
                                           {QStringLiteral("hosts"),
                                            QJsonArray{QStringLiteral("native"), QStringLiteral("embedded")}},
                                           {QStringLiteral("iterations"), 2},
                                           {QStringLiteral("timeoutMs"), 150000}}}}})
                .toJson();
        const auto submitted = c.post(QStringLiteral("/api/v1/suites"), suiteJson);
        QCOMPARE(submitted.status, 201);
        const QString suiteId = submitted.json().object().value(QStringLiteral("id")).toString();
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suiteId) == 1, 160000);
        const QJsonArray cases = c.get(QStringLiteral("/api/v1/suites/%1/results").arg(suiteId))
                                     .json()
                                     .object()
                                     .value(QStringLiteral("cases"))
                                     .toArray();
        QCOMPARE(cases.size(), 1);
        const QJsonObject result = cases.at(0).toObject();
        QVERIFY2(result.value(QStringLiteral("status")).toString() == QLatin1String("passed"),
                 qPrintable(QJsonDocument(result).toJson()));
        const QJsonArray artifacts = result.value(QStringLiteral("artifacts")).toArray();
        QCOMPARE(artifacts.size(), 1);
        QCOMPARE(artifacts.at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("model-bench.json"));
        const QJsonArray runs =
            QJsonDocument::fromJson(
                artifacts.at(0).toObject().value(QStringLiteral("content")).toString().toUtf8())
                .object()
                .value(QStringLiteral("results"))
                .toArray();
        QCOMPARE(runs.size(), 2);
        for (const QJsonValue &r : runs) {
            QVERIFY2(r.toObject().value(QStringLiteral("pass")).toBool(),
                     qPrintable(QJsonDocument(r.toObject()).toJson()));
            QVERIFY(r.toObject().value(QStringLiteral("medianMs")).toDouble() > 0);
        }
    }

    void workerCannotReportATaskItWasNotGiven()
    {
        ClusterClient c(base(), m_cluster.token());
        const auto submitted =
            c.post(QStringLiteral("/api/v1/suites"), suiteJson(2, QStringLiteral("victim")));
        QCOMPARE(submitted.status, 201);
        const QString suiteId = submitted.json().object().value(QStringLiteral("id")).toString();

        QWebSocket ws;
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QSignalSpy messages(&ws, &QWebSocket::textMessageReceived);
        QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/worker").arg(m_cluster.port())));
        req.setRawHeader("Authorization", "Bearer " + m_cluster.token());
        ws.open(req);
        QVERIFY(connected.wait(5000));
        // Not a worker yet: everything but register is refused.
        ws.sendTextMessage(QStringLiteral(R"({"v":1,"type":"heartbeat","running":[]})"));
        QTRY_COMPARE(messages.count(), 1);
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("register first")));
        // Garbage is answered, not fatal.
        ws.sendTextMessage(QStringLiteral("{not json"));
        QTRY_COMPARE(messages.count(), 2);
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("bad frame")));
        // Register without the command capability, so nothing is ever assigned to it.
        accel::ClusterMessage reg;
        reg.type = accel::ClusterMessage::Type::Register;
        reg.workerId = QStringLiteral("intruder");
        reg.capabilities.slotCount = 1;
        ws.sendTextMessage(QString::fromUtf8(accel::ClusterProtocol::encode(reg)));
        QTRY_COMPARE(messages.count(), 3);
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("welcome")));
        accel::ClusterMessage forged;
        forged.type = accel::ClusterMessage::Type::Result;
        forged.task = suiteId + QStringLiteral("/t000");
        forged.attempt = 1;
        forged.epoch = 1;
        forged.status = QStringLiteral("passed");
        ws.sendTextMessage(QString::fromUtf8(accel::ClusterProtocol::encode(forged)));
        QTRY_VERIFY(messages.count() >= 4);
        QVERIFY2(messages.last().first().toString().contains(QStringLiteral("was not assigned")),
                 qPrintable(messages.last().first().toString()));
        const QJsonObject task = c.get(QStringLiteral("/api/v1/tasks/%1/t000").arg(suiteId)).json().object();
        QCOMPARE(task.value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
        QVERIFY(task.value(QStringLiteral("unschedulable"))
                    .toString()
                    .contains(QStringLiteral("lacks capability 'command'")));
        QCOMPARE(c.get(QStringLiteral("/api/v1/suites/%1/results").arg(suiteId))
                     .json()
                     .object()
                     .value(QStringLiteral("cases"))
                     .toArray()
                     .size(),
                 0);
        bool recorded = false;
        for (const QJsonValue &v : c.get(QStringLiteral("/api/v1/recovery")).json().array()) {
            recorded = recorded || v.toObject().value(QStringLiteral("kind")).toString() ==
                                       QLatin1String("protocol-violation");
        }
        QVERIFY(recorded);
    }
};

QTEST_GUILESS_MAIN(tst_ClusterFaults)
#include "tst_ClusterFaults.moc"
