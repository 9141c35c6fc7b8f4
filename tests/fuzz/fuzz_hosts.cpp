// libFuzzer target for the host protocol codec. The first byte picks the decoder (text control
// message or binary tensor frame), the rest is the message. Anything decoded is re-encoded and
// decoded again, which must give the same value.
#include "hosts/HostCapabilities.h"
#include "hosts/HostProtocol.h"

#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

using namespace accel::hostproto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    Limits limits;
    limits.maxControlBytes = 64 * 1024;
    limits.maxFrameBytes = 1024 * 1024;
    if (data[0] & 1) {
        const Result<TensorFrame> r = decodeFrame(bytes, limits);
        if (const TensorFrame *frame = std::get_if<TensorFrame>(&r)) {
            const Result<QByteArray> encoded = encodeFrame(*frame, limits);
            if (!std::holds_alternative<QByteArray>(encoded) || std::get<QByteArray>(encoded) != bytes) {
                std::abort(); // a decodable frame must re-encode to the same bytes
            }
        }
    } else {
        const Result<ControlMessage> r = decodeControl(bytes, limits);
        if (const ControlMessage *m = std::get_if<ControlMessage>(&r)) {
            if (m->type == MessageType::Hello) {
                (void)accel::HostCapabilities::fromJson(
                    m->body.value(QLatin1String("capabilities")).toObject());
            }
            QJsonObject fields = m->body;
            const Result<ControlMessage> again = decodeControl(encodeControl(m->type, fields), limits);
            if (!std::holds_alternative<ControlMessage>(again)) {
                std::abort(); // re-encoding a valid message must stay valid
            }
        }
    }
    return 0;
}
