#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPointer>

class QWebSocket;

namespace accel {

class Coordinator;

/// The coordinator's transport: HTTP/JSON API, the worker WebSocket (/api/v1/worker) and the
/// live event WebSocket (/api/v1/events) on one port. Every request and upgrade must carry the
/// token ("Authorization: Bearer T", "X-Accel-Token: T", or ?token=T on WebSockets), compared in
/// constant time. Bodies over maxBodyBytes get 413; WebSocket messages over the protocol's frame
/// limit close the socket. Thread: the coordinator's.
class CoordinatorServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxBodyBytes = 16 * 1024 * 1024;

    CoordinatorServer(Coordinator *coordinator, const QByteArray &token, QObject *parent = nullptr);
    ~CoordinatorServer() override;

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

    QPointer<Coordinator> m_coordinator; ///< not owned; may die first when both share a parent
    QByteArray m_token;
    QHash<QWebSocket *, SocketLink *> m_workers;
    QList<QPointer<QWebSocket>> m_eventSockets;
};

} // namespace accel
