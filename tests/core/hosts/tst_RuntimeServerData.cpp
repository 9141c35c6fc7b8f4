// RuntimeServer's data connections (docs/host-protocol.md, "Data connection") over real loopback
// sockets, with Qt's WebSocket client playing the compute worker: the data port's upgrade cap,
// refusals, runs carried on it, and violations that close only it.
#include "RuntimeServerTestSupport.h"

#include "common/Clock.h"
#include "hosts/HostSession.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace accel;
using namespace accel::hostproto;
using namespace accel::runtimetest;

class tst_RuntimeServerData : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_clock = std::make_unique<ManualClock>();
        QString error;
        m_server = startTestServer(m_clock.get(), &error);
        QVERIFY2(m_server, qPrintable(error));
    }
    void cleanup()
    {
        m_server.reset();
        m_clock.reset();
    }

    void dataPortCutsOffHalfOpenUpgrades()
    {
        // 32 connections that never finish their upgrade are tolerated; the next is dropped at once.
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        int dropped = 0;
        for (int i = 0; i < 33; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            connect(s.get(), &QTcpSocket::disconnected, this, [&dropped] { ++dropped; });
            s->connectToHost(QHostAddress::LocalHost, m_server->dataPort());
            QVERIFY(s->waitForConnected(2000));
            sockets.push_back(std::move(s));
        }
        QTRY_COMPARE(dropped, 1);
        QVERIFY(sockets.back()->state() != QAbstractSocket::ConnectedState);
        for (int i = 0; i < 32; ++i) {
            QCOMPARE(sockets[size_t(i)]->state(), QAbstractSocket::ConnectedState);
        }
    }

    void dataConnectionRefusals_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("rightKey");
        QTest::addColumn<QString>("code");
        QTest::newRow("wrong key") << "d1"
                                   << "data" << false << "invalid_token";
        QTest::newRow("unknown path") << "d1"
                                      << "bulk" << true << "bad_request";
        QTest::newRow("old /ws channel") << "d1"
                                         << "ws" << true << "bad_request";
        QTest::newRow("no such session") << "nobody"
                                         << "data" << true << "bad_request";
        QTest::newRow("bad host id") << "a b"
                                     << "data" << true << "bad_request";
    }

    void dataConnectionRefusals()
    {
        QFETCH(QString, host);
        QFETCH(QString, path);
        QFETCH(bool, rightKey);
        QFETCH(QString, code);
        Client c(m_server->origin());
        QVERIFY(welcomed(c, *m_server, QStringLiteral("d1")));
        const QString key = welcomeDataKey(c);
        QCOMPARE(key.size(), 32);
        QCOMPARE(key, m_server->session(QStringLiteral("d1"))->dataKey());
        QVERIFY(m_server->dataPort() != 0 && m_server->dataPort() != m_server->port());
        bool sawPort = false;
        for (const QString &t : c.texts) {
            const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
            if (o.value(QLatin1String("type")).toString() == QLatin1String("welcome")) {
                QCOMPARE(o.value(QLatin1String("dataPort")).toInt(), int(m_server->dataPort()));
                sawPort = true;
            }
        }
        QVERIFY(sawPort);

        QString wrongKey = key;
        wrongKey[0] = key.at(0) == QLatin1Char('0') ? QLatin1Char('1') : QLatin1Char('0');
        Client d(m_server->origin());
        QUrl url = dataUrl(*m_server, host, rightKey ? key : wrongKey, path);
        if (path == QLatin1String("ws")) { // the control port no longer takes data connections
            url = wsUrl(*m_server, m_server->token(), host);
            QUrlQuery q(url);
            q.addQueryItem(QStringLiteral("channel"), QStringLiteral("data"));
            q.addQueryItem(QStringLiteral("key"), key);
            url.setQuery(q);
        }
        QVERIFY(d.open(url));
        QTRY_VERIFY(d.closed);
        QCOMPARE(d.errorCodes(), QStringList{code});
        HostSession *s = m_server->session(QStringLiteral("d1"));
        QVERIFY(s && s->isReady());
        QVERIFY(!s->hasDataChannel());
        QCOMPARE(s->sendEcho(DType::F32, {1}, QByteArray(4, 0), true), quint64(0));
        // Runs stay on the control connection.
        QVERIFY(s->sendRun(QStringLiteral("demo"), 0, 1,
                           {FrameKind::Activation, 1, DType::F32, {2}, QByteArray(8, 0)}));
        QTRY_COMPARE(c.binaries.size(), 1);
    }

    void dataConnectionCarriesRuns()
    {
        Client c(m_server->origin());
        QVERIFY(welcomed(c, *m_server, QStringLiteral("d2")));
        HostSession *s = m_server->session(QStringLiteral("d2"));
        auto d = std::make_unique<Client>(m_server->origin());
        QVERIFY(d->open(dataUrl(*m_server, QStringLiteral("d2"), welcomeDataKey(c))));
        QTRY_VERIFY(s->hasDataChannel());

        // A run and its frame travel on the data connection only.
        const TensorFrame input{FrameKind::Activation, 1, DType::F32, {2}, QByteArray(8, 0)};
        const quint64 id = s->sendRun(QStringLiteral("demo"), 0, 1, input, false, true);
        QVERIFY(id > 0);
        QTRY_COMPARE(d->binaries.size(), 1);
        QVERIFY(d->sawType(QStringLiteral("run")));
        QVERIFY(!c.sawType(QStringLiteral("run")));
        QCOMPARE(c.binaries.size(), 0);

        // Its Result, runTiming and errors come back there and reach the session's listeners.
        QSignalSpy results(s, &HostSession::resultReceived);
        QSignalSpy timed(s, &HostSession::runTimed);
        QSignalSpy errors(s, &HostSession::hostError);
        d->socket.sendBinaryMessage(resultFor(d->binaries.at(0)));
        d->sendJson(encodeControl(MessageType::RunTiming, {{QStringLiteral("id"), double(id)},
                                                           {QStringLiteral("queuedMs"), 0.1},
                                                           {QStringLiteral("computeMs"), 2.0},
                                                           {QStringLiteral("hostMs"), 2.5}}));
        QTRY_COMPARE(results.count(), 1);
        QCOMPARE(results.at(0).at(0).toULongLong(), id);
        QTRY_COMPARE(timed.count(), 1);
        QCOMPARE(timed.at(0).at(1).value<RunTiming>().computeMs, 2.0);

        // An echo can be sent on the data connection (the worker answers it there).
        const quint64 echo = s->sendEcho(DType::F32, {1}, QByteArray(4, 0), true);
        QVERIFY(echo > 0);
        QTRY_COMPARE(d->binaries.size(), 2);
        QCOMPARE(c.binaries.size(), 0);
        d->socket.sendBinaryMessage(resultFor(d->binaries.at(1)));
        QTRY_COMPARE(results.count(), 2);
        QCOMPARE(results.at(1).at(0).toULongLong(), echo);

        // A cancel goes to both connections (the run may be on either).
        const quint64 second = s->sendRun(QStringLiteral("demo"), 0, 1, input);
        QVERIFY(s->cancel(second));
        QTRY_VERIFY(d->sawType(QStringLiteral("cancel")));
        QTRY_VERIFY(c.sawType(QStringLiteral("cancel")));
        d->sendJson(
            encodeControl(MessageType::Error, {{QStringLiteral("id"), double(second)},
                                               {QStringLiteral("code"), QStringLiteral("cancelled")},
                                               {QStringLiteral("message"), QStringLiteral("dropped")}}));
        QTRY_COMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(1).toString(), QStringLiteral("cancelled"));

        // A new data connection (a restarted worker) replaces the old one: the run still awaited
        // on the old one is failed, later runs use the new one.
        const quint64 replaced = s->sendRun(QStringLiteral("demo"), 0, 1, input);
        QTRY_COMPARE(d->binaries.size(), 4);
        auto d2 = std::make_unique<Client>(m_server->origin());
        QVERIFY(d2->open(dataUrl(*m_server, QStringLiteral("d2"), welcomeDataKey(c))));
        QTRY_VERIFY(d->closed);
        QTRY_COMPARE(errors.count(), 2);
        QCOMPARE(errors.at(1).at(0).toULongLong(), replaced);
        QCOMPARE(errors.at(1).at(1).toString(), QStringLiteral("data_connection_lost"));
        d = std::move(d2);

        // The worker dies with a run in flight: that run is failed, nothing else; runs go back
        // to the control connection.
        const quint64 third = s->sendRun(QStringLiteral("demo"), 0, 1, input);
        QTRY_COMPARE(d->binaries.size(), 1);
        d.reset();
        QTRY_COMPARE(errors.count(), 3);
        QCOMPARE(errors.at(2).at(0).toULongLong(), third);
        QCOMPARE(errors.at(2).at(1).toString(), QStringLiteral("data_connection_lost"));
        QVERIFY(s->isReady());
        QVERIFY(!s->hasDataChannel());
        QVERIFY(s->sendRun(QStringLiteral("demo"), 0, 1, input));
        QTRY_COMPARE(c.binaries.size(), 1);
    }

    void dataConnectionViolationClosesOnlyIt_data()
    {
        QTest::addColumn<bool>("binary");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("code");
        QTest::newRow("heartbeat") << false
                                   << encodeControl(MessageType::Heartbeat, {{QStringLiteral("seq"), 1}})
                                   << "unknown_type";
        QTest::newRow("hello") << false
                               << QByteArray(R"({"v":1,"type":"hello","hostId":"d3","capabilities":{}})")
                               << "unknown_type";
        QTest::newRow("not json") << false << QByteArray("{{") << "malformed_json";
        QTest::newRow("activation frame")
            << true
            << std::get<QByteArray>(
                   encodeFrame({FrameKind::Activation, 9, DType::F32, {1}, QByteArray(4, 0)}))
            << "bad_frame_kind";
        QTest::newRow("short frame") << true << QByteArray(5, 'x') << "frame_too_short";
    }

    void dataConnectionViolationClosesOnlyIt()
    {
        QFETCH(bool, binary);
        QFETCH(QByteArray, message);
        QFETCH(QString, code);
        Client c(m_server->origin());
        QVERIFY(welcomed(c, *m_server, QStringLiteral("d3")));
        HostSession *s = m_server->session(QStringLiteral("d3"));
        Client d(m_server->origin());
        QVERIFY(d.open(dataUrl(*m_server, QStringLiteral("d3"), welcomeDataKey(c))));
        QTRY_VERIFY(s->hasDataChannel());
        if (binary) {
            d.socket.sendBinaryMessage(message);
        } else {
            d.sendJson(message);
        }
        QTRY_VERIFY(d.closed);
        QVERIFY(d.errorCodes().contains(code));
        QVERIFY(s->isReady());
        QVERIFY(!s->hasDataChannel());
        // The session closing closes a data connection too.
        Client e(m_server->origin());
        QVERIFY(e.open(dataUrl(*m_server, QStringLiteral("d3"), welcomeDataKey(c))));
        QTRY_VERIFY(s->hasDataChannel());
        s->close(HostSession::CloseReason::ClosedByApp, QStringLiteral("test"));
        QTRY_VERIFY(e.closed);
    }

private:
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<RuntimeServer> m_server;
};

QTEST_GUILESS_MAIN(tst_RuntimeServerData)
#include "tst_RuntimeServerData.moc"
