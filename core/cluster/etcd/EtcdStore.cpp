#include "cluster/etcd/EtcdStore.h"

#include "cluster/etcd/EtcdBlockingClient.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "cluster/etcd/EtcdWatch.h"
#include "cluster/etcd/LeaderElection.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QSet>

#include <cmath>

namespace accel {

namespace {

StoreError invalid(const QString &message)
{
    return StoreError{StoreErrorCode::InvalidArgument, message};
}

EtcdCompare::Target targetOf(StoreCompare::Target t)
{
    switch (t) {
    case StoreCompare::Target::Version:
        return EtcdCompare::Target::Version;
    case StoreCompare::Target::CreateRevision:
        return EtcdCompare::Target::Create;
    case StoreCompare::Target::ModRevision:
        return EtcdCompare::Target::Mod;
    case StoreCompare::Target::Value:
        return EtcdCompare::Target::Value;
    }
    return EtcdCompare::Target::Mod;
}

EtcdCompare::Op opOf(StoreCompare::Op op)
{
    switch (op) {
    case StoreCompare::Op::Equal:
        return EtcdCompare::Op::Equal;
    case StoreCompare::Op::NotEqual:
        return EtcdCompare::Op::NotEqual;
    case StoreCompare::Op::Greater:
        return EtcdCompare::Op::Greater;
    case StoreCompare::Op::Less:
        return EtcdCompare::Op::Less;
    }
    return EtcdCompare::Op::Equal;
}

/// etcd refuses a txn that puts one key twice ("duplicate key given in txn request"), while the
/// store contract applies ops in order (a later put wins). With puts only, dropping the earlier
/// puts of a key gives the same result; a list with deletes or ranges is left to etcd as is.
void dropShadowedPuts(QList<EtcdRequestOp> *ops)
{
    QSet<QByteArray> seen;
    for (const EtcdRequestOp &op : std::as_const(*ops)) {
        if (!std::holds_alternative<EtcdPutRequest>(op)) {
            return;
        }
    }
    for (qsizetype i = ops->size() - 1; i >= 0; --i) {
        const QByteArray &key = std::get<EtcdPutRequest>(ops->at(i)).key;
        if (seen.contains(key)) {
            ops->removeAt(i);
        } else {
            seen.insert(key);
        }
    }
}

} // namespace

EtcdStore::EtcdStore(const Options &options, QObject *parent, const Clock *clock)
    : CoordinatorStore(parent)
    , m_options(options)
    , m_clock(clock ? clock : Clock::system())
    , m_client(std::make_unique<EtcdBlockingClient>(options.endpoints, m_clock))
{
    m_client->setTimeoutMs(options.timeoutMs);
    m_client->setAttemptTimeoutMs(options.attemptTimeoutMs);
}

EtcdStore::~EtcdStore()
{
    for (EtcdWatch *w : std::as_const(m_watches)) {
        w->cancel();
    }
}

StoreError EtcdStore::toStoreError(const EtcdError &error)
{
    switch (error.code) {
    case EtcdErrorCode::NotFound:
        return StoreError{StoreErrorCode::LeaseNotFound, error.toString()};
    case EtcdErrorCode::InvalidArgument:
        return StoreError{StoreErrorCode::InvalidArgument, error.toString()};
    case EtcdErrorCode::Compacted:
        return StoreError{StoreErrorCode::Compacted, error.toString()};
    default:
        return StoreError{StoreErrorCode::Io, QStringLiteral("etcd: ") + error.toString()};
    }
}

QByteArray EtcdStore::outer(const QByteArray &key) const
{
    return m_options.keyPrefix + key;
}

QByteArray EtcdStore::outerEnd(const QByteArray &key, const QByteArray &rangeEnd) const
{
    Q_UNUSED(key);
    if (rangeEnd.isEmpty()) {
        return {};
    }
    if (rangeEnd == QByteArray(1, '\0')) {
        return EtcdCodec::prefixEnd(m_options.keyPrefix); // "every key >= key" within the namespace
    }
    return m_options.keyPrefix + rangeEnd;
}

QByteArray EtcdStore::inner(const QByteArray &key) const
{
    return key.startsWith(m_options.keyPrefix) ? key.mid(m_options.keyPrefix.size()) : key;
}

KeyValue EtcdStore::fromEtcd(const EtcdKeyValue &kv) const
{
    KeyValue out;
    out.key = inner(kv.key);
    out.value = kv.value;
    out.createRevision = kv.createRevision;
    out.modRevision = kv.modRevision;
    out.version = kv.version;
    out.lease = kv.lease;
    return out;
}

StoreResult<RangeResponse> EtcdStore::range(const QByteArray &key, const QByteArray &rangeEnd, qint64 limit)
{
    if (key.isEmpty()) {
        return invalid(QStringLiteral("empty key"));
    }
    EtcdRangeRequest request;
    request.key = outer(key);
    request.rangeEnd = outerEnd(key, rangeEnd);
    request.limit = qMax<qint64>(0, limit);
    const auto raw = m_client->post(QStringLiteral("/v3/kv/range"), EtcdCodec::encodeRange(request), true);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeRange(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    RangeResponse out;
    out.revision = decoded.value().header.revision;
    out.more = decoded.value().more;
    for (const EtcdKeyValue &kv : decoded.value().kvs) {
        out.kvs << fromEtcd(kv);
    }
    return out;
}

StoreResult<TxnResponse> EtcdStore::txn(const StoreTxn &txn)
{
    EtcdTxnRequest request;
    for (const StoreCompare &c : txn.compares) {
        if (c.key.isEmpty()) {
            return invalid(QStringLiteral("empty key in a compare"));
        }
        EtcdCompare e;
        e.key = outer(c.key);
        e.target = targetOf(c.target);
        e.op = opOf(c.op);
        e.number = c.number;
        e.value = c.value;
        request.compare << e;
    }
    auto mapOps = [this](const QList<StoreOp> &ops, QList<EtcdRequestOp> *out) -> bool {
        for (const StoreOp &op : ops) {
            if (op.key.isEmpty()) {
                return false;
            }
            switch (op.type) {
            case StoreOp::Type::Put:
                *out << EtcdRequestOp(EtcdPutRequest{outer(op.key), op.value, op.lease, false});
                break;
            case StoreOp::Type::Delete:
                *out << EtcdRequestOp(EtcdDeleteRequest{outer(op.key), outerEnd(op.key, op.rangeEnd), true});
                break;
            case StoreOp::Type::Range: {
                EtcdRangeRequest r;
                r.key = outer(op.key);
                r.rangeEnd = outerEnd(op.key, op.rangeEnd);
                r.limit = qMax<qint64>(0, op.limit);
                *out << EtcdRequestOp(r);
                break;
            }
            }
        }
        return true;
    };
    if (!mapOps(txn.success, &request.success) || !mapOps(txn.failure, &request.failure)) {
        return invalid(QStringLiteral("empty key in a transaction operation"));
    }
    dropShadowedPuts(&request.success);
    dropShadowedPuts(&request.failure);
    qint64 fenceEpoch = 0;
    QByteArray fenceKey;
    if (m_fenced) {
        if (!m_fence) {
            return StoreError{StoreErrorCode::Io,
                              fencedErrorPrefix() +
                                  QStringLiteral(" the leader election this store was fenced on is gone")};
        }
        fenceKey = m_fence->fencedTxn({}).compare.first().key;
        fenceEpoch = m_fence->epoch();
        request = m_fence->fencedTxn(request);
    }
    const auto raw = m_client->post(QStringLiteral("/v3/kv/txn"), EtcdCodec::encodeTxn(request), false);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeTxn(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    const EtcdTxnResponse &r = decoded.value();
    QList<EtcdResponseOp> responses = r.responses;
    if (m_fenced && !r.succeeded) {
        if (LeaderElection::isFenceFailure(r, fenceKey, fenceEpoch)) {
            return StoreError{
                StoreErrorCode::Io,
                fencedErrorPrefix() +
                    QStringLiteral(" not the leader any more (epoch %1); the write was rejected by etcd")
                        .arg(fenceEpoch)};
        }
        if (!responses.isEmpty()) {
            responses.removeLast(); // our range of the election key
        }
    }
    TxnResponse out;
    out.succeeded = r.succeeded;
    out.revision = r.header.revision;
    for (const EtcdResponseOp &op : responses) {
        StoreOpResult result;
        if (const auto *range = std::get_if<EtcdRangeResponse>(&op)) {
            for (const EtcdKeyValue &kv : range->kvs) {
                result.kvs << fromEtcd(kv);
            }
        } else if (const auto *del = std::get_if<EtcdDeleteResponse>(&op)) {
            result.deleted = del->deleted;
            for (const EtcdKeyValue &kv : del->prevKvs) {
                result.kvs << fromEtcd(kv);
            }
        }
        out.results << result;
    }
    // Puts dropped by dropShadowedPuts() still get their (empty) result: one per requested op.
    const qsizetype requested = r.succeeded ? txn.success.size() : txn.failure.size();
    while (out.results.size() < requested) {
        out.results << StoreOpResult();
    }
    return out;
}

StoreResult<qint64> EtcdStore::revision()
{
    EtcdRangeRequest request;
    request.key = m_options.keyPrefix;
    request.rangeEnd = EtcdCodec::prefixEnd(m_options.keyPrefix);
    request.countOnly = true;
    const auto raw = m_client->post(QStringLiteral("/v3/kv/range"), EtcdCodec::encodeRange(request), true);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeRange(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    return decoded.value().header.revision;
}

StoreResult<Lease> EtcdStore::grantLease(qint64 ttlMs)
{
    if (ttlMs <= 0) {
        return invalid(QStringLiteral("lease TTL must be positive, got %1 ms").arg(ttlMs));
    }
    const qint64 ttlSeconds = (ttlMs + 999) / 1000;
    const auto raw =
        m_client->post(QStringLiteral("/v3/lease/grant"), EtcdCodec::encodeLeaseGrant(ttlSeconds), false);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeLeaseGrant(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    return Lease{decoded.value().id, decoded.value().ttlSeconds * 1000};
}

StoreResult<Lease> EtcdStore::keepAlive(qint64 leaseId)
{
    const auto raw =
        m_client->post(QStringLiteral("/v3/lease/keepalive"), EtcdCodec::encodeLeaseId(leaseId), true);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeLeaseKeepAlive(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    if (decoded.value().leaseGone()) {
        return StoreError{
            StoreErrorCode::LeaseNotFound,
            QStringLiteral("lease %1 expired or was revoked (keepalive without TTL)").arg(leaseId)};
    }
    return Lease{leaseId, decoded.value().ttlSeconds * 1000};
}

StoreResult<bool> EtcdStore::revokeLease(qint64 leaseId)
{
    const auto raw =
        m_client->post(QStringLiteral("/v3/lease/revoke"), EtcdCodec::encodeLeaseId(leaseId), true);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeLeaseRevoke(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    return true;
}

StoreResult<qint64> EtcdStore::leaseTimeToLive(qint64 leaseId)
{
    const auto raw = m_client->post(QStringLiteral("/v3/lease/timetolive"),
                                    EtcdCodec::encodeLeaseTimeToLive(leaseId, false), true);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeLeaseTimeToLive(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    if (decoded.value().ttlSeconds < 0) {
        return StoreError{StoreErrorCode::LeaseNotFound,
                          QStringLiteral("lease %1 does not exist").arg(leaseId)};
    }
    return decoded.value().ttlSeconds * 1000;
}

EtcdClient *EtcdStore::watchClient()
{
    if (!m_watchClient) {
        m_watchClient = new EtcdClient(m_options.endpoints, this, m_clock);
        m_watchClient->setAttemptTimeoutMs(m_options.attemptTimeoutMs);
        m_watchClient->setTimeoutMs(m_options.timeoutMs);
    }
    return m_watchClient;
}

StoreResult<qint64> EtcdStore::watch(const QByteArray &key, const QByteArray &rangeEnd, qint64 fromRevision,
                                     QObject *context, WatchCallback callback)
{
    if (key.isEmpty()) {
        return invalid(QStringLiteral("empty watch key"));
    }
    if (!context || !callback) {
        return invalid(QStringLiteral("a watch needs a context object and a callback"));
    }
    qint64 start = fromRevision;
    if (start > 0) {
        // Tell "compacted" synchronously, as the interface promises: a read at that revision
        // fails the same way the watch would.
        EtcdRangeRequest probe;
        probe.key = outer(key);
        probe.limit = 1;
        probe.revision = start;
        const auto raw = m_client->post(QStringLiteral("/v3/kv/range"), EtcdCodec::encodeRange(probe), true);
        if (!raw.ok() && raw.error().code != EtcdErrorCode::InvalidArgument) { // future revision is fine
            return toStoreError(raw.error());
        }
    } else {
        // "Only future changes" must include writes made right after this call returns, before
        // the stream is established: start from the current revision + 1.
        const auto now = revision();
        if (!now.ok()) {
            return now.error();
        }
        start = now.value() + 1;
    }
    EtcdWatchCreateRequest request;
    request.key = outer(key);
    request.rangeEnd = outerEnd(key, rangeEnd);
    request.startRevision = start;
    EtcdWatch *w = watchClient()->watch(request, this);
    const qint64 id = m_nextWatchId++;
    m_watches.insert(id, w);
    connect(
        w, &EtcdWatch::events, context,
        [this, callback](const QList<EtcdWatchEvent> &events, qint64) {
            QList<WatchEvent> out;
            out.reserve(events.size());
            for (const EtcdWatchEvent &e : events) {
                WatchEvent we;
                we.type =
                    e.type == EtcdWatchEvent::Type::Delete ? WatchEvent::Type::Delete : WatchEvent::Type::Put;
                we.kv = fromEtcd(e.kv);
                out << we;
            }
            callback(out);
        },
        Qt::QueuedConnection);
    connect(w, &EtcdWatch::failed, this, [id](const EtcdError &error) {
        qCWarning(lcCluster) << "EtcdStore watch" << id << "ended:" << error.toString();
    });
    return id;
}

void EtcdStore::cancelWatch(qint64 watchId)
{
    EtcdWatch *w = m_watches.take(watchId);
    if (w) {
        w->cancel();
        disconnect(w, nullptr, nullptr, nullptr);
        w->deleteLater();
    }
}

StoreResult<qint64> EtcdStore::compact(qint64 revision)
{
    const auto raw = m_client->post(QStringLiteral("/v3/kv/compaction"),
                                    EtcdCodec::encodeCompaction(revision, true), false);
    if (!raw.ok()) {
        return toStoreError(raw.error());
    }
    const auto decoded = EtcdCodec::decodeHeaderOnly(raw.value());
    if (!decoded.ok()) {
        return toStoreError(decoded.error());
    }
    return revision;
}

void EtcdStore::setFence(const LeaderElection *election)
{
    m_fenced = election != nullptr;
    m_fence = election;
}

} // namespace accel
