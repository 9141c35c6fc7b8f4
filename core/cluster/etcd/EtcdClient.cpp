#include "cluster/etcd/EtcdClient.h"

#include "cluster/etcd/EtcdCodec.h"
#include "cluster/etcd/EtcdWatch.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace accel {

struct EtcdClient::Call
{
    QString path;
    QByteArray body;
    bool idempotent = false;
    QString pinnedEndpoint;
    bool hasContext = false;
    QPointer<QObject> context;
    std::function<void(const EtcdResult<QByteArray> &)> done;
    qint64 deadlineMs = 0;
    int attempts = 0;
    EtcdError lastError;
};

namespace {

template<typename T>
std::function<void(const EtcdResult<QByteArray> &)> decodeInto(EtcdResult<T> (*decoder)(const QByteArray &),
                                                               EtcdClient::Callback<T> done)
{
    return [decoder, done = std::move(done)](const EtcdResult<QByteArray> &raw) {
        if (!raw.ok()) {
            done(EtcdResult<T>(raw.error()));
            return;
        }
        done(decoder(raw.value()));
    };
}

} // namespace

EtcdClient::EtcdClient(const QStringList &endpoints, QObject *parent, const Clock *clock)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_clock(clock ? clock : Clock::system())
{
    setEndpoints(endpoints);
}

EtcdClient::~EtcdClient() = default;

void EtcdClient::setEndpoints(const QStringList &endpoints)
{
    m_endpoints.clear();
    for (QString e : endpoints) {
        e = e.trimmed();
        while (e.endsWith(QLatin1Char('/'))) {
            e.chop(1);
        }
        if (!e.isEmpty()) {
            m_endpoints << e;
        }
    }
    m_current = 0;
}

QString EtcdClient::currentEndpoint() const
{
    return m_endpoints.isEmpty() ? QString() : m_endpoints.at(m_current % m_endpoints.size());
}

void EtcdClient::markEndpointFailed(const QString &failedEndpoint, const EtcdError &error)
{
    if (m_endpoints.size() < 2 || currentEndpoint() != failedEndpoint) {
        return; // another call already moved on
    }
    m_current = (m_current + 1) % m_endpoints.size();
    qCInfo(lcCluster) << "etcd: failing over from" << failedEndpoint << "to" << currentEndpoint() << "after"
                      << error.toString();
    Q_EMIT endpointChanged(currentEndpoint(), error);
}

void EtcdClient::unary(const QString &path, const QByteArray &body, bool idempotent, QObject *context,
                       std::function<void(const EtcdResult<QByteArray> &)> done,
                       const QString &pinnedEndpoint)
{
    auto call = std::make_shared<Call>();
    call->path = path;
    call->body = body;
    call->idempotent = idempotent;
    call->pinnedEndpoint = pinnedEndpoint;
    call->hasContext = context != nullptr;
    call->context = context;
    call->done = std::move(done);
    call->deadlineMs = m_clock->nowMs() + m_timeoutMs;
    if (m_endpoints.isEmpty() && pinnedEndpoint.isEmpty()) {
        EtcdError e;
        e.code = EtcdErrorCode::NoEndpoints;
        e.message = QStringLiteral("no etcd endpoints configured");
        // Report asynchronously, like every other outcome.
        QTimer::singleShot(0, this, [call, e] {
            if (!call->hasContext || call->context) {
                call->done(EtcdResult<QByteArray>(e));
            }
        });
        return;
    }
    attempt(call);
}

void EtcdClient::attempt(const std::shared_ptr<Call> &call)
{
    if (call->hasContext && !call->context) {
        return; // nobody to tell any more
    }
    const QString endpoint = call->pinnedEndpoint.isEmpty() ? currentEndpoint() : call->pinnedEndpoint;
    const qint64 remainingMs = call->deadlineMs - m_clock->nowMs();
    ++call->attempts;
    QNetworkRequest request(QUrl(endpoint + call->path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network->post(request, call->body);
    reply->setProperty("accelEndpoint", endpoint);
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    auto timedOut = std::make_shared<bool>(false);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, call, reply, timedOut] { finishAttempt(call, reply, *timedOut); });
    const int attemptMs =
        int(std::clamp<qint64>(std::min<qint64>(remainingMs, m_attemptTimeoutMs), 1, m_timeoutMs));
    reply->setProperty("accelAttemptMs", attemptMs);
    timer->start(attemptMs);
}

void EtcdClient::finishAttempt(const std::shared_ptr<Call> &call, QNetworkReply *reply, bool timedOut)
{
    reply->deleteLater();
    const QString endpoint = reply->property("accelEndpoint").toString();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    if (status == 200) {
        if (!call->hasContext || call->context) {
            call->done(EtcdResult<QByteArray>(body));
        }
        return;
    }

    EtcdError error;
    bool certainlyNotApplied = false;
    const int attemptMs = reply->property("accelAttemptMs").toInt();
    if (timedOut && attemptMs < m_attemptTimeoutMs && call->lastError.code == EtcdErrorCode::Unreachable) {
        // The deadline cut short a retry after refusals: the refusals are the real story.
        error = call->lastError;
        error.message += QStringLiteral(" (every endpoint, for %1 ms)").arg(m_timeoutMs);
    } else if (timedOut) {
        error.code = EtcdErrorCode::Timeout;
        error.message = QStringLiteral("no answer to %1 within %2 ms").arg(call->path).arg(attemptMs);
    } else if (status > 0) {
        error = EtcdCodec::decodeErrorBody(body, status);
        certainlyNotApplied = error.message.contains(QLatin1String("no leader"));
    } else {
        const auto netError = reply->error();
        error.code = EtcdErrorCode::Unreachable;
        error.message = reply->errorString();
        certainlyNotApplied =
            netError == QNetworkReply::ConnectionRefusedError || netError == QNetworkReply::HostNotFoundError;
    }
    error.endpoint = endpoint;
    call->lastError = error;

    const bool endpointProblem = timedOut || status <= 0 || error.code == EtcdErrorCode::NoQuorum;
    if (endpointProblem && call->pinnedEndpoint.isEmpty()) {
        markEndpointFailed(endpoint, error);
    }
    const qint64 remainingMs = call->deadlineMs - m_clock->nowMs();
    const bool retryable = endpointProblem && call->pinnedEndpoint.isEmpty() &&
                           (call->idempotent || certainlyNotApplied) && remainingMs > 0;
    if (!retryable) {
        if (error.code == EtcdErrorCode::Timeout && call->pinnedEndpoint.isEmpty() &&
            call->path != QLatin1String("/v3/maintenance/status")) {
            diagnoseTimeout(call, error);
            return;
        }
        if (!call->hasContext || call->context) {
            call->done(EtcdResult<QByteArray>(error));
        }
        return;
    }
    // Retry at once on a fresh endpoint; pause briefly once every endpoint has failed, so a dead
    // cluster is not hammered in a tight loop.
    const int pauseMs = (call->attempts % qMax(1, int(m_endpoints.size()))) == 0 ? 50 : 0;
    QTimer::singleShot(int(qMin<qint64>(pauseMs, remainingMs)), this, [this, call] { attempt(call); });
}

void EtcdClient::diagnoseTimeout(const std::shared_ptr<Call> &call, const EtcdError &timeout)
{
    // A member without a raft leader answers status at once but lets writes hang: ask, so the
    // caller learns "no quorum" rather than a bare timeout.
    const int savedTimeoutMs = m_timeoutMs;
    m_timeoutMs = qMin(m_timeoutMs, 500);
    statusOf(timeout.endpoint, this, [call, timeout](const EtcdResult<EtcdStatusResponse> &status) {
        EtcdError error = timeout;
        if (status.ok() && status.value().leader == 0) {
            error.code = EtcdErrorCode::NoQuorum;
            error.message =
                QStringLiteral("etcd member has no raft leader (quorum lost or election in progress); ") +
                timeout.message;
        }
        if (!call->hasContext || call->context) {
            call->done(EtcdResult<QByteArray>(error));
        }
    });
    m_timeoutMs = savedTimeoutMs;
}

void EtcdClient::range(const EtcdRangeRequest &request, QObject *context, Callback<EtcdRangeResponse> done)
{
    unary(QStringLiteral("/v3/kv/range"), EtcdCodec::encodeRange(request), true, context,
          decodeInto(&EtcdCodec::decodeRange, std::move(done)));
}

void EtcdClient::put(const EtcdPutRequest &request, QObject *context, Callback<EtcdPutResponse> done)
{
    unary(QStringLiteral("/v3/kv/put"), EtcdCodec::encodePut(request), false, context,
          decodeInto(&EtcdCodec::decodePut, std::move(done)));
}

void EtcdClient::deleteRange(const EtcdDeleteRequest &request, QObject *context,
                             Callback<EtcdDeleteResponse> done)
{
    unary(QStringLiteral("/v3/kv/deleterange"), EtcdCodec::encodeDelete(request), false, context,
          decodeInto(&EtcdCodec::decodeDelete, std::move(done)));
}

void EtcdClient::txn(const EtcdTxnRequest &request, QObject *context, Callback<EtcdTxnResponse> done)
{
    unary(QStringLiteral("/v3/kv/txn"), EtcdCodec::encodeTxn(request), false, context,
          decodeInto(&EtcdCodec::decodeTxn, std::move(done)));
}

void EtcdClient::leaseGrant(qint64 ttlSeconds, QObject *context, Callback<EtcdLeaseGrantResponse> done)
{
    unary(QStringLiteral("/v3/lease/grant"), EtcdCodec::encodeLeaseGrant(ttlSeconds), false, context,
          decodeInto(&EtcdCodec::decodeLeaseGrant, std::move(done)));
}

void EtcdClient::leaseRevoke(qint64 leaseId, QObject *context, Callback<EtcdLeaseRevokeResponse> done)
{
    // Revoking twice is harmless (the second answers NotFound), so retrying is safe.
    unary(QStringLiteral("/v3/lease/revoke"), EtcdCodec::encodeLeaseId(leaseId), true, context,
          decodeInto(&EtcdCodec::decodeLeaseRevoke, std::move(done)));
}

void EtcdClient::leaseTimeToLive(qint64 leaseId, bool keys, QObject *context,
                                 Callback<EtcdLeaseTimeToLiveResponse> done)
{
    unary(QStringLiteral("/v3/lease/timetolive"), EtcdCodec::encodeLeaseTimeToLive(leaseId, keys), true,
          context, decodeInto(&EtcdCodec::decodeLeaseTimeToLive, std::move(done)));
}

void EtcdClient::leaseKeepAlive(qint64 leaseId, QObject *context, Callback<EtcdLeaseKeepAliveResponse> done)
{
    unary(QStringLiteral("/v3/lease/keepalive"), EtcdCodec::encodeLeaseId(leaseId), true, context,
          decodeInto(&EtcdCodec::decodeLeaseKeepAlive, std::move(done)));
}

void EtcdClient::status(QObject *context, Callback<EtcdStatusResponse> done)
{
    unary(QStringLiteral("/v3/maintenance/status"), EtcdCodec::encodeEmpty(), true, context,
          decodeInto(&EtcdCodec::decodeStatus, std::move(done)));
}

void EtcdClient::statusOf(const QString &endpoint, QObject *context, Callback<EtcdStatusResponse> done)
{
    unary(QStringLiteral("/v3/maintenance/status"), EtcdCodec::encodeEmpty(), true, context,
          decodeInto(&EtcdCodec::decodeStatus, std::move(done)), endpoint);
}

void EtcdClient::memberList(QObject *context, Callback<EtcdMemberListResponse> done)
{
    unary(QStringLiteral("/v3/cluster/member/list"), EtcdCodec::encodeEmpty(), true, context,
          decodeInto(&EtcdCodec::decodeMemberList, std::move(done)));
}

void EtcdClient::memberAdd(const QStringList &peerUrls, QObject *context,
                           Callback<EtcdMemberAddResponse> done)
{
    unary(QStringLiteral("/v3/cluster/member/add"), EtcdCodec::encodeMemberAdd(peerUrls), false, context,
          decodeInto(&EtcdCodec::decodeMemberAdd, std::move(done)));
}

void EtcdClient::memberRemove(quint64 memberId, QObject *context, Callback<EtcdMemberRemoveResponse> done)
{
    unary(QStringLiteral("/v3/cluster/member/remove"), EtcdCodec::encodeMemberRemove(memberId), false,
          context, decodeInto(&EtcdCodec::decodeMemberRemove, std::move(done)));
}

EtcdWatch *EtcdClient::watch(const EtcdWatchCreateRequest &request, QObject *parent)
{
    return new EtcdWatch(this, request, parent);
}

} // namespace accel
