#include "hosts/RuntimeServer.h"

#include "common/Clock.h"
#include "common/LogCategories.h"
#include "hosts/DataSocket.h"

#include <QAbstractHttpServer>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <memory>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace accel {

namespace {

/// Data connections still in their upgrade handshake; each page opens one, so more is a flood.
constexpr int kMaxPendingDataUpgrades = 32;

/// Accepted sockets get TCP_NODELAY: a `run` is a small text message followed by a large binary
/// frame, and Nagle's algorithm would hold the frame's last segment until the text is acknowledged.
class LowDelayTcpServer final : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        const int one = 1;
        if (::setsockopt(int(descriptor), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
            qCWarning(lcHosts) << "runtime server: TCP_NODELAY not set:" << qt_error_string(errno);
        }
        QTcpServer::incomingConnection(descriptor);
    }
};

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return QString::fromLatin1(raw.toHex());
}

QByteArray mimeTypeFor(const QString &path)
{
    static const QList<QPair<QString, QByteArray>> types{
        {QStringLiteral(".html"), "text/html; charset=utf-8"},
        {QStringLiteral(".js"), "text/javascript; charset=utf-8"},
        {QStringLiteral(".mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral(".json"), "application/json"},
        {QStringLiteral(".wasm"), "application/wasm"},
        {QStringLiteral(".wgsl"), "text/plain; charset=utf-8"},
        {QStringLiteral(".css"), "text/css; charset=utf-8"},
        {QStringLiteral(".svg"), "image/svg+xml"},
    };
    for (const auto &[suffix, type] : types) {
        if (path.endsWith(suffix)) {
            return type;
        }
    }
    return "application/octet-stream";
}

bool isValidHostId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return re.match(id).hasMatch();
}

// Paths inside the runtime root: plain segments only, no "..", no hidden files.
bool isSafeResourcePath(const QString &path)
{
    static const QRegularExpression re(
        QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$"));
    return re.match(path).hasMatch() && !path.contains(QLatin1String(".."));
}

} // namespace

/// QHttpServer 6.4 answers a WebSocket upgrade request through its routes *and* then upgrades
/// it, so the client reads an HTTP 200 before the 101 and the handshake fails. This front end
/// leaves upgrade requests alone (the base class hands them to its QWebSocketServer) and
/// answers everything else itself.
class RuntimeServer::HttpFrontEnd final : public QAbstractHttpServer
{
public:
    using QAbstractHttpServer::QAbstractHttpServer;
    std::function<void(const QHttpServerRequest &, QHttpServerResponder &&)> handler;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        for (const auto &[name, value] : request.headers()) {
            if (name.compare("upgrade", Qt::CaseInsensitive) == 0 &&
                value.compare("websocket", Qt::CaseInsensitive) == 0) {
                return true;
            }
        }
        handler(request, makeResponder(request, socket));
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}
};

RuntimeServer::RuntimeServer(RuntimeServerConfig config, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(clock ? clock : Clock::system())
    , m_watchdog(new QTimer(this))
{
    m_token = m_config.token.isEmpty() ? randomHex(32) : m_config.token;
    m_watchdog->setInterval(qMax(50, m_config.heartbeatIntervalMs / 2));
    connect(m_watchdog, &QTimer::timeout, this, &RuntimeServer::checkHeartbeats);
}

RuntimeServer::~RuntimeServer()
{
    stop();
}

bool RuntimeServer::start(QString *error)
{
    auto setError = [error](const QString &text) {
        qCWarning(lcHosts).noquote() << "runtime server:" << text;
        if (error) {
            *error = text;
        }
        return false;
    };
    if (m_http) {
        return setError(QStringLiteral("already listening on port %1").arg(m_port));
    }
    if (!m_config.address.isLoopback()) {
        if (!m_config.allowNonLoopback) {
            return setError(
                QStringLiteral("refusing to bind %1: non-loopback addresses need allowNonLoopback")
                    .arg(m_config.address.toString()));
        }
        if (m_config.token.size() < 32) {
            return setError(
                QStringLiteral("refusing to bind %1: non-loopback addresses need an explicit token of at "
                               "least 32 characters")
                    .arg(m_config.address.toString()));
        }
    }
    if (!QFile::exists(m_config.resourceRoot + QStringLiteral("/host.html"))) {
        return setError(QStringLiteral("runtime page missing: %1/host.html").arg(m_config.resourceRoot));
    }

    m_http = new HttpFrontEnd(this);
    m_http->handler = [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        serveHttp(request, std::move(responder));
    };
    connect(m_http, &QAbstractHttpServer::newWebSocketConnection, this, &RuntimeServer::onNewWebSocket);

    auto *tcp = new LowDelayTcpServer(m_http);
    const quint16 port = tcp->listen(m_config.address, m_config.port) ? tcp->serverPort() : 0;
    if (port != 0) {
        m_http->bind(tcp);
    }
    if (port == 0) {
        delete m_http;
        m_http = nullptr;
        return setError(
            QStringLiteral("cannot listen on %1:%2").arg(m_config.address.toString()).arg(m_config.port));
    }
    m_port = port;
    // Data connections (docs/host-protocol.md, "Data connection") have their own port: they are
    // served by DataSocket rather than QWebSocket, which is too slow for per-hop activations.
    m_dataServer = new LowDelayTcpServer(this);
    if (!m_dataServer->listen(m_config.address, 0)) {
        const QString reason = m_dataServer->errorString();
        stop();
        return setError(QStringLiteral("cannot listen for data connections on %1: %2")
                            .arg(m_config.address.toString(), reason));
    }
    connect(m_dataServer, &QTcpServer::newConnection, this, &RuntimeServer::onNewDataConnection);
    m_watchdog->start();
    qCInfo(lcHosts).noquote() << "runtime server listening on" << baseUrl().toString();
    return true;
}

void RuntimeServer::serveHttp(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    auto reply = [&responder](QHttpServerResponder::StatusCode status, const QByteArray &mime,
                              const QByteArray &body) {
        // Cross-origin isolation (COOP + COEP): SharedArrayBuffer and Wasm threads need both.
        responder.write(body,
                        {{"Content-Type", mime},
                         {"Cross-Origin-Opener-Policy", "same-origin"},
                         {"Cross-Origin-Embedder-Policy", "require-corp"},
                         {"Cross-Origin-Resource-Policy", "same-origin"},
                         {"X-Content-Type-Options", "nosniff"},
                         {"Cache-Control", "no-store"}},
                        status);
    };
    using Status = QHttpServerResponder::StatusCode;
    if (!hostHeaderAllowed(request.value("Host"))) {
        reply(Status::Forbidden, "text/plain", "unknown Host\n");
        return;
    }
    if (request.method() != QHttpServerRequest::Method::Get &&
        request.method() != QHttpServerRequest::Method::Head) {
        reply(Status::MethodNotAllowed, "text/plain", "only GET\n");
        return;
    }
    const QString path = request.url().path().mid(1);
    if (!isSafeResourcePath(path)) {
        reply(Status::NotFound, "text/plain", "not found\n");
        return;
    }
    if (path.endsWith(QLatin1String(".html")) &&
        !tokenMatches(request.query().queryItemValue(QStringLiteral("token")))) {
        reply(Status::Forbidden, "text/plain", "missing or invalid token\n");
        return;
    }
    QFile file(m_config.resourceRoot + QLatin1Char('/') + path);
    if (!file.open(QIODevice::ReadOnly)) {
        reply(Status::NotFound, "text/plain", "not found\n");
        return;
    }
    reply(Status::Ok, mimeTypeFor(path), file.readAll());
}

void RuntimeServer::stop()
{
    m_watchdog->stop();
    const auto all = m_pending + m_ready;
    for (const QPointer<HostSession> &s : all) {
        if (s) {
            s->close(HostSession::CloseReason::ServerStopped, QStringLiteral("runtime server stopped"));
        }
    }
    delete m_dataServer;
    m_dataServer = nullptr;
    if (m_http) {
        for (QTcpServer *server : m_http->servers()) {
            server->close();
        }
        delete m_http;
        m_http = nullptr;
    }
}

void RuntimeServer::setWeightLimitBytes(qint64 bytes)
{
    m_config.weightLimitBytes = qMax<qint64>(0, bytes);
}

bool RuntimeServer::isListening() const
{
    return m_http != nullptr;
}

QString RuntimeServer::hostName() const
{
    if (m_config.address == QHostAddress::LocalHost || m_config.address == QHostAddress::Any ||
        m_config.address == QHostAddress::AnyIPv4) {
        return QStringLiteral("127.0.0.1");
    }
    if (m_config.address.protocol() == QAbstractSocket::IPv6Protocol) {
        return QLatin1Char('[') + m_config.address.toString() + QLatin1Char(']');
    }
    return m_config.address.toString();
}

QString RuntimeServer::origin() const
{
    return QStringLiteral("http://%1:%2").arg(hostName()).arg(m_port);
}

QUrl RuntimeServer::baseUrl() const
{
    return QUrl(origin() + QLatin1Char('/'));
}

QUrl RuntimeServer::pageUrl(const QString &page, QUrlQuery query) const
{
    QUrl url = baseUrl().resolved(QUrl(page));
    query.removeAllQueryItems(QStringLiteral("token"));
    query.addQueryItem(QStringLiteral("token"), m_token);
    url.setQuery(query);
    return url;
}

QUrl RuntimeServer::hostUrl(const QString &hostId, HostKind kind) const
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("host"), hostId);
    query.addQueryItem(QStringLiteral("kind"), hostKindName(kind));
    return pageUrl(QStringLiteral("host.html"), query);
}

QString RuntimeServer::newHostId(HostKind kind)
{
    return hostKindName(kind) + QLatin1Char('-') + randomHex(4);
}

QList<HostSession *> RuntimeServer::sessions() const
{
    QList<HostSession *> out;
    for (const QPointer<HostSession> &s : m_ready) {
        if (s && s->isReady()) {
            out.append(s);
        }
    }
    return out;
}

HostSession *RuntimeServer::session(const QString &hostId) const
{
    for (const QPointer<HostSession> &s : m_ready) {
        if (s && s->isReady() && s->id() == hostId) {
            return s;
        }
    }
    return nullptr;
}

int RuntimeServer::pendingCount() const
{
    int n = 0;
    for (const QPointer<HostSession> &s : m_pending) {
        n += (s && s->state() == HostSession::State::AwaitingHello) ? 1 : 0;
    }
    return n;
}

bool RuntimeServer::tokenMatches(const QString &candidate) const
{
    // Constant time in the token length: do not leak the matching prefix through timing.
    const QByteArray a = candidate.toUtf8();
    const QByteArray b = m_token.toUtf8();
    if (a.size() != b.size()) {
        return false;
    }
    uchar diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        diff |= uchar(a.at(i) ^ b.at(i));
    }
    return diff == 0;
}

bool RuntimeServer::hostHeaderAllowed(const QByteArray &hostHeader) const
{
    const QString expected = QStringLiteral("%1:%2").arg(hostName()).arg(m_port);
    return QString::fromLatin1(hostHeader) == expected ||
           (m_config.address.isLoopback() &&
            QString::fromLatin1(hostHeader) == QStringLiteral("localhost:%1").arg(m_port));
}

void RuntimeServer::onNewWebSocket()
{
    while (m_http && m_http->hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_http->nextPendingWebSocketConnection();
        if (socket) {
            acceptSocket(socket.release());
        }
    }
}

void RuntimeServer::refuse(QWebSocket *socket, int closeCode, const QString &code, const QString &detail)
{
    qCWarning(lcHosts).noquote() << "refused WebSocket from" << socket->peerAddress().toString() << code
                                 << detail;
    socket->sendTextMessage(QString::fromUtf8(hostproto::encodeError(code, detail)));
    socket->close(QWebSocketProtocol::CloseCode(closeCode), code);
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    // A peer that never completes the close handshake is cut off.
    QTimer::singleShot(2000, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    Q_EMIT connectionRefused(code, detail);
}

void RuntimeServer::acceptSocket(QWebSocket *socket)
{
    socket->setParent(this);
    // The transport enforces the frame limit too: it stops reading a frame whose declared
    // length is too big and closes with 1009, before buffering it.
    socket->setMaxAllowedIncomingFrameSize(quint64(m_config.limits.maxFrameBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(m_config.limits.maxFrameBytes));

    const QUrl url = socket->requestUrl();
    const QUrlQuery query(url);
    if (url.path() != QLatin1String("/ws")) {
        refuse(socket, hostproto::closecode::BadRequest, QStringLiteral("bad_request"),
               QStringLiteral("WebSocket path must be /ws"));
        return;
    }
    if (!tokenMatches(query.queryItemValue(QStringLiteral("token")))) {
        refuse(socket, hostproto::closecode::InvalidToken, QStringLiteral("invalid_token"),
               QStringLiteral("missing or invalid token"));
        return;
    }
    if (socket->origin() != origin()) {
        refuse(socket, hostproto::closecode::BadOrigin, QStringLiteral("bad_origin"),
               QStringLiteral("origin '%1' is not allowed").arg(socket->origin().left(200)));
        return;
    }
    const QString hostId = query.queryItemValue(QStringLiteral("host"));
    if (query.hasQueryItem(QStringLiteral("channel"))) {
        refuse(socket, hostproto::closecode::BadRequest, QStringLiteral("bad_request"),
               QStringLiteral("data connections go to the port in welcome.dataPort, not /ws"));
        return;
    }
    const std::optional<HostKind> kind = hostKindFromName(query.queryItemValue(QStringLiteral("kind")));
    if (!isValidHostId(hostId) || !kind) {
        refuse(socket, hostproto::closecode::BadRequest, QStringLiteral("bad_request"),
               QStringLiteral(
                   "the URL needs host=<[A-Za-z0-9_-]{1,64}> and kind=embedded|chromium|firefox|edge"));
        return;
    }

    HostSession::Config sessionConfig;
    sessionConfig.limits = m_config.limits;
    sessionConfig.heartbeatIntervalMs = m_config.heartbeatIntervalMs;
    sessionConfig.weightLimitBytes = qMax<qint64>(0, m_config.weightLimitBytes);
    sessionConfig.dataPort = dataPort();
    auto *session = new HostSession(socket, hostId, *kind, m_clock, sessionConfig, this);
    m_pending.append(session);
    connect(session, &HostSession::ready, this, [this, session] {
        m_pending.removeAll(session);
        // A page that reconnects (app restart, network blip) replaces its previous session.
        if (HostSession *old = this->session(session->id())) {
            old->close(HostSession::CloseReason::Replaced, QStringLiteral("host reconnected"));
        }
        m_ready.append(session);
        Q_EMIT sessionOpened(session);
    });
    connect(session, &HostSession::closed, this,
            [this, session](HostSession::CloseReason reason, const QString &detail) {
                const bool wasReady = m_ready.contains(session);
                m_pending.removeAll(session);
                m_ready.removeAll(session);
                if (wasReady) {
                    Q_EMIT sessionClosed(session->id(), session->kind(), reason, detail);
                }
                session->deleteLater();
            });
}

quint16 RuntimeServer::dataPort() const
{
    return m_dataServer ? m_dataServer->serverPort() : 0;
}

void RuntimeServer::onNewDataConnection()
{
    while (QTcpSocket *tcp = m_dataServer->nextPendingConnection()) {
        const auto sockets = findChildren<DataSocket *>(Qt::FindDirectChildrenOnly);
        const auto upgrading = std::count_if(sockets.cbegin(), sockets.cend(), [](const DataSocket *d) {
            return d->state() == DataSocket::State::Handshake;
        });
        if (upgrading >= kMaxPendingDataUpgrades) {
            qCWarning(lcHosts) << "data port:" << kMaxPendingDataUpgrades
                               << "upgrades already pending, dropping a connection from"
                               << tcp->peerAddress().toString();
            tcp->abort();
            tcp->deleteLater();
            continue;
        }
        DataSocket::Options options;
        options.maxMessageBytes = m_config.limits.maxFrameBytes;
        options.requiredOrigin = origin();
        auto *socket = new DataSocket(tcp, options, this);
        connect(socket, &DataSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &DataSocket::handshakeFailed, this, [this](int status, const QString &reason) {
            Q_EMIT connectionRefused(
                status == 403 ? QStringLiteral("bad_origin") : QStringLiteral("bad_request"), reason);
        });
        connect(socket, &DataSocket::upgraded, this, [this, socket] {
            // From here the session's HostDataChannel owns it (or refuse() ends it).
            socket->disconnect(this);
            QObject::disconnect(socket, &DataSocket::disconnected, socket, &QObject::deleteLater);
            attachDataSocket(socket);
        });
    }
}

void RuntimeServer::attachDataSocket(DataSocket *socket)
{
    const QUrl url = socket->requestUrl();
    const QUrlQuery query(url);
    if (url.path() != QLatin1String("/data")) {
        refuse(socket, hostproto::closecode::BadRequest, QStringLiteral("bad_request"),
               QStringLiteral("the data port only serves /data"));
        return;
    }
    const QString hostId = query.queryItemValue(QStringLiteral("host"));
    HostSession *owner = isValidHostId(hostId) ? session(hostId) : nullptr;
    QString error;
    if (!owner) {
        refuse(socket, hostproto::closecode::BadRequest, QStringLiteral("bad_request"),
               QStringLiteral("a data connection needs the host id of a ready session"));
        return;
    }
    if (!owner->attachDataChannel(socket, query.queryItemValue(QStringLiteral("key")), &error)) {
        refuse(socket, hostproto::closecode::InvalidToken, QStringLiteral("invalid_token"), error);
        return;
    }
}

void RuntimeServer::refuse(DataSocket *socket, int closeCode, const QString &code, const QString &detail)
{
    qCWarning(lcHosts).noquote() << "refused data connection:" << code << detail;
    socket->setParent(this);
    socket->sendText(hostproto::encodeError(code, detail));
    socket->close(quint16(closeCode), code);
    connect(socket, &DataSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(2000, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    Q_EMIT connectionRefused(code, detail);
}

void RuntimeServer::checkHeartbeats()
{
    const qint64 now = m_clock->nowMs();
    const auto pending = m_pending;
    for (const QPointer<HostSession> &s : pending) {
        if (s && s->state() == HostSession::State::AwaitingHello &&
            now - s->connectedAtMs() > m_config.helloTimeoutMs) {
            s->close(HostSession::CloseReason::HelloTimeout,
                     QStringLiteral("no hello within %1 ms").arg(m_config.helloTimeoutMs));
        }
    }
    const auto ready = m_ready;
    for (const QPointer<HostSession> &s : ready) {
        if (s && s->isReady() && now - s->lastActivityMs() > m_config.heartbeatTimeoutMs) {
            s->close(HostSession::CloseReason::HeartbeatTimeout,
                     QStringLiteral("no heartbeat for %1 ms (timeout %2 ms)")
                         .arg(now - s->lastActivityMs())
                         .arg(m_config.heartbeatTimeoutMs));
        }
    }
}

} // namespace accel
