#include "hosts/DataSocket.h"

#include "common/LogCategories.h"

#include <QCryptographicHash>
#include <QStringDecoder>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <cstring>

#include <sys/socket.h>

namespace accel {

namespace {

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

constexpr quint16 kProtocolError = 1002;
constexpr quint16 kInvalidPayload = 1007;
constexpr quint16 kTooBig = 1009;
constexpr quint16 kNoStatus = 1005;

const char *statusText(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 405:
        return "Method Not Allowed";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

bool validUtf8(const QByteArray &bytes)
{
    // Stateless: a stateful decoder keeps a sequence cut off at the end for the next call
    // instead of reporting it, which let a message ending in half a character through.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(bytes);
    Q_UNUSED(decoded);
    return !decoder.hasError();
}

// Whether a comma-separated header value holds `token` (case-insensitive), as Connection does.
bool hasToken(const QByteArray &value, const char *token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

// Close codes an endpoint may put in a close frame (RFC 6455 section 7.4).
bool validCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

} // namespace

DataSocket::DataSocket(QTcpSocket *socket, Options options, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_options(std::move(options))
    , m_handshakeTimer(new QTimer(this))
    , m_lingerTimer(new QTimer(this))
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_handshakeTimer->setSingleShot(true);
    connect(m_handshakeTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Handshake) {
            refuseHandshake(
                400,
                QStringLiteral("no complete upgrade request within %1 ms").arg(m_options.handshakeTimeoutMs));
        }
    });
    m_handshakeTimer->start(m_options.handshakeTimeoutMs);
    m_lingerTimer->setSingleShot(true);
    m_lingerTimer->setInterval(m_options.lingerMs);
    connect(m_lingerTimer, &QTimer::timeout, this, &DataSocket::abort);
    connect(m_socket, &QTcpSocket::readyRead, this, &DataSocket::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &DataSocket::onDisconnected);
    if (m_socket->bytesAvailable() > 0) {
        QMetaObject::invokeMethod(this, &DataSocket::onReadyRead, Qt::QueuedConnection);
    }
}

DataSocket::~DataSocket()
{
    m_socket->disconnect(this);
    if (m_socket->state() != QAbstractSocket::UnconnectedState) {
        m_socket->abort();
    }
}

void DataSocket::applyMask(char *data, qint64 size, const char key[4])
{
    quint64 key8 = 0;
    char pattern[8];
    for (int i = 0; i < 8; ++i) {
        pattern[i] = key[i & 3];
    }
    std::memcpy(&key8, pattern, 8);
    qint64 i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 v;
        std::memcpy(&v, data + i, 8);
        v ^= key8;
        std::memcpy(data + i, &v, 8);
    }
    for (; i < size; ++i) {
        data[i] = char(data[i] ^ key[i & 3]);
    }
}

QByteArray DataSocket::acceptKey(const QByteArray &clientKey)
{
    return QCryptographicHash::hash(QByteArray(clientKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                    QCryptographicHash::Sha1)
        .toBase64();
}

void DataSocket::onReadyRead()
{
    if (m_state == State::Handshake && !readHandshake()) {
        return;
    }
    while (!m_discardInput && (m_state == State::Open || (m_state == State::Closing && !m_closeReceived))) {
        if (!m_haveHeader && !readFrameHeader()) {
            return;
        }
        if (!readFramePayload()) {
            return;
        }
        finishFrame();
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState &&
        (m_discardInput || m_state == State::Closed || m_state == State::Closing)) {
        m_socket->skip(m_socket->bytesAvailable()); // nothing after a close frame counts
    }
}

bool DataSocket::readHandshake()
{
    const qint64 room = m_options.maxHandshakeBytes - m_request.size();
    m_request += m_socket->read(qMax<qint64>(0, room) + 1);
    const qsizetype end = m_request.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_request.size() > m_options.maxHandshakeBytes) {
            refuseHandshake(431, QStringLiteral("the upgrade request is longer than %1 bytes")
                                     .arg(m_options.maxHandshakeBytes));
        }
        return false;
    }
    if (end + 4 > m_options.maxHandshakeBytes) {
        refuseHandshake(
            431,
            QStringLiteral("the upgrade request is longer than %1 bytes").arg(m_options.maxHandshakeBytes));
        return false;
    }
    // Bytes after the request belong to the first frames (a client may send them at once).
    const QByteArray early = m_request.mid(end + 4);
    const QList<QByteArray> lines = m_request.left(end).split('\n');
    m_request.clear();

    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.1")) {
        refuseHandshake(400, QStringLiteral("malformed request line"));
        return false;
    }
    if (requestLine.at(0) != "GET") {
        refuseHandshake(405, QStringLiteral("a WebSocket upgrade must be a GET"));
        return false;
    }
    QByteArray host, upgrade, connection, version, key, origin;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            refuseHandshake(400, QStringLiteral("malformed header line"));
            return false;
        }
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "host") {
            host = value;
        } else if (name == "upgrade") {
            upgrade = value;
        } else if (name == "connection") {
            connection = value;
        } else if (name == "sec-websocket-version") {
            version = value;
        } else if (name == "sec-websocket-key") {
            key = value;
        } else if (name == "origin") {
            origin = value;
        }
    }
    if (upgrade.compare("websocket", Qt::CaseInsensitive) != 0 || !hasToken(connection, "upgrade")) {
        refuseHandshake(426, QStringLiteral("this port only accepts WebSocket upgrades"));
        return false;
    }
    if (version != "13") {
        refuseHandshake(426, QStringLiteral("Sec-WebSocket-Version must be 13"));
        return false;
    }
    if (host.isEmpty()) {
        refuseHandshake(400, QStringLiteral("the upgrade request has no Host")); // RFC 6455 4.2.1
        return false;
    }
    // Strict base64 (RFC 4648 section 4, padded: 24 characters): the lenient decoder skips
    // characters outside the alphabet, so "AAAA*AAAA..." used to pass.
    const QByteArray::FromBase64Result decodedKey =
        QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 24 || !decodedKey || decodedKey.decoded.size() != 16) {
        refuseHandshake(400, QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64"));
        return false;
    }
    m_origin = QString::fromLatin1(origin);
    if (!m_options.requiredOrigin.isEmpty() && m_origin != m_options.requiredOrigin) {
        refuseHandshake(403, QStringLiteral("origin '%1' is not allowed").arg(m_origin.left(200)));
        return false;
    }
    m_requestUrl = QUrl(QString::fromLatin1(requestLine.at(1)));
    // "//host/path" parses as an authority and a different path: refused, not misread.
    if (!m_requestUrl.isValid() || !m_requestUrl.isRelative() || !requestLine.at(1).startsWith('/') ||
        requestLine.at(1).startsWith("//")) {
        refuseHandshake(400, QStringLiteral("the request target must be a path"));
        return false;
    }
    m_handshakeTimer->stop();
    m_socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: " +
                    acceptKey(key) + "\r\n\r\n");
    m_socket->flush();
    m_state = State::Open;
    Q_EMIT upgraded();
    if (!early.isEmpty() && m_state == State::Open) {
        // RFC 6455 4.1: a client waits for the 101 before it sends frames.
        fail(kProtocolError, QStringLiteral("frames sent before the handshake finished"));
        return false;
    }
    return m_state == State::Open;
}

void DataSocket::refuseHandshake(int status, const QString &reason)
{
    qCWarning(lcHosts).noquote() << "data connection: upgrade refused (" << status << "):" << reason;
    m_handshakeTimer->stop();
    m_state = State::Closing;
    const QByteArray body = reason.toUtf8();
    // RFC 7231 6.5.5: a 405 lists the allowed methods. RFC 7230 6.7 and RFC 6455 4.2.2/4.4: a 426
    // names the protocol to upgrade to (with Connection: upgrade) and the WebSocket version.
    QByteArray extra;
    if (status == 405) {
        extra = "Allow: GET\r\n";
    } else if (status == 426) {
        extra = "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
    }
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + statusText(status) +
                    "\r\nContent-Type: text/plain; charset=utf-8\r\n" + extra +
                    "Connection: " + (status == 426 ? "Upgrade, close" : "close") +
                    "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    m_discardInput = true;
    finishClosing();
    Q_EMIT handshakeFailed(status, reason);
}

bool DataSocket::readFrameHeader()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available < 2) {
        return false;
    }
    uchar head[14];
    m_socket->peek(reinterpret_cast<char *>(head), qMin<qint64>(available, 14));
    const quint8 lengthCode = head[1] & 0x7F;
    const int lengthBytes = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
    const bool masked = head[1] & 0x80;
    const int headerSize = 2 + lengthBytes + (masked ? 4 : 0);
    if (available < headerSize) {
        return false;
    }
    m_socket->skip(headerSize);
    m_fin = head[0] & 0x80;
    m_opcode = head[0] & 0x0F;
    if (head[0] & 0x70) {
        fail(kProtocolError, QStringLiteral("reserved bits set (no extension was negotiated)"));
        return false;
    }
    if (!masked) {
        fail(kProtocolError, QStringLiteral("client frames must be masked"));
        return false;
    }
    quint64 length = lengthCode;
    if (lengthCode == 126) {
        length = qFromBigEndian<quint16>(head + 2);
    } else if (lengthCode == 127) {
        length = qFromBigEndian<quint64>(head + 2);
        if (length >> 63) {
            fail(kProtocolError, QStringLiteral("frame length has its top bit set"));
            return false;
        }
    }
    std::memcpy(m_mask, head + 2 + lengthBytes, 4);

    const bool control = m_opcode & 0x08;
    if (control) {
        if (m_opcode != Close && m_opcode != Ping && m_opcode != Pong) {
            fail(kProtocolError, QStringLiteral("unknown control opcode 0x%1").arg(m_opcode, 0, 16));
            return false;
        }
        if (!m_fin || length > 125) {
            fail(kProtocolError, QStringLiteral("control frames must be unfragmented and at most 125 bytes"));
            return false;
        }
        m_control.resize(qsizetype(length));
        m_frameOffset = 0;
    } else {
        if (m_opcode != Continuation && m_opcode != Text && m_opcode != Binary) {
            fail(kProtocolError, QStringLiteral("unknown data opcode 0x%1").arg(m_opcode, 0, 16));
            return false;
        }
        if (m_opcode == Continuation && !m_inMessage) {
            fail(kProtocolError, QStringLiteral("continuation frame without a message to continue"));
            return false;
        }
        if (m_opcode != Continuation && m_inMessage) {
            fail(kProtocolError, QStringLiteral("new message before the previous one was finished"));
            return false;
        }
        const qint64 before = m_inMessage ? m_message.size() : 0;
        if (length > quint64(m_options.maxMessageBytes - before)) {
            fail(kTooBig, QStringLiteral("message larger than %1 bytes").arg(m_options.maxMessageBytes));
            return false;
        }
        if (!m_inMessage) {
            m_inMessage = true;
            m_messageOpcode = m_opcode;
            m_message = QByteArray(qsizetype(length), Qt::Uninitialized);
        } else {
            m_message.resize(qsizetype(before + qint64(length)));
        }
        m_frameOffset = before;
    }
    m_frameLength = qint64(length);
    m_frameRead = 0;
    m_haveHeader = true;
    return true;
}

bool DataSocket::readFramePayload()
{
    QByteArray &buffer = (m_opcode & 0x08) ? m_control : m_message;
    while (m_frameRead < m_frameLength) {
        const qint64 got =
            m_socket->read(buffer.data() + m_frameOffset + m_frameRead, m_frameLength - m_frameRead);
        if (got <= 0) {
            return false;
        }
        m_frameRead += got;
    }
    applyMask(buffer.data() + m_frameOffset, m_frameLength, m_mask);
    return true;
}

void DataSocket::finishFrame()
{
    m_haveHeader = false;
    if (m_opcode & 0x08) {
        handleControlFrame();
        return;
    }
    if (!m_fin) {
        return;
    }
    m_inMessage = false;
    QByteArray message = std::move(m_message);
    m_message = QByteArray();
    if (m_state != State::Open) {
        return; // after our close frame, data is no longer delivered
    }
    if (m_messageOpcode == Text) {
        if (!validUtf8(message)) {
            fail(kInvalidPayload, QStringLiteral("text message is not valid UTF-8"));
            return;
        }
        m_bytesReceived += message.size();
        Q_EMIT textReceived(message);
    } else {
        m_bytesReceived += message.size();
        Q_EMIT binaryReceived(message);
    }
}

void DataSocket::handleControlFrame()
{
    switch (m_opcode) {
    case Ping:
        if (m_state == State::Open) {
            sendFrame(Pong, m_control.constData(), m_control.size());
        }
        return;
    case Pong:
        return;
    case Close: {
        m_closeReceived = true;
        quint16 code = kNoStatus;
        QString reason;
        if (m_control.size() == 1) {
            fail(kProtocolError, QStringLiteral("close frame with a 1-byte payload"));
            return;
        }
        if (m_control.size() >= 2) {
            code = qFromBigEndian<quint16>(m_control.constData());
            const QByteArray text = m_control.mid(2);
            if (!validCloseCode(code) || !validUtf8(text)) {
                m_closeReceived = false; // answer with our own close frame
                fail(kProtocolError, QStringLiteral("invalid close code %1 or reason").arg(code));
                return;
            }
            reason = QString::fromUtf8(text);
        }
        if (!m_closeSent) {
            m_closeCode = code;
            m_closeReason = reason;
            // Echo the code back, then end the TCP connection (the server closes first).
            QByteArray payload;
            if (code != kNoStatus) {
                payload.resize(2);
                qToBigEndian<quint16>(code, payload.data());
            }
            sendFrame(Close, payload.constData(), payload.size());
            m_closeSent = true;
        }
        m_state = State::Closing;
        finishClosing();
        return;
    }
    default:
        return;
    }
}

void DataSocket::fail(quint16 code, const QString &reason)
{
    qCWarning(lcHosts).noquote() << "data connection: protocol error" << code << reason;
    m_haveHeader = false;
    m_discardInput = true; // the stream is no longer trusted: nothing after this is parsed
    close(code, reason);
    Q_EMIT protocolError(code, reason);
}

bool DataSocket::sendFrame(quint8 opcode, const char *data, qint64 size, bool flush)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        return false;
    }
    uchar head[10];
    int headSize = 2;
    head[0] = uchar(0x80 | opcode);
    if (size < 126) {
        head[1] = uchar(size);
    } else if (size <= 0xFFFF) {
        head[1] = 126;
        qToBigEndian<quint16>(quint16(size), head + 2);
        headSize = 4;
    } else {
        head[1] = 127;
        qToBigEndian<quint64>(quint64(size), head + 2);
        headSize = 10;
    }
    m_socket->write(reinterpret_cast<const char *>(head), headSize);
    if (size > 0) {
        m_socket->write(data, size);
    }
    if (flush) {
        m_socket->flush();
    }
    return true;
}

bool DataSocket::sendText(const QByteArray &utf8, bool flush)
{
    if (m_state != State::Open || !sendFrame(Text, utf8.constData(), utf8.size(), flush)) {
        return false;
    }
    m_bytesSent += utf8.size();
    return true;
}

bool DataSocket::sendBinary(const QByteArray &payload, bool flush)
{
    if (m_state != State::Open || !sendFrame(Binary, payload.constData(), payload.size(), flush)) {
        return false;
    }
    m_bytesSent += payload.size();
    return true;
}

void DataSocket::close(quint16 code, const QString &reason)
{
    if (m_state == State::Closed) {
        return;
    }
    if (m_state == State::Handshake) {
        abort();
        return;
    }
    if (!validCloseCode(code)) { // 1005, 1006 and 1015 must never go on the wire (RFC 6455 7.4.1)
        qCWarning(lcHosts) << "data connection: close code" << code << "is not sendable; using 1011";
        code = 1011;
    }
    if (!m_closeSent) {
        m_closeSent = true;
        m_closeCode = code;
        m_closeReason = reason;
        QByteArray payload(2, Qt::Uninitialized);
        qToBigEndian<quint16>(code, payload.data());
        QByteArray text = reason.toUtf8();
        while (text.size() > 123) { // cut on a character boundary
            text.chop(1);
            while (!text.isEmpty() && (uchar(text.back()) & 0xC0) == 0x80) {
                text.chop(1);
            }
            if (!text.isEmpty() && uchar(text.back()) >= 0xC0) {
                text.chop(1);
            }
        }
        payload += text;
        sendFrame(Close, payload.constData(), payload.size());
    }
    m_state = State::Closing;
    finishClosing();
}

void DataSocket::finishClosing()
{
    if (m_lingerTimer->isActive() || m_socket->state() != QAbstractSocket::ConnectedState) {
        return;
    }
    m_socket->flush();
    if (m_socket->bytesToWrite() > 0) {
        m_socket->disconnectFromHost(); // Qt closes once the rest is written
        return;
    }
    // Half-close: the peer reads everything sent so far, then the end of the stream. Closing
    // outright while the peer's bytes are still unread would make the kernel answer with a reset,
    // and the peer could lose the HTTP error or close frame sent just before. Its data is read
    // and dropped until it closes too, or the linger time runs out.
    if (::shutdown(int(m_socket->socketDescriptor()), SHUT_WR) != 0) {
        m_socket->disconnectFromHost();
        return;
    }
    m_lingerTimer->start();
}

void DataSocket::abort()
{
    if (m_state == State::Closed) {
        return;
    }
    m_socket->abort(); // emits disconnected() if it was connected
    if (m_state != State::Closed) {
        onDisconnected();
    }
}

void DataSocket::onDisconnected()
{
    if (m_state == State::Closed) {
        return;
    }
    m_handshakeTimer->stop();
    m_lingerTimer->stop();
    m_state = State::Closed;
    Q_EMIT disconnected();
}

} // namespace accel
