#pragma once

#include "cluster/etcd/EtcdError.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>

class QTcpSocket;

namespace accel {

class Clock;

/// Synchronous etcd HTTP/JSON gateway client for callers with a synchronous contract
/// (CoordinatorStore). Blocks the calling thread on a QTcpSocket (waitFor*) — it never spins an
/// event loop, so no foreign event (timer, watch callback, HTTP request) runs inside a call.
/// Keeps one HTTP/1.1 keep-alive connection per endpoint. Failover and retry policy are those of
/// EtcdClient: idempotent calls move on to the next endpoint until the deadline; writes only when
/// etcd certainly did not apply them (refused connection, "no leader").
/// Thread: one thread at a time (the owner's); not a QObject.
class EtcdBlockingClient
{
public:
    explicit EtcdBlockingClient(const QStringList &endpoints, const Clock *clock = nullptr);
    ~EtcdBlockingClient();
    EtcdBlockingClient(const EtcdBlockingClient &) = delete;
    EtcdBlockingClient &operator=(const EtcdBlockingClient &) = delete;

    QStringList endpoints() const { return m_endpoints; }
    QString currentEndpoint() const;
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }
    void setAttemptTimeoutMs(int ms) { m_attemptTimeoutMs = ms; }

    /// POSTs `body` to `path` ("/v3/kv/range"); the 200 body, or the error (etcd's error body
    /// decoded for non-200 answers).
    EtcdResult<QByteArray> post(const QString &path, const QByteArray &body, bool idempotent);

    /// Largest answer accepted.
    static constexpr qsizetype kMaxResponseBytes = 64 * 1024 * 1024;

private:
    struct Attempt
    {
        int status = 0;
        QByteArray body;
        EtcdError transportError; ///< set when status == 0
        bool timedOut = false;
        bool refused = false;
    };
    void diagnoseTimeout(EtcdError *error);
    Attempt attempt(const QString &endpoint, const QString &path, const QByteArray &body, int timeoutMs);
    Attempt exchange(QTcpSocket *socket, const QString &endpoint, const QString &path, const QByteArray &body,
                     qint64 deadlineMs);

    QStringList m_endpoints;
    int m_current = 0;
    int m_timeoutMs = 5000;
    int m_attemptTimeoutMs = 1500;
    const Clock *m_clock = nullptr;
    QHash<QString, std::shared_ptr<QTcpSocket>> m_sockets;
};

} // namespace accel
