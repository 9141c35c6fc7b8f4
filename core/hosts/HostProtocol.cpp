#include "hosts/HostProtocol.h"
#include "hosts/HostProtocolFields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QtEndian>

#include <array>
#include <cmath>
#include <cstring>

namespace accel::hostproto {

using detail::fail;
using detail::isInteger;
using detail::kMaxSafeInt;
using detail::validateFields;

namespace {

struct TypeName
{
    MessageType type;
    const char *name;
};

constexpr std::array<TypeName, 16> kTypeNames{{
    {MessageType::Hello, "hello"},
    {MessageType::Welcome, "welcome"},
    {MessageType::Heartbeat, "heartbeat"},
    {MessageType::Load, "load"},
    {MessageType::Loaded, "loaded"},
    {MessageType::Run, "run"},
    {MessageType::Cancel, "cancel"},
    {MessageType::Error, "error"},
    {MessageType::Metrics, "metrics"},
    {MessageType::Goodbye, "goodbye"},
    {MessageType::Model, "model"},
    {MessageType::ModelReady, "modelReady"},
    {MessageType::ModelMissing, "modelMissing"},
    {MessageType::RunTiming, "runTiming"},
    {MessageType::Link, "link"},
    {MessageType::Linked, "linked"},
}};

} // namespace

QString errorCode(ErrorCode code)
{
    switch (code) {
    case ErrorCode::MalformedJson:
        return QStringLiteral("malformed_json");
    case ErrorCode::NotAnObject:
        return QStringLiteral("not_an_object");
    case ErrorCode::MissingField:
        return QStringLiteral("missing_field");
    case ErrorCode::WrongType:
        return QStringLiteral("wrong_type");
    case ErrorCode::UnknownType:
        return QStringLiteral("unknown_type");
    case ErrorCode::UnsupportedVersion:
        return QStringLiteral("unsupported_version");
    case ErrorCode::MessageTooLarge:
        return QStringLiteral("message_too_large");
    case ErrorCode::FrameTooLarge:
        return QStringLiteral("frame_too_large");
    case ErrorCode::FrameTooShort:
        return QStringLiteral("frame_too_short");
    case ErrorCode::BadMagic:
        return QStringLiteral("bad_magic");
    case ErrorCode::BadFrameKind:
        return QStringLiteral("bad_frame_kind");
    case ErrorCode::BadDType:
        return QStringLiteral("bad_dtype");
    case ErrorCode::BadRank:
        return QStringLiteral("bad_rank");
    case ErrorCode::ShapeMismatch:
        return QStringLiteral("shape_mismatch");
    case ErrorCode::BadRequestId:
        return QStringLiteral("bad_request_id");
    }
    return QStringLiteral("unknown_error");
}

QString messageTypeName(MessageType type)
{
    for (const TypeName &t : kTypeNames) {
        if (t.type == type) {
            return QLatin1String(t.name);
        }
    }
    return {};
}

std::optional<MessageType> messageTypeFromName(const QString &name)
{
    for (const TypeName &t : kTypeNames) {
        if (name == QLatin1String(t.name)) {
            return t.type;
        }
    }
    return std::nullopt;
}

int dtypeSizeBytes(DType dtype)
{
    switch (dtype) {
    case DType::F32:
    case DType::I32:
        return 4;
    case DType::F16:
    case DType::BF16:
        return 2;
    case DType::I8:
    case DType::U8:
        return 1;
    }
    return 0;
}

QString dtypeName(DType dtype)
{
    switch (dtype) {
    case DType::F32:
        return QStringLiteral("f32");
    case DType::F16:
        return QStringLiteral("f16");
    case DType::BF16:
        return QStringLiteral("bf16");
    case DType::I32:
        return QStringLiteral("i32");
    case DType::I8:
        return QStringLiteral("i8");
    case DType::U8:
        return QStringLiteral("u8");
    }
    return {};
}

Result<ControlMessage> decodeControl(const QByteArray &utf8, const Limits &limits)
{
    if (utf8.size() > limits.maxControlBytes) {
        return fail(ErrorCode::MessageTooLarge,
                    QStringLiteral("control message of %1 bytes exceeds the limit of %2")
                        .arg(utf8.size())
                        .arg(limits.maxControlBytes));
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("%1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    }
    if (!doc.isObject()) {
        return fail(ErrorCode::NotAnObject, QStringLiteral("a control message must be a JSON object"));
    }
    const QJsonObject o = doc.object();
    const QJsonValue v = o.value(QLatin1String("v"));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field 'v' (protocol version)"));
    }
    if (!isInteger(v, 0, kMaxSafeInt)) {
        return fail(ErrorCode::WrongType, QStringLiteral("field 'v' must be an integer"));
    }
    if (v.toInteger() != kVersion) {
        return fail(ErrorCode::UnsupportedVersion,
                    QStringLiteral("protocol version %1 is not supported (supported: %2)")
                        .arg(v.toInteger())
                        .arg(kVersion));
    }
    const QJsonValue typeValue = o.value(QLatin1String("type"));
    if (!typeValue.isString()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing string field 'type'"));
    }
    const std::optional<MessageType> type = messageTypeFromName(typeValue.toString());
    if (!type) {
        return fail(ErrorCode::UnknownType,
                    QStringLiteral("unknown message type '%1'").arg(typeValue.toString().left(64)));
    }
    if (std::optional<Error> e = validateFields(*type, o)) {
        e->detail = messageTypeName(*type) + QStringLiteral(": ") + e->detail;
        return *e;
    }
    return ControlMessage{*type, o};
}

QByteArray encodeControl(MessageType type, QJsonObject fields)
{
    fields.insert(QStringLiteral("v"), kVersion);
    fields.insert(QStringLiteral("type"), messageTypeName(type));
    return QJsonDocument(fields).toJson(QJsonDocument::Compact);
}

QByteArray encodeError(const QString &code, const QString &message, quint64 requestId)
{
    QJsonObject fields{{QStringLiteral("code"), code}, {QStringLiteral("message"), message.left(4096)}};
    if (requestId != 0) {
        fields.insert(QStringLiteral("id"), double(requestId));
    }
    return encodeControl(MessageType::Error, fields);
}

QByteArray encodeError(ErrorCode code, const QString &message, quint64 requestId)
{
    return encodeError(errorCode(code), message, requestId);
}

Result<TensorFrame> decodeFrame(const QByteArray &bytes, const Limits &limits)
{
    if (bytes.size() > limits.maxFrameBytes) {
        return fail(ErrorCode::FrameTooLarge, QStringLiteral("frame of %1 bytes exceeds the limit of %2")
                                                  .arg(bytes.size())
                                                  .arg(limits.maxFrameBytes));
    }
    if (bytes.size() < kFrameFixedHeaderBytes) {
        return fail(ErrorCode::FrameTooShort,
                    QStringLiteral("frame of %1 bytes is shorter than the %2-byte header")
                        .arg(bytes.size())
                        .arg(kFrameFixedHeaderBytes));
    }
    const auto *p = reinterpret_cast<const uchar *>(bytes.constData());
    if (std::memcmp(p, kFrameMagic, 4) != 0) {
        return fail(ErrorCode::BadMagic, QStringLiteral("frame does not start with 'ACTF'"));
    }
    if (p[4] != kVersion) {
        return fail(
            ErrorCode::UnsupportedVersion,
            QStringLiteral("frame version %1 is not supported (supported: %2)").arg(p[4]).arg(kVersion));
    }
    const quint8 kind = p[5];
    if (kind < quint8(FrameKind::Activation) || kind > quint8(FrameKind::WeightChunk)) {
        return fail(ErrorCode::BadFrameKind, QStringLiteral("unknown frame kind %1").arg(kind));
    }
    const quint8 dtype = p[6];
    if (dtype < quint8(DType::F32) || dtype > quint8(DType::U8)) {
        return fail(ErrorCode::BadDType, QStringLiteral("unknown dtype %1").arg(dtype));
    }
    const int rank = p[7];
    if (rank > kMaxRank) {
        return fail(ErrorCode::BadRank,
                    QStringLiteral("rank %1 exceeds the maximum of %2").arg(rank).arg(kMaxRank));
    }
    const quint64 requestId = qFromLittleEndian<quint64>(p + 8);
    if (requestId == 0 || requestId > kMaxRequestId) {
        return fail(ErrorCode::BadRequestId, QStringLiteral("request id must be in [1, 2^53-1]"));
    }
    const int headerBytes = frameHeaderBytes(rank);
    if (bytes.size() < headerBytes) {
        return fail(ErrorCode::FrameTooShort,
                    QStringLiteral("frame ends inside its %1-byte header").arg(headerBytes));
    }
    TensorFrame frame;
    frame.kind = FrameKind(kind);
    frame.dtype = DType(dtype);
    frame.requestId = requestId;
    frame.shape.reserve(rank);
    quint64 elements = 1;
    for (int i = 0; i < rank; ++i) {
        const quint32 dim = qFromLittleEndian<quint32>(p + kFrameFixedHeaderBytes + 4 * i);
        frame.shape.append(dim);
        // Checked before multiplying, so the product never overflows whatever the limit is.
        if (dim != 0 && elements > quint64(limits.maxFrameBytes) / dim) {
            return fail(ErrorCode::ShapeMismatch,
                        QStringLiteral("shape describes more elements than the frame limit"));
        }
        elements *= dim;
    }
    const quint64 expected = elements * quint64(dtypeSizeBytes(frame.dtype));
    const quint64 actual = quint64(bytes.size() - headerBytes);
    if (expected != actual) {
        return fail(ErrorCode::ShapeMismatch,
                    QStringLiteral("shape needs %1 payload bytes, frame has %2").arg(expected).arg(actual));
    }
    frame.payload = bytes.mid(headerBytes);
    return frame;
}

Result<QByteArray> encodeFrame(const TensorFrame &frame, const Limits &limits)
{
    if (frame.shape.size() > kMaxRank) {
        return fail(
            ErrorCode::BadRank,
            QStringLiteral("rank %1 exceeds the maximum of %2").arg(frame.shape.size()).arg(kMaxRank));
    }
    if (frame.requestId == 0 || frame.requestId > kMaxRequestId) {
        return fail(ErrorCode::BadRequestId, QStringLiteral("request id must be in [1, 2^53-1]"));
    }
    const int elementBytes = dtypeSizeBytes(frame.dtype);
    if (elementBytes == 0) {
        return fail(ErrorCode::BadDType, QStringLiteral("unknown dtype"));
    }
    quint64 elements = 1;
    for (quint32 dim : frame.shape) {
        if (dim != 0 && elements > quint64(limits.maxFrameBytes) / dim) {
            return fail(ErrorCode::FrameTooLarge, QStringLiteral("shape exceeds the frame limit"));
        }
        elements *= dim;
    }
    if (elements * quint64(elementBytes) != quint64(frame.payload.size())) {
        return fail(ErrorCode::ShapeMismatch, QStringLiteral("shape needs %1 payload bytes, payload has %2")
                                                  .arg(elements * quint64(elementBytes))
                                                  .arg(frame.payload.size()));
    }
    const int headerBytes = frameHeaderBytes(int(frame.shape.size()));
    if (qint64(headerBytes) + frame.payload.size() > limits.maxFrameBytes) {
        return fail(ErrorCode::FrameTooLarge, QStringLiteral("frame of %1 bytes exceeds the limit of %2")
                                                  .arg(qint64(headerBytes) + frame.payload.size())
                                                  .arg(limits.maxFrameBytes));
    }
    QByteArray out(headerBytes + frame.payload.size(), Qt::Uninitialized);
    auto *p = reinterpret_cast<uchar *>(out.data());
    std::memcpy(p, kFrameMagic, 4);
    p[4] = kVersion;
    p[5] = quint8(frame.kind);
    p[6] = quint8(frame.dtype);
    p[7] = quint8(frame.shape.size());
    qToLittleEndian<quint64>(frame.requestId, p + 8);
    for (int i = 0; i < frame.shape.size(); ++i) {
        qToLittleEndian<quint32>(frame.shape.at(i), p + kFrameFixedHeaderBytes + 4 * i);
    }
    if (!frame.payload.isEmpty()) {
        std::memcpy(p + headerBytes, frame.payload.constData(), size_t(frame.payload.size()));
    }
    return out;
}

} // namespace accel::hostproto
