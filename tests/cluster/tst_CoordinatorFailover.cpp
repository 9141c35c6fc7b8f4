// Redundant coordinators on a real 3-member etcd cluster, all as separate processes on loopback:
// 3 accelerate-node coordinators (--store etcd) and 3 workers given the list of all three. One
// leader; followers redirect (HTTP 307 + Location, worker upgrades too). SIGKILL of the leader
// mid-run: a new leader takes over (time printed) and every task completes exactly once. SIGSTOP
// of the leader past its lease, then SIGCONT: it is fenced and steps down. Quorum loss (2 of 3
// etcd members killed): nobody assigns and /health says why; after the members restart the work
// resumes with nothing lost. Every process is killed when the test ends, also on failure.
#include "NodeProcess.h"

#include "cluster/AccessToken.h"
#include "cluster/ClusterClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "cluster/etcd/EtcdStore.h"
#include "common/Clock.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

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
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<accel::EtcdProcessCluster> m_etcd;
    std::vector<std::unique_ptr<NodeProcess>> m_coordinators;
    std::vector<quint16> m_ports;
    std::vector<std::unique_ptr<NodeProcess>> m_workers;
    QByteArray m_token;
    int m_tasksSubmitted = 0;
    bool m_keepLogs = false;

    QString path(const QString &name) const { return m_tmp->filePath(name); }
    QUrl url(int i) const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_ports[size_t(i)])); }
    QString allUrls() const
    {
        QStringList list;
        for (int i = 0; i < kCoordinators; ++i) {
            list << url(i).toString();
        }
        return list.join(QLatin1Char(','));
    }
    QList<QUrl> urlList() const
    {
        QList<QUrl> list;
        for (int i = 0; i < kCoordinators; ++i) {
            list << url(i);
        }
        return list;
    }

    bool startCoordinator(int i, quint16 port)
    {
        const QString portFile = path(QStringLiteral("c%1.port").arg(i));
        QFile::remove(portFile);
        m_coordinators[size_t(i)] = std::make_unique<NodeProcess>(
            QStringList{QStringLiteral("--role"),           QStringLiteral("coordinator"),
                        QStringLiteral("--store"),          QStringLiteral("etcd"),
                        QStringLiteral("--etcd-endpoints"), m_etcd->clientUrls().join(QLatin1Char(',')),
                        QStringLiteral("--etcd-prefix"),    QString::fromUtf8(kPrefix),
                        QStringLiteral("--lease-ttl"),      QStringLiteral("1"),
                        QStringLiteral("--data-dir"),       path(QStringLiteral("c%1").arg(i)),
                        QStringLiteral("--token-file"),     path(QStringLiteral("token")),
                        QStringLiteral("--listen"),         QStringLiteral("127.0.0.1:%1").arg(port),
                        QStringLiteral("--port-file"),      portFile,
                        QStringLiteral("--heartbeat-ms"),   QStringLiteral("200"),
                        QStringLiteral("--suspect-ms"),     QStringLiteral("700"),
                        QStringLiteral("--dead-ms"),        QStringLiteral("2500")},
            path(QStringLiteral("c%1.log").arg(i)));
        if (!m_coordinators[size_t(i)]->waitStarted()) {
            return false;
        }
        QFile file(portFile);
        if (!QTest::qWaitFor([&] { return file.exists() && file.size() > 0; }, 10000) ||
            !file.open(QIODevice::ReadOnly)) {
            return false;
        }
        m_ports[size_t(i)] = quint16(file.readAll().trimmed().toUInt());
        return m_ports[size_t(i)] != 0;
    }

    QJsonObject health(int i)
    {
        if (!m_coordinators[size_t(i)] || !m_coordinators[size_t(i)]->isRunning()) {
            return {};
        }
        ClusterClient c(url(i), m_token);
        const auto r = c.get(QStringLiteral("/api/v1/health"), 1500);
        return r.status == 200 ? r.json().object() : QJsonObject();
    }

    QString role(int i) { return health(i).value(QStringLiteral("role")).toString(); }

    /// The one coordinator that says it leads (-1: none or several), not asking `skip`.
    int leader(int skip = -1)
    {
        int found = -1;
        for (int i = 0; i < kCoordinators; ++i) {
            if (i != skip && role(i) == QLatin1String("leader")) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

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
        o.endpoints = m_etcd->clientUrls();
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
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QString error;
        m_token = accel::AccessToken::loadOrCreate(path(QStringLiteral("token")), &error);
        QVERIFY2(!m_token.isEmpty(), qPrintable(error));
        accel::EtcdProcessCluster::Options options;
        options.members = 3;
        m_etcd = std::make_unique<accel::EtcdProcessCluster>(options);
        QVERIFY2(m_etcd->start(&error), qPrintable(error));
        m_coordinators.resize(kCoordinators);
        m_ports.assign(kCoordinators, 0);
        for (int i = 0; i < kCoordinators; ++i) {
            QVERIFY(startCoordinator(i, 0));
        }
        QTRY_VERIFY_WITH_TIMEOUT(leader() >= 0, 15000);
        for (int i = 0; i < kWorkers; ++i) {
            const QString id = QStringLiteral("w%1").arg(i + 1);
            auto w = std::make_unique<NodeProcess>(
                QStringList{QStringLiteral("--role"), QStringLiteral("worker"),
                            QStringLiteral("--coordinator"), allUrls(), QStringLiteral("--token-file"),
                            path(QStringLiteral("token")), QStringLiteral("--data-dir"), path(id),
                            QStringLiteral("--worker-id"), id, QStringLiteral("--slots"), QStringLiteral("2"),
                            QStringLiteral("--allow-commands"), QStringLiteral("--no-browser-probe")},
                path(id + QStringLiteral(".log")));
            QVERIFY(w->waitStarted());
            m_workers.push_back(std::move(w));
        }
        const int lead = leader();
        QVERIFY(lead >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                ClusterClient c(url(lead), m_token);
                int connected = 0;
                for (const QJsonValue &w : c.get(QStringLiteral("/api/v1/workers"), 2000).json().array()) {
                    connected += w.toObject().value(QStringLiteral("connected")).toBool() ? 1 : 0;
                }
                return connected == kWorkers;
            }(),
            15000);
    }

    void cleanup()
    {
        if (!QTest::currentTestFailed() || !m_tmp) {
            return;
        }
        m_keepLogs = true;
        for (int i = 0; i < kCoordinators; ++i) {
            QFile log(path(QStringLiteral("c%1.log").arg(i)));
            if (log.open(QIODevice::ReadOnly)) {
                const QList<QByteArray> lines = log.readAll().split('\n');
                qWarning().noquote() << "--- coordinator" << i << "log tail:\n"
                                     << lines.mid(qMax(0, int(lines.size()) - 25)).join('\n');
            }
        }
    }

    void cleanupTestCase()
    {
        m_workers.clear(); // NodeProcess kills on destruction
        m_coordinators.clear();
        m_etcd.reset(); // kills every etcd member
        if (m_tmp && m_keepLogs) {
            m_tmp->setAutoRemove(false);
            qWarning() << "logs kept in" << m_tmp->path();
        }
    }

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
        auto [status, location] = rawRequest(m_ports[size_t(follower)],
                                             "GET /api/v1/suites?x=1 HTTP/1.1\r\n" + host + auth + "\r\n");
        QCOMPARE(status, 307);
        QCOMPARE(location, url(lead).toEncoded() + "/api/v1/suites?x=1");
        std::tie(status, location) =
            rawRequest(m_ports[size_t(follower)],
                       "POST /api/v1/suites HTTP/1.1\r\n" + host + auth + "Content-Length: 2\r\n\r\n{}");
        QCOMPARE(status, 307);
        // A worker's WebSocket upgrade is redirected too.
        std::tie(status, location) =
            rawRequest(m_ports[size_t(follower)], "GET /api/v1/worker HTTP/1.1\r\n" + host + auth +
                                                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                      "Sec-WebSocket-Version: 13\r\n\r\n");
        QCOMPARE(status, 307);
        QCOMPARE(location, url(lead).toEncoded() + "/api/v1/worker");
        // Without the token a follower says nothing about the leader.
        std::tie(status, location) =
            rawRequest(m_ports[size_t(follower)], "GET /api/v1/leader HTTP/1.1\r\n" + host + "\r\n");
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
        m_coordinators[size_t(old)]->signal(SIGKILL);
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
        m_coordinators[size_t(old)]->kill();
        QVERIFY(startCoordinator(old, m_ports[size_t(old)]));
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

        m_coordinators[size_t(paused)]->signal(SIGSTOP);
        // Whatever fails below, the paused process must not stay stopped for the next tests.
        auto resume = qScopeGuard([&] { m_coordinators[size_t(paused)]->signal(SIGCONT); });
        int next = -1;
        QTRY_VERIFY_WITH_TIMEOUT((next = leader(paused)) >= 0, 15000);
        const qint64 newEpoch = qint64(health(next).value(QStringLiteral("epoch")).toDouble());
        QVERIFY(newEpoch > pausedEpoch);
        // Elected means the paused leader's key is gone: its lease expired while it slept.
        const QString resumedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        m_coordinators[size_t(paused)]->signal(SIGCONT);
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

    void quorumLossStopsAssigningUntilEtcdRecovers()
    {
        const int before = storedResults();
        const QString suite = submit(30, QStringLiteral("failover-quorum"));
        QVERIFY(!suite.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(suiteDone(suite) >= 5, 30000);

        m_etcd->kill(1);
        m_etcd->kill(2);
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
        QVERIFY2(m_etcd->restart(1, &error), qPrintable(error));
        QVERIFY2(m_etcd->restart(2, &error), qPrintable(error));
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
