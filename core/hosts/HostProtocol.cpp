#include "hosts/HostProtocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QtEndian>

#include <array>
#include <cmath>
#include <cstring>

namespace accel::hostproto {

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

Error fail(ErrorCode code, QString detail)
{
    return Error{code, std::move(detail)};
}

// JSON numbers are doubles: an integer field must be integral and inside [min, max].
bool isInteger(const QJsonValue &v, double min, double max)
{
    if (!v.isDouble()) {
        return false;
    }
    const double d = v.toDouble();
    return std::isfinite(d) && std::floor(d) == d && d >= min && d <= max;
}

bool isSha256Hex(const QString &s)
{
    if (s.size() != 64) {
        return false;
    }
    for (QChar c : s) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'))) {
            return false;
        }
    }
    return true;
}

std::optional<Error> requireString(const QJsonObject &o, const char *key, qsizetype maxLen)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
    }
    if (!v.isString() || v.toString().isEmpty() || v.toString().size() > maxLen) {
        return fail(ErrorCode::WrongType, QStringLiteral("field '%1' must be a string of 1..%2 characters")
                                              .arg(QLatin1String(key))
                                              .arg(maxLen));
    }
    return std::nullopt;
}

std::optional<Error> requireInteger(const QJsonObject &o, const char *key, double min, double max)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
    }
    if (!isInteger(v, min, max)) {
        return fail(ErrorCode::WrongType, QStringLiteral("field '%1' must be an integer in [%2, %3]")
                                              .arg(QLatin1String(key))
                                              .arg(min)
                                              .arg(max));
    }
    return std::nullopt;
}

std::optional<Error> requireRequestId(const QJsonObject &o, const char *key = "id")
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
    }
    if (!isInteger(v, 1, double(kMaxRequestId))) {
        return fail(ErrorCode::BadRequestId, QStringLiteral("request id must be an integer in [1, 2^53-1]"));
    }
    return std::nullopt;
}

std::optional<Error> requireObject(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
    }
    if (!v.isObject()) {
        return fail(ErrorCode::WrongType,
                    QStringLiteral("field '%1' must be an object").arg(QLatin1String(key)));
    }
    return std::nullopt;
}

std::optional<Error> requireArray(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
    }
    if (!v.isArray()) {
        return fail(ErrorCode::WrongType,
                    QStringLiteral("field '%1' must be an array").arg(QLatin1String(key)));
    }
    return std::nullopt;
}

constexpr double kMaxSafeInt = 9007199254740991.0;

std::optional<Error> validateFields(MessageType type, const QJsonObject &o);

// `run.forward`: the page hands the run's output straight to a peer page over link `link`, where
// it becomes the input of `run` (a complete run message of the peer's session, itself without
// `forward`: one hop per run).
std::optional<Error> validateForward(const QJsonObject &run)
{
    const QJsonValue v = run.value(QLatin1String("forward"));
    if (!v.isObject()) {
        return fail(ErrorCode::WrongType, QStringLiteral("field 'forward' must be an object"));
    }
    const QJsonObject forward = v.toObject();
    std::optional<Error> e;
    if ((e = requireString(forward, "link", kMaxLinkNameChars)) || (e = requireObject(forward, "run"))) {
        return fail(e->code, QStringLiteral("forward: ") + e->detail);
    }
    const QJsonObject next = forward.value(QLatin1String("run")).toObject();
    if (next.contains(QLatin1String("forward"))) {
        return fail(ErrorCode::WrongType, QStringLiteral("forward: a forwarded run does not forward again"));
    }
    if ((e = validateFields(MessageType::Run, next))) {
        return fail(e->code, QStringLiteral("forward.run: ") + e->detail);
    }
    return std::nullopt;
}

std::optional<Error> validateFields(MessageType type, const QJsonObject &o)
{
    std::optional<Error> e;
    switch (type) {
    case MessageType::Hello:
        if ((e = requireString(o, "hostId", 64)) || (e = requireObject(o, "capabilities"))) {
            return e;
        }
        if (o.contains(QLatin1String("runtimeVersion")) &&
            !o.value(QLatin1String("runtimeVersion")).isString()) {
            return fail(ErrorCode::WrongType, QStringLiteral("field 'runtimeVersion' must be a string"));
        }
        return std::nullopt;
    case MessageType::Welcome:
        if ((e = requireString(o, "sessionId", 128)) ||
            (e = requireInteger(o, "heartbeatIntervalMs", 1, 3'600'000)) ||
            (e = requireInteger(o, "maxFrameBytes", 1, kMaxSafeInt))) {
            return e;
        }
        if (o.contains(QLatin1String("dataKey")) &&
            (!o.value(QLatin1String("dataKey")).isString() ||
             o.value(QLatin1String("dataKey")).toString().size() > 128)) {
            return fail(ErrorCode::WrongType,
                        QStringLiteral("field 'dataKey' must be a string of at most 128 characters"));
        }
        if (o.contains(QLatin1String("dataPort")) &&
            !isInteger(o.value(QLatin1String("dataPort")), 1, 65535)) {
            return fail(ErrorCode::WrongType,
                        QStringLiteral("field 'dataPort' must be a port number in [1, 65535]"));
        }
        // Optional operator cap on the weights each backend of the page may hold; absent means the
        // runtime's own default. 0 is not sent (the app omits the field instead).
        if (o.contains(QLatin1String("weightLimitBytes")) &&
            !isInteger(o.value(QLatin1String("weightLimitBytes")), 1, kMaxSafeInt)) {
            return fail(ErrorCode::WrongType,
                        QStringLiteral("field 'weightLimitBytes' must be an integer in [1, 2^53-1]"));
        }
        return std::nullopt;
    case MessageType::Heartbeat:
        return requireInteger(o, "seq", 0, kMaxSafeInt);
    case MessageType::Load: {
        if ((e = requireRequestId(o)) || (e = requireArray(o, "chunks"))) {
            return e;
        }
        const QJsonArray chunks = o.value(QLatin1String("chunks")).toArray();
        for (const QJsonValue &c : chunks) {
            const QJsonObject chunk = c.toObject();
            if (!c.isObject() || !isSha256Hex(chunk.value(QLatin1String("sha256")).toString()) ||
                !isInteger(chunk.value(QLatin1String("sizeBytes")), 0, kMaxSafeInt)) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("each chunk needs 'sha256' (64 lowercase hex) and 'sizeBytes'"));
            }
        }
        return std::nullopt;
    }
    case MessageType::Loaded: {
        if ((e = requireRequestId(o)) || (e = requireArray(o, "chunks"))) {
            return e;
        }
        for (const QJsonValue &c : o.value(QLatin1String("chunks")).toArray()) {
            if (!isSha256Hex(c.toString())) {
                return fail(ErrorCode::WrongType, QStringLiteral("'chunks' must list sha256 hex strings"));
            }
        }
        return std::nullopt;
    }
    case MessageType::Run:
        if ((e = requireRequestId(o)) || (e = requireString(o, "model", 256)) ||
            (e = requireInteger(o, "firstLayer", 0, 1'000'000)) ||
            (e = requireInteger(o, "lastLayer", 0, 1'000'000))) {
            return e;
        }
        if (o.value(QLatin1String("lastLayer")).toDouble() <
            o.value(QLatin1String("firstLayer")).toDouble()) {
            return fail(ErrorCode::WrongType, QStringLiteral("'lastLayer' must not be below 'firstLayer'"));
        }
        for (const char *flag : {"embed", "timing"}) {
            if (o.contains(QLatin1String(flag)) && !o.value(QLatin1String(flag)).isBool()) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("field '%1' must be a boolean").arg(QLatin1String(flag)));
            }
        }
        if (o.contains(QLatin1String("forward"))) {
            return validateForward(o);
        }
        return std::nullopt;
    case MessageType::Link:
        if ((e = requireRequestId(o)) || (e = requireString(o, "link", kMaxLinkNameChars)) ||
            (e = requireString(o, "peer", 64))) {
            return e;
        }
        return std::nullopt;
    case MessageType::Linked:
        if ((e = requireRequestId(o)) || (e = requireString(o, "link", kMaxLinkNameChars))) {
            return e;
        }
        return std::nullopt;
    case MessageType::RunTiming:
        if ((e = requireRequestId(o))) {
            return e;
        }
        for (const char *field : {"receivedAt", "forwardedAt"}) { // optional epoch ms
            const QJsonValue v = o.value(QLatin1String(field));
            if (!v.isUndefined() && (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < 0)) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("'%1' must be a non-negative number of ms since the epoch")
                                .arg(QLatin1String(field)));
            }
        }
        for (const char *field : {"queuedMs", "computeMs", "hostMs"}) {
            const QJsonValue v = o.value(QLatin1String(field));
            if (v.isUndefined()) {
                return fail(ErrorCode::MissingField,
                            QStringLiteral("missing field '%1'").arg(QLatin1String(field)));
            }
            if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < 0) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("'%1' must be a non-negative number of milliseconds")
                                .arg(QLatin1String(field)));
            }
        }
        return std::nullopt;
    case MessageType::Model:
        if ((e = requireRequestId(o)) || (e = requireString(o, "name", 256)) ||
            (e = requireObject(o, "config")) || (e = requireArray(o, "tensors"))) {
            return e;
        }
        for (const QJsonValue &t : o.value(QLatin1String("tensors")).toArray()) {
            if (!t.isObject() || !t.toObject().value(QLatin1String("name")).isString() ||
                !t.toObject().value(QLatin1String("chunks")).isArray()) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("each tensor needs 'name' and 'chunks' (a tensor manifest)"));
            }
        }
        // Optional: compute threads for this model's backend (absent = the page decides).
        if (o.contains(QLatin1String("threads")) &&
            !isInteger(o.value(QLatin1String("threads")), 1, kMaxModelThreads)) {
            return fail(ErrorCode::WrongType,
                        QStringLiteral("field 'threads' must be an integer in [1, %1] (omit it for auto)")
                            .arg(kMaxModelThreads));
        }
        return std::nullopt;
    case MessageType::ModelReady:
        if ((e = requireRequestId(o)) || (e = requireString(o, "name", 256)) ||
            (e = requireString(o, "backend", 64))) {
            return e;
        }
        return std::nullopt;
    case MessageType::ModelMissing: {
        if ((e = requireRequestId(o)) || (e = requireArray(o, "chunks"))) {
            return e;
        }
        for (const QJsonValue &c : o.value(QLatin1String("chunks")).toArray()) {
            if (!isSha256Hex(c.toString())) {
                return fail(ErrorCode::WrongType, QStringLiteral("'chunks' must list sha256 hex strings"));
            }
        }
        return std::nullopt;
    }
    case MessageType::Cancel:
        return requireRequestId(o);
    case MessageType::Error:
        if ((e = requireString(o, "code", 64)) || (e = requireString(o, "message", 4096))) {
            return e;
        }
        if (o.contains(QLatin1String("id")) &&
            !isInteger(o.value(QLatin1String("id")), 0, double(kMaxRequestId))) {
            return fail(ErrorCode::BadRequestId,
                        QStringLiteral("'id' of an error must be a request id or 0"));
        }
        return std::nullopt;
    case MessageType::Metrics: {
        if ((e = requireObject(o, "values"))) {
            return e;
        }
        const QJsonObject values = o.value(QLatin1String("values")).toObject();
        for (auto it = values.begin(); it != values.end(); ++it) {
            if (!it.value().isDouble()) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("metric '%1' is not a number").arg(it.key()));
            }
        }
        // Weight memory feeds the shard planner: byte counts, so whole and non-negative.
        for (const char *key : {"weightBytes", "weightLimitBytes"}) {
            if (values.contains(QLatin1String(key)) &&
                !isInteger(values.value(QLatin1String(key)), 0, kMaxSafeInt)) {
                return fail(ErrorCode::WrongType,
                            QStringLiteral("metric '%1' must be a byte count (integer in [0, 2^53-1])")
                                .arg(QLatin1String(key)));
            }
        }
        return std::nullopt;
    }
    case MessageType::Goodbye:
        return requireString(o, "reason", 1024);
    }
    return fail(ErrorCode::UnknownType, QStringLiteral("unknown message type"));
}

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
