#pragma once

#include "pool/HostFactory.h"

#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QWebSocket>

namespace accel::test {

/// A host implemented in C++ on a real QWebSocket: it connects to the RuntimeServer URL the pool
/// gives it, says hello, heartbeats and answers echo frames — the same protocol the runtime page
/// speaks — so ResourcePool can be unit-tested without a browser. `crash()` drops the socket
/// without a goodbye (what a killed browser looks like); `hang()` keeps the socket but goes silent
/// (before the connection completes: it never says hello).
class ProtocolHostInstance : public HostInstance
{
    Q_OBJECT
public:
    ProtocolHostInstance(QString hostId, HostKind kind, const QUrl &pageUrl, int heartbeatMs,
                         QObject *parent);
    ~ProtocolHostInstance() override;

    QString hostId() const override { return m_hostId; }
    HostKind kind() const override { return m_kind; }
    void stop() override;

    void crash();
    void hang();
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    int echoesAnswered() const { return m_echoes; }
    /// Sends a `metrics` message with these values, as the page does (no validation here: the
    /// server's codec judges it).
    void sendMetrics(const QJsonObject &values);
    /// The server's `welcome` (empty until it arrived).
    QJsonObject welcome() const { return m_welcome; }

private:
    void onBinary(const QByteArray &bytes);
    void onText(const QString &text);

    QString m_hostId;
    HostKind m_kind;
    QWebSocket m_socket;
    QTimer m_heartbeat;
    quint64 m_seq = 0;
    int m_echoes = 0;
    bool m_done = false;
    bool m_silent = false;
    QJsonObject m_welcome;
};

/// Spawns ProtocolHostInstances. `spawnCount()` counts spawns; `last()` is the newest instance.
class ProtocolHostFactory : public HostFactory
{
public:
    explicit ProtocolHostFactory(HostKind kind, int heartbeatMs = 200)
        : m_kind(kind)
        , m_heartbeatMs(heartbeatMs)
    {}
    HostKind kind() const override { return m_kind; }
    bool isAvailable(QString *whyNot) const override
    {
        if (!m_available && whyNot) {
            *whyNot = QStringLiteral("disabled by the test");
        }
        return m_available;
    }
    HostInstance *spawn(const QString &hostId, const QUrl &url, QObject *parent, QString *error) override;

    void setAvailable(bool on) { m_available = on; }
    /// When set, spawned instances never connect (to test hello timeouts).
    void setSilent(bool on) { m_silent = on; }
    int spawnCount() const { return m_spawns; }
    ProtocolHostInstance *instanceFor(const QString &hostId) const;

private:
    HostKind m_kind;
    int m_heartbeatMs;
    bool m_available = true;
    bool m_silent = false;
    int m_spawns = 0;
    QList<QPointer<ProtocolHostInstance>> m_instances;
};

} // namespace accel::test
