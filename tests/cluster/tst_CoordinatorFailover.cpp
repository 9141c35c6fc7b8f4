// Redundant coordinators on a real 3-member etcd cluster, all as separate processes on loopback:
// 3 accelerate-node coordinators (--store etcd) and 3 workers given the list of all three. One
// leader; followers redirect (HTTP 307 + Location, worker upgrades too). SIGKILL of the leader
// mid-run: a new leader takes over (time printed) and every task completes exactly once. SIGSTOP
// of the leader past its lease, then SIGCONT: it is fenced and steps down. Quorum loss (2 of 3
// etcd members killed): nobody assigns and /health says why; after the members restart the work
// resumes with nothing lost. Every process is killed when the test ends, also on failure.
#include "HaCluster.h"

#include "cluster/AccessToken.h"
#include "cluster/ClusterClient.h"
#include "cluster/etcd/EtcdBlockingClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "cluster/etcd/EtcdStore.h"
#include "common/Clock.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <vector>

using accel::ClusterClient;

namespace {

constexpr int kCoordinators = 3;
constexpr int kWorkers = 3;
constexpr int kPauseTasks = 90;
const QByteArray kPrefix = QByteArrayLiteral("/failover-test");

qint64 nowMs()
{
    return accel::Clock::system()->nowMs();
}

} // namespace

class tst_CoordinatorFailover : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<HaCluster> m_cluster;
    QByteArray m_token;
    int m_tasksSubmitted = 0;

    // The shared fixture (HaCluster.h, also used by tst_CoordinatorChaos), by the names used below.
    QString path(const QString &name) const { return m_cluster->path(name); }
    QUrl url(int i) const { return m_cluster->url(i); }
    QString allUrls() const { return m_cluster->allUrls(); }
    QList<QUrl> urlList() const { return m_cluster->urlList(); }
    bool startCoordinator(int i, quint16 port) { return m_cluster->startCoordinator(i, port); }
    QJsonObject health(int i) { return m_cluster->health(i); }
    QString role(int i) { return m_cluster->role(i); }
    int leader(int skip = -1) { return m_cluster->leader(skip); }
    NodeProcess *coordinator(int i) { return m_cluster->coordinator(i); }
    quint16 port(int i) const { return m_cluster->port(i); }

    QByteArray suiteJson(int tasks, const QString &name)
    {
        QJsonArray list;
        for (int i = 0; i < tasks; ++i) {
            list.append(QJsonObject{
                {QStringLiteral("id"), QStringLiteral("t%1").arg(i, 3, 10, QLatin1Char('0'))},
                {QStringLiteral("classname"), QStringLiteral("cluster.failover")},
                {QStringLiteral("argv"), QJsonArray{QStringLiteral("/bin/sleep"), QStringLiteral("0.2")}},
                {QStringLiteral("timeoutMs"), 20000}});
        }
        m_tasksSubmitted += tasks;
        return QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("tasks"), list}})
            .toJson();
    }

    QString submit(int tasks, const QString &name)
    {
        ClusterClient c(urlList(), m_token);
        const auto r = c.post(QStringLiteral("/api/v1/suites"), suiteJson(tasks, name), 15000);
        if (r.status != 201) {
            qWarning() << "submit failed:" << r.status << r.error;
            return {};
        }
        return r.json().object().value(QStringLiteral("id")).toString();
    }

    int suiteDone(const QString &id)
    {
        ClusterClient c(urlList(), m_token);
        const auto r = c.get(QStringLiteral("/api/v1/suites/") + id, 4000);
        return r.ok() ? r.json().object().value(QStringLiteral("done")).toInt() : -1;
    }

    bool suiteFinished(const QString &id)
    {
        ClusterClient c(urlList(), m_token);
        const auto r = c.get(QStringLiteral("/api/v1/suites/") + id, 2000);
        return r.ok() &&
               r.json().object().value(QStringLiteral("state")).toString() == QLatin1String("finished");
    }

    /// Every task of the suite: passed, exactly one attempt that passed, attempt epochs never go
    /// back; the results document has one case per task. Fills the attempts per epoch; returns
    /// the problems found (empty: fine).
    QString verifySuite(const QString &id, int tasks, QHash<qint64, int> *byEpoch = nullptr)
    {
        ClusterClient c(urlList(), m_token);
        const QJsonObject results =
            c.get(QStringLiteral("/api/v1/suites/%1/results").arg(id)).json().object();
        const QJsonArray cases = results.value(QStringLiteral("cases")).toArray();
        QStringList problems;
        if (cases.size() != tasks) {
            problems << QStringLiteral("%1 cases, expected %2").arg(cases.size()).arg(tasks);
        }
        QSet<QString> ids;
        for (const QJsonValue &v : cases) {
            const QJsonObject cs = v.toObject();
            const QString caseId = cs.value(QStringLiteral("id")).toString();
            ids.insert(caseId);
            if (cs.value(QStringLiteral("status")).toString() != QLatin1String("passed")) {
                problems << caseId + QStringLiteral(" is ") + cs.value(QStringLiteral("status")).toString();
            }
            int passed = 0;
            qint64 lastEpoch = 0;
            for (const QJsonValue &h : cs.value(QStringLiteral("history")).toArray()) {
                const QJsonObject a = h.toObject();
                const qint64 epoch = qint64(a.value(QStringLiteral("epoch")).toDouble());
                if (epoch < lastEpoch) {
                    problems << caseId + QStringLiteral(": attempt epochs go back");
                }
                lastEpoch = epoch;
                if (byEpoch) {
                    ++(*byEpoch)[epoch];
                }
                passed += a.value(QStringLiteral("outcome")).toString() == QLatin1String("passed") ? 1 : 0;
            }
            if (passed != 1) {
                problems << caseId + QStringLiteral(": %1 passing attempts").arg(passed);
            }
        }
        if (ids.size() != tasks) {
            problems << QStringLiteral("%1 distinct cases, expected %2").arg(ids.size()).arg(tasks);
        }
        return problems.join(QStringLiteral("; "));
    }

    /// Results straight from etcd: one /results/ key per task ever submitted.
    int storedResults()
    {
        accel::EtcdStore::Options o;
        o.endpoints = m_cluster->etcd()->clientUrls();
        o.keyPrefix = kPrefix + QByteArrayLiteral("/state");
        accel::EtcdStore store(o);
        const auto r = store.prefix(QByteArrayLiteral("/results/"));
        return r ? int(r->kvs.size()) : -1;
    }

    /// Raw HTTP exchange (no redirect following): status line code and the Location header.
    static std::pair<int, QByteArray> rawRequest(quint16 port, const QByteArray &request)
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (!socket.waitForConnected(3000)) {
            return {0, {}};
        }
        socket.write(request);
        QByteArray answer;
        while (!answer.contains("\r\n\r\n") && socket.waitForReadyRead(3000)) {
            answer += socket.readAll();
        }
        const QList<QByteArray> lines = answer.split('\n');
        const QList<QByteArray> status = lines.value(0).split(' ');
        QByteArray location;
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("location:")) {
                location = line.mid(9).trimmed();
            }
        }
        return {status.value(1).toInt(), location};
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (accel::EtcdProcessCluster::findEtcd().isEmpty()) {
            QSKIP("etcd is not installed (Debian: etcd-server)");
        }
        QVERIFY2(QFile::exists(NodeProcess::binary()), qPrintable(NodeProcess::binary()));
        m_cluster = std::make_unique<HaCluster>(kPrefix, kCoordinators, kWorkers);
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
        m_token = m_cluster->token();
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_cluster) {
            m_cluster->keepLogs();
        }
    }

    void cleanupTestCase() { m_cluster.reset(); } // kills workers, coordinators, etcd

    void followersRedirectToTheLeader()
    {
        const int lead = leader();
        QVERIFY(lead >= 0);
        const QJsonObject leaderHealth = health(lead);
        QCOMPARE(leaderHealth.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(leaderHealth.value(QStringLiteral("store")).toString(), QStringLiteral("etcd"));
        QVERIFY(leaderHealth.value(QStringLiteral("epoch")).toDouble() > 0);
        const int follower = (lead + 1) % kCoordinators;
        const QJsonObject h = health(follower);
        QCOMPARE(h.value(QStringLiteral("role")).toString(), QStringLiteral("follower"));
        QCOMPARE(h.value(QStringLiteral("leader")).toString(), url(lead).toString());
        QCOMPARE(h.value(QStringLiteral("epoch")).toDouble(),
                 leaderHealth.value(QStringLiteral("epoch")).toDouble());

        const QByteArray auth = "Authorization: Bearer " + m_token + "\r\n";
        const QByteArray host = "Host: 127.0.0.1\r\n";
        // Live worker state is the leader's alone: redirected (store-backed reads are served, see
        // followersServeReadsAndEvents).
        auto [status, location] =
            rawRequest(port(follower), "GET /api/v1/workers?x=1 HTTP/1.1\r\n" + host + auth + "\r\n");
        QCOMPARE(status, 307);
        QCOMPARE(location, url(lead).toEncoded() + "/api/v1/workers?x=1");
        std::tie(status, location) = rawRequest(port(follower), "POST /api/v1/suites HTTP/1.1\r\n" + host +
                                                                    auth + "Content-Length: 2\r\n\r\n{}");
        QCOMPARE(status, 307);
        // A worker's WebSocket upgrade is redirected too.
        std::tie(status, location) =
            rawRequest(port(follower), "GET /api/v1/worker HTTP/1.1\r\n" + host + auth +
                                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                           "Sec-WebSocket-Version: 13\r\n\r\n");
        QCOMPARE(status, 307);
        QCOMPARE(location, url(lead).toEncoded() + "/api/v1/worker");
        // Without the token a follower says nothing about the leader.
        std::tie(status, location) =
            rawRequest(port(follower), "GET /api/v1/leader HTTP/1.1\r\n" + host + "\r\n");
        QCOMPARE(status, 401);
        QVERIFY(location.isEmpty());
        // /api/v1/leader answers everywhere.
        for (int i = 0; i < kCoordinators; ++i) {
            ClusterClient c(url(i), m_token);
            const auto r = c.get(QStringLiteral("/api/v1/leader"));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().object().value(QStringLiteral("leader")).toString(), url(lead).toString());
        }
        // A client given only a follower ends up at the leader.
        ClusterClient viaFollower(url(follower), m_token);
        const auto r = viaFollower.get(QStringLiteral("/api/v1/workers"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().array().size(), kWorkers);
        QCOMPARE(viaFollower.currentBase(), url(lead));
    }

    void followersServeReadsAndEvents()
    {
        const int lead = leader();
        QVERIFY(lead >= 0);
        const int follower = (lead + 2) % kCoordinators;
        QCOMPARE(role(follower), QStringLiteral("follower"));
        // The follower's event stream, open before the leader does anything.
        QWebSocket events;
        QSignalSpy connected(&events, &QWebSocket::connected);
        QList<QJsonObject> received;
        connect(&events, &QWebSocket::textMessageReceived, this, [&received](const QString &text) {
            received << QJsonDocument::fromJson(text.toUtf8()).object();
        });
        QUrl ws = url(follower);
        ws.setScheme(QStringLiteral("ws"));
        ws.setPath(QStringLiteral("/api/v1/events"));
        ws.setQuery(QStringLiteral("token=") + QString::fromLatin1(m_token));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                if (events.state() == QAbstractSocket::UnconnectedState) {
                    events.open(ws); // the view may still be loading right after start
                }
                return connected.count() > 0 || connected.wait(500);
            }(),
            10000);

        const QString suite = submit(6, QStringLiteral("follower-reads"));
        QVERIFY(!suite.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(suiteFinished(suite), 30000);
        // Same content from the follower as from the leader, once the follower's replica has the
        // leader's last write (eventually: the watch runs behind by milliseconds).
        const QStringList paths{QStringLiteral("/api/v1/tasks?suite=") + suite,
                                QStringLiteral("/api/v1/suites/") + suite,
                                QStringLiteral("/api/v1/suites/%1/results").arg(suite)};
        for (const QString &path : paths) {
            ClusterClient fromLeader(url(lead), m_token);
            const auto expected = fromLeader.get(path);
            QCOMPARE(expected.status, 200);
            QTRY_COMPARE_WITH_TIMEOUT(
                [&] {
                    ClusterClient fromFollower(url(follower), m_token);
                    const auto r = fromFollower.get(path);
                    return r.status == 200 && fromFollower.currentBase() == url(follower) ? r.json()
                                                                                          : QJsonDocument();
                }(),
                expected.json(), 5000);
        }
        // Answered by the follower itself, saying who leads and which revision it read.
        const QByteArray auth = "Authorization: Bearer " + m_token + "\r\n";
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port(follower));
        QVERIFY(socket.waitForConnected(3000));
        socket.write("GET /api/v1/tasks?suite=" + suite.toUtf8() +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + auth + "\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(3000)) {
            answer += socket.readAll();
        }
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.left(200).constData());
        QVERIFY2(answer.toLower().contains(QByteArray("x-accel-leader: " + url(lead).toEncoded())),
                 answer.left(400).constData());
        QVERIFY(answer.toLower().contains("x-accel-store-revision: "));
        // The task events the leader caused arrived on the follower's stream.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QSet<QString> passed;
                for (const QJsonObject &e : std::as_const(received)) {
                    const QJsonObject t = e.value(QStringLiteral("task")).toObject();
                    if (e.value(QStringLiteral("event")).toString() == QLatin1String("task") &&
                        t.value(QStringLiteral("suite")).toString() == suite &&
                        t.value(QStringLiteral("state")).toString() == QLatin1String("passed")) {
                        passed.insert(t.value(QStringLiteral("key")).toString());
                    }
                }
                return passed.size() == 6;
            }(),
            10000);
        // A write through the follower is still redirected.
        const auto [status, location] =
            rawRequest(port(follower), "POST /api/v1/suites/" + suite.toUtf8() + "/cancel HTTP/1.1\r\n" +
                                           "Host: 127.0.0.1\r\n" + auth + "Content-Length: 2\r\n\r\n{}");
        QCOMPARE(status, 307);
        QCOMPARE(location, url(lead).toEncoded() + "/api/v1/suites/" + suite.toUtf8() + "/cancel");
        events.close();
    }

    void killedLeaderIsReplacedAndEveryTaskRunsOnce()
    {
        const int old = leader();
        QVERIFY(old >= 0);
        const qint64 oldEpoch = qint64(health(old).value(QStringLiteral("epoch")).toDouble());
        const int before = storedResults();
        const QString suite = submit(60, QStringLiteral("failover-kill"));
        QVERIFY(!suite.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suite) >= 15, 30000);

        const qint64 killedAt = nowMs();
        coordinator(old)->signal(SIGKILL);
        int next = -1;
        QTRY_VERIFY_WITH_TIMEOUT((next = leader()) >= 0 && next != old, 15000);
        const qint64 takeoverMs = nowMs() - killedAt;
        qInfo("failover: leader SIGKILLed -> new leader serving after %lld ms (lease TTL 1 s)", takeoverMs);
        const qint64 newEpoch = qint64(health(next).value(QStringLiteral("epoch")).toDouble());
        QVERIFY2(newEpoch > oldEpoch, "the new leader's epoch must be larger");

        QTRY_VERIFY_WITH_TIMEOUT(suiteFinished(suite), 60000);
        QHash<qint64, int> byEpoch;
        const QString problems = verifySuite(suite, 60, &byEpoch);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QVERIFY2(byEpoch.value(oldEpoch) > 0 && byEpoch.value(newEpoch) > 0,
                 "both leaders assigned part of the suite");
        QCOMPARE(storedResults(), before + 60);

        // The killed coordinator comes back (same port) and follows.
        coordinator(old)->kill();
        QVERIFY(startCoordinator(old, port(old)));
        QTRY_COMPARE_WITH_TIMEOUT(role(old), QStringLiteral("follower"), 10000);
        QCOMPARE(health(old).value(QStringLiteral("leader")).toString(), url(next).toString());
    }

    void pausedLeaderIsFencedAndStepsDown()
    {
        const int paused = leader();
        QVERIFY(paused >= 0);
        const qint64 pausedEpoch = qint64(health(paused).value(QStringLiteral("epoch")).toDouble());
        const int before = storedResults();
        // Long enough that the new leader still has work after the takeover.
        const QString suite = submit(kPauseTasks, QStringLiteral("failover-pause"));
        QVERIFY(!suite.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suite) >= 5, 30000);

        coordinator(paused)->signal(SIGSTOP);
        // Whatever fails below, the paused process must not stay stopped for the next tests.
        auto resume = qScopeGuard([&] { coordinator(paused)->signal(SIGCONT); });
        int next = -1;
        QTRY_VERIFY_WITH_TIMEOUT((next = leader(paused)) >= 0, 15000);
        const qint64 newEpoch = qint64(health(next).value(QStringLiteral("epoch")).toDouble());
        QVERIFY(newEpoch > pausedEpoch);
        // Elected means the paused leader's key is gone: its lease expired while it slept.
        const QString resumedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        coordinator(paused)->signal(SIGCONT);
        QTRY_COMPARE_WITH_TIMEOUT(role(paused), QStringLiteral("follower"), 10000);
        QCOMPARE(health(paused).value(QStringLiteral("leader")).toString(), url(next).toString());
        QCOMPARE(leader(), next);

        QTRY_VERIFY_WITH_TIMEOUT(suiteFinished(suite), 60000);
        QHash<qint64, int> byEpoch;
        const QString problems = verifySuite(suite, kPauseTasks, &byEpoch);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QVERIFY2(byEpoch.value(newEpoch) > 0, "the new leader assigned part of the suite");
        QCOMPARE(storedResults(), before + kPauseTasks);
        // Fenced: nothing the resumed ex-leader did after SIGCONT reached the store.
        ClusterClient c(urlList(), m_token);
        const QJsonArray cases = c.get(QStringLiteral("/api/v1/suites/%1/results").arg(suite))
                                     .json()
                                     .object()
                                     .value(QStringLiteral("cases"))
                                     .toArray();
        for (const QJsonValue &v : cases) {
            for (const QJsonValue &h : v.toObject().value(QStringLiteral("history")).toArray()) {
                const QJsonObject a = h.toObject();
                if (qint64(a.value(QStringLiteral("epoch")).toDouble()) == pausedEpoch) {
                    QVERIFY2(a.value(QStringLiteral("startedAt")).toString() < resumedAt,
                             "an assignment of the paused leader was stored after it resumed");
                }
            }
        }
        QFile log(path(QStringLiteral("c%1.log").arg(paused)));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY2(log.readAll().contains("stops coordinating"), "the resumed leader did not step down");
    }

    // The etcd raft leader dies mid-suite: etcd elects another, the coordinators keep assigning
    // (their client fails over between endpoints), nothing is lost or run twice; the killed member
    // restarts with its data and catches up on its own (its applied index reaches the others').
    void etcdRaftLeaderLossIsRiddenOutAndTheMemberCatchesUp()
    {
        accel::EtcdProcessCluster *etcd = m_cluster->etcd();
        const int raftLeader = etcd->leaderIndex(5000);
        QVERIFY(raftLeader >= 0);
        const int before = storedResults();
        const QString suite = submit(40, QStringLiteral("failover-raft-leader"));
        QVERIFY(!suite.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suite) >= 10, 30000);
        const int doneAtKill = suiteDone(suite);
        etcd->kill(raftLeader);
        int next = -1;
        QTRY_VERIFY_WITH_TIMEOUT((next = etcd->leaderIndex(1000)) >= 0 && next != raftLeader, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suite) > doneAtKill, 30000); // work goes on meanwhile
        QString error;
        QVERIFY2(etcd->restart(raftLeader, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(suiteFinished(suite), 60000);
        const QString problems = verifySuite(suite, 40);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(storedResults(), before + 40);
        auto applied = [&](int member) -> qint64 {
            accel::EtcdBlockingClient client({etcd->clientUrl(member)});
            const auto r =
                client.post(QStringLiteral("/v3/maintenance/status"), QByteArrayLiteral("{}"), true);
            if (!r.ok()) {
                return -1;
            }
            return QJsonDocument::fromJson(r.value())
                .object()
                .value(QStringLiteral("raftAppliedIndex"))
                .toString()
                .toLongLong();
        };
        const qint64 target = applied(next);
        QVERIFY(target > 0);
        QTRY_VERIFY_WITH_TIMEOUT(applied(raftLeader) >= target, 20000);
    }

    void quorumLossStopsAssigningUntilEtcdRecovers()
    {
        const int before = storedResults();
        const QString suite = submit(30, QStringLiteral("failover-quorum"));
        QVERIFY(!suite.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suite) >= 5, 30000);

        m_cluster->etcd()->kill(1);
        m_cluster->etcd()->kill(2);
        // Every coordinator stops leading and says why.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < kCoordinators; ++i) {
                    const QJsonObject h = health(i);
                    if (h.isEmpty() ||
                        h.value(QStringLiteral("role")).toString() == QLatin1String("leader") ||
                        h.value(QStringLiteral("ok")).toBool() ||
                        !h.value(QStringLiteral("reason")).toString().contains(QLatin1String("quorum"))) {
                        return false;
                    }
                }
                return true;
            }(),
            20000);
        ClusterClient c(urlList(), m_token);
        const auto refused = c.get(QStringLiteral("/api/v1/suites/") + suite, 3000);
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.error.contains(QLatin1String("no coordinator leads")), qPrintable(refused.error));

        QString error;
        QVERIFY2(m_cluster->etcd()->restart(1, &error), qPrintable(error));
        QVERIFY2(m_cluster->etcd()->restart(2, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(leader() >= 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(suiteFinished(suite), 60000);
        const QString problems = verifySuite(suite, 30);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(storedResults(), before + 30);
        QCOMPARE(storedResults(), m_tasksSubmitted);
    }
};

QTEST_GUILESS_MAIN(tst_CoordinatorFailover)
#include "tst_CoordinatorFailover.moc"
