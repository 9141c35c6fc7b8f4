// RuntimeServer + HostSession over real loopback sockets, with Qt's own WebSocket client playing
// the page (no browser: label unit). Browsers are covered by tests/integration/hosts.
#include "RuntimeServerTestSupport.h"
#include "hosts/HostProtocol.h"
#include "hosts/RuntimeServer.h"

#include "common/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace accel;
using namespace accel::hostproto;

using namespace accel::runtimetest;

class tst_RuntimeServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_clock = std::make_unique<ManualClock>();
        QString error;
        m_server = startTestServer(m_clock.get(), &error);
        QVERIFY2(m_server, qPrintable(error));
        QVERIFY(m_server->port() != 0);
        QCOMPARE(m_server->token().size(), 64);
    }
    void cleanup()
    {
        m_server.reset();
        m_clock.reset();
    }

    void servesPageWithIsolationHeaders_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("withToken");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("mime");
        QTest::newRow("page") << QStringLiteral("/host.html") << true << QByteArray() << 200
                              << QByteArray("text/html");
        QTest::newRow("module") << QStringLiteral("/protocol.js") << false << QByteArray() << 200
                                << QByteArray("text/javascript");
        QTest::newRow("page without token")
            << QStringLiteral("/host.html") << false << QByteArray() << 403 << QByteArray();
        QTest::newRow("missing") << QStringLiteral("/nope.js") << false << QByteArray() << 404
                                 << QByteArray();
        QTest::newRow("traversal") << QStringLiteral("/%2e%2e/icons/accelerate-console.svg") << false
                                   << QByteArray() << 404 << QByteArray();
        QTest::newRow("rebinding host") << QStringLiteral("/protocol.js") << false
                                        << QByteArray("evil.example:80") << 403 << QByteArray();
    }
    void servesPageWithIsolationHeaders()
    {
        QFETCH(QString, path);
        QFETCH(bool, withToken);
        QFETCH(QByteArray, host);
        QFETCH(int, status);
        QFETCH(QByteArray, mime);
        QUrl url(m_server->origin() + path);
        if (withToken) {
            url.setQuery(QStringLiteral("token=") + m_server->token());
        }
        QNetworkAccessManager nam;
        QNetworkRequest request(url);
        if (!host.isEmpty()) {
            request.setRawHeader("Host", host);
        }
        QNetworkReply *reply = nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
        QCOMPARE(reply->rawHeader("Cross-Origin-Opener-Policy"), QByteArray("same-origin"));
        QCOMPARE(reply->rawHeader("Cross-Origin-Embedder-Policy"), QByteArray("require-corp"));
        if (!mime.isEmpty()) {
            QVERIFY(reply->rawHeader("Content-Type").startsWith(mime));
            QVERIFY(reply->readAll().size() > 100);
        }
        reply->deleteLater();
    }

    void refusesBadConnections_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("origin");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<QString>("errorCode");
        QTest::newRow("no token") << QString() << QString() << "h1"
                                  << "chromium"
                                  << "/ws" << closecode::InvalidToken << "invalid_token";
        QTest::newRow("wrong token") << QString(64, u'a') << QString() << "h1"
                                     << "chromium"
                                     << "/ws" << closecode::InvalidToken << "invalid_token";
        QTest::newRow("bad origin") << "TOKEN"
                                    << "http://evil.example"
                                    << "h1"
                                    << "chromium"
                                    << "/ws" << closecode::BadOrigin << "bad_origin";
        QTest::newRow("other port origin") << "TOKEN"
                                           << "http://127.0.0.1:1"
                                           << "h1"
                                           << "chromium"
                                           << "/ws" << closecode::BadOrigin << "bad_origin";
        QTest::newRow("no origin") << "TOKEN"
                                   << "-"
                                   << "h1"
                                   << "chromium"
                                   << "/ws" << closecode::BadOrigin << "bad_origin";
        QTest::newRow("bad host id") << "TOKEN" << QString() << "a b/c"
                                     << "chromium"
                                     << "/ws" << closecode::BadRequest << "bad_request";
        QTest::newRow("bad kind") << "TOKEN" << QString() << "h1"
                                  << "netscape"
                                  << "/ws" << closecode::BadRequest << "bad_request";
        QTest::newRow("bad path") << "TOKEN" << QString() << "h1"
                                  << "chromium"
                                  << "/other" << closecode::BadRequest << "bad_request";
    }
    void refusesBadConnections()
    {
        QFETCH(QString, token);
        QFETCH(QString, origin);
        QFETCH(QString, host);
        QFETCH(QString, kind);
        QFETCH(QString, path);
        QFETCH(int, closeCode);
        QFETCH(QString, errorCode);
        if (token == QLatin1String("TOKEN")) {
            token = m_server->token();
        }
        if (origin.isEmpty()) {
            origin = m_server->origin();
        } else if (origin == QLatin1String("-")) {
            origin.clear();
        }
        QSignalSpy refused(m_server.get(), &RuntimeServer::connectionRefused);
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        Client bad(origin);
        QVERIFY(bad.open(wsUrl(*m_server, token, host, kind, path)));
        bad.hello(host);
        QTRY_VERIFY(bad.closed);
        QCOMPARE(int(bad.socket.closeCode()), closeCode);
        QCOMPARE(bad.errorCodes(), QStringList{errorCode});
        QCOMPARE(refused.count(), 1);
        QCOMPARE(opened.count(), 0);
        QVERIFY(m_server->sessions().isEmpty());

        // The server keeps serving others.
        Client good(m_server->origin());
        QVERIFY(good.open(wsUrl(*m_server, m_server->token(), QStringLiteral("good-1"))));
        good.hello(QStringLiteral("good-1"));
        QTRY_COMPARE(opened.count(), 1);
        QTRY_VERIFY(good.sawType(QStringLiteral("welcome")));
    }

    void helloOpensSession()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("chromium-1"))));
        QCOMPARE(m_server->sessions().size(), 0);
        c.hello(QStringLiteral("chromium-1"));
        QTRY_COMPARE(opened.count(), 1);
        HostSession *s = m_server->session(QStringLiteral("chromium-1"));
        QVERIFY(s);
        QCOMPARE(s->kind(), HostKind::Chromium);
        QCOMPARE(s->capabilities().userAgent, QStringLiteral("tst_RuntimeServer"));
        QCOMPARE(s->capabilities().hardwareConcurrency, 2);
        QTRY_VERIFY(c.sawType(QStringLiteral("welcome")));

        QSignalSpy beats(s, &HostSession::heartbeatReceived);
        m_clock->advanceMs(700);
        c.sendJson(encodeControl(MessageType::Heartbeat, {{QStringLiteral("seq"), 1}}));
        QVERIFY(beats.wait(5000));
        QCOMPARE(beats.at(0).at(0).toULongLong(), 1ull);
        QCOMPARE(s->lastHeartbeatMs(), m_clock->nowMs());

        QSignalSpy metrics(s, &HostSession::metricsReceived);
        c.sendJson(encodeControl(MessageType::Metrics,
                                 {{QStringLiteral("values"), QJsonObject{{QStringLiteral("framesIn"), 3}}}}));
        QVERIFY(metrics.wait(5000));
        QCOMPARE(metrics.at(0).at(0).toJsonObject().value(QLatin1String("framesIn")).toInt(), 3);

        QSignalSpy hostErrors(s, &HostSession::hostError);
        c.sendJson(encodeError(QStringLiteral("device_lost"), QStringLiteral("gone")));
        QVERIFY(hostErrors.wait(5000));
        QCOMPARE(hostErrors.at(0).at(1).toString(), QStringLiteral("device_lost"));

        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        c.sendJson(encodeControl(MessageType::Goodbye, {{QStringLiteral("reason"), QStringLiteral("bye")}}));
        QVERIFY(closed.wait(5000));
        QCOMPARE(closed.at(0).at(2).value<HostSession::CloseReason>(), HostSession::CloseReason::HostGoodbye);
        QVERIFY(m_server->sessions().isEmpty());
    }

    void badMessagesGetErrorsAndSessionSurvives_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<bool>("binary");
        QTest::addColumn<QString>("errorCode");
        QTest::newRow("garbage json") << QByteArray("{not json") << false << "malformed_json";
        QTest::newRow("wrong version")
            << QByteArray(R"({"v":7,"type":"heartbeat","seq":1})") << false << "unsupported_version";
        QTest::newRow("unknown type") << QByteArray(R"({"v":1,"type":"warp"})") << false << "unknown_type";
        QTest::newRow("app-only type")
            << QByteArray(R"({"v":1,"type":"cancel","id":1})") << false << "unknown_type";
        QTest::newRow("garbage frame")
            << QByteArray("\x00\x01\x02garbage-garbage-garbage", 24) << true << "bad_magic";
        QTest::newRow("echo from host")
            << std::get<QByteArray>(encodeFrame({FrameKind::Echo, 1, DType::U8, {1}, QByteArray(1, 'x')}))
            << true << "bad_frame_kind";
    }
    void badMessagesGetErrorsAndSessionSurvives()
    {
        QFETCH(QByteArray, message);
        QFETCH(bool, binary);
        QFETCH(QString, errorCode);
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h2"))));
        c.hello(QStringLiteral("h2"));
        QTRY_COMPARE(opened.count(), 1);
        HostSession *s = m_server->session(QStringLiteral("h2"));
        QVERIFY(s);
        QSignalSpy beats(s, &HostSession::heartbeatReceived);
        if (binary) {
            c.socket.sendBinaryMessage(message);
        } else {
            c.socket.sendTextMessage(QString::fromUtf8(message));
        }
        QTRY_COMPARE(c.errorCodes(), QStringList{errorCode});
        // Still alive: a good heartbeat after the bad message is accepted.
        c.sendJson(encodeControl(MessageType::Heartbeat, {{QStringLiteral("seq"), 2}}));
        QVERIFY(beats.wait(5000));
        QVERIFY(!c.closed);
        QVERIFY(s->isReady());
    }

    void badHelloClosesConnection_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("helloId");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<QString>("errorCode");
        QTest::newRow("version 2") << 2 << "h3" << closecode::UnsupportedVersion << "unsupported_version";
        QTest::newRow("id mismatch") << 1 << "someone-else" << closecode::ProtocolViolation << "wrong_type";
    }
    void badHelloClosesConnection()
    {
        QFETCH(int, version);
        QFETCH(QString, helloId);
        QFETCH(int, closeCode);
        QFETCH(QString, errorCode);
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h3"))));
        c.hello(helloId, version);
        QTRY_VERIFY(c.closed);
        QCOMPARE(int(c.socket.closeCode()), closeCode);
        QVERIFY(c.errorCodes().contains(errorCode));
        QCOMPARE(opened.count(), 0);
    }

    void oversizedFrameIsRefused()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h4"))));
        c.hello(QStringLiteral("h4"));
        QTRY_COMPARE(opened.count(), 1);
        c.socket.sendBinaryMessage(QByteArray(2 * 1024 * 1024, 'x'));
        QTRY_VERIFY(c.closed);
        QCOMPARE(c.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        QTRY_COMPARE(closed.count(), 1);

        Client other(m_server->origin());
        QVERIFY(other.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h5"))));
        other.hello(QStringLiteral("h5"));
        QTRY_COMPARE(opened.count(), 2);
    }

    void echoAndRunRequests()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h6"))));
        c.hello(QStringLiteral("h6"));
        QTRY_COMPARE(opened.count(), 1);
        HostSession *s = m_server->session(QStringLiteral("h6"));
        const QByteArray payload(64, 'q');
        const quint64 id = s->sendEcho(DType::F32, {4, 4}, payload);
        QVERIFY(id > 0);
        QTRY_COMPARE(c.binaries.size(), 1);
        const auto frame = std::get<TensorFrame>(decodeFrame(c.binaries.at(0)));
        QCOMPARE(frame.kind, FrameKind::Echo);
        QCOMPARE(frame.requestId, id);

        // The client answers like the page does; the session reports the result.
        QSignalSpy results(s, &HostSession::resultReceived);
        TensorFrame reply = frame;
        reply.kind = FrameKind::Result;
        c.socket.sendBinaryMessage(std::get<QByteArray>(encodeFrame(reply)));
        QVERIFY(results.wait(5000));
        QCOMPARE(results.at(0).at(0).toULongLong(), id);

        const quint64 runId = s->sendRun(QStringLiteral("demo"), 0, 3,
                                         {FrameKind::Activation, 1, DType::F32, {2}, QByteArray(8, 0)});
        QVERIFY(runId > id);
        QTRY_COMPARE(c.binaries.size(), 2);
        QVERIFY(c.sawType(QStringLiteral("run")));
        QVERIFY(s->cancel(runId));
        QTRY_VERIFY(c.sawType(QStringLiteral("cancel")));
        QVERIFY(!s->cancel(runId + 100)); // never issued
        QCOMPARE(s->sendRun(QStringLiteral("demo"), 3, 1, {}), quint64(0));
        QCOMPARE(s->sendRun(QStringLiteral("demo"), 0, 1,
                            {FrameKind::Activation, 1, DType::F32, {3}, QByteArray(8, 0)}),
                 quint64(0));
    }

    void heartbeatTimeoutClosesSession()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h7"))));
        c.hello(QStringLiteral("h7"));
        QTRY_COMPARE(opened.count(), 1);
        m_clock->advanceMs(2999);
        m_server->checkHeartbeats();
        QCOMPARE(closed.count(), 0);
        m_clock->advanceMs(2);
        m_server->checkHeartbeats();
        QCOMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(2).value<HostSession::CloseReason>(),
                 HostSession::CloseReason::HeartbeatTimeout);
        QTRY_VERIFY(c.closed);
        QCOMPARE(int(c.socket.closeCode()), closecode::HeartbeatTimeout);
    }

    void helloTimeoutClosesConnection()
    {
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h8"))));
        QTRY_COMPARE(m_server->pendingCount(), 1);
        m_clock->advanceMs(2001);
        m_server->checkHeartbeats();
        QTRY_VERIFY(c.closed);
        QCOMPARE(int(c.socket.closeCode()), closecode::HelloTimeout);
        QCOMPARE(m_server->pendingCount(), 0);
    }

    void reconnectReplacesSession()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        Client first(m_server->origin());
        QVERIFY(first.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h9"))));
        first.hello(QStringLiteral("h9"));
        QTRY_COMPARE(opened.count(), 1);
        Client second(m_server->origin());
        QVERIFY(second.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h9"))));
        second.hello(QStringLiteral("h9"));
        QTRY_COMPARE(opened.count(), 2);
        QTRY_COMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(2).value<HostSession::CloseReason>(), HostSession::CloseReason::Replaced);
        QCOMPARE(m_server->sessions().size(), 1);
        QTRY_VERIFY(first.closed);
    }

    void nonLoopbackNeedsConfigurationAndToken_data()
    {
        QTest::addColumn<bool>("allow");
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("starts");
        QTest::newRow("not allowed") << false << QString(40, u'x') << false;
        QTest::newRow("allowed, no token") << true << QString() << false;
        QTest::newRow("allowed, short token") << true << QStringLiteral("short") << false;
        QTest::newRow("allowed with token") << true << QString(40, u'x') << true;
    }
    void nonLoopbackNeedsConfigurationAndToken()
    {
        QFETCH(bool, allow);
        QFETCH(QString, token);
        QFETCH(bool, starts);
        RuntimeServerConfig config;
        config.address = QHostAddress::AnyIPv4;
        config.allowNonLoopback = allow;
        config.token = token;
        RuntimeServer server(config);
        QString error;
        QCOMPARE(server.start(&error), starts);
        QCOMPARE(error.isEmpty(), starts);
        if (starts) {
            QCOMPARE(server.token(), token);
        }
    }

    void stopSaysGoodbye()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        Client c(m_server->origin());
        QVERIFY(c.open(wsUrl(*m_server, m_server->token(), QStringLiteral("h10"))));
        c.hello(QStringLiteral("h10"));
        QTRY_COMPARE(opened.count(), 1);
        m_server->stop();
        QCOMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(2).value<HostSession::CloseReason>(),
                 HostSession::CloseReason::ServerStopped);
        QTRY_VERIFY(c.closed);
        QVERIFY(c.sawType(QStringLiteral("goodbye")));
        QVERIFY(!m_server->isListening());
    }

private:
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<RuntimeServer> m_server;
};

QTEST_GUILESS_MAIN(tst_RuntimeServer)
#include "tst_RuntimeServer.moc"
