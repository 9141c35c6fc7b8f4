#include "cluster/CoordinatorStore.h"

namespace accel {

QByteArray prefixRangeEnd(const QByteArray &prefix)
{
    QByteArray end = prefix;
    for (qsizetype i = end.size() - 1; i >= 0; --i) {
        if (quint8(end[i]) < 0xff) {
            end[i] = char(quint8(end[i]) + 1);
            end.truncate(i + 1);
            return end;
        }
    }
    return QByteArray(1, '\0'); // every byte 0xff: the range reaches the end of the key space
}

CoordinatorStore::CoordinatorStore(QObject *parent)
    : QObject(parent)
{}

CoordinatorStore::~CoordinatorStore() = default;

StoreResult<qint64> CoordinatorStore::put(const QByteArray &key, const QByteArray &value, qint64 lease)
{
    StoreTxn t;
    t.success.append(StoreOp::put(key, value, lease));
    auto r = txn(t);
    if (!r) {
        return r.error();
    }
    return r->revision;
}

StoreResult<qint64> CoordinatorStore::remove(const QByteArray &key, const QByteArray &rangeEnd)
{
    StoreTxn t;
    t.success.append(StoreOp::remove(key, rangeEnd));
    auto r = txn(t);
    if (!r) {
        return r.error();
    }
    return r->results.isEmpty() ? 0 : r->results.first().deleted;
}

StoreResult<KeyValue> CoordinatorStore::get(const QByteArray &key)
{
    auto r = range(key);
    if (!r) {
        return r.error();
    }
    if (r->kvs.isEmpty()) {
        KeyValue missing;
        missing.key = key;
        return missing;
    }
    return r->kvs.first();
}

StoreResult<RangeResponse> CoordinatorStore::prefix(const QByteArray &p, qint64 limit)
{
    return range(p, prefixRangeEnd(p), limit);
}

} // namespace accel
