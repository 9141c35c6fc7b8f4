// DataSocket, the lean server end of host data connections, over real loopback sockets: the
// opening handshake and the end of the connection. A raw QTcpSocket (or a plain POSIX socket)
// writes hand-made HTTP for the upgrades, refusals and timeouts. Every accepted connection is
// wrapped in a DataSocket that echoes what it receives. Messages and frames are in
// tst_DataSocket.
#include "DataSocketTestSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>

using namespace accel;
using namespace accel::datasockettest;

class tst_DataSocketHandshake : public DataSocketFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { initFixture(); }
    void cleanup() { cleanupFixture(); }

    // --- the opening handshake, by hand ---

    void acceptsUpgrade_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("canonical") << Request().bytes();
        Request lower;
        lower.headers = {{"host", "127.0.0.1"},
                         {"upgrade", "WebSocket"},
                         {"connection", "keep-alive, upgrade"},
                         {"sec-websocket-version", "13"},
                         {"sec-websocket-key", kKey},
                         {"origin", kOrigin},
                         {"user-agent", "tst_DataSocket"}};
        QTest::newRow("case and token lists") << lower.bytes();
        QTest::newRow("spaces around values") << Request()
                                                     .set("Connection", "  Upgrade  ")
                                                     .set("Sec-WebSocket-Key", QByteArray("  ") + kKey)
                                                     .bytes();
    }
    void acceptsUpgrade()
    {
        QFETCH(QByteArray, request);
        RawClient raw(m_server.serverPort());
        raw.send(request);
        const QByteArray head = raw.takeResponseHead();
        QVERIFY2(head.startsWith("HTTP/1.1 101 "), head.constData());
        QCOMPARE(headerValue(head, "Upgrade").toLower(), QByteArray("websocket"));
        QCOMPARE(headerValue(head, "Connection").toLower(), QByteArray("upgrade"));
        QCOMPARE(headerValue(head, "Sec-WebSocket-Accept"), QByteArray(kKeyAccept));
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QCOMPARE(peer->upgrades, 1);
        QVERIFY(peer->refusals.isEmpty());
        QCOMPARE(peer->socket->requestUrl(), QUrl(QStringLiteral("/data?host=h1&key=k1")));

        // RFC 6455 5.7: a single-frame masked text message "Hello", echoed unmasked.
        raw.send(QByteArray::fromHex("818537fa213d7f9f4d5158"));
        QTRY_COMPARE_WITH_TIMEOUT(raw.received, QByteArray::fromHex("810548656c6c6f"), kWaitMs);
        QCOMPARE(peer->texts, QList<QByteArray>{"Hello"});
    }

    void readsARequestAlreadyBuffered()
    {
        // An owner may wrap the socket only after the request has arrived.
        m_wrapLater = true;
        RawClient raw(m_server.serverPort());
        const QByteArray request = Request().bytes();
        raw.send(request);
        QVERIFY(QTest::qWaitFor(
            [&] { return !m_unwrapped.isEmpty() && m_unwrapped.first()->bytesAvailable() == request.size(); },
            kWaitMs));
        m_peers.push_back(std::make_unique<Peer>(m_unwrapped.takeFirst(), m_options));
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QVERIFY(raw.takeResponseHead().startsWith("HTTP/1.1 101 "));
        QCOMPARE(peer->upgrades, 1);
        QCOMPARE(peer->socket->requestUrl(), QUrl(QStringLiteral("/data?host=h1&key=k1")));
    }

    void staysOpenPastTheHandshakeTimeout()
    {
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        QSignalSpy gone(peer->socket, &DataSocket::disconnected);
        QVERIFY(!gone.wait(kHandshakeTimeoutMs * 2));
        QVERIFY(peer->refusals.isEmpty());
        QCOMPARE(peer->socket->state(), DataSocket::State::Open);
        raw->send(clientFrame(Fin | OpText, "still here"));
        QTRY_COMPARE_WITH_TIMEOUT(peer->texts, QList<QByteArray>{"still here"}, kWaitMs);
    }

    void acceptsAnyOriginWhenNoneIsRequired()
    {
        m_options.requiredOrigin.clear();
        for (const QByteArray &origin : {QByteArray(), QByteArray("http://elsewhere.example")}) {
            RawClient raw(m_server.serverPort());
            raw.send(Request().set("Origin", origin).bytes());
            QVERIFY(raw.takeResponseHead().startsWith("HTTP/1.1 101 "));
            Peer *peer = nextPeer();
            QVERIFY(peer);
            QCOMPARE(peer->socket->origin(), QString::fromLatin1(origin));
        }
    }

    void refusesUpgrade_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        // A header the refusal must carry (RFC 6455 4.2.2 / RFC 7231 6.5.5, 6.5.15).
        QTest::addColumn<QByteArray>("header");

        QTest::newRow("wrong origin")
            << Request().set("Origin", "http://evil.example").bytes() << 403 << QByteArray();
        QTest::newRow("origin on another port")
            << Request().set("Origin", "http://127.0.0.1:1235").bytes() << 403 << QByteArray();
        QTest::newRow("no origin") << Request().set("Origin", QByteArray()).bytes() << 403 << QByteArray();
        QTest::newRow("no key") << Request().set("Sec-WebSocket-Key", QByteArray()).bytes() << 400
                                << QByteArray();
        QTest::newRow("short key") << Request().set("Sec-WebSocket-Key", "c2hvcnQga2V5").bytes() << 400
                                   << QByteArray();
        QTest::newRow("17-byte key")
            << Request().set("Sec-WebSocket-Key", QByteArray(17, 'k').toBase64()).bytes() << 400
            << QByteArray();
        QTest::newRow("key with a character outside base64")
            << Request().set("Sec-WebSocket-Key", "dGhlIHNhbX*BsZSBub25jZQ==").bytes() << 400 << QByteArray();
        QTest::newRow("key without padding")
            << Request().set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ").bytes() << 400 << QByteArray();
        QTest::newRow("key with inner space")
            << Request().set("Sec-WebSocket-Key", "dGhlIHNhbXBs ZSBub25jZQ==").bytes() << 400 << QByteArray();
        QTest::newRow("version 8") << Request().set("Sec-WebSocket-Version", "8").bytes() << 426
                                   << QByteArray("Sec-WebSocket-Version: 13");
        QTest::newRow("no version") << Request().set("Sec-WebSocket-Version", QByteArray()).bytes() << 426
                                    << QByteArray("Sec-WebSocket-Version: 13");
        QTest::newRow("not an upgrade")
            << Request().set("Upgrade", QByteArray()).set("Connection", "keep-alive").bytes() << 426
            << QByteArray("Upgrade: websocket");
        QTest::newRow("upgrade to h2c")
            << Request().set("Upgrade", "h2c").bytes() << 426 << QByteArray("Upgrade: websocket");
        QTest::newRow("connection without upgrade")
            << Request().set("Connection", "keep-alive").bytes() << 426 << QByteArray("Upgrade: websocket");
        Request post;
        post.method = "POST";
        QTest::newRow("POST") << post.bytes() << 405 << QByteArray("Allow: GET");
        Request http10;
        http10.httpVersion = "HTTP/1.0";
        QTest::newRow("HTTP/1.0") << http10.bytes() << 400 << QByteArray();
        Request absolute;
        absolute.target = "http://127.0.0.1/data";
        QTest::newRow("absolute target") << absolute.bytes() << 400 << QByteArray();
        Request star;
        star.target = "*";
        QTest::newRow("asterisk target") << star.bytes() << 400 << QByteArray();
        Request authority;
        authority.target = "//evil.example/data?host=h1";
        QTest::newRow("target with an authority") << authority.bytes() << 400 << QByteArray();
        QTest::newRow("no Host") << Request().set("Host", QByteArray()).bytes() << 400 << QByteArray();
        QTest::newRow("empty Host") << Request().set("Host", "").bytes() << 400 << QByteArray();
        QTest::newRow("malformed request line")
            << QByteArray("GET /data\r\nHost: x\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("header without colon")
            << Request().bytes().replace("Host: 127.0.0.1", "Host 127.0.0.1") << 400 << QByteArray();
        QTest::newRow("empty request") << QByteArray("\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("headers too long")
            << Request().set("X-Padding", QByteArray(kMaxHandshakeBytes, 'p')).bytes() << 431 << QByteArray();
        QTest::newRow("endless header, no blank line")
            << (QByteArray("GET /data HTTP/1.1\r\nX-Padding: ") + QByteArray(3 * kMaxHandshakeBytes, 'p'))
            << 431 << QByteArray();
    }
    void refusesUpgrade()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, header);
        RawClient raw(m_server.serverPort());
        raw.send(request);
        const QByteArray head = raw.takeResponseHead();
        QVERIFY2(head.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')),
                 head.constData());
        if (!header.isEmpty()) {
            const QByteArray name = header.left(header.indexOf(':'));
            QVERIFY2(headerValue(head, name).contains(header.mid(name.size() + 2)), head.constData());
        }
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QCOMPARE(peer->refusals, QList<int>{status});
        QCOMPARE(peer->upgrades, 0);
        // The body is the reason, as long as Content-Length says; then the server hangs up.
        QVERIFY(raw.waitClosed());
        QCOMPARE(int(raw.received.size()), headerValue(head, "Content-Length").toInt());
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->socket->state(), DataSocket::State::Closed);
        QVERIFY(!peer->socket->sendText("no"));
        QVERIFY(peer->protocolErrors.isEmpty());
    }

    void handshakeSizeLimit_data()
    {
        QTest::addColumn<int>("sizeBytes");
        QTest::addColumn<int>("status");
        QTest::newRow("exactly the limit") << kMaxHandshakeBytes << 101;
        QTest::newRow("one byte over") << (kMaxHandshakeBytes + 1) << 431;
    }
    void handshakeSizeLimit()
    {
        QFETCH(int, sizeBytes);
        QFETCH(int, status);
        const qsizetype base = Request().set("X-Padding", "").bytes().size();
        const QByteArray request = Request().set("X-Padding", QByteArray(sizeBytes - base, 'p')).bytes();
        QCOMPARE(request.size(), qsizetype(sizeBytes));
        RawClient raw(m_server.serverPort());
        raw.send(request);
        const QByteArray head = raw.takeResponseHead();
        QVERIFY2(head.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')),
                 head.constData());
    }

    void refusesIncompleteRequestAfterTimeout_data()
    {
        QTest::addColumn<QByteArray>("partial");
        QTest::newRow("nothing") << QByteArray();
        QTest::newRow("request line only") << QByteArray("GET /data HTTP/1.1\r\n");
        QTest::newRow("no blank line") << Request().bytes().chopped(2);
    }
    void refusesIncompleteRequestAfterTimeout()
    {
        QFETCH(QByteArray, partial);
        QElapsedTimer elapsed;
        elapsed.start();
        RawClient raw(m_server.serverPort());
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QVERIFY(!peer->socket->sendText("not open yet"));
        QCOMPARE(peer->socket->state(), DataSocket::State::Handshake);
        raw.send(partial);
        const QByteArray head = raw.takeResponseHead();
        QVERIFY2(head.startsWith("HTTP/1.1 400 "), head.constData());
        QVERIFY2(elapsed.elapsed() >= kHandshakeTimeoutMs - 20, QByteArray::number(elapsed.elapsed()));
        QCOMPARE(peer->refusals, QList<int>{400});
        QVERIFY(raw.waitClosed());
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->upgrades, 0);
    }

    void refusesFramesBeforeTheUpgrade()
    {
        // RFC 6455 4.1: a client sends no frame before it has read the 101.
        RawClient raw(m_server.serverPort());
        raw.send(Request().bytes() + clientFrame(Fin | OpText, "early"));
        QVERIFY(raw.takeResponseHead().startsWith("HTTP/1.1 101 "));
        const std::optional<ServerFrame> frame = raw.nextFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(OpClose));
        QCOMPARE(frame->closeCode(), quint16(1002));
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QCOMPARE(peer->protocolErrors, QList<int>{1002});
        QCOMPARE(peer->messages(), 0);
        QVERIFY(raw.waitClosed());
    }

    void handshakeByteByByte()
    {
        m_options.handshakeTimeoutMs = 20000; // a write per event loop round may be slow under ASan
        RawClient raw(m_server.serverPort());
        Peer *peer = nextPeer();
        QVERIFY(peer);
        auto *serverTcp = peer->socket->findChild<QTcpSocket *>();
        QVERIFY(serverTcp);
        int reads = 0;
        connect(serverTcp, &QTcpSocket::readyRead, this, [&reads] { ++reads; });
        const QByteArray request = Request().bytes();
        for (qsizetype i = 0; i < request.size(); ++i) {
            const int before = reads;
            raw.send(request.mid(i, 1));
            QVERIFY(QTest::qWaitFor([&] { return reads > before; }, kWaitMs));
        }
        QVERIFY(raw.takeResponseHead().startsWith("HTTP/1.1 101 "));
        QCOMPARE(peer->upgrades, 1);
    }

    void refusalReachesAPeerStillSending()
    {
        // The peer keeps writing after its bad request; it still reads the whole 403.
        m_options.lingerMs = 300;
        RawClient raw(m_server.serverPort());
        raw.send(Request().set("Origin", "http://evil.example").bytes());
        QTimer flood;
        const QByteArray junk(4096, 'x');
        connect(&flood, &QTimer::timeout, &raw, [&raw, &junk] {
            if (raw.socket.state() == QAbstractSocket::ConnectedState) {
                raw.socket.write(junk);
            }
        });
        flood.start(1);
        QVERIFY(raw.waitClosed());
        flood.stop();
        QVERIFY2(raw.received.startsWith("HTTP/1.1 403 "), raw.received.left(80).constData());
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QCOMPARE(peer->refusals, QList<int>{403});
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
    }

    void closingLingersUntilThePeerCloses_data()
    {
        QTest::addColumn<bool>("refusal"); // an HTTP refusal, or our close frame after the upgrade
        QTest::addColumn<bool>("peerCloses");
        QTest::newRow("refusal, peer closes") << true << true;
        QTest::newRow("refusal, peer stays") << true << false;
        QTest::newRow("close frame, peer closes") << false << true;
        QTest::newRow("close frame, peer stays") << false << false;
    }

    void closingLingersUntilThePeerCloses()
    {
        // Our side half-closes and reads (and drops) what the peer still sends, so the kernel
        // never answers the peer's bytes with a reset that could destroy our last response. The
        // connection ends when the peer closes, or after lingerMs. A plain POSIX socket is the
        // peer here: QTcpSocket closes by itself when it reads the end of the stream.
        QFETCH(bool, refusal);
        QFETCH(bool, peerCloses);
        m_options.lingerMs = 600;
        PosixClient peerEnd(m_server.serverPort());
        QVERIFY(peerEnd.fd >= 0);
        QVERIFY(peerEnd.sendAll(refusal ? Request().set("Sec-WebSocket-Version", "8").bytes()
                                        : Request().bytes()));
        Peer *peer = nextPeer();
        QVERIFY(peer);
        QVERIFY(QTest::qWaitFor([&] { return peerEnd.pump().contains("\r\n\r\n"); }, kWaitMs));
        if (refusal) {
            QVERIFY(peerEnd.received.startsWith("HTTP/1.1 426 "));
        } else {
            QVERIFY(peerEnd.received.startsWith("HTTP/1.1 101 "));
            peer->socket->close(4002, QStringLiteral("bye"));
        }
        // Our response ends with the end of our stream (a FIN, not a reset)...
        QVERIFY(QTest::qWaitFor([&] { return peerEnd.pump(), peerEnd.eof; }, kWaitMs));
        QVERIFY(!peerEnd.reset);
        if (!refusal) {
            QByteArray rest = peerEnd.received.mid(peerEnd.received.indexOf("\r\n\r\n") + 4);
            const std::optional<ServerFrame> close = takeFrame(rest);
            QVERIFY(close);
            QCOMPARE(int(close->closeCode()), 4002);
        }
        QElapsedTimer sinceClose;
        sinceClose.start();
        // ...while the peer may go on writing for a while: its bytes are drained, the connection stays.
        for (int i = 0; i < 5; ++i) {
            QVERIFY(peerEnd.sendAll(QByteArray(8192, 'z')));
            QTest::qWait(20);
        }
        QCOMPARE(peer->disconnects, 0);
        QCOMPARE(peer->socket->state(), DataSocket::State::Closing);
        if (peerCloses) {
            peerEnd.close();
            QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
            QVERIFY2(sinceClose.elapsed() < 500, QByteArray::number(sinceClose.elapsed()).constData());
        } else {
            QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
            QVERIFY2(sinceClose.elapsed() >= 450, QByteArray::number(sinceClose.elapsed()).constData());
        }
        QCOMPARE(peer->socket->state(), DataSocket::State::Closed);
    }
};

QTEST_GUILESS_MAIN(tst_DataSocketHandshake)
#include "tst_DataSocketHandshake.moc"
