#pragma once

#include "cluster/etcd/EtcdError.h"
#include "cluster/etcd/EtcdTypes.h"

#include <QByteArray>

#include <optional>

namespace accel {

/// Pure codec for etcd's v3 HTTP/JSON gateway (works on etcd 3.4 and 3.5): request structs to JSON
/// bodies, JSON bodies to response structs or an EtcdError. No sockets, no state, any thread.
///
/// The gateway's traps are handled here and nowhere else: keys and values are base64; int64 and
/// uint64 fields arrive as JSON strings (numbers are accepted too); proto3 default values are
/// omitted (succeeded:false, event type PUT, TTL 0, watch_id 0 are simply absent); stream
/// messages (/v3/watch, /v3/lease/keepalive) are wrapped in {"result": ...} or {"error": ...}.
/// Every decoder validates types and sizes and returns EtcdErrorCode::Protocol on malformed input.
class EtcdCodec
{
public:
    /// Bodies larger than this are rejected without parsing.
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;

    /// The range end that selects every key starting with `prefix` ("\0" = all keys for "").
    static QByteArray prefixEnd(const QByteArray &prefix);

    static QByteArray encodeRange(const EtcdRangeRequest &request);
    static QByteArray encodePut(const EtcdPutRequest &request);
    static QByteArray encodeDelete(const EtcdDeleteRequest &request);
    static QByteArray encodeTxn(const EtcdTxnRequest &request);
    static QByteArray encodeLeaseGrant(qint64 ttlSeconds, qint64 id = 0);
    /// Body of /v3/lease/revoke and of one /v3/lease/keepalive stream message.
    static QByteArray encodeLeaseId(qint64 id);
    static QByteArray encodeLeaseTimeToLive(qint64 id, bool keys);
    static QByteArray encodeWatchCreate(const EtcdWatchCreateRequest &request);
    static QByteArray encodeWatchCancel(qint64 watchId);
    static QByteArray encodeMemberAdd(const QStringList &peerUrls, bool isLearner = false);
    static QByteArray encodeMemberRemove(quint64 memberId);
    static QByteArray encodeEmpty();
    /// /v3/kv/compaction: forget history before `revision` (physical: wait until it is done).
    static QByteArray encodeCompaction(qint64 revision, bool physical = true);

    static EtcdResult<EtcdRangeResponse> decodeRange(const QByteArray &body);
    static EtcdResult<EtcdPutResponse> decodePut(const QByteArray &body);
    static EtcdResult<EtcdDeleteResponse> decodeDelete(const QByteArray &body);
    static EtcdResult<EtcdTxnResponse> decodeTxn(const QByteArray &body);
    static EtcdResult<EtcdLeaseGrantResponse> decodeLeaseGrant(const QByteArray &body);
    static EtcdResult<EtcdLeaseRevokeResponse> decodeLeaseRevoke(const QByteArray &body);
    static EtcdResult<EtcdLeaseTimeToLiveResponse> decodeLeaseTimeToLive(const QByteArray &body);
    /// One stream message of /v3/lease/keepalive ({"result":{...}} or {"error":{...}}).
    static EtcdResult<EtcdLeaseKeepAliveResponse> decodeLeaseKeepAlive(const QByteArray &message);
    /// One stream message of /v3/watch.
    static EtcdResult<EtcdWatchResponse> decodeWatch(const QByteArray &message);
    static EtcdResult<EtcdMemberListResponse> decodeMemberList(const QByteArray &body);
    static EtcdResult<EtcdMemberAddResponse> decodeMemberAdd(const QByteArray &body);
    static EtcdResult<EtcdMemberRemoveResponse> decodeMemberRemove(const QByteArray &body);
    static EtcdResult<EtcdStatusResponse> decodeStatus(const QByteArray &body);
    /// Any answer that carries only a header (compaction).
    static EtcdResult<EtcdHeader> decodeHeaderOnly(const QByteArray &body);

    /// The error carried by a non-200 answer: etcd's {"error","message","code"} body when present,
    /// otherwise an Http error describing the status. Never returns an error with code Unknown.
    static EtcdError decodeErrorBody(const QByteArray &body, int httpStatus);
    /// Maps a gRPC status code (and etcd's message) to our category.
    static EtcdErrorCode classifyGrpc(int grpcCode, const QString &message);
};

} // namespace accel
