#include "cluster/CoordinatorServer.h"

#include "cluster/AccessToken.h"
#include "cluster/ClusterProtocol.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorReadView.h"
#include "cluster/WorkerLink.h"
#include "common/LogCategories.h"

#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QTcpServer>
#include <QUrlQuery>
#include <QWebSocket>

namespace accel {

class CoordinatorServer::SocketLink final : public WorkerLink
{
public:
    explicit SocketLink(QWebSocket *socket)
        : m_socket(socket)
    {}
    void sendFrame(const QByteArray &frame) override
    {
        if (m_socket) {
            m_socket->sendTextMessage(QString::fromUtf8(frame));
        }
    }
    void closeLink(const QString &reason) override
    {
        if (m_socket) {
            QMetaObject::invokeMethod(
                m_socket.data(),
                [s = m_socket, reason] {
                    if (s) {
                        s->close(QWebSocketProtocol::CloseCodePolicyViolated, reason.left(100));
                    }
                },
                Qt::QueuedConnection);
        }
    }
    QPointer<QWebSocket> m_socket;
    quint64 id = 0;
};

CoordinatorServer::CoordinatorServer(Coordinator *coordinator, const QByteArray &token, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_coordinator(coordinator)
    , m_token(token)
{
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &CoordinatorServer::acceptWebSocket);
    if (m_coordinator) {
        connect(m_coordinator, &Coordinator::eventOccurred, this, &CoordinatorServer::broadcast);
    }
}

void CoordinatorServer::setCoordinator(Coordinator *coordinator)
{
    if (coordinator == m_coordinator) {
        return;
    }
    dropConnections(coordinator ? QStringLiteral("a new leader took over")
                                : QStringLiteral("this coordinator is not the leader any more"));
    if (m_coordinator) {
        disconnect(m_coordinator, nullptr, this, nullptr);
    }
    m_coordinator = coordinator;
    if (m_coordinator) {
        connect(m_coordinator, &Coordinator::eventOccurred, this, &CoordinatorServer::broadcast);
    }
}

void CoordinatorServer::dropConnections(const QString &reason)
{
    // Links belong to the coordinator that accepted them: it forgets them (so nothing it still
    // flushes is sent on a deleted link), then the sockets close (workers reconnect and find
    // the current leader).
    const auto workers = m_workers;
    m_workers.clear();
    for (auto it = workers.cbegin(); it != workers.cend(); ++it) {
        QWebSocket *socket = it.key();
        disconnect(socket, nullptr, this, nullptr);
        if (m_coordinator) {
            m_coordinator->linkClosed(it.value()->id);
        }
        delete it.value();
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, reason.left(100));
        socket->deleteLater();
    }
    closeEventSockets(reason);
}

void CoordinatorServer::closeEventSockets(const QString &reason)
{
    for (const QPointer<QWebSocket> &socket : std::as_const(m_eventSockets)) {
        if (socket) {
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, reason.left(100));
        }
    }
    m_eventSockets.clear();
}

void CoordinatorServer::setLeaderUrl(const QUrl &leader)
{
    const bool wasServing = servesReads();
    m_leaderUrl = leader;
    if (wasServing && !servesReads() && !m_coordinator) {
        // The replica may be cut off from etcd now: listeners reconnect and find a leader.
        closeEventSockets(QStringLiteral("no leader known; the follower's view may be stale"));
    }
}

void CoordinatorServer::setReadView(CoordinatorReadView *view)
{
    if (m_readView) {
        disconnect(m_readView, nullptr, this, nullptr);
    }
    m_readView = view;
    if (m_readView) {
        connect(m_readView, &CoordinatorReadView::eventOccurred, this, &CoordinatorServer::broadcastFromView);
    }
}

bool CoordinatorServer::servesReads() const
{
    return !m_coordinator && m_readView && m_readView->isRunning() && m_leaderUrl.isValid() &&
           !m_leaderUrl.isEmpty();
}

void CoordinatorServer::broadcastFromView(const QJsonObject &event)
{
    if (!m_coordinator) {
        broadcast(event);
    }
}

int CoordinatorServer::followerReply(const QString &method, const QString &path, const QString &query,
                                     QByteArray *body, QByteArray *location) const
{
    const QString leader = m_leaderUrl.isValid() ? m_leaderUrl.toString(QUrl::StripTrailingSlash) : QString();
    QJsonObject o;
    if (path == QLatin1String("/api/v1/health") && method == QLatin1String("GET")) {
        o = m_nodeInfo;
        o.insert(QStringLiteral("version"), QCoreApplication::applicationVersion());
        if (!o.contains(QStringLiteral("ok"))) {
            o.insert(QStringLiteral("ok"), !leader.isEmpty());
        }
        *body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        return 200;
    }
    if (leader.isEmpty()) {
        o.insert(
            QStringLiteral("error"),
            QStringLiteral("no coordinator leads right now: %1")
                .arg(
                    m_nodeInfo.value(QStringLiteral("reason")).toString(QStringLiteral("election pending"))));
        o.insert(QStringLiteral("leader"), QJsonValue::Null);
        *body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        return 503;
    }
    QUrl target(leader);
    target.setPath(path);
    if (!query.isEmpty()) {
        target.setQuery(query);
    }
    *location = target.toEncoded();
    o.insert(QStringLiteral("leader"), leader);
    o.insert(QStringLiteral("error"), QStringLiteral("not the leader; ask %1").arg(leader));
    *body = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return 307;
}

CoordinatorServer::~CoordinatorServer()
{
    for (auto it = m_workers.begin(); it != m_workers.end(); ++it) {
        if (m_coordinator) {
            m_coordinator->linkClosed(it.value()->id);
        }
        delete it.value();
    }
}

quint16 CoordinatorServer::start(const QHostAddress &address, quint16 port, QString *error)
{
    const quint16 bound = listen(address, port);
    if (bound == 0) {
        *error = QStringLiteral("cannot listen on %1:%2").arg(address.toString()).arg(port);
    }
    return bound;
}

bool CoordinatorServer::isAuthorized(const QHttpServerRequest &request) const
{
    QByteArray token =
        AccessToken::fromHeaders(request.value("authorization"), request.value("x-accel-token"));
    if (token.isEmpty() && request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        token = request.query().queryItemValue(QStringLiteral("token")).toUtf8();
    }
    return AccessToken::constantTimeEquals(token, m_token);
}

bool CoordinatorServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        // Qt 6.4: returning true without answering lets QAbstractHttpServer upgrade the socket;
        // false calls missingHandler(), which answers 401/404 and drops the connection.
        // A follower answers upgrades in missingHandler() (307 to the leader or 503).
        const QString path = request.url().path();
        if (!isAuthorized(request)) {
            return false;
        }
        if (m_coordinator) {
            return path == QLatin1String("/api/v1/worker") || path == QLatin1String("/api/v1/events");
        }
        return path == QLatin1String("/api/v1/events") && servesReads();
    }
    QHttpServerResponder responder = makeResponder(request, socket);
    auto reply = [&responder](int status, const QByteArray &json) {
        responder.write(json, QByteArrayLiteral("application/json"),
                        QHttpServerResponder::StatusCode(status));
    };
    if (!isAuthorized(request)) {
        reply(401, QByteArrayLiteral("{\"error\":\"missing or wrong token\"}"));
        return true;
    }
    const QString requestPath = request.url().path();
    if (requestPath == QLatin1String("/api/v1/leader") &&
        request.method() == QHttpServerRequest::Method::Get) {
        const QJsonObject o{
            {QStringLiteral("leader"), m_leaderUrl.isValid()
                                           ? QJsonValue(m_leaderUrl.toString(QUrl::StripTrailingSlash))
                                           : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("epoch"), m_nodeInfo.value(QStringLiteral("epoch"))},
            {QStringLiteral("self"), m_nodeInfo.value(QStringLiteral("self"))}};
        reply(m_leaderUrl.isValid() ? 200 : 503, QJsonDocument(o).toJson(QJsonDocument::Compact));
        return true;
    }
    if (!m_coordinator && request.method() == QHttpServerRequest::Method::Get && servesReads()) {
        if (const auto r = m_readView->handleGet(requestPath, request.query())) {
            responder.write(
                r->isArray ? QJsonDocument(r->array).toJson(QJsonDocument::Compact)
                           : QJsonDocument(r->body).toJson(QJsonDocument::Compact),
                {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                 {QByteArrayLiteral("X-Accel-Role"), QByteArrayLiteral("follower")},
                 {QByteArrayLiteral("X-Accel-Leader"), m_leaderUrl.toEncoded(QUrl::StripTrailingSlash)},
                 {QByteArrayLiteral("X-Accel-Store-Revision"), QByteArray::number(m_readView->revision())}},
                QHttpServerResponder::StatusCode(r->status));
            return true;
        }
    }
    if (!m_coordinator) {
        const QString method = request.method() == QHttpServerRequest::Method::Get ? QStringLiteral("GET")
                                                                                   : QStringLiteral("OTHER");
        QByteArray body;
        QByteArray location;
        const int status =
            followerReply(method, requestPath, request.url().query(QUrl::FullyEncoded), &body, &location);
        if (status == 307) {
            responder.write(body,
                            {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                             {QByteArrayLiteral("Location"), location}},
                            QHttpServerResponder::StatusCode::TemporaryRedirect);
        } else {
            reply(status, body);
        }
        return true;
    }
    if (request.body().size() > kMaxBodyBytes) {
        reply(413, QByteArrayLiteral("{\"error\":\"request body too large\"}"));
        return true;
    }
    QString method;
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        method = QStringLiteral("GET");
        break;
    case QHttpServerRequest::Method::Post:
        method = QStringLiteral("POST");
        break;
    default:
        reply(405, QByteArrayLiteral("{\"error\":\"only GET and POST are supported\"}"));
        return true;
    }
    HttpReply r = m_coordinator->handleHttp(method, request.url().path(), request.query(), request.body());
    if (requestPath == QLatin1String("/api/v1/health") && !r.isArray) {
        for (auto it = m_nodeInfo.constBegin(); it != m_nodeInfo.constEnd(); ++it) {
            r.body.insert(it.key(), it.value());
        }
    }
    reply(r.status, r.isArray ? QJsonDocument(r.array).toJson(QJsonDocument::Compact)
                              : QJsonDocument(r.body).toJson(QJsonDocument::Compact));
    return true;
}

void CoordinatorServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const bool authorized = isAuthorized(request);
    if (authorized && !m_coordinator) {
        QByteArray body;
        QByteArray location;
        const int status = followerReply(QStringLiteral("UPGRADE"), request.url().path(),
                                         request.url().query(QUrl::FullyEncoded), &body, &location);
        QHttpServerResponder responder = makeResponder(request, socket);
        if (status == 307) {
            responder.write(body,
                            {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                             {QByteArrayLiteral("Location"), location}},
                            QHttpServerResponder::StatusCode::TemporaryRedirect);
        } else {
            responder.write(body, QByteArrayLiteral("application/json"),
                            QHttpServerResponder::StatusCode(status));
        }
        return;
    }
    makeResponder(request, socket)
        .write(authorized ? QByteArrayLiteral("{\"error\":\"not found\"}")
                          : QByteArrayLiteral("{\"error\":\"missing or wrong token\"}"),
               QByteArrayLiteral("application/json"),
               authorized ? QHttpServerResponder::StatusCode::NotFound
                          : QHttpServerResponder::StatusCode::Unauthorized);
}

void CoordinatorServer::acceptWebSocket()
{
    while (hasPendingWebSocketConnections()) {
        QWebSocket *socket = nextPendingWebSocketConnection().release();
        socket->setParent(this);
        const QNetworkRequest req = socket->request();
        QByteArray token =
            AccessToken::fromHeaders(req.rawHeader("Authorization"), req.rawHeader("X-Accel-Token"));
        if (token.isEmpty()) {
            token = QUrlQuery(socket->requestUrl()).queryItemValue(QStringLiteral("token")).toUtf8();
        }
        const QString path = socket->requestUrl().path();
        if (!AccessToken::constantTimeEquals(token, m_token)) {
            qCWarning(lcCluster) << "WebSocket from" << socket->peerAddress().toString()
                                 << "rejected: bad token";
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("missing or wrong token"));
            socket->deleteLater();
            continue;
        }
        socket->setMaxAllowedIncomingMessageSize(quint64(ClusterProtocol::kMaxFrameBytes));
        socket->setMaxAllowedIncomingFrameSize(quint64(ClusterProtocol::kMaxFrameBytes));
        if (path == QLatin1String("/api/v1/events")) {
            m_eventSockets.append(socket);
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        if (path != QLatin1String("/api/v1/worker")) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("unknown path"));
            socket->deleteLater();
            continue;
        }
        if (!m_coordinator) { // stepped down between the upgrade check and now
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("not the leader"));
            socket->deleteLater();
            continue;
        }
        auto *link = new SocketLink(socket);
        link->id = m_coordinator->linkOpened(link);
        m_workers.insert(socket, link);
        connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &message) {
            auto it = m_workers.constFind(socket);
            if (it != m_workers.cend() && m_coordinator) {
                m_coordinator->frameReceived(it.value()->id, message.toUtf8());
            }
        });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
            auto it = m_workers.constFind(socket);
            if (it != m_workers.cend()) {
                ClusterMessage e;
                e.type = ClusterMessage::Type::Error;
                e.message = QStringLiteral("binary frames are not part of the protocol");
                it.value()->sendFrame(ClusterProtocol::encode(e));
            }
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            SocketLink *l = m_workers.take(socket);
            if (l) {
                if (m_coordinator) {
                    m_coordinator->linkClosed(l->id);
                }
                delete l;
            }
            socket->deleteLater();
        });
    }
}

void CoordinatorServer::broadcast(const QJsonObject &event)
{
    if (m_eventSockets.isEmpty()) {
        return;
    }
    const QString text = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
    for (qsizetype i = m_eventSockets.size() - 1; i >= 0; --i) {
        if (!m_eventSockets[i]) {
            m_eventSockets.removeAt(i);
            continue;
        }
        m_eventSockets[i]->sendTextMessage(text);
    }
}

} // namespace accel
