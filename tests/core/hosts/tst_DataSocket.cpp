// DataSocket, the lean server end of host data connections, over real loopback sockets: messages
// and frames once the connection is open. Qt's own QWebSocket plays a conforming client (masked,
// fragmenting, pinging, closing), and a raw QTcpSocket writes hand-made frames for the protocol
// violations a conforming client never produces. Every accepted connection is wrapped in a
// DataSocket that echoes what it receives. The upgrade handshake and the end of the connection
// are in tst_DataSocketHandshake.
#include "DataSocketTestSupport.h"

#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

#include <memory>
#include <optional>

using namespace accel;
using namespace accel::datasockettest;

class tst_DataSocket : public DataSocketFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { initFixture(); }
    void cleanup() { cleanupFixture(); }

    // --- static helpers ---

    void acceptKey_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("accept");
        QTest::newRow("RFC 6455 1.3") << QByteArray(kKey) << QByteArray(kKeyAccept);
        QTest::newRow("Wikipedia WebSocket example")
            << QByteArray("x3JJHMbDL1EzLkh9GBhXDw==") << QByteArray("HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
    }
    void acceptKey()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, accept);
        QCOMPARE(DataSocket::acceptKey(key), accept);
    }

    void applyMask_data()
    {
        QTest::addColumn<int>("sizeBytes");
        QTest::addColumn<int>("offset");
        for (int size = 0; size <= 40; ++size) {
            QTest::addRow("%d bytes", size) << size << 0;
            QTest::addRow("%d bytes, unaligned", size) << size << 3;
        }
        QTest::newRow("65537 bytes") << 65537 << 0;
        QTest::newRow("1 MiB + 7 bytes, unaligned") << (1024 * 1024 + 7) << 1;
    }
    void applyMask()
    {
        QFETCH(int, sizeBytes);
        QFETCH(int, offset);
        const QByteArray plain = binaryPayload(sizeBytes);
        const char keys[][4] = {{'\x37', '\xfa', '\x21', '\x3d'}, {'\xff', '\x80', '\x00', '\x7f'}};
        for (const auto &key : keys) {
            QByteArray buffer = QByteArray(offset, 'p') + plain;
            DataSocket::applyMask(buffer.data() + offset, sizeBytes, key);
            QCOMPARE(buffer.left(offset), QByteArray(offset, 'p'));
            QCOMPARE(buffer.mid(offset), maskedReference(plain, key));
            DataSocket::applyMask(buffer.data() + offset, sizeBytes, key);
            QCOMPARE(buffer.mid(offset), plain);
        }
    }

    // --- a conforming client: Qt's QWebSocket ---

    void echoesMessages_data()
    {
        QTest::addColumn<bool>("text");
        QTest::addColumn<int>("sizeBytes");
        for (const int size : {0, 1, 125, 126, 65535, 65536, int(kMaxMessageBytes)}) {
            QTest::addRow("text %d", size) << true << size;
            QTest::addRow("binary %d", size) << false << size;
        }
    }
    void echoesMessages()
    {
        QFETCH(bool, text);
        QFETCH(int, sizeBytes);
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer, QStringLiteral("/data/x?host=h%201&key=abc")));
        QCOMPARE(peer->socket->state(), DataSocket::State::Open);
        QCOMPARE(peer->socket->requestUrl().path(), QStringLiteral("/data/x"));
        const QUrlQuery query(peer->socket->requestUrl());
        QCOMPARE(query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded), QStringLiteral("h 1"));
        QCOMPARE(query.queryItemValue(QStringLiteral("key")), QStringLiteral("abc"));
        QCOMPARE(peer->socket->origin(), QString::fromLatin1(kOrigin));

        if (text) {
            const QByteArray payload = utf8Payload(sizeBytes);
            QSignalSpy echoed(&client, &QWebSocket::textMessageReceived);
            client.sendTextMessage(QString::fromUtf8(payload));
            QVERIFY(echoed.wait(kWaitMs));
            QCOMPARE(peer->texts, QList<QByteArray>{payload});
            QCOMPARE(echoed.at(0).at(0).toString().toUtf8(), payload);
        } else {
            const QByteArray payload = binaryPayload(sizeBytes);
            QSignalSpy echoed(&client, &QWebSocket::binaryMessageReceived);
            client.sendBinaryMessage(payload);
            QVERIFY(echoed.wait(kWaitMs));
            QCOMPARE(peer->binaries, QList<QByteArray>{payload});
            QCOMPARE(echoed.at(0).at(0).toByteArray(), payload);
        }
        QCOMPARE(peer->socket->bytesReceived(), qint64(sizeBytes));
        QCOMPARE(peer->socket->bytesSent(), qint64(sizeBytes));
        QVERIFY(peer->protocolErrors.isEmpty());
    }

    void reassemblesFragmentedMessages_data()
    {
        QTest::addColumn<int>("frameBytes");
        QTest::newRow("1-byte frames") << 1;
        QTest::newRow("7-byte frames") << 7;
        QTest::newRow("125-byte frames") << 125;
        QTest::newRow("126-byte frames") << 126;
        QTest::newRow("4000-byte frames") << 4000;
    }
    void reassemblesFragmentedMessages()
    {
        QFETCH(int, frameBytes);
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer));
        client.setOutgoingFrameSize(quint64(frameBytes));
        // Fragment boundaries fall inside multi-byte characters: UTF-8 is checked per message.
        const QByteArray text = utf8Payload(frameBytes == 1 ? 600 : 20000);
        const QByteArray binary = binaryPayload(frameBytes == 1 ? 700 : 30001);
        QSignalSpy echoedText(&client, &QWebSocket::textMessageReceived);
        QSignalSpy echoedBinary(&client, &QWebSocket::binaryMessageReceived);
        client.sendTextMessage(QString::fromUtf8(text));
        client.sendBinaryMessage(binary);
        client.sendTextMessage(QString::fromUtf8(text.left(6)));
        QTRY_COMPARE_WITH_TIMEOUT(echoedText.size() + echoedBinary.size(), 3, kWaitMs);
        QCOMPARE(peer->texts, (QList<QByteArray>{text, text.left(6)}));
        QCOMPARE(peer->binaries, QList<QByteArray>{binary});
        QCOMPARE(echoedText.at(0).at(0).toString().toUtf8(), text);
        QCOMPARE(echoedText.at(1).at(0).toString().toUtf8(), text.left(6));
        QCOMPARE(echoedBinary.at(0).at(0).toByteArray(), binary);
        QCOMPARE(peer->socket->bytesReceived(), qint64(text.size() + binary.size() + 6));
        QVERIFY(peer->protocolErrors.isEmpty());
    }

    void answersPing_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("short") << QByteArray("ping-1");
        QTest::newRow("125 bytes") << binaryPayload(125);
    }
    void answersPing()
    {
        QFETCH(QByteArray, payload);
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer));
        QSignalSpy pong(&client, &QWebSocket::pong);
        client.ping(payload);
        QVERIFY(pong.wait(kWaitMs));
        QCOMPARE(pong.at(0).at(1).toByteArray(), payload);
        // Control frames are not messages: they are neither delivered nor counted.
        QCOMPARE(peer->messages(), 0);
        QCOMPARE(peer->socket->bytesReceived(), qint64(0));
        QCOMPARE(peer->socket->bytesSent(), qint64(0));
    }

    void clientCloses()
    {
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer));
        QSignalSpy clientGone(&client, &QWebSocket::disconnected);
        client.close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("client done \u00e9"));
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->socket->closeCode(), quint16(4001));
        QCOMPARE(peer->socket->closeReason(), QStringLiteral("client done \u00e9"));
        QCOMPARE(peer->socket->state(), DataSocket::State::Closed);
        QVERIFY(peer->protocolErrors.isEmpty());
        QVERIFY(clientGone.size() == 1 || clientGone.wait(kWaitMs));
        // The server echoed the code (RFC 6455 5.5.1).
        QCOMPARE(int(client.closeCode()), 4001);
        QVERIFY(!peer->socket->sendText("late"));
        QVERIFY(!peer->socket->sendBinary("late"));
        QCOMPARE(peer->socket->bytesSent(), qint64(0));
    }

    void serverCloses_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("expected");
        QTest::newRow("short") << QStringLiteral("bye") << QStringLiteral("bye");
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("exactly 123 bytes") << QString(123, u'r') << QString(123, u'r');
        QTest::newRow("ascii cut") << QString(200, u'r') << QString(123, u'r');
        // Reasons are cut on a character boundary to fit a control frame with the code.
        QTest::newRow("2-byte chars cut") << QString(100, u'\u00e9') << QString(61, u'\u00e9');
        QTest::newRow("odd 2-byte chars cut") << (QStringLiteral("a") + QString(100, u'\u00e9'))
                                              << (QStringLiteral("a") + QString(61, u'\u00e9'));
        QTest::newRow("3-byte chars cut") << QString(50, u'\u20ac') << QString(41, u'\u20ac');
        QString emoji;
        for (int i = 0; i < 40; ++i) {
            emoji += QStringLiteral("\U0001F600");
        }
        QTest::newRow("4-byte chars cut") << emoji << emoji.left(2 * 30);
    }
    void serverCloses()
    {
        QFETCH(QString, reason);
        QFETCH(QString, expected);
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer));
        QSignalSpy clientGone(&client, &QWebSocket::disconnected);
        peer->socket->close(4002, reason);
        QVERIFY(peer->socket->state() == DataSocket::State::Closing ||
                peer->socket->state() == DataSocket::State::Closed);
        QVERIFY(!peer->socket->sendText("after close"));
        QVERIFY(clientGone.wait(kWaitMs));
        QCOMPARE(int(client.closeCode()), 4002);
        QVERIFY(client.closeReason().toUtf8().size() <= 123);
        QCOMPARE(client.closeReason(), expected);
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->socket->closeCode(), quint16(4002));
        QCOMPARE(peer->socket->closeReason(), reason);
        QVERIFY(peer->protocolErrors.isEmpty());
    }

    void countsPayloadBytes()
    {
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer));
        peer->echo = false;
        QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
        QSignalSpy binaries(&client, &QWebSocket::binaryMessageReceived);
        client.sendTextMessage(QStringLiteral("hello"));             // 5
        client.sendBinaryMessage(binaryPayload(70000));              // 70000
        client.sendTextMessage(QString::fromUtf8(utf8Payload(300))); // 300
        client.ping("not counted");
        QTRY_COMPARE_WITH_TIMEOUT(peer->messages(), 3, kWaitMs);
        QCOMPARE(peer->socket->bytesReceived(), qint64(70305));
        QCOMPARE(peer->socket->bytesSent(), qint64(0));
        QVERIFY(peer->socket->sendText("abc"));
        QVERIFY(peer->socket->sendBinary(binaryPayload(200)));
        QVERIFY(peer->socket->sendBinary(QByteArray()));
        QTRY_COMPARE_WITH_TIMEOUT(texts.size() + binaries.size(), 3, kWaitMs);
        QCOMPARE(peer->socket->bytesSent(), qint64(203));
        QCOMPARE(peer->socket->bytesReceived(), qint64(70305));
    }

    void clientVanishes()
    {
        QWebSocket client;
        Peer *peer = nullptr;
        QVERIFY(openClient(client, &peer));
        client.abort();
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->socket->closeCode(), quint16(1006));
        QCOMPARE(peer->socket->state(), DataSocket::State::Closed);
        QVERIFY(peer->protocolErrors.isEmpty());
    }

    // --- frames, by hand ---

    void protocolViolations_data()
    {
        QTest::addColumn<QByteArray>("frames");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<int>("delivered"); // valid messages before the violation

        QTest::newRow("unmasked frame") << clientFrame(Fin | OpText, "hi", false) << 1002 << 0;
        QTest::newRow("unmasked after a valid one")
            << clientFrame(Fin | OpText, "ok") + clientFrame(Fin | OpBinary, "hi", false) << 1002 << 1;
        QTest::newRow("RSV1") << clientFrame(Fin | 0x40 | OpText, "hi") << 1002 << 0;
        QTest::newRow("RSV2") << clientFrame(Fin | 0x20 | OpBinary, "hi") << 1002 << 0;
        QTest::newRow("RSV3 on a ping") << clientFrame(Fin | 0x10 | OpPing, "hi") << 1002 << 0;
        QTest::newRow("opcode 3") << clientFrame(Fin | 0x3, "hi") << 1002 << 0;
        QTest::newRow("opcode 7") << clientFrame(Fin | 0x7, "hi") << 1002 << 0;
        QTest::newRow("opcode 0xB") << clientFrame(Fin | 0xB, "hi") << 1002 << 0;
        QTest::newRow("opcode 0xF") << clientFrame(Fin | 0xF, "") << 1002 << 0;
        QTest::newRow("continuation without a message") << clientFrame(Fin | 0x0, "hi") << 1002 << 0;
        QTest::newRow("continuation after a finished message")
            << clientFrame(Fin | OpText, "ok") + clientFrame(Fin | 0x0, "hi") << 1002 << 1;
        QTest::newRow("new message inside a fragmented one")
            << clientFrame(OpText, "ab") + clientFrame(Fin | OpText, "cd") << 1002 << 0;
        QTest::newRow("new binary inside a fragmented text")
            << clientFrame(OpText, "ab") + clientFrame(OpBinary, "cd") << 1002 << 0;
        QTest::newRow("126-byte ping") << clientFrame(Fin | OpPing, QByteArray(126, 'p')) << 1002 << 0;
        QTest::newRow("126-byte close")
            << clientFrame(Fin | OpClose, closePayload(1000, QByteArray(124, 'r'))) << 1002 << 0;
        QTest::newRow("fragmented ping") << clientFrame(OpPing, "p") << 1002 << 0;
        QTest::newRow("fragmented pong") << clientFrame(OpPong, "p") << 1002 << 0;
        QTest::newRow("length with the top bit")
            << clientFrame(Fin | OpBinary, "", true, quint64(1) << 63) << 1002 << 0;
        // The size is judged from the header: the payload is never sent.
        QTest::newRow("message over the limit")
            << clientFrame(Fin | OpBinary, "", true, quint64(kMaxMessageBytes) + 1) << 1009 << 0;
        QTest::newRow("text over the limit")
            << clientFrame(Fin | OpText, "", true, quint64(1) << 40) << 1009 << 0;
        QTest::newRow("fragments over the limit")
            << clientFrame(OpBinary, binaryPayload(65535)) +
                   clientFrame(Fin | 0x0, "", true, quint64(kMaxMessageBytes) - 65535 + 1)
            << 1009 << 0;
        QTest::newRow("invalid UTF-8 byte") << clientFrame(Fin | OpText, "ok\xff") << 1007 << 0;
        QTest::newRow("lone continuation byte") << clientFrame(Fin | OpText, "\x80") << 1007 << 0;
        QTest::newRow("overlong encoding") << clientFrame(Fin | OpText, "\xc0\xaf") << 1007 << 0;
        QTest::newRow("UTF-16 surrogate") << clientFrame(Fin | OpText, "\xed\xa0\x80") << 1007 << 0;
        QTest::newRow("beyond U+10FFFF") << clientFrame(Fin | OpText, "\xf4\x90\x80\x80") << 1007 << 0;
        QTest::newRow("truncated 3-byte character") << clientFrame(Fin | OpText, "ok\xe2\x82") << 1007 << 0;
        QTest::newRow("truncated 4-byte character")
            << clientFrame(OpText, "ok") + clientFrame(Fin | 0x0, "\xf0\x9f\x98") << 1007 << 0;
        QTest::newRow("close with a 1-byte payload") << clientFrame(Fin | OpClose, "\x03") << 1002 << 0;
        QTest::newRow("close code 999") << clientFrame(Fin | OpClose, closePayload(999)) << 1002 << 0;
        QTest::newRow("close code 1004") << clientFrame(Fin | OpClose, closePayload(1004)) << 1002 << 0;
        QTest::newRow("close code 1005") << clientFrame(Fin | OpClose, closePayload(1005)) << 1002 << 0;
        QTest::newRow("close code 1006") << clientFrame(Fin | OpClose, closePayload(1006)) << 1002 << 0;
        QTest::newRow("close code 1015") << clientFrame(Fin | OpClose, closePayload(1015)) << 1002 << 0;
        QTest::newRow("close code 2999") << clientFrame(Fin | OpClose, closePayload(2999)) << 1002 << 0;
        QTest::newRow("close code 5000") << clientFrame(Fin | OpClose, closePayload(5000)) << 1002 << 0;
        QTest::newRow("close reason not UTF-8")
            << clientFrame(Fin | OpClose, closePayload(1000, "bad\xff")) << 1002 << 0;
    }
    void protocolViolations()
    {
        QFETCH(QByteArray, frames);
        QFETCH(int, closeCode);
        QFETCH(int, delivered);
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        peer->echo = false;
        // Nothing after the violation is parsed: the trailing valid message is never delivered.
        raw->send(frames + clientFrame(Fin | OpText, "after"));
        const std::optional<ServerFrame> frame = raw->nextFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(OpClose));
        QVERIFY(frame->fin);
        QVERIFY(!frame->masked);
        QCOMPARE(int(frame->closeCode()), closeCode);
        QVERIFY(strictUtf8(frame->payload.mid(2)));
        QTRY_COMPARE_WITH_TIMEOUT(peer->protocolErrors, QList<int>{closeCode}, kWaitMs);
        QCOMPARE(int(peer->socket->closeCode()), closeCode);
        QCOMPARE(peer->messages(), delivered);
        QVERIFY(!peer->texts.contains("after"));
        QVERIFY(raw->waitClosed());
        QVERIFY2(raw->received.isEmpty(), raw->received.toHex().constData()); // one close frame, no more
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->socket->state(), DataSocket::State::Closed);
        QCOMPARE(peer->messages(), delivered);
    }

    void validFrames_data()
    {
        QTest::addColumn<QByteArray>("frames");
        QTest::addColumn<QList<QByteArray>>("texts");
        QTest::addColumn<QList<QByteArray>>("binaries");
        QTest::addColumn<QList<QByteArray>>("pongs");

        QTest::newRow("empty text") << clientFrame(Fin | OpText, "") << QList<QByteArray>{""}
                                    << QList<QByteArray>{} << QList<QByteArray>{};
        QTest::newRow("character split across fragments")
            << clientFrame(OpText, "\xe2\x82") + clientFrame(Fin | 0x0, "\xac")
            << QList<QByteArray>{"\xe2\x82\xac"} << QList<QByteArray>{} << QList<QByteArray>{};
        QTest::newRow("empty fragments")
            << clientFrame(OpBinary, "") + clientFrame(0x0, "ab") + clientFrame(0x0, "") +
                   clientFrame(Fin | 0x0, "")
            << QList<QByteArray>{} << QList<QByteArray>{"ab"} << QList<QByteArray>{};
        QTest::newRow("ping and pong inside a fragmented message")
            << clientFrame(OpText, "hel") + clientFrame(Fin | OpPing, "p1") + clientFrame(Fin | OpPong, "x") +
                   clientFrame(Fin | 0x0, "lo")
            << QList<QByteArray>{"hello"} << QList<QByteArray>{} << QList<QByteArray>{"p1"};
        QTest::newRow("16-bit length holding a short payload")
            << QByteArray::fromHex("82fe0003") + QByteArray(kMaskKey, 4) + maskedReference("abc", kMaskKey)
            << QList<QByteArray>{} << QList<QByteArray>{"abc"} << QList<QByteArray>{};
        QTest::newRow("64-bit length")
            << clientFrame(Fin | OpBinary, binaryPayload(70000)) << QList<QByteArray>{}
            << QList<QByteArray>{binaryPayload(70000)} << QList<QByteArray>{};
        QTest::newRow("exactly the limit in fragments")
            << clientFrame(OpBinary, binaryPayload(kMaxMessageBytes).left(1000)) +
                   clientFrame(Fin | 0x0, binaryPayload(kMaxMessageBytes).mid(1000))
            << QList<QByteArray>{} << QList<QByteArray>{binaryPayload(kMaxMessageBytes)}
            << QList<QByteArray>{};
        QTest::newRow("BOM is just a character")
            << clientFrame(Fin | OpText, "\xef\xbb\xbfx") << QList<QByteArray>{"\xef\xbb\xbfx"}
            << QList<QByteArray>{} << QList<QByteArray>{};
    }
    void validFrames()
    {
        QFETCH(QByteArray, frames);
        QFETCH(QList<QByteArray>, texts);
        QFETCH(QList<QByteArray>, binaries);
        QFETCH(QList<QByteArray>, pongs);
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        peer->echo = false;
        raw->send(frames + clientFrame(Fin | OpBinary, "end"));
        QTRY_COMPARE_WITH_TIMEOUT(peer->messages(), int(texts.size() + binaries.size()) + 1, kWaitMs);
        QCOMPARE(peer->texts, texts);
        QCOMPARE(peer->binaries, binaries + QList<QByteArray>{"end"});
        QVERIFY(peer->protocolErrors.isEmpty());
        for (const QByteArray &pong : pongs) {
            const std::optional<ServerFrame> frame = raw->nextFrame();
            QVERIFY(frame);
            QCOMPARE(frame->opcode, quint8(OpPong));
            QVERIFY(frame->fin);
            QVERIFY(!frame->masked);
            QCOMPARE(frame->payload, pong);
        }
        QVERIFY(raw->received.isEmpty());
        QCOMPARE(peer->socket->state(), DataSocket::State::Open);
    }

    void closeHandshake_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QByteArray>("echoed"); // the payload of the server's close frame
        QTest::newRow("no code") << QByteArray() << 1005 << QString() << QByteArray();
        QTest::newRow("1000") << closePayload(1000) << 1000 << QString() << closePayload(1000);
        QTest::newRow("1001 with reason") << closePayload(1001, "going \xc3\xa9") << 1001
                                          << QStringLiteral("going \u00e9") << closePayload(1001);
        QTest::newRow("1011") << closePayload(1011) << 1011 << QString() << closePayload(1011);
        QTest::newRow("3000") << closePayload(3000) << 3000 << QString() << closePayload(3000);
        QTest::newRow("4999") << closePayload(4999, "x") << 4999 << QStringLiteral("x") << closePayload(4999);
    }
    void closeHandshake()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(QByteArray, echoed);
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        // Data after the close frame is not delivered.
        raw->send(clientFrame(Fin | OpClose, payload) + clientFrame(Fin | OpText, "after"));
        const std::optional<ServerFrame> frame = raw->nextFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(OpClose));
        QCOMPARE(frame->payload, echoed);
        QVERIFY(raw->waitClosed());
        QVERIFY(raw->received.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(int(peer->socket->closeCode()), code);
        QCOMPARE(peer->socket->closeReason(), reason);
        QVERIFY(peer->protocolErrors.isEmpty());
        QCOMPARE(peer->messages(), 0);
    }

    void serverCloseIsAnsweredByTheClient()
    {
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        peer->socket->close(4002, QStringLiteral("bye"));
        const std::optional<ServerFrame> frame = raw->nextFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(OpClose));
        QCOMPARE(frame->payload, closePayload(4002, "bye"));
        // The client's answering close (with another code) does not change the first code.
        raw->send(clientFrame(Fin | OpClose, closePayload(1000)));
        QVERIFY(raw->waitClosed());
        QTRY_COMPARE_WITH_TIMEOUT(peer->disconnects, 1, kWaitMs);
        QCOMPARE(peer->socket->closeCode(), quint16(4002));
        QCOMPARE(peer->socket->closeReason(), QStringLiteral("bye"));
        QVERIFY(peer->protocolErrors.isEmpty());
        QVERIFY(raw->received.isEmpty());
    }

    void reassemblesByteByByte()
    {
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        auto *serverTcp = peer->socket->findChild<QTcpSocket *>();
        QVERIFY(serverTcp);
        int reads = 0;
        connect(serverTcp, &QTcpSocket::readyRead, this, [&reads] { ++reads; });
        const QByteArray text = utf8Payload(300);
        const QByteArray binary = binaryPayload(66000);
        const QByteArray small = clientFrame(OpText, text.left(140)) + clientFrame(Fin | OpPing, "pp") +
                                 clientFrame(Fin | 0x0, text.mid(140));
        const QByteArray bytes = small + clientFrame(Fin | OpBinary, binary);
        // One byte per write through the small frames and the start of the large one (its 64-bit
        // length and mask key), each read by the server before the next is written; the rest of
        // the large payload in odd-sized pieces to keep the test fast.
        const qsizetype byteByByte = small.size() + 200;
        for (qsizetype i = 0; i < bytes.size();) {
            const qsizetype n = i < byteByByte ? 1 : qMin<qsizetype>(997, bytes.size() - i);
            const int before = reads;
            raw->send(bytes.mid(i, n));
            QVERIFY2(QTest::qWaitFor([&] { return reads > before; }, kWaitMs),
                     QByteArray::number(i).constData());
            i += n;
        }
        QTRY_COMPARE_WITH_TIMEOUT(peer->messages(), 2, kWaitMs);
        QCOMPARE(peer->texts, QList<QByteArray>{text});
        QCOMPARE(peer->binaries, QList<QByteArray>{binary});
        QVERIFY(peer->protocolErrors.isEmpty());
        const std::optional<ServerFrame> pong = raw->nextFrame();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, quint8(OpPong));
        QCOMPARE(pong->payload, QByteArray("pp"));
        const std::optional<ServerFrame> echoed = raw->nextFrame();
        QVERIFY(echoed);
        QCOMPARE(echoed->opcode, quint8(OpText));
        QCOMPARE(echoed->payload, text);
    }

    void refusedTextIsNotCounted()
    {
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        peer->echo = false;
        raw->send(clientFrame(Fin | OpText, "fine") + clientFrame(Fin | OpText, "bad \xff"));
        QTRY_COMPARE_WITH_TIMEOUT(peer->protocolErrors, QList<int>{1007}, kWaitMs);
        QCOMPARE(peer->texts, QList<QByteArray>{"fine"});
        QCOMPARE(peer->socket->bytesReceived(), qint64(4));
    }

    void unsendableCloseCodeBecomes1011_data()
    {
        QTest::addColumn<int>("code");
        QTest::newRow("1005 no status") << 1005;
        QTest::newRow("1006 abnormal") << 1006;
        QTest::newRow("1015 TLS") << 1015;
        QTest::newRow("999") << 999;
    }

    void unsendableCloseCodeBecomes1011()
    {
        QFETCH(int, code);
        std::unique_ptr<RawClient> raw;
        Peer *peer = nullptr;
        QVERIFY(openRaw(raw, &peer));
        peer->socket->close(quint16(code), QStringLiteral("x"));
        const std::optional<ServerFrame> close = raw->nextFrame();
        QVERIFY(close);
        QCOMPARE(int(close->closeCode()), 1011);
        QCOMPARE(int(peer->socket->closeCode()), 1011);
    }
};

QTEST_GUILESS_MAIN(tst_DataSocket)
#include "tst_DataSocket.moc"
