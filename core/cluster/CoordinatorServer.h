#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QUrl>

class QWebSocket;

namespace accel {

class Coordinator;
class CoordinatorReadView;

/// The coordinator's transport: HTTP/JSON API, the worker WebSocket (/api/v1/worker) and the
/// live event WebSocket (/api/v1/events) on one port. Every request and upgrade must carry the
/// token ("Authorization: Bearer T", "X-Accel-Token: T", or ?token=T on WebSockets), compared in
/// constant time. Bodies over maxBodyBytes get 413; WebSocket messages over the protocol's frame
/// limit close the socket. Thread: the coordinator's.
///
/// High availability (CoordinatorNode): the coordinator may be null (this node follows) and may
/// be swapped with setCoordinator(). Without a coordinator the server answers GET /api/v1/health
/// from nodeInfo() (role, leader, epoch, why) and everything else, WebSocket upgrades included,
/// with 307 + Location to the leader (JSON body {"leader": URL}), or 503 when no leader is known.
/// GET /api/v1/leader works on every node.
///
/// Follower reads: with a read view (setReadView(), a replica of the store) that is running and a
/// known leader, a follower answers the GETs the view serves itself — with headers
/// X-Accel-Role: follower, X-Accel-Leader: URL and X-Accel-Store-Revision: N (the store revision
/// the answer reflects) — and accepts /api/v1/events WebSockets, fed from the view's watch. What
/// the view cannot answer (live worker state, live logs), writes and worker upgrades still get the
/// 307. Without a known leader a follower serves nothing but health (503), since its replica may
/// then be cut off from etcd.
class CoordinatorServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxBodyBytes = 16 * 1024 * 1024;

    /// `coordinator` may be null (a follower; see setCoordinator()).
    CoordinatorServer(Coordinator *coordinator, const QByteArray &token, QObject *parent = nullptr);
    ~CoordinatorServer() override;

    /// Serves `coordinator` from now on (null: follow). Worker and event WebSockets of the previous
    /// one are closed (they reconnect and find the leader) after it was told (linkClosed); it may
    /// be deleted right after this call.
    void setCoordinator(Coordinator *coordinator);
    Coordinator *coordinator() const { return m_coordinator; }
    /// The leader's base URL (empty: unknown) that followers redirect to.
    void setLeaderUrl(const QUrl &leader);
    QUrl leaderUrl() const { return m_leaderUrl; }
    /// Fields merged into every /api/v1/health answer (role, leader, epoch, reason, ...).
    void setNodeInfo(const QJsonObject &info) { m_nodeInfo = info; }
    QJsonObject nodeInfo() const { return m_nodeInfo; }
    /// Replica that answers reads while this node follows (not owned; may be null).
    void setReadView(CoordinatorReadView *view);

    /// Binds; returns the port (OS-chosen when port is 0) or 0 with *error.
    quint16 start(const QHostAddress &address, quint16 port, QString *error);
    int workerConnections() const { return int(m_workers.size()); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    class SocketLink;
    bool isAuthorized(const QHttpServerRequest &request) const;
    void acceptWebSocket();
    void broadcast(const QJsonObject &event);
    void broadcastFromView(const QJsonObject &event);
    void closeEventSockets(const QString &reason);
    /// A follower that may answer reads from its view right now.
    bool servesReads() const;
    void dropConnections(const QString &reason);
    /// Answer of a node without coordinator; returns the status and fills body/location.
    int followerReply(const QString &method, const QString &path, const QString &query, QByteArray *body,
                      QByteArray *location) const;

    QPointer<Coordinator> m_coordinator;      ///< not owned; may die first when both share a parent
    QPointer<CoordinatorReadView> m_readView; ///< not owned
    QByteArray m_token;
    QHash<QWebSocket *, SocketLink *> m_workers;
    QList<QPointer<QWebSocket>> m_eventSockets;
    QUrl m_leaderUrl;
    QJsonObject m_nodeInfo;
};

} // namespace accel
