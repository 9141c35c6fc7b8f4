#pragma once

// Plain value types of etcd's v3 API as spoken through its HTTP/JSON gateway. One header for the
// whole family (they are tiny aggregates with no behaviour); EtcdCodec turns them into bytes and back.
// Revisions and lease ids are int64 (etcd sends them as JSON strings); cluster and member ids are
// uint64. A zero means "absent" exactly as in etcd's protobuf (proto3 omits default values).

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace accel {

struct EtcdHeader
{
    quint64 clusterId = 0;
    quint64 memberId = 0;
    qint64 revision = 0;
    qint64 raftTerm = 0;
};

struct EtcdKeyValue
{
    QByteArray key;
    QByteArray value;
    qint64 createRevision = 0;
    qint64 modRevision = 0;
    qint64 version = 0;
    qint64 lease = 0;
    bool operator==(const EtcdKeyValue &) const = default;
};

/// Range [key, rangeEnd); rangeEnd empty = the single key. EtcdCodec::prefixEnd() gives a prefix.
struct EtcdRangeRequest
{
    QByteArray key;
    QByteArray rangeEnd;
    qint64 limit = 0;
    qint64 revision = 0;
    bool keysOnly = false;
    bool countOnly = false;
    bool serializable = false; ///< read from the local member without a quorum round
};

struct EtcdRangeResponse
{
    EtcdHeader header;
    QList<EtcdKeyValue> kvs;
    bool more = false;
    qint64 count = 0;
};

struct EtcdPutRequest
{
    QByteArray key;
    QByteArray value;
    qint64 lease = 0;
    bool prevKv = false;
};

struct EtcdPutResponse
{
    EtcdHeader header;
    std::optional<EtcdKeyValue> prevKv;
};

struct EtcdDeleteRequest
{
    QByteArray key;
    QByteArray rangeEnd;
    bool prevKv = false;
};

struct EtcdDeleteResponse
{
    EtcdHeader header;
    qint64 deleted = 0;
    QList<EtcdKeyValue> prevKvs;
};

/// One txn comparison: `target(key) op operand`.
struct EtcdCompare
{
    enum class Target { Version = 1, Create, Mod, Value, Lease };
    enum class Op { Equal = 1, Greater, Less, NotEqual };
    QByteArray key;
    QByteArray rangeEnd;
    Target target = Target::Version;
    Op op = Op::Equal;
    qint64 number = 0; ///< version / create_revision / mod_revision / lease
    QByteArray value;  ///< for Target::Value

    static EtcdCompare createRevision(const QByteArray &key, Op op, qint64 revision);
    static EtcdCompare modRevision(const QByteArray &key, Op op, qint64 revision);
    static EtcdCompare version(const QByteArray &key, Op op, qint64 version);
    static EtcdCompare valueIs(const QByteArray &key, Op op, const QByteArray &value);
    static EtcdCompare leaseIs(const QByteArray &key, Op op, qint64 lease);
    /// The key does not exist (create_revision == 0).
    static EtcdCompare absent(const QByteArray &key) { return createRevision(key, Op::Equal, 0); }
};

using EtcdRequestOp = std::variant<EtcdRangeRequest, EtcdPutRequest, EtcdDeleteRequest>;
using EtcdResponseOp = std::variant<EtcdRangeResponse, EtcdPutResponse, EtcdDeleteResponse>;

struct EtcdTxnRequest
{
    QList<EtcdCompare> compare;
    QList<EtcdRequestOp> success;
    QList<EtcdRequestOp> failure;
};

struct EtcdTxnResponse
{
    EtcdHeader header;
    bool succeeded = false;
    QList<EtcdResponseOp> responses;
};

struct EtcdLeaseGrantResponse
{
    EtcdHeader header;
    qint64 id = 0;
    qint64 ttlSeconds = 0;
};

/// A keepalive answer. ttlSeconds == 0 (etcd omits it) means the lease no longer exists.
struct EtcdLeaseKeepAliveResponse
{
    EtcdHeader header;
    qint64 id = 0;
    qint64 ttlSeconds = 0;
    bool leaseGone() const { return ttlSeconds <= 0; }
};

/// ttlSeconds == -1: the lease is gone (expired or revoked).
struct EtcdLeaseTimeToLiveResponse
{
    EtcdHeader header;
    qint64 id = 0;
    qint64 ttlSeconds = 0;
    qint64 grantedTtlSeconds = 0;
    QList<QByteArray> keys;
};

struct EtcdLeaseRevokeResponse
{
    EtcdHeader header;
};

struct EtcdWatchCreateRequest
{
    QByteArray key;
    QByteArray rangeEnd;
    qint64 startRevision = 0;
    bool prevKv = false;
    bool progressNotify = false;
};

struct EtcdWatchEvent
{
    enum class Type { Put = 1, Delete };
    Type type = Type::Put;
    EtcdKeyValue kv;
    std::optional<EtcdKeyValue> prevKv;
};

struct EtcdWatchResponse
{
    EtcdHeader header;
    qint64 watchId = 0;
    bool created = false;
    bool canceled = false;
    qint64 compactRevision = 0;
    QString cancelReason;
    QList<EtcdWatchEvent> events;
};

struct EtcdMember
{
    quint64 id = 0;
    QString name; ///< empty for a member added but not started yet
    QStringList peerUrls;
    QStringList clientUrls;
    bool isLearner = false;
};

struct EtcdMemberListResponse
{
    EtcdHeader header;
    QList<EtcdMember> members;
};

struct EtcdMemberAddResponse
{
    EtcdHeader header;
    EtcdMember member;
    QList<EtcdMember> members;
};

struct EtcdMemberRemoveResponse
{
    EtcdHeader header;
    QList<EtcdMember> members;
};

/// /v3/maintenance/status of the member that answered (header.memberId).
struct EtcdStatusResponse
{
    EtcdHeader header;
    QString version;
    qint64 dbSizeBytes = 0;
    qint64 dbSizeInUseBytes = 0;
    quint64 leader = 0;
    qint64 raftIndex = 0;
    qint64 raftTerm = 0;
    qint64 raftAppliedIndex = 0;
    QStringList errors;
    bool isLearner = false;
};

} // namespace accel
