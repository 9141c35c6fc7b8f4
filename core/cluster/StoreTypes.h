#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>
#include <variant>

namespace accel {

/// Errors of a CoordinatorStore. Zero is not a valid error.
enum class StoreErrorCode {
    Io = 1,          ///< the backing database or network failed
    Compacted,       ///< a watch asked for a revision older than the compaction point
    LeaseNotFound,   ///< the lease does not exist (expired or revoked)
    InvalidArgument, ///< empty key, bad TTL, too many operations, ...
    Closed,          ///< the store is not open
};

struct StoreError
{
    StoreErrorCode code = StoreErrorCode::Io;
    QString message;
};

/// A value or an error. Small on purpose: core/common has no Result type yet.
template<typename T> class StoreResult
{
public:
    StoreResult(T value)
        : m_v(std::move(value))
    {}
    StoreResult(StoreError error)
        : m_v(std::move(error))
    {}
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<0>(m_v); }
    T &value() { return std::get<0>(m_v); }
    const T *operator->() const { return &std::get<0>(m_v); }
    const StoreError &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, StoreError> m_v;
};

/// One key as etcd describes it: revisions are store-wide counters bumped once per write
/// transaction; version counts writes to this key since its creation.
struct KeyValue
{
    QByteArray key;
    QByteArray value;
    qint64 createRevision = 0;
    qint64 modRevision = 0;
    qint64 version = 0;
    qint64 lease = 0;
};

/// Compare of a transaction (etcd's Compare): target of `key` against a number or value.
/// A missing key has createRevision = modRevision = version = 0 and an empty value.
struct StoreCompare
{
    enum class Target { Version = 1, CreateRevision, ModRevision, Value };
    enum class Op { Equal = 1, NotEqual, Greater, Less };
    QByteArray key;
    Target target = Target::ModRevision;
    Op op = Op::Equal;
    qint64 number = 0;
    QByteArray value;

    static StoreCompare modRevision(const QByteArray &key, Op op, qint64 rev)
    {
        return {key, Target::ModRevision, op, rev, {}};
    }
    static StoreCompare createRevision(const QByteArray &key, Op op, qint64 rev)
    {
        return {key, Target::CreateRevision, op, rev, {}};
    }
    static StoreCompare version(const QByteArray &key, Op op, qint64 v)
    {
        return {key, Target::Version, op, v, {}};
    }
    static StoreCompare valueIs(const QByteArray &key, Op op, const QByteArray &v)
    {
        return {key, Target::Value, op, 0, v};
    }
};

/// One operation of a transaction. rangeEnd follows etcd: empty = the single key, "\0" = every
/// key >= key, otherwise the half-open range [key, rangeEnd).
struct StoreOp
{
    enum class Type { Put = 1, Delete, Range };
    Type type = Type::Put;
    QByteArray key;
    QByteArray rangeEnd;
    QByteArray value;
    qint64 lease = 0;
    qint64 limit = 0; ///< Range only; 0 = no limit

    static StoreOp put(const QByteArray &key, const QByteArray &value, qint64 lease = 0)
    {
        return {Type::Put, key, {}, value, lease, 0};
    }
    static StoreOp remove(const QByteArray &key, const QByteArray &rangeEnd = {})
    {
        return {Type::Delete, key, rangeEnd, {}, 0, 0};
    }
    static StoreOp range(const QByteArray &key, const QByteArray &rangeEnd = {}, qint64 limit = 0)
    {
        return {Type::Range, key, rangeEnd, {}, 0, limit};
    }
};

struct StoreTxn
{
    QList<StoreCompare> compares;
    QList<StoreOp> success;
    QList<StoreOp> failure;
};

struct RangeResponse
{
    qint64 revision = 0; ///< store revision when the range was read
    QList<KeyValue> kvs;
    bool more = false;
};

struct StoreOpResult
{
    QList<KeyValue> kvs; ///< Range: the keys read; Delete: the keys deleted; Put: empty
    qint64 deleted = 0;
};

struct TxnResponse
{
    bool succeeded = false;
    qint64 revision = 0; ///< the revision after the transaction (unchanged when nothing was written)
    QList<StoreOpResult> results;
};

struct WatchEvent
{
    enum class Type { Put = 1, Delete };
    Type type = Type::Put;
    KeyValue kv; ///< for Delete: key and modRevision (the delete's revision) only
};

struct Lease
{
    qint64 id = 0;
    qint64 ttlMs = 0;
};

/// The smallest key greater than every key starting with prefix (etcd's prefix range end).
QByteArray prefixRangeEnd(const QByteArray &prefix);

} // namespace accel
