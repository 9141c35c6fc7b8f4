// Feeds arbitrary bytes to every EtcdCodec decoder: they must return a value or a Protocol error,
// never crash, hang or read out of bounds. The first byte picks nothing: all decoders see all inputs.
#include "cluster/etcd/EtcdCodec.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using accel::EtcdCodec;
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto range = EtcdCodec::decodeRange(body);
    if (range.ok()) {
        for (const auto &kv : range.value().kvs) {
            (void)kv.key.size();
        }
    }
    (void)EtcdCodec::decodePut(body);
    (void)EtcdCodec::decodeDelete(body);
    const auto txn = EtcdCodec::decodeTxn(body);
    if (txn.ok() && txn.value().succeeded && txn.value().responses.size() > 1'000'000) {
        std::abort(); // impossible: bounded by the body size
    }
    (void)EtcdCodec::decodeLeaseGrant(body);
    (void)EtcdCodec::decodeLeaseRevoke(body);
    (void)EtcdCodec::decodeLeaseTimeToLive(body);
    (void)EtcdCodec::decodeLeaseKeepAlive(body);
    (void)EtcdCodec::decodeWatch(body);
    (void)EtcdCodec::decodeMemberList(body);
    (void)EtcdCodec::decodeMemberAdd(body);
    (void)EtcdCodec::decodeMemberRemove(body);
    (void)EtcdCodec::decodeStatus(body);
    const accel::EtcdError e = EtcdCodec::decodeErrorBody(body, 503);
    if (e.code == accel::EtcdErrorCode::Unknown || e.message.isEmpty()) {
        std::abort(); // contract: always a categorised error with text
    }
    return 0;
}
