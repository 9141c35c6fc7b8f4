#pragma once

#include "cluster/etcd/EtcdError.h"
#include "cluster/etcd/EtcdTypes.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace accel {

class Clock;
class EtcdWatch;

/// Client for etcd's v3 HTTP/JSON gateway over QNetworkAccessManager (no gRPC needed; works on
/// etcd 3.4 and 3.5). Thread: lives on, and must only be called from, its owner thread; callbacks
/// run on that thread, and only while their `context` object is alive.
///
/// Failover: calls go to the current endpoint; when it is unreachable, does not answer within the
/// attempt timeout, or answers "no leader", the client moves to the next endpoint. Idempotent calls
/// (reads, lease keepalive/time-to-live, status, member list) are retried on the next endpoint until
/// the call's deadline. Writes (put, delete, txn, lease grant/revoke, member add/remove) are retried
/// only when etcd certainly did not apply them (connection refused, "no leader"); after an
/// ambiguous failure (timeout) the caller gets the error and decides (a fenced or CAS txn can
/// simply be re-read and re-tried).
class EtcdClient : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(const EtcdResult<T> &)>;

    /// `endpoints` like "http://127.0.0.1:2379". `clock` must outlive the client.
    explicit EtcdClient(const QStringList &endpoints, QObject *parent = nullptr,
                        const Clock *clock = nullptr);
    ~EtcdClient() override;

    QStringList endpoints() const { return m_endpoints; }
    void setEndpoints(const QStringList &endpoints);
    /// The endpoint the next call goes to first.
    QString currentEndpoint() const;

    /// Whole-call deadline across retries (default 5000 ms).
    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs; }
    /// Per-endpoint attempt timeout before failing over (default 1500 ms).
    int attemptTimeoutMs() const { return m_attemptTimeoutMs; }
    void setAttemptTimeoutMs(int timeoutMs) { m_attemptTimeoutMs = timeoutMs; }

    void range(const EtcdRangeRequest &request, QObject *context, Callback<EtcdRangeResponse> done);
    void put(const EtcdPutRequest &request, QObject *context, Callback<EtcdPutResponse> done);
    void deleteRange(const EtcdDeleteRequest &request, QObject *context, Callback<EtcdDeleteResponse> done);
    void txn(const EtcdTxnRequest &request, QObject *context, Callback<EtcdTxnResponse> done);
    void leaseGrant(qint64 ttlSeconds, QObject *context, Callback<EtcdLeaseGrantResponse> done);
    void leaseRevoke(qint64 leaseId, QObject *context, Callback<EtcdLeaseRevokeResponse> done);
    void leaseTimeToLive(qint64 leaseId, bool keys, QObject *context,
                         Callback<EtcdLeaseTimeToLiveResponse> done);
    /// One keepalive: a /v3/lease/keepalive stream of exactly one message. A result with
    /// leaseGone() means the lease no longer exists.
    void leaseKeepAlive(qint64 leaseId, QObject *context, Callback<EtcdLeaseKeepAliveResponse> done);
    void status(QObject *context, Callback<EtcdStatusResponse> done);
    /// Status of one given endpoint, no failover (to find the raft leader member by member).
    void statusOf(const QString &endpoint, QObject *context, Callback<EtcdStatusResponse> done);
    void memberList(QObject *context, Callback<EtcdMemberListResponse> done);
    void memberAdd(const QStringList &peerUrls, QObject *context, Callback<EtcdMemberAddResponse> done);
    void memberRemove(quint64 memberId, QObject *context, Callback<EtcdMemberRemoveResponse> done);

    /// Starts a watch stream (owned by `parent`, or by the caller when null). It follows the
    /// client's endpoints and resumes after the last seen revision when a member goes away.
    EtcdWatch *watch(const EtcdWatchCreateRequest &request, QObject *parent);

    const Clock *clock() const { return m_clock; }

    /// Moves the client to the next endpoint if `endpoint` is still the current one (used by
    /// streams that detect a dead member themselves).
    void markEndpointFailed(const QString &endpoint, const EtcdError &error);

Q_SIGNALS:
    /// The client moved to another endpoint after `error` on the previous one.
    void endpointChanged(const QString &endpoint, const accel::EtcdError &error);

private:
    struct Call;
    void unary(const QString &path, const QByteArray &body, bool idempotent, QObject *context,
               std::function<void(const EtcdResult<QByteArray> &)> done, const QString &pinnedEndpoint = {});
    void attempt(const std::shared_ptr<Call> &call);
    void finishAttempt(const std::shared_ptr<Call> &call, QNetworkReply *reply, bool timedOut);
    void diagnoseTimeout(const std::shared_ptr<Call> &call, const EtcdError &timeout);

    QNetworkAccessManager *m_network = nullptr;
    QStringList m_endpoints;
    int m_current = 0;
    int m_timeoutMs = 5000;
    int m_attemptTimeoutMs = 1500;
    const Clock *m_clock = nullptr;
};

} // namespace accel
