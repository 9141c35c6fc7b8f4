#pragma once

#include "hosts/HostKind.h"
#include "hosts/HostSession.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

class QHttpServerRequest;
class QHttpServerResponder;
class QTcpServer;
class QTimer;
class QWebSocket;

namespace accel {

class Clock;
class DataSocket;

struct RuntimeServerConfig
{
    /// Loopback by default. Any other address needs allowNonLoopback and an explicit token.
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0; // 0: chosen by the OS
    bool allowNonLoopback = false;
    /// Empty: a random 256-bit token per launch. Set it to let pages reconnect across restarts.
    QString token;
    /// Qt resource directory served at "/" (the runtime page lives in :/runtime).
    QString resourceRoot = QStringLiteral(":/runtime");
    hostproto::Limits limits;
    int heartbeatIntervalMs = 1000;
    int heartbeatTimeoutMs = 5000;
    int helloTimeoutMs = 15000;
    /// Operator cap on the weight bytes each compute backend of a page may hold (sent in
    /// `welcome`); the page uses the smaller of this and its backend's default. 0 = no cap.
    qint64 weightLimitBytes = 0;
};

/// Serves the runtime page (`resources/runtime/`) over HTTP with COOP/COEP headers and accepts
/// the host protocol's WebSocket at `/ws?token=…&host=…&kind=…` on the same port. Compute
/// workers' data connections (`/data?host=…&key=…`) go to a second port on the same address,
/// dataPort(), served by DataSocket (docs/host-protocol.md, "Data connection").
///
/// Security: every WebSocket must carry the per-launch token and come from our own origin
/// (`http://<address>:<port>`); others are closed with an `error` message and close code 4401
/// (token) / 4403 (origin) / 4400 (bad request) and never become sessions. HTTP requests must
/// name our host in `Host:` (DNS-rebinding guard); `host.html` also needs the token.
///
/// Watchdog: every heartbeatIntervalMs/2 of real time, checkHeartbeats() closes sessions whose
/// last message is older than heartbeatTimeoutMs on the injected Clock (reason HeartbeatTimeout)
/// and connections that sent no hello within helloTimeoutMs.
///
/// Thread: lives on the thread that created it. Owns its sessions (see HostSession).
class RuntimeServer : public QObject
{
    Q_OBJECT
public:
    explicit RuntimeServer(RuntimeServerConfig config = {}, const Clock *clock = nullptr,
                           QObject *parent = nullptr);
    ~RuntimeServer() override;

    /// Starts listening. False (with `error`) if the address is not loopback without explicit
    /// configuration, or the port is taken.
    bool start(QString *error = nullptr);
    /// Says goodbye to every session (reason ServerStopped) and stops listening.
    void stop();
    bool isListening() const;

    quint16 port() const { return m_port; }
    /// The port of compute workers' data connections (`ws://<address>:<dataPort>/data?host=…&key=…`,
    /// sent to each page in `welcome.dataPort`); 0 when not listening.
    quint16 dataPort() const;
    QString token() const { return m_token; }
    const RuntimeServerConfig &config() const { return m_config; }
    /// Changes config().weightLimitBytes (bytes, 0 = no cap, negative is treated as 0). Applies to
    /// hosts that connect from now on: a connected page keeps the cap of its welcome until it
    /// reconnects.
    void setWeightLimitBytes(qint64 bytes);
    /// "http://127.0.0.1:PORT" — also the only WebSocket origin accepted.
    QString origin() const;
    QUrl baseUrl() const;
    /// URL of a page under the runtime root with the token added, e.g. pageUrl("echo.html", q).
    QUrl pageUrl(const QString &page, QUrlQuery query = {}) const;
    /// URL a host opens: /host.html?token=…&host=<hostId>&kind=<kind>.
    QUrl hostUrl(const QString &hostId, HostKind kind) const;
    /// A fresh host id: "<kind>-<8 random hex>".
    static QString newHostId(HostKind kind);

    /// Sessions that completed hello (state Ready).
    QList<HostSession *> sessions() const;
    HostSession *session(const QString &hostId) const;
    /// Connections still waiting for their hello.
    int pendingCount() const;

    /// Closes sessions whose heartbeats stopped. Called by the internal timer; public so tests
    /// with a ManualClock can drive it.
    void checkHeartbeats();

Q_SIGNALS:
    void sessionOpened(accel::HostSession *session);
    /// After this the session object is deleted (deleteLater).
    void sessionClosed(const QString &hostId, accel::HostKind kind, accel::HostSession::CloseReason reason,
                       const QString &detail);
    /// A WebSocket refused before becoming a session (bad token, origin, path or host id).
    void connectionRefused(const QString &code, const QString &detail);

private:
    void serveHttp(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void onNewWebSocket();
    void acceptSocket(QWebSocket *socket);
    /// An upgraded data connection (`/data?host=…&key=…`) becomes the data connection of that
    /// ready session.
    void onNewDataConnection();
    void attachDataSocket(DataSocket *socket);
    void refuse(QWebSocket *socket, int closeCode, const QString &code, const QString &detail);
    void refuse(DataSocket *socket, int closeCode, const QString &code, const QString &detail);
    bool tokenMatches(const QString &candidate) const;
    bool hostHeaderAllowed(const QByteArray &hostHeader) const;
    QString hostName() const;

    RuntimeServerConfig m_config;
    const Clock *m_clock;
    class HttpFrontEnd;
    HttpFrontEnd *m_http = nullptr;
    QTimer *m_watchdog = nullptr;
    QTcpServer *m_dataServer = nullptr;
    QString m_token;
    quint16 m_port = 0;
    QList<QPointer<HostSession>> m_pending;
    QList<QPointer<HostSession>> m_ready;
};

} // namespace accel
