// Field rules of every control message type (docs/host-protocol.md, "Messages"), used by
// decodeControl in HostProtocol.cpp.
#include "hosts/HostProtocolFields.h"

#include <QJsonArray>

#include <cmath>

namespace accel::hostproto::detail {

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

namespace {

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

// A required field of one JSON kind (`is` is QJsonValue::isObject, isArray, ...).
std::optional<Error> requireKind(const QJsonObject &o, const char *key, bool (QJsonValue::*is)() const,
                                 const char *what)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return fail(ErrorCode::MissingField, QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
    }
    if (!(v.*is)()) {
        return fail(ErrorCode::WrongType,
                    QStringLiteral("field '%1' must be %2").arg(QLatin1String(key), QLatin1String(what)));
    }
    return std::nullopt;
}

std::optional<Error> requireObject(const QJsonObject &o, const char *key)
{
    return requireKind(o, key, &QJsonValue::isObject, "an object");
}

std::optional<Error> requireArray(const QJsonObject &o, const char *key)
{
    return requireKind(o, key, &QJsonValue::isArray, "an array");
}

// A required array of SHA-256 hex strings (`loaded`, `modelMissing`).
std::optional<Error> requireHashList(const QJsonObject &o, const char *key)
{
    if (std::optional<Error> e = requireArray(o, key)) {
        return e;
    }
    for (const QJsonValue &c : o.value(QLatin1String(key)).toArray()) {
        if (!isSha256Hex(c.toString())) {
            return fail(ErrorCode::WrongType,
                        QStringLiteral("'%1' must list sha256 hex strings").arg(QLatin1String(key)));
        }
    }
    return std::nullopt;
}

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

} // namespace

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
    case MessageType::Loaded:
        if ((e = requireRequestId(o))) {
            return e;
        }
        return requireHashList(o, "chunks");
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
    case MessageType::ModelMissing:
        if ((e = requireRequestId(o))) {
            return e;
        }
        return requireHashList(o, "chunks");
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

} // namespace accel::hostproto::detail
