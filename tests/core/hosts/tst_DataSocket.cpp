// DataSocket, the lean server end of host data connections, over real loopback sockets: Qt's own
// QWebSocket plays a conforming client (masked, fragmenting, pinging, closing), and a raw
// QTcpSocket writes hand-made HTTP and frames for the refusals and protocol violations a
// conforming client never produces. Every accepted connection is wrapped in a DataSocket that
// echoes what it receives.
#include "hosts/DataSocket.h"

#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QtEndian>

#include <memory>
#include <optional>
#include <vector>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace accel;

namespace {

constexpr qint64 kMaxMessageBytes = 1024 * 1024;
constexpr int kHandshakeTimeoutMs = 300;
constexpr int kMaxHandshakeBytes = 2048;
constexpr int kWaitMs = 5000;
constexpr char kOrigin[] = "http://127.0.0.1:1234";
// RFC 6455 section 1.3: this key is answered with "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
constexpr char kKey[] = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr char kKeyAccept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
// The masking key of RFC 6455 section 5.7's examples.
constexpr char kMaskKey[4] = {'\x37', '\xfa', '\x21', '\x3d'};

enum : quint8 { OpText = 0x1, OpBinary = 0x2, OpClose = 0x8, OpPing = 0x9, OpPong = 0xA, Fin = 0x80 };

// The byte-wise masking of RFC 6455 section 5.3, the reference for DataSocket::applyMask.
QByteArray maskedReference(QByteArray data, const char key[4])
{
    for (qsizetype i = 0; i < data.size(); ++i) {
        data[i] = char(data[i] ^ key[i % 4]);
    }
    return data;
}

// A client frame. `first` is the FIN/RSV/opcode byte. The payload is masked with kMaskKey unless
// `masked` is false; `declaredLength` replaces the length field (the payload is sent as given).
QByteArray clientFrame(quint8 first, const QByteArray &payload, bool masked = true,
                       std::optional<quint64> declaredLength = std::nullopt)
{
    const quint64 length = declaredLength.value_or(quint64(payload.size()));
    const char maskBit = masked ? char(0x80) : char(0);
    QByteArray frame(1, char(first));
    if (length < 126) {
        frame.append(char(maskBit | char(length)));
    } else if (length <= 0xFFFF) {
        char bytes[2];
        qToBigEndian<quint16>(quint16(length), bytes);
        frame.append(char(maskBit | 126)).append(bytes, 2);
    } else {
        char bytes[8];
        qToBigEndian<quint64>(length, bytes);
        frame.append(char(maskBit | 127)).append(bytes, 8);
    }
    if (masked) {
        frame.append(kMaskKey, 4).append(maskedReference(payload, kMaskKey));
    } else {
        frame.append(payload);
    }
    return frame;
}

QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian<quint16>(code, payload.data());
    return payload + reason;
}

// A frame as the server sent it.
struct ServerFrame
{
    bool fin = false;
    quint8 rsv = 0;
    quint8 opcode = 0;
    bool masked = false;
    QByteArray payload;

    quint16 closeCode() const
    {
        return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 0;
    }
};

// Takes one complete frame off the front of `buffer`; nullopt while it is incomplete.
std::optional<ServerFrame> takeFrame(QByteArray &buffer)
{
    if (buffer.size() < 2) {
        return std::nullopt;
    }
    const auto *bytes = reinterpret_cast<const uchar *>(buffer.constData());
    ServerFrame frame;
    frame.fin = bytes[0] & 0x80;
    frame.rsv = bytes[0] & 0x70;
    frame.opcode = bytes[0] & 0x0F;
    frame.masked = bytes[1] & 0x80;
    qsizetype offset = 2;
    quint64 length = bytes[1] & 0x7F;
    if (length == 126) {
        if (buffer.size() < 4) {
            return std::nullopt;
        }
        length = qFromBigEndian<quint16>(bytes + 2);
        offset = 4;
    } else if (length == 127) {
        if (buffer.size() < 10) {
            return std::nullopt;
        }
        length = qFromBigEndian<quint64>(bytes + 2);
        offset = 10;
    }
    QByteArray key;
    if (frame.masked) {
        key = buffer.mid(offset, 4);
        offset += 4;
    }
    if (quint64(buffer.size() - offset) < length) {
        return std::nullopt;
    }
    frame.payload = buffer.mid(offset, qsizetype(length));
    if (frame.masked && key.size() == 4) {
        frame.payload = maskedReference(frame.payload, key.constData());
    }
    buffer.remove(0, offset + qsizetype(length));
    return frame;
}

// A hand-made upgrade request: the request line parts and the headers in order.
struct Request
{
    QByteArray method = "GET";
    QByteArray target = "/data?host=h1&key=k1";
    QByteArray httpVersion = "HTTP/1.1";
    QList<QPair<QByteArray, QByteArray>> headers = {
        {"Host", "127.0.0.1"},           {"Upgrade", "websocket"},    {"Connection", "Upgrade"},
        {"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Key", kKey}, {"Origin", kOrigin}};

    // Replaces the header `name` (or adds it); a null value removes it.
    Request &set(const QByteArray &name, const QByteArray &value)
    {
        for (qsizetype i = 0; i < headers.size(); ++i) {
            if (headers.at(i).first == name) {
                if (value.isNull()) {
                    headers.removeAt(i);
                } else {
                    headers[i].second = value;
                }
                return *this;
            }
        }
        if (!value.isNull()) {
            headers.append({name, value});
        }
        return *this;
    }
    QByteArray bytes() const
    {
        QByteArray out = method + ' ' + target + ' ' + httpVersion + "\r\n";
        for (const auto &[name, value] : headers) {
            out += name + ": " + value + "\r\n";
        }
        return out + "\r\n";
    }
};

// Valid UTF-8 of exactly `sizeBytes` bytes with 1- to 4-byte characters.
QByteArray utf8Payload(qsizetype sizeBytes)
{
    static const QByteArray pieces[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "z"};
    QByteArray out;
    out.reserve(sizeBytes);
    for (int i = 0; out.size() < sizeBytes; ++i) {
        const QByteArray &piece = pieces[i % 5];
        out += out.size() + piece.size() <= sizeBytes ? piece : QByteArray("x");
    }
    return out;
}

QByteArray binaryPayload(qsizetype sizeBytes)
{
    QByteArray out(sizeBytes, Qt::Uninitialized);
    quint32 state = 0x9e3779b9u ^ quint32(sizeBytes);
    for (qsizetype i = 0; i < sizeBytes; ++i) {
        state = state * 1664525u + 1013904223u;
        out[i] = char(state >> 24);
    }
    return out;
}

bool strictUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    return !text.isNull() && !decoder.hasError();
}

// One accepted connection: its DataSocket (which echoes every message) and what it emitted.
class Peer : public QObject
{
public:
    Peer(QTcpSocket *tcp, const DataSocket::Options &options)
        : socket(new DataSocket(tcp, options, this))
    {
        connect(socket, &DataSocket::upgraded, this, [this] { ++upgrades; });
        connect(socket, &DataSocket::handshakeFailed, this,
                [this](int status, const QString &) { refusals.append(status); });
        connect(socket, &DataSocket::textReceived, this, [this](const QByteArray &utf8) {
            texts.append(utf8);
            if (echo) {
                socket->sendText(utf8);
            }
        });
        connect(socket, &DataSocket::binaryReceived, this, [this](const QByteArray &payload) {
            binaries.append(payload);
            if (echo) {
                socket->sendBinary(payload);
            }
        });
        connect(socket, &DataSocket::protocolError, this,
                [this](quint16 code, const QString &) { protocolErrors.append(code); });
        connect(socket, &DataSocket::disconnected, this, [this] { ++disconnects; });
    }
    int messages() const { return int(texts.size() + binaries.size()); }

    DataSocket *socket;
    bool echo = true;
    int upgrades = 0;
    QList<int> refusals;
    QList<QByteArray> texts;
    QList<QByteArray> binaries;
    QList<int> protocolErrors;
    int disconnects = 0;
};

// The raw end: keeps everything the server wrote.
class RawClient : public QObject
{
public:
    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    void send(const QByteArray &bytes)
    {
        if (!QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs)) {
            qWarning("the raw client did not connect");
        }
        socket.write(bytes);
        socket.flush();
    }
    // The response head (status line and headers, without the blank line); empty on timeout.
    QByteArray takeResponseHead()
    {
        if (!QTest::qWaitFor([this] { return received.contains("\r\n\r\n"); }, kWaitMs)) {
            return {};
        }
        const qsizetype end = received.indexOf("\r\n\r\n");
        const QByteArray head = received.left(end);
        received.remove(0, end + 4);
        return head;
    }
    std::optional<ServerFrame> nextFrame()
    {
        std::optional<ServerFrame> frame;
        const bool done =
            QTest::qWaitFor([&] { return (frame = takeFrame(received)).has_value() || closed; }, kWaitMs);
        if (done && !frame) {
            frame = takeFrame(received); // the last bytes came with the end of the connection
        }
        return frame;
    }
    bool waitClosed()
    {
        return QTest::qWaitFor([this] { return closed; }, kWaitMs);
    }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

// A blocking POSIX client that, unlike QTcpSocket, keeps its socket open after reading the end
// of the stream, so a half-closed server can be observed.
struct PosixClient
{
    explicit PosixClient(quint16 port)
    {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            close();
        }
    }
    ~PosixClient() { close(); }
    bool sendAll(const QByteArray &bytes)
    {
        qsizetype sent = 0;
        while (fd >= 0 && sent < bytes.size()) {
            const ssize_t n = ::send(fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            sent += n;
        }
        return fd >= 0;
    }
    // Reads what arrived without blocking; returns everything received so far.
    const QByteArray &pump()
    {
        char buffer[16384];
        while (fd >= 0 && !eof) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) {
                received.append(buffer, n);
            } else if (n == 0) {
                eof = true;
            } else {
                reset = errno == ECONNRESET;
                eof = reset;
                break;
            }
        }
        return received;
    }
    void close()
    {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }

    int fd = -1;
    QByteArray received;
    bool eof = false;
    bool reset = false;
};

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0) {
            return line.mid(colon + 1).trimmed();
        }
    }
    return {};
}

} // namespace

class tst_DataSocket : public QObject
{
    Q_OBJECT
public:
    tst_DataSocket()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *tcp = m_server.nextPendingConnection()) {
                if (m_wrapLater) {
                    m_unwrapped.append(tcp);
                } else {
                    m_peers.push_back(std::make_unique<Peer>(tcp, m_options));
                }
            }
        });
    }

private:
    // The DataSocket of the next connection not yet returned; nullptr on timeout.
    Peer *nextPeer()
    {
        if (!QTest::qWaitFor([this] { return m_peers.size() > m_peersTaken; }, kWaitMs)) {
            return nullptr;
        }
        return m_peers.at(m_peersTaken++).get();
    }
    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(pathAndQuery));
    }
    // A QWebSocket client, connected with our Origin; false on failure.
    bool openClient(QWebSocket &client, Peer **peer,
                    const QString &pathAndQuery = QStringLiteral("/data?host=h1&key=k1"))
    {
        QNetworkRequest request(url(pathAndQuery));
        request.setRawHeader("Origin", kOrigin);
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(request);
        if (!connected.wait(kWaitMs)) {
            qWarning() << "QWebSocket did not connect:" << client.errorString();
            return false;
        }
        *peer = nextPeer();
        return *peer && QTest::qWaitFor([&] { return (*peer)->upgrades == 1; }, kWaitMs);
    }
    // A raw client after a valid hand-made handshake (the 101 read off); false on failure.
    bool openRaw(std::unique_ptr<RawClient> &raw, Peer **peer)
    {
        raw = std::make_unique<RawClient>(m_server.serverPort());
        raw->send(Request().bytes());
        const QByteArray head = raw->takeResponseHead();
        *peer = nextPeer();
        if (!head.startsWith("HTTP/1.1 101 ") || headerValue(head, "Sec-WebSocket-Accept") != kKeyAccept) {
            qWarning() << "unexpected handshake response:" << head;
            return false;
        }
        return *peer && (*peer)->upgrades == 1;
    }

private Q_SLOTS:
    void init()
    {
        m_options = DataSocket::Options();
        m_options.maxMessageBytes = kMaxMessageBytes;
        m_options.requiredOrigin = QString::fromLatin1(kOrigin);
        m_options.handshakeTimeoutMs = kHandshakeTimeoutMs;
        m_options.maxHandshakeBytes = kMaxHandshakeBytes;
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
    }
    void cleanup()
    {
        m_server.close();
        m_peers.clear();
        m_peersTaken = 0;
        qDeleteAll(m_unwrapped);
        m_unwrapped.clear();
        m_wrapLater = false;
    }

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

private:
    QTcpServer m_server;
    DataSocket::Options m_options;
    std::vector<std::unique_ptr<Peer>> m_peers;
    size_t m_peersTaken = 0;
    // Accepted sockets not wrapped yet (m_wrapLater), owned by m_server until wrapped.
    bool m_wrapLater = false;
    QList<QTcpSocket *> m_unwrapped;
};

QTEST_GUILESS_MAIN(tst_DataSocket)
#include "tst_DataSocket.moc"
