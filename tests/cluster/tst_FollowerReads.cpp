// Follower reads (issue 8), in process on one SQLite store: a leader (Coordinator + server) and a
// follower server with a CoordinatorReadView of the same store. The follower answers the read
// API itself with what the leader answers, says who leads and which store revision it read,
// streams task events caused by the leader on /api/v1/events, and still redirects writes, worker
// upgrades and live-only reads (workers, live logs); without a leader it serves nothing.
#include "cluster/ClusterClient.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorReadView.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/SqliteStore.h"
#include "common/Clock.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using accel::ClusterClient;

namespace {

struct RawReply
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
};

/// One HTTP exchange without redirect following, on this thread's event loop (the servers
/// under test live on it too).
RawReply rawGet(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &token)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port) + QString::fromUtf8(path)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + token);
    }
    QNetworkReply *reply =
        method == "POST" ? network.post(request, QByteArrayLiteral("{}")) : network.get(request);
    RawReply r;
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(5000)) {
        delete reply;
        return r;
    }
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &[name, value] : reply->rawHeaderPairs()) {
        r.headers.insert(name.toLower(), value);
    }
    r.body = reply->readAll();
    delete reply;
    return r;
}

} // namespace

class tst_FollowerReads : public QObject
{
    Q_OBJECT
private:
    const QByteArray m_token = QByteArrayLiteral("0123456789abcdef0123456789abcdef");
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<QObject> m_owner;
    accel::SqliteStore *m_store = nullptr;
    accel::Coordinator *m_coordinator = nullptr;
    accel::CoordinatorServer *m_leader = nullptr;
    accel::CoordinatorServer *m_follower = nullptr;
    accel::CoordinatorReadView *m_view = nullptr;
    quint16 m_leaderPort = 0;
    quint16 m_followerPort = 0;
    QString m_suite;

    QUrl url(quint16 port) const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }

    QJsonDocument getFrom(quint16 port, const QString &path)
    {
        ClusterClient c(url(port), m_token);
        const auto r = c.get(path);
        return r.status == 200 ? r.json() : QJsonDocument();
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_owner = std::make_unique<QObject>();
        m_store = new accel::SqliteStore(m_tmp->filePath(QStringLiteral("c.db")), accel::Clock::system(),
                                         m_owner.get());
        QVERIFY(m_store->open().ok());
        accel::CoordinatorConfig config;
        config.epoch = 3;
        m_coordinator = new accel::Coordinator(m_store, accel::Clock::system(), config, m_owner.get());
        QString error;
        QVERIFY2(m_coordinator->start(&error), qPrintable(error));
        m_leader = new accel::CoordinatorServer(m_coordinator, m_token, m_owner.get());
        m_leaderPort = m_leader->start(QHostAddress::LocalHost, 0, &error);
        QVERIFY2(m_leaderPort != 0, qPrintable(error));

        // A suite submitted before the follower's view exists: it comes with the snapshot.
        ClusterClient c(url(m_leaderPort), m_token);
        const auto r = c.post(QStringLiteral("/api/v1/suites"),
                              QByteArrayLiteral("{\"name\":\"reads\",\"tasks\":["
                                                "{\"id\":\"b\",\"argv\":[\"/bin/true\"],\"priority\":2},"
                                                "{\"id\":\"a\",\"name\":\"first\",\"argv\":[\"/bin/true\"]},"
                                                "{\"id\":\"c\",\"argv\":[\"/bin/false\"]}]}"));
        QCOMPARE(r.status, 201);
        m_suite = r.json().object().value(QStringLiteral("id")).toString();

        m_view = new accel::CoordinatorReadView(m_store, m_owner.get());
        QVERIFY2(m_view->start(&error), qPrintable(error));
        m_follower = new accel::CoordinatorServer(nullptr, m_token, m_owner.get());
        m_follower->setReadView(m_view);
        m_followerPort = m_follower->start(QHostAddress::LocalHost, 0, &error);
        QVERIFY2(m_followerPort != 0, qPrintable(error));
        m_follower->setLeaderUrl(url(m_leaderPort));
        m_follower->setNodeInfo({{QStringLiteral("role"), QStringLiteral("follower")}});
    }

    void cleanup()
    {
        delete m_follower;
        delete m_leader;
        delete m_view;
        delete m_coordinator;
        delete m_store;
        m_owner.reset();
        m_tmp.reset();
    }

    void followerAnswersReadsLikeTheLeader_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("tasks") << QStringLiteral("/api/v1/tasks");
        QTest::newRow("queued tasks") << QStringLiteral("/api/v1/tasks?state=queued");
        QTest::newRow("suites") << QStringLiteral("/api/v1/suites");
        QTest::newRow("suite") << QStringLiteral("/api/v1/suites/@suite");
        QTest::newRow("results") << QStringLiteral("/api/v1/suites/@suite/results");
        QTest::newRow("finished task") << QStringLiteral("/api/v1/tasks/@suite/c");
        QTest::newRow("finished task log") << QStringLiteral("/api/v1/tasks/@suite/c/logs");
        QTest::newRow("recovery") << QStringLiteral("/api/v1/recovery");
    }

    void followerAnswersReadsLikeTheLeader()
    {
        QFETCH(QString, path);
        path.replace(QStringLiteral("@suite"), m_suite);
        // A change after the snapshot reaches the follower through the watch: cancel one task.
        ClusterClient leader(url(m_leaderPort), m_token);
        QCOMPARE(leader.post(QStringLiteral("/api/v1/tasks/%1/c/cancel").arg(m_suite), {}).status, 200);
        const QJsonDocument expected = getFrom(m_leaderPort, path);
        QVERIFY(!expected.isNull());
        QTRY_COMPARE_WITH_TIMEOUT(getFrom(m_followerPort, path), expected, 5000);
        const RawReply raw = rawGet(m_followerPort, "GET", path.toUtf8(), m_token);
        QCOMPARE(raw.status, 200);
        QCOMPARE(raw.headers.value("x-accel-role"), QByteArray("follower"));
        QCOMPARE(raw.headers.value("x-accel-leader"), url(m_leaderPort).toEncoded());
        const qint64 revision = raw.headers.value("x-accel-store-revision").toLongLong();
        QVERIFY2(revision > 0 && revision <= m_store->revision().value(),
                 raw.headers.value("x-accel-store-revision"));
        QCOMPARE(revision, m_view->revision());
    }

    void tasksListMatchesAfterEveryChange()
    {
        ClusterClient leader(url(m_leaderPort), m_token);
        const QString path = QStringLiteral("/api/v1/tasks");
        QCOMPARE(getFrom(m_followerPort, path), getFrom(m_leaderPort, path));
        QCOMPARE(getFrom(m_followerPort, path).array().size(), 3);
        // A second suite, then a cancellation of the whole of it.
        const auto r = leader.post(
            QStringLiteral("/api/v1/suites"),
            QByteArrayLiteral("{\"name\":\"more\",\"tasks\":[{\"id\":\"x\",\"argv\":[\"/bin/true\"]}]}"));
        QCOMPARE(r.status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(getFrom(m_followerPort, path), getFrom(m_leaderPort, path), 5000);
        QCOMPARE(getFrom(m_followerPort, path).array().size(), 4);
        const QString second = r.json().object().value(QStringLiteral("id")).toString();
        QCOMPARE(leader.post(QStringLiteral("/api/v1/suites/%1/cancel").arg(second), {}).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(getFrom(m_followerPort, QStringLiteral("/api/v1/suites/") + second),
                                  getFrom(m_leaderPort, QStringLiteral("/api/v1/suites/") + second), 5000);
        QCOMPARE(getFrom(m_followerPort, QStringLiteral("/api/v1/suites/") + second)
                     .object()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("cancelled"));
        // Unknown ids get the leader's 404 from the follower too.
        ClusterClient follower(url(m_followerPort), m_token);
        QCOMPARE(follower.get(QStringLiteral("/api/v1/suites/nope")).status, 404);
        QCOMPARE(follower.get(QStringLiteral("/api/v1/tasks/nope/x")).status, 404);
        QCOMPARE(follower.get(QStringLiteral("/api/v1/tasks?suite=nope")).status, 404);
    }

    void followerStreamsEventsCausedByTheLeader()
    {
        QWebSocket socket;
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QList<QJsonObject> events;
        connect(&socket, &QWebSocket::textMessageReceived, this, [&events](const QString &text) {
            events << QJsonDocument::fromJson(text.toUtf8()).object();
        });
        QUrl ws(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(m_followerPort));
        ws.setQuery(QStringLiteral("token=") + QString::fromLatin1(m_token));
        socket.open(ws);
        QVERIFY(connected.wait(5000));
        ClusterClient leader(url(m_leaderPort), m_token);
        QCOMPARE(leader.post(QStringLiteral("/api/v1/tasks/%1/a/cancel").arg(m_suite), {}).status, 200);
        const QString key = m_suite + QStringLiteral("/a");
        auto cancelled = [&] {
            for (const QJsonObject &e : std::as_const(events)) {
                const QJsonObject t = e.value(QStringLiteral("task")).toObject();
                if (e.value(QStringLiteral("event")).toString() == QLatin1String("task") &&
                    t.value(QStringLiteral("key")).toString() == key &&
                    t.value(QStringLiteral("state")).toString() == QLatin1String("skipped")) {
                    return e;
                }
            }
            return QJsonObject();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!cancelled().isEmpty(), 5000);
        const QJsonObject e = cancelled();
        QCOMPARE(e.value(QStringLiteral("task")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("first"));
        QVERIFY(e.value(QStringLiteral("revision")).toDouble() > 0);
        // The follower becomes leaderless: its stream closes (the replica may be cut off).
        QSignalSpy closed(&socket, &QWebSocket::disconnected);
        m_follower->setLeaderUrl(QUrl());
        QVERIFY(closed.count() > 0 || closed.wait(5000));
    }

    void writesAndLiveReadsStillRedirect_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("submit") << QByteArray("POST") << QByteArray("/api/v1/suites");
        QTest::newRow("cancel") << QByteArray("POST") << QByteArray("/api/v1/tasks/@suite/a/cancel");
        QTest::newRow("workers") << QByteArray("GET") << QByteArray("/api/v1/workers");
        QTest::newRow("live log") << QByteArray("GET") << QByteArray("/api/v1/tasks/@suite/a/logs");
        QTest::newRow("unknown path") << QByteArray("GET") << QByteArray("/api/v1/nothing-here");
        QTest::newRow("suite subpath") << QByteArray("GET") << QByteArray("/api/v1/suites/@suite/other");
    }

    void writesAndLiveReadsStillRedirect()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        path.replace("@suite", m_suite.toUtf8());
        const RawReply r = rawGet(m_followerPort, method, path, m_token);
        QCOMPARE(r.status, 307);
        QCOMPARE(r.headers.value("location"), url(m_leaderPort).toEncoded() + path);
        // No token: nothing at all.
        QCOMPARE(rawGet(m_followerPort, method, path, {}).status, 401);
        QCOMPARE(rawGet(m_followerPort, "GET", "/api/v1/tasks", {}).status, 401);
    }

    void followerWithoutLeaderOrViewServesNothing()
    {
        ClusterClient follower(url(m_followerPort), m_token);
        QCOMPARE(follower.get(QStringLiteral("/api/v1/tasks")).status, 200);
        m_follower->setLeaderUrl(QUrl());
        QCOMPARE(follower.get(QStringLiteral("/api/v1/tasks")).status, 503);
        m_follower->setLeaderUrl(url(m_leaderPort));
        m_view->stop();
        QCOMPARE(m_view->taskCount(), 0);
        QCOMPARE(rawGet(m_followerPort, "GET", "/api/v1/tasks", m_token).status, 307);
        // An events upgrade without a running view is redirected, not accepted.
        QWebSocket socket;
        QSignalSpy connected(&socket, &QWebSocket::connected);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
        QSignalSpy errored(&socket, &QWebSocket::errorOccurred);
#else
        QSignalSpy errored(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
#endif
        QUrl ws(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(m_followerPort));
        ws.setQuery(QStringLiteral("token=") + QString::fromLatin1(m_token));
        socket.open(ws);
        QTRY_VERIFY_WITH_TIMEOUT(errored.count() > 0 || connected.count() > 0, 5000);
        QCOMPARE(connected.count(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_FollowerReads)
#include "tst_FollowerReads.moc"
