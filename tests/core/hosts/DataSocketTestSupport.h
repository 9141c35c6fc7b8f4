#pragma once
// Shared by tst_DataSocket (messages and frames) and tst_DataSocketHandshake (the upgrade
// handshake and the end of the connection): hand-made client frames and upgrade requests, a parser
// for the server's frames, the raw clients, and a fixture that wraps every connection accepted on
// a loopback QTcpServer in a DataSocket that echoes what it receives.
//
// No class here has Q_OBJECT (only connect() with lambdas), so this header needs no moc.
#include "hosts/DataSocket.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
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

namespace accel::datasockettest {

inline constexpr qint64 kMaxMessageBytes = 1024 * 1024;
inline constexpr int kHandshakeTimeoutMs = 300;
inline constexpr int kMaxHandshakeBytes = 2048;
inline constexpr int kWaitMs = 5000;
inline constexpr char kOrigin[] = "http://127.0.0.1:1234";
// RFC 6455 section 1.3: this key is answered with "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
inline constexpr char kKey[] = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr char kKeyAccept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
// The masking key of RFC 6455 section 5.7's examples.
inline constexpr char kMaskKey[4] = {'\x37', '\xfa', '\x21', '\x3d'};

enum : quint8 { OpText = 0x1, OpBinary = 0x2, OpClose = 0x8, OpPing = 0x9, OpPong = 0xA, Fin = 0x80 };

// The byte-wise masking of RFC 6455 section 5.3, the reference for DataSocket::applyMask.
inline QByteArray maskedReference(QByteArray data, const char key[4])
{
    for (qsizetype i = 0; i < data.size(); ++i) {
        data[i] = char(data[i] ^ key[i % 4]);
    }
    return data;
}

// A client frame. `first` is the FIN/RSV/opcode byte. The payload is masked with kMaskKey unless
// `masked` is false; `declaredLength` replaces the length field (the payload is sent as given).
inline QByteArray clientFrame(quint8 first, const QByteArray &payload, bool masked = true,
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

inline QByteArray closePayload(quint16 code, const QByteArray &reason = {})
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
inline std::optional<ServerFrame> takeFrame(QByteArray &buffer)
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
inline QByteArray utf8Payload(qsizetype sizeBytes)
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

inline QByteArray binaryPayload(qsizetype sizeBytes)
{
    QByteArray out(sizeBytes, Qt::Uninitialized);
    quint32 state = 0x9e3779b9u ^ quint32(sizeBytes);
    for (qsizetype i = 0; i < sizeBytes; ++i) {
        state = state * 1664525u + 1013904223u;
        out[i] = char(state >> 24);
    }
    return out;
}

inline bool strictUtf8(const QByteArray &bytes)
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

inline QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0) {
            return line.mid(colon + 1).trimmed();
        }
    }
    return {};
}

// The server side of the tests: a loopback QTcpServer whose accepted connections become Peers.
// The test classes derive from it and call initFixture() from init() and cleanupFixture() from
// cleanup().
class DataSocketFixture : public QObject
{
protected:
    DataSocketFixture()
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

    void initFixture()
    {
        m_options = DataSocket::Options();
        m_options.maxMessageBytes = kMaxMessageBytes;
        m_options.requiredOrigin = QString::fromLatin1(kOrigin);
        m_options.handshakeTimeoutMs = kHandshakeTimeoutMs;
        m_options.maxHandshakeBytes = kMaxHandshakeBytes;
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
    }
    void cleanupFixture()
    {
        m_server.close();
        m_peers.clear();
        m_peersTaken = 0;
        qDeleteAll(m_unwrapped);
        m_unwrapped.clear();
        m_wrapLater = false;
    }

    QTcpServer m_server;
    DataSocket::Options m_options;
    std::vector<std::unique_ptr<Peer>> m_peers;
    size_t m_peersTaken = 0;
    // Accepted sockets not wrapped yet (m_wrapLater), owned by m_server until wrapped.
    bool m_wrapLater = false;
    QList<QTcpSocket *> m_unwrapped;
};

} // namespace accel::datasockettest
