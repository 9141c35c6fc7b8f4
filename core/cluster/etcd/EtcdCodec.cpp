#include "cluster/etcd/EtcdCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cmath>
#include <limits>

namespace accel {

namespace {

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QString int64String(qint64 value)
{
    return QString::number(value);
}

/// Reads typed fields from the gateway's JSON, remembering the first type error. Absent fields
/// read as proto3 defaults (0, false, empty).
class Reader
{
public:
    QString error;

    bool fail(const QString &message)
    {
        if (error.isEmpty()) {
            error = message;
        }
        return false;
    }

    qint64 int64(const QJsonObject &obj, const char *name)
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            return 0;
        }
        if (v.isString()) {
            bool ok = false;
            const qint64 n = v.toString().toLongLong(&ok);
            if (!ok) {
                fail(QStringLiteral("field '%1' is not an int64 string").arg(QLatin1String(name)));
                return 0;
            }
            return n;
        }
        if (v.isDouble()) {
            const double d = v.toDouble();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
                return qint64(d);
            }
        }
        fail(QStringLiteral("field '%1' is not an integer").arg(QLatin1String(name)));
        return 0;
    }

    quint64 uint64(const QJsonObject &obj, const char *name)
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            return 0;
        }
        if (v.isString()) {
            bool ok = false;
            const quint64 n = v.toString().toULongLong(&ok);
            if (!ok) {
                fail(QStringLiteral("field '%1' is not a uint64 string").arg(QLatin1String(name)));
                return 0;
            }
            return n;
        }
        if (v.isDouble()) {
            const double d = v.toDouble();
            if (std::isfinite(d) && d >= 0 && d == std::floor(d) && d < 9.0e15) {
                return quint64(d);
            }
        }
        fail(QStringLiteral("field '%1' is not an unsigned integer").arg(QLatin1String(name)));
        return 0;
    }

    bool boolean(const QJsonObject &obj, const char *name)
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            return false;
        }
        if (!v.isBool()) {
            fail(QStringLiteral("field '%1' is not a boolean").arg(QLatin1String(name)));
            return false;
        }
        return v.toBool();
    }

    QString string(const QJsonObject &obj, const char *name)
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isString()) {
            fail(QStringLiteral("field '%1' is not a string").arg(QLatin1String(name)));
            return {};
        }
        return v.toString();
    }

    QByteArray bytes(const QJsonObject &obj, const char *name)
    {
        const QString s = string(obj, name);
        if (s.isEmpty()) {
            return {};
        }
        auto decoded = QByteArray::fromBase64Encoding(s.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            fail(QStringLiteral("field '%1' is not valid base64").arg(QLatin1String(name)));
            return {};
        }
        return *decoded;
    }

    QJsonObject object(const QJsonObject &obj, const char *name)
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isObject()) {
            fail(QStringLiteral("field '%1' is not an object").arg(QLatin1String(name)));
            return {};
        }
        return v.toObject();
    }

    bool has(const QJsonObject &obj, const char *name) const
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        return !v.isUndefined() && !v.isNull();
    }

    QJsonArray array(const QJsonObject &obj, const char *name)
    {
        const QJsonValue v = obj.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isArray()) {
            fail(QStringLiteral("field '%1' is not an array").arg(QLatin1String(name)));
            return {};
        }
        return v.toArray();
    }

    QJsonObject element(const QJsonValue &v, const char *arrayName)
    {
        if (!v.isObject()) {
            fail(QStringLiteral("an element of '%1' is not an object").arg(QLatin1String(arrayName)));
            return {};
        }
        return v.toObject();
    }

    QStringList strings(const QJsonObject &obj, const char *name)
    {
        QStringList out;
        for (const QJsonValue &v : array(obj, name)) {
            if (!v.isString()) {
                fail(QStringLiteral("an element of '%1' is not a string").arg(QLatin1String(name)));
                return {};
            }
            out << v.toString();
        }
        return out;
    }

    EtcdHeader header(const QJsonObject &obj)
    {
        const QJsonObject h = object(obj, "header");
        EtcdHeader out;
        out.clusterId = uint64(h, "cluster_id");
        out.memberId = uint64(h, "member_id");
        out.revision = int64(h, "revision");
        out.raftTerm = int64(h, "raft_term");
        return out;
    }

    EtcdKeyValue kv(const QJsonObject &o)
    {
        EtcdKeyValue out;
        out.key = bytes(o, "key");
        out.value = bytes(o, "value");
        out.createRevision = int64(o, "create_revision");
        out.modRevision = int64(o, "mod_revision");
        out.version = int64(o, "version");
        out.lease = int64(o, "lease");
        return out;
    }

    QList<EtcdKeyValue> kvs(const QJsonObject &obj, const char *name)
    {
        QList<EtcdKeyValue> out;
        for (const QJsonValue &v : array(obj, name)) {
            out << kv(element(v, name));
        }
        return out;
    }

    EtcdMember member(const QJsonObject &o)
    {
        EtcdMember m;
        m.id = uint64(o, "ID");
        m.name = string(o, "name");
        m.peerUrls = strings(o, "peerURLs");
        m.clientUrls = strings(o, "clientURLs");
        m.isLearner = boolean(o, "isLearner");
        return m;
    }

    QList<EtcdMember> members(const QJsonObject &obj)
    {
        QList<EtcdMember> out;
        for (const QJsonValue &v : array(obj, "members")) {
            out << member(element(v, "members"));
        }
        return out;
    }

    EtcdRangeResponse range(const QJsonObject &o)
    {
        EtcdRangeResponse r;
        r.header = header(o);
        r.kvs = kvs(o, "kvs");
        r.more = boolean(o, "more");
        r.count = int64(o, "count");
        return r;
    }

    EtcdPutResponse put(const QJsonObject &o)
    {
        EtcdPutResponse r;
        r.header = header(o);
        if (has(o, "prev_kv")) {
            r.prevKv = kv(object(o, "prev_kv"));
        }
        return r;
    }

    EtcdDeleteResponse del(const QJsonObject &o)
    {
        EtcdDeleteResponse r;
        r.header = header(o);
        r.deleted = int64(o, "deleted");
        r.prevKvs = kvs(o, "prev_kvs");
        return r;
    }
};

EtcdError protocolError(const QString &message)
{
    EtcdError e;
    e.code = EtcdErrorCode::Protocol;
    e.message = message;
    return e;
}

/// Parses a body that must be one JSON object.
std::optional<QJsonObject> parseObject(const QByteArray &body, EtcdError *error)
{
    if (body.size() > EtcdCodec::kMaxBodyBytes) {
        *error = protocolError(QStringLiteral("etcd answer of %1 bytes exceeds the %2 byte limit")
                                   .arg(body.size())
                                   .arg(EtcdCodec::kMaxBodyBytes));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = protocolError(QStringLiteral("etcd answer is not JSON: %1 at offset %2")
                                   .arg(parseError.errorString())
                                   .arg(parseError.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = protocolError(QStringLiteral("etcd answer is not a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

/// A 200 body may still carry an etcd error ({"error": "...", "code": n}) — e.g. from a proxy.
std::optional<EtcdError> embeddedError(const QJsonObject &obj)
{
    const QJsonValue err = obj.value(QLatin1String("error"));
    if (err.isUndefined() || err.isNull()) {
        return std::nullopt;
    }
    EtcdError e;
    if (err.isObject()) { // stream form: {"error":{"grpc_code":14,"http_code":503,"message":"..."}}
        const QJsonObject o = err.toObject();
        e.grpcCode = o.value(QLatin1String("grpc_code")).toInt(-1);
        e.httpStatus = o.value(QLatin1String("http_code")).toInt(0);
        e.message = o.value(QLatin1String("message")).toString();
    } else {
        e.message = obj.value(QLatin1String("message")).toString(err.toString());
        e.grpcCode = obj.value(QLatin1String("code")).toInt(-1);
    }
    if (e.message.isEmpty()) {
        e.message = QStringLiteral("etcd reported an error without a message");
    }
    e.code = EtcdCodec::classifyGrpc(e.grpcCode, e.message);
    return e;
}

template<typename T, typename Fn>
EtcdResult<T> decodeWith(const QByteArray &body, Fn fn, bool streamMessage = false)
{
    EtcdError error;
    const auto parsed = parseObject(body, &error);
    if (!parsed) {
        return error;
    }
    QJsonObject obj = *parsed;
    if (auto e = embeddedError(obj)) {
        return *e;
    }
    if (streamMessage) {
        const QJsonValue result = obj.value(QLatin1String("result"));
        if (!result.isObject()) {
            return protocolError(QStringLiteral("etcd stream message has no 'result' object"));
        }
        obj = result.toObject();
    }
    Reader reader;
    T value = fn(reader, obj);
    if (!reader.error.isEmpty()) {
        return protocolError(reader.error);
    }
    return value;
}

QJsonObject rangeJson(const EtcdRangeRequest &r)
{
    QJsonObject o;
    o.insert(QStringLiteral("key"), b64(r.key));
    if (!r.rangeEnd.isEmpty()) {
        o.insert(QStringLiteral("range_end"), b64(r.rangeEnd));
    }
    if (r.limit > 0) {
        o.insert(QStringLiteral("limit"), int64String(r.limit));
    }
    if (r.revision > 0) {
        o.insert(QStringLiteral("revision"), int64String(r.revision));
    }
    if (r.keysOnly) {
        o.insert(QStringLiteral("keys_only"), true);
    }
    if (r.countOnly) {
        o.insert(QStringLiteral("count_only"), true);
    }
    if (r.serializable) {
        o.insert(QStringLiteral("serializable"), true);
    }
    return o;
}

QJsonObject putJson(const EtcdPutRequest &r)
{
    QJsonObject o;
    o.insert(QStringLiteral("key"), b64(r.key));
    o.insert(QStringLiteral("value"), b64(r.value));
    if (r.lease != 0) {
        o.insert(QStringLiteral("lease"), int64String(r.lease));
    }
    if (r.prevKv) {
        o.insert(QStringLiteral("prev_kv"), true);
    }
    return o;
}

QJsonObject deleteJson(const EtcdDeleteRequest &r)
{
    QJsonObject o;
    o.insert(QStringLiteral("key"), b64(r.key));
    if (!r.rangeEnd.isEmpty()) {
        o.insert(QStringLiteral("range_end"), b64(r.rangeEnd));
    }
    if (r.prevKv) {
        o.insert(QStringLiteral("prev_kv"), true);
    }
    return o;
}

QJsonObject compareJson(const EtcdCompare &c)
{
    QJsonObject o;
    o.insert(QStringLiteral("key"), b64(c.key));
    if (!c.rangeEnd.isEmpty()) {
        o.insert(QStringLiteral("range_end"), b64(c.rangeEnd));
    }
    switch (c.op) {
    case EtcdCompare::Op::Equal:
        o.insert(QStringLiteral("result"), QStringLiteral("EQUAL"));
        break;
    case EtcdCompare::Op::Greater:
        o.insert(QStringLiteral("result"), QStringLiteral("GREATER"));
        break;
    case EtcdCompare::Op::Less:
        o.insert(QStringLiteral("result"), QStringLiteral("LESS"));
        break;
    case EtcdCompare::Op::NotEqual:
        o.insert(QStringLiteral("result"), QStringLiteral("NOT_EQUAL"));
        break;
    }
    switch (c.target) {
    case EtcdCompare::Target::Version:
        o.insert(QStringLiteral("target"), QStringLiteral("VERSION"));
        o.insert(QStringLiteral("version"), int64String(c.number));
        break;
    case EtcdCompare::Target::Create:
        o.insert(QStringLiteral("target"), QStringLiteral("CREATE"));
        o.insert(QStringLiteral("create_revision"), int64String(c.number));
        break;
    case EtcdCompare::Target::Mod:
        o.insert(QStringLiteral("target"), QStringLiteral("MOD"));
        o.insert(QStringLiteral("mod_revision"), int64String(c.number));
        break;
    case EtcdCompare::Target::Value:
        o.insert(QStringLiteral("target"), QStringLiteral("VALUE"));
        o.insert(QStringLiteral("value"), b64(c.value));
        break;
    case EtcdCompare::Target::Lease:
        o.insert(QStringLiteral("target"), QStringLiteral("LEASE"));
        o.insert(QStringLiteral("lease"), int64String(c.number));
        break;
    }
    return o;
}

QJsonArray opsJson(const QList<EtcdRequestOp> &ops)
{
    QJsonArray out;
    for (const EtcdRequestOp &op : ops) {
        QJsonObject o;
        if (const auto *r = std::get_if<EtcdRangeRequest>(&op)) {
            o.insert(QStringLiteral("request_range"), rangeJson(*r));
        } else if (const auto *p = std::get_if<EtcdPutRequest>(&op)) {
            o.insert(QStringLiteral("request_put"), putJson(*p));
        } else if (const auto *d = std::get_if<EtcdDeleteRequest>(&op)) {
            o.insert(QStringLiteral("request_delete_range"), deleteJson(*d));
        }
        out.append(o);
    }
    return out;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

EtcdCompare EtcdCompare::createRevision(const QByteArray &key, Op op, qint64 revision)
{
    EtcdCompare c;
    c.key = key;
    c.target = Target::Create;
    c.op = op;
    c.number = revision;
    return c;
}

EtcdCompare EtcdCompare::modRevision(const QByteArray &key, Op op, qint64 revision)
{
    EtcdCompare c = createRevision(key, op, revision);
    c.target = Target::Mod;
    return c;
}

EtcdCompare EtcdCompare::version(const QByteArray &key, Op op, qint64 version)
{
    EtcdCompare c = createRevision(key, op, version);
    c.target = Target::Version;
    return c;
}

EtcdCompare EtcdCompare::valueIs(const QByteArray &key, Op op, const QByteArray &value)
{
    EtcdCompare c = createRevision(key, op, 0);
    c.target = Target::Value;
    c.value = value;
    return c;
}

EtcdCompare EtcdCompare::leaseIs(const QByteArray &key, Op op, qint64 lease)
{
    EtcdCompare c = createRevision(key, op, lease);
    c.target = Target::Lease;
    return c;
}

QByteArray EtcdCodec::prefixEnd(const QByteArray &prefix)
{
    QByteArray end = prefix;
    for (qsizetype i = end.size() - 1; i >= 0; --i) {
        if (quint8(end[i]) < 0xff) {
            end[i] = char(quint8(end[i]) + 1);
            end.truncate(i + 1);
            return end;
        }
    }
    // Empty prefix or all 0xff: etcd's convention for "to the end of the keyspace".
    return QByteArray(1, '\0');
}

QByteArray EtcdCodec::encodeRange(const EtcdRangeRequest &request)
{
    return compact(rangeJson(request));
}

QByteArray EtcdCodec::encodePut(const EtcdPutRequest &request)
{
    return compact(putJson(request));
}

QByteArray EtcdCodec::encodeDelete(const EtcdDeleteRequest &request)
{
    return compact(deleteJson(request));
}

QByteArray EtcdCodec::encodeTxn(const EtcdTxnRequest &request)
{
    QJsonObject o;
    QJsonArray compares;
    for (const EtcdCompare &c : request.compare) {
        compares.append(compareJson(c));
    }
    if (!compares.isEmpty()) {
        o.insert(QStringLiteral("compare"), compares);
    }
    if (!request.success.isEmpty()) {
        o.insert(QStringLiteral("success"), opsJson(request.success));
    }
    if (!request.failure.isEmpty()) {
        o.insert(QStringLiteral("failure"), opsJson(request.failure));
    }
    return compact(o);
}

QByteArray EtcdCodec::encodeLeaseGrant(qint64 ttlSeconds, qint64 id)
{
    QJsonObject o;
    o.insert(QStringLiteral("TTL"), int64String(ttlSeconds));
    if (id != 0) {
        o.insert(QStringLiteral("ID"), int64String(id));
    }
    return compact(o);
}

QByteArray EtcdCodec::encodeLeaseId(qint64 id)
{
    QJsonObject o;
    o.insert(QStringLiteral("ID"), int64String(id));
    return compact(o);
}

QByteArray EtcdCodec::encodeLeaseTimeToLive(qint64 id, bool keys)
{
    QJsonObject o;
    o.insert(QStringLiteral("ID"), int64String(id));
    if (keys) {
        o.insert(QStringLiteral("keys"), true);
    }
    return compact(o);
}

QByteArray EtcdCodec::encodeWatchCreate(const EtcdWatchCreateRequest &request)
{
    QJsonObject c;
    c.insert(QStringLiteral("key"), b64(request.key));
    if (!request.rangeEnd.isEmpty()) {
        c.insert(QStringLiteral("range_end"), b64(request.rangeEnd));
    }
    if (request.startRevision > 0) {
        c.insert(QStringLiteral("start_revision"), int64String(request.startRevision));
    }
    if (request.prevKv) {
        c.insert(QStringLiteral("prev_kv"), true);
    }
    if (request.progressNotify) {
        c.insert(QStringLiteral("progress_notify"), true);
    }
    QJsonObject o;
    o.insert(QStringLiteral("create_request"), c);
    return compact(o);
}

QByteArray EtcdCodec::encodeWatchCancel(qint64 watchId)
{
    QJsonObject c;
    c.insert(QStringLiteral("watch_id"), int64String(watchId));
    QJsonObject o;
    o.insert(QStringLiteral("cancel_request"), c);
    return compact(o);
}

QByteArray EtcdCodec::encodeMemberAdd(const QStringList &peerUrls, bool isLearner)
{
    QJsonObject o;
    o.insert(QStringLiteral("peerURLs"), QJsonArray::fromStringList(peerUrls));
    if (isLearner) {
        o.insert(QStringLiteral("isLearner"), true);
    }
    return compact(o);
}

QByteArray EtcdCodec::encodeMemberRemove(quint64 memberId)
{
    QJsonObject o;
    o.insert(QStringLiteral("ID"), QString::number(memberId));
    return compact(o);
}

QByteArray EtcdCodec::encodeEmpty()
{
    return QByteArrayLiteral("{}");
}

QByteArray EtcdCodec::encodeCompaction(qint64 revision, bool physical)
{
    QJsonObject o;
    o.insert(QStringLiteral("revision"), int64String(revision));
    if (physical) {
        o.insert(QStringLiteral("physical"), true);
    }
    return compact(o);
}

EtcdResult<EtcdHeader> EtcdCodec::decodeHeaderOnly(const QByteArray &body)
{
    return decodeWith<EtcdHeader>(body, [](Reader &r, const QJsonObject &o) { return r.header(o); });
}

EtcdResult<EtcdRangeResponse> EtcdCodec::decodeRange(const QByteArray &body)
{
    return decodeWith<EtcdRangeResponse>(body, [](Reader &r, const QJsonObject &o) { return r.range(o); });
}

EtcdResult<EtcdPutResponse> EtcdCodec::decodePut(const QByteArray &body)
{
    return decodeWith<EtcdPutResponse>(body, [](Reader &r, const QJsonObject &o) { return r.put(o); });
}

EtcdResult<EtcdDeleteResponse> EtcdCodec::decodeDelete(const QByteArray &body)
{
    return decodeWith<EtcdDeleteResponse>(body, [](Reader &r, const QJsonObject &o) { return r.del(o); });
}

EtcdResult<EtcdTxnResponse> EtcdCodec::decodeTxn(const QByteArray &body)
{
    return decodeWith<EtcdTxnResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdTxnResponse t;
        t.header = r.header(o);
        t.succeeded = r.boolean(o, "succeeded");
        for (const QJsonValue &v : r.array(o, "responses")) {
            const QJsonObject op = r.element(v, "responses");
            if (r.has(op, "response_range")) {
                t.responses << EtcdResponseOp(r.range(r.object(op, "response_range")));
            } else if (r.has(op, "response_put")) {
                t.responses << EtcdResponseOp(r.put(r.object(op, "response_put")));
            } else if (r.has(op, "response_delete_range")) {
                t.responses << EtcdResponseOp(r.del(r.object(op, "response_delete_range")));
            } else {
                r.fail(QStringLiteral("txn response op of unknown kind"));
            }
        }
        return t;
    });
}

EtcdResult<EtcdLeaseGrantResponse> EtcdCodec::decodeLeaseGrant(const QByteArray &body)
{
    return decodeWith<EtcdLeaseGrantResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdLeaseGrantResponse g;
        g.header = r.header(o);
        g.id = r.int64(o, "ID");
        g.ttlSeconds = r.int64(o, "TTL");
        const QString err = r.string(o, "error");
        if (!err.isEmpty()) {
            r.fail(QStringLiteral("lease grant failed: ") + err);
        } else if (g.id == 0) {
            r.fail(QStringLiteral("lease grant answer has no lease ID"));
        }
        return g;
    });
}

EtcdResult<EtcdLeaseRevokeResponse> EtcdCodec::decodeLeaseRevoke(const QByteArray &body)
{
    return decodeWith<EtcdLeaseRevokeResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdLeaseRevokeResponse v;
        v.header = r.header(o);
        return v;
    });
}

EtcdResult<EtcdLeaseTimeToLiveResponse> EtcdCodec::decodeLeaseTimeToLive(const QByteArray &body)
{
    return decodeWith<EtcdLeaseTimeToLiveResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdLeaseTimeToLiveResponse t;
        t.header = r.header(o);
        t.id = r.int64(o, "ID");
        t.ttlSeconds = r.int64(o, "TTL");
        t.grantedTtlSeconds = r.int64(o, "grantedTTL");
        for (const QJsonValue &v : r.array(o, "keys")) {
            if (!v.isString()) {
                r.fail(QStringLiteral("an element of 'keys' is not a string"));
                break;
            }
            auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                r.fail(QStringLiteral("an element of 'keys' is not valid base64"));
                break;
            }
            t.keys << *decoded;
        }
        return t;
    });
}

EtcdResult<EtcdLeaseKeepAliveResponse> EtcdCodec::decodeLeaseKeepAlive(const QByteArray &message)
{
    return decodeWith<EtcdLeaseKeepAliveResponse>(
        message,
        [](Reader &r, const QJsonObject &o) {
            EtcdLeaseKeepAliveResponse k;
            k.header = r.header(o);
            k.id = r.int64(o, "ID");
            k.ttlSeconds = r.int64(o, "TTL");
            return k;
        },
        true);
}

EtcdResult<EtcdWatchResponse> EtcdCodec::decodeWatch(const QByteArray &message)
{
    return decodeWith<EtcdWatchResponse>(
        message,
        [](Reader &r, const QJsonObject &o) {
            EtcdWatchResponse w;
            w.header = r.header(o);
            w.watchId = r.int64(o, "watch_id");
            w.created = r.boolean(o, "created");
            w.canceled = r.boolean(o, "canceled");
            w.compactRevision = r.int64(o, "compact_revision");
            w.cancelReason = r.string(o, "cancel_reason");
            for (const QJsonValue &v : r.array(o, "events")) {
                const QJsonObject e = r.element(v, "events");
                EtcdWatchEvent event;
                const QString type = r.string(e, "type");
                if (type.isEmpty() || type == QLatin1String("PUT")) {
                    event.type = EtcdWatchEvent::Type::Put;
                } else if (type == QLatin1String("DELETE")) {
                    event.type = EtcdWatchEvent::Type::Delete;
                } else {
                    r.fail(QStringLiteral("unknown watch event type '%1'").arg(type.left(32)));
                }
                event.kv = r.kv(r.object(e, "kv"));
                if (r.has(e, "prev_kv")) {
                    event.prevKv = r.kv(r.object(e, "prev_kv"));
                }
                w.events << event;
            }
            return w;
        },
        true);
}

EtcdResult<EtcdMemberListResponse> EtcdCodec::decodeMemberList(const QByteArray &body)
{
    return decodeWith<EtcdMemberListResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdMemberListResponse m;
        m.header = r.header(o);
        m.members = r.members(o);
        return m;
    });
}

EtcdResult<EtcdMemberAddResponse> EtcdCodec::decodeMemberAdd(const QByteArray &body)
{
    return decodeWith<EtcdMemberAddResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdMemberAddResponse m;
        m.header = r.header(o);
        m.member = r.member(r.object(o, "member"));
        m.members = r.members(o);
        return m;
    });
}

EtcdResult<EtcdMemberRemoveResponse> EtcdCodec::decodeMemberRemove(const QByteArray &body)
{
    return decodeWith<EtcdMemberRemoveResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdMemberRemoveResponse m;
        m.header = r.header(o);
        m.members = r.members(o);
        return m;
    });
}

EtcdResult<EtcdStatusResponse> EtcdCodec::decodeStatus(const QByteArray &body)
{
    return decodeWith<EtcdStatusResponse>(body, [](Reader &r, const QJsonObject &o) {
        EtcdStatusResponse s;
        s.header = r.header(o);
        s.version = r.string(o, "version");
        s.dbSizeBytes = r.int64(o, "dbSize");
        s.dbSizeInUseBytes = r.int64(o, "dbSizeInUse");
        s.leader = r.uint64(o, "leader");
        s.raftIndex = r.int64(o, "raftIndex");
        s.raftTerm = r.int64(o, "raftTerm");
        s.raftAppliedIndex = r.int64(o, "raftAppliedIndex");
        s.errors = r.strings(o, "errors");
        s.isLearner = r.boolean(o, "isLearner");
        return s;
    });
}

EtcdErrorCode EtcdCodec::classifyGrpc(int grpcCode, const QString &message)
{
    if (message.contains(QLatin1String("no leader")) ||
        message.contains(QLatin1String("request timed out")) ||
        message.contains(QLatin1String("leader changed"))) {
        return EtcdErrorCode::NoQuorum;
    }
    if (message.contains(QLatin1String("compacted"))) {
        return EtcdErrorCode::Compacted;
    }
    switch (grpcCode) {
    case 1:
        return EtcdErrorCode::Canceled;
    case 3:
    case 9:
    case 11:
        return EtcdErrorCode::InvalidArgument;
    case 4:
        return EtcdErrorCode::Timeout;
    case 5:
        return EtcdErrorCode::NotFound;
    case 7:
    case 16:
        return EtcdErrorCode::PermissionDenied;
    case 14:
        return EtcdErrorCode::NoQuorum;
    default:
        return EtcdErrorCode::Unknown;
    }
}

EtcdError EtcdCodec::decodeErrorBody(const QByteArray &body, int httpStatus)
{
    EtcdError error;
    error.httpStatus = httpStatus;
    EtcdError parseError;
    if (const auto obj = parseObject(body, &parseError)) {
        if (auto e = embeddedError(*obj)) {
            e->httpStatus = httpStatus;
            if (e->code == EtcdErrorCode::Unknown) {
                e->code = EtcdErrorCode::Http;
            }
            return *e;
        }
    }
    error.code = EtcdErrorCode::Http;
    const QByteArray excerpt = body.left(200).simplified();
    error.message = QStringLiteral("HTTP %1 without an etcd error body").arg(httpStatus);
    if (!excerpt.isEmpty()) {
        error.message += QStringLiteral(": ") + QString::fromUtf8(excerpt);
    }
    return error;
}

} // namespace accel
