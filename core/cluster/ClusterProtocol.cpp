#include "cluster/ClusterProtocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace accel {

namespace {

struct TypeName
{
    ClusterMessage::Type type;
    const char *name;
};

constexpr TypeName kTypes[] = {
    {ClusterMessage::Type::Register, "register"},
    {ClusterMessage::Type::Heartbeat, "heartbeat"},
    {ClusterMessage::Type::Started, "started"},
    {ClusterMessage::Type::Log, "log"},
    {ClusterMessage::Type::Result, "result"},
    {ClusterMessage::Type::Reject, "reject"},
    {ClusterMessage::Type::Welcome, "welcome"},
    {ClusterMessage::Type::Assign, "assign"},
    {ClusterMessage::Type::Cancel, "cancel"},
    {ClusterMessage::Type::Ack, "ack"},
    {ClusterMessage::Type::Drain, "drain"},
    {ClusterMessage::Type::Error, "error"},
    {ClusterMessage::Type::Capabilities, "capabilities"},
};

const QStringList &failureKinds()
{
    static const QStringList kinds = {
        QStringLiteral("none"),         QStringLiteral("timeout"),     QStringLiteral("crash"),
        QStringLiteral("oom"),          QStringLiteral("disk-full"),   QStringLiteral("browser-crash"),
        QStringLiteral("start-failed"), QStringLiteral("not-allowed"), QStringLiteral("low-memory"),
        QStringLiteral("stale-epoch"),  QStringLiteral("cancelled"),   QStringLiteral("unsupported"),
    };
    return kinds;
}

bool idOk(const QString &s)
{
    if (s.isEmpty() || s.size() > 300) {
        return false;
    }
    for (QChar c : s) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') ||
              c == QLatin1Char('.') || c == QLatin1Char(':') || c == QLatin1Char('/'))) {
            return false;
        }
    }
    return true;
}

QJsonArray runningToJson(const QList<ClusterMessage::RunningTask> &running)
{
    QJsonArray a;
    for (const auto &r : running) {
        a.append(QJsonObject{{QStringLiteral("task"), r.task}, {QStringLiteral("attempt"), r.attempt}});
    }
    return a;
}

bool intValue(const QJsonObject &o, const char *key, qint64 min, qint64 max, qint64 *out, QString *error,
              bool required = true)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required) {
            *error = QStringLiteral("missing '%1'").arg(QLatin1String(key));
            return false;
        }
        return true;
    }
    const double d = v.toDouble(-1e300);
    if (!v.isDouble() || d < double(min) || d > double(max) || d != double(qint64(d))) {
        *error =
            QStringLiteral("'%1' must be an integer in [%2, %3]").arg(QLatin1String(key)).arg(min).arg(max);
        return false;
    }
    *out = qint64(d);
    return true;
}

bool stringValue(const QJsonObject &o, const char *key, qint64 maxBytes, QString *out, QString *error,
                 bool required = true)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required) {
            *error = QStringLiteral("missing '%1'").arg(QLatin1String(key));
            return false;
        }
        return true;
    }
    if (!v.isString() || v.toString().size() > maxBytes) {
        *error = QStringLiteral("'%1' must be a string of at most %2 characters")
                     .arg(QLatin1String(key))
                     .arg(maxBytes);
        return false;
    }
    *out = v.toString();
    return true;
}

bool taskAttempt(const QJsonObject &o, ClusterMessage *m, QString *error)
{
    qint64 attempt = 0;
    if (!stringValue(o, "task", 300, &m->task, error) ||
        !intValue(o, "attempt", 1, 1000000, &attempt, error)) {
        return false;
    }
    if (!idOk(m->task)) {
        *error = QStringLiteral("'task' is not a valid task key");
        return false;
    }
    m->attempt = int(attempt);
    return true;
}

} // namespace

QString ClusterProtocol::typeName(ClusterMessage::Type type)
{
    for (const TypeName &t : kTypes) {
        if (t.type == type) {
            return QString::fromLatin1(t.name);
        }
    }
    return {};
}

bool ClusterProtocol::isValidStatus(const QString &s)
{
    return s == QLatin1String("passed") || s == QLatin1String("failed") || s == QLatin1String("error") ||
           s == QLatin1String("skipped");
}

QByteArray ClusterProtocol::encode(const ClusterMessage &m)
{
    QJsonObject o{{QStringLiteral("v"), kVersion}, {QStringLiteral("type"), typeName(m.type)}};
    using T = ClusterMessage::Type;
    switch (m.type) {
    case T::Register:
        o.insert(QStringLiteral("workerId"), m.workerId);
        o.insert(QStringLiteral("name"), m.name);
        o.insert(QStringLiteral("capabilities"), m.capabilities.toJson());
        o.insert(QStringLiteral("running"), runningToJson(m.running));
        break;
    case T::Heartbeat:
        o.insert(QStringLiteral("running"), runningToJson(m.running));
        break;
    case T::Capabilities:
        o.insert(QStringLiteral("browsers"), WorkerCapabilities::browsersToJson(m.capabilities.browsers));
        break;
    case T::Started:
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        o.insert(QStringLiteral("epoch"), m.epoch);
        break;
    case T::Log:
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        o.insert(QStringLiteral("stream"), m.stream);
        o.insert(QStringLiteral("data"), m.data);
        break;
    case T::Result: {
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        o.insert(QStringLiteral("epoch"), m.epoch);
        o.insert(QStringLiteral("status"), m.status);
        o.insert(QStringLiteral("failure"), m.failure.isEmpty() ? QStringLiteral("none") : m.failure);
        o.insert(QStringLiteral("exitCode"), m.exitCode);
        o.insert(QStringLiteral("durationMs"), m.durationMs);
        o.insert(QStringLiteral("output"), m.output);
        o.insert(QStringLiteral("message"), m.message);
        QJsonArray arts;
        for (const auto &a : m.artifacts) {
            arts.append(QJsonObject{{QStringLiteral("name"), a.name},
                                    {QStringLiteral("content"), QString::fromLatin1(a.content.toBase64())},
                                    {QStringLiteral("truncated"), a.truncated}});
        }
        o.insert(QStringLiteral("artifacts"), arts);
        break;
    }
    case T::Reject:
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        o.insert(QStringLiteral("epoch"), m.epoch);
        o.insert(QStringLiteral("failure"), m.failure);
        o.insert(QStringLiteral("message"), m.message);
        break;
    case T::Welcome:
        o.insert(QStringLiteral("workerId"), m.workerId);
        o.insert(QStringLiteral("epoch"), m.epoch);
        o.insert(QStringLiteral("heartbeatMs"), m.heartbeatMs);
        break;
    case T::Assign:
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        o.insert(QStringLiteral("epoch"), m.epoch);
        o.insert(QStringLiteral("spec"), m.spec.toJson());
        break;
    case T::Cancel:
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        o.insert(QStringLiteral("message"), m.message);
        break;
    case T::Ack:
        o.insert(QStringLiteral("task"), m.task);
        o.insert(QStringLiteral("attempt"), m.attempt);
        break;
    case T::Drain:
        break;
    case T::Error:
        o.insert(QStringLiteral("message"), m.message);
        break;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool ClusterProtocol::decode(const QByteArray &frame, ClusterMessage *out, QString *error)
{
    if (frame.size() > kMaxFrameBytes) {
        *error = QStringLiteral("frame of %1 bytes exceeds the %2-byte limit")
                     .arg(frame.size())
                     .arg(kMaxFrameBytes);
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("frame is not a JSON object");
        return false;
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("v")).toInt(-1) != kVersion) {
        *error = QStringLiteral("unsupported protocol version (expected %1)").arg(kVersion);
        return false;
    }
    const QString typeString = o.value(QStringLiteral("type")).toString();
    bool known = false;
    ClusterMessage m;
    for (const TypeName &t : kTypes) {
        if (typeString == QLatin1String(t.name)) {
            m.type = t.type;
            known = true;
        }
    }
    if (!known) {
        *error = QStringLiteral("unknown message type '%1'").arg(typeString.left(64));
        return false;
    }
    auto runningList = [&](QList<ClusterMessage::RunningTask> *dst) {
        const QJsonValue v = o.value(QStringLiteral("running"));
        if (v.isUndefined()) {
            return true;
        }
        if (!v.isArray() || v.toArray().size() > 4096) {
            *error = QStringLiteral("'running' must be an array (up to 4096)");
            return false;
        }
        for (const QJsonValue &e : v.toArray()) {
            ClusterMessage tmp;
            if (!e.isObject() || !taskAttempt(e.toObject(), &tmp, error)) {
                if (error->isEmpty()) {
                    *error = QStringLiteral("'running' entries must be objects");
                }
                return false;
            }
            dst->append({tmp.task, tmp.attempt});
        }
        return true;
    };
    using T = ClusterMessage::Type;
    qint64 n = 0;
    switch (m.type) {
    case T::Register: {
        if (!stringValue(o, "workerId", 128, &m.workerId, error) ||
            !stringValue(o, "name", 256, &m.name, error, false) || !runningList(&m.running)) {
            return false;
        }
        if (!idOk(m.workerId) || m.workerId.contains(QLatin1Char('/'))) {
            *error = QStringLiteral("'workerId' must be 1-128 characters of [A-Za-z0-9._:-]");
            return false;
        }
        const QJsonValue caps = o.value(QStringLiteral("capabilities"));
        if (!caps.isObject()) {
            *error = QStringLiteral("register needs a 'capabilities' object");
            return false;
        }
        if (!WorkerCapabilities::fromJson(caps.toObject(), &m.capabilities, error)) {
            return false;
        }
        break;
    }
    case T::Heartbeat:
        if (!runningList(&m.running)) {
            return false;
        }
        break;
    case T::Capabilities: {
        const QJsonValue browsers = o.value(QStringLiteral("browsers"));
        if (!browsers.isArray()) {
            *error = QStringLiteral("capabilities needs a 'browsers' array");
            return false;
        }
        if (!WorkerCapabilities::browsersFromJson(browsers, &m.capabilities.browsers, error)) {
            return false;
        }
        break;
    }
    case T::Started:
        if (!taskAttempt(o, &m, error) || !intValue(o, "epoch", 0, 1LL << 53, &m.epoch, error)) {
            return false;
        }
        break;
    case T::Log:
        if (!taskAttempt(o, &m, error) || !stringValue(o, "stream", 16, &m.stream, error) ||
            !stringValue(o, "data", kMaxLogChunkBytes, &m.data, error)) {
            return false;
        }
        if (m.stream != QLatin1String("stdout") && m.stream != QLatin1String("stderr")) {
            *error = QStringLiteral("'stream' must be stdout or stderr");
            return false;
        }
        break;
    case T::Result: {
        if (!taskAttempt(o, &m, error) || !intValue(o, "epoch", 0, 1LL << 53, &m.epoch, error) ||
            !stringValue(o, "status", 16, &m.status, error) ||
            !stringValue(o, "failure", 32, &m.failure, error, false) ||
            !intValue(o, "exitCode", -1000000, 1000000, &n, error, false) ||
            !intValue(o, "durationMs", 0, 1LL << 40, &m.durationMs, error, false) ||
            !stringValue(o, "output", kMaxOutputBytes, &m.output, error, false) ||
            !stringValue(o, "message", 4096, &m.message, error, false)) {
            return false;
        }
        m.exitCode = int(n);
        if (!isValidStatus(m.status)) {
            *error = QStringLiteral("'status' must be passed, failed, error or skipped");
            return false;
        }
        if (m.failure.isEmpty()) {
            m.failure = QStringLiteral("none");
        }
        if (!failureKinds().contains(m.failure)) {
            *error = QStringLiteral("unknown failure kind '%1'").arg(m.failure);
            return false;
        }
        const QJsonValue arts = o.value(QStringLiteral("artifacts"));
        if (!arts.isUndefined()) {
            if (!arts.isArray() || arts.toArray().size() > TaskSpec::kMaxOutputs) {
                *error = QStringLiteral("'artifacts' must be an array (up to %1)").arg(TaskSpec::kMaxOutputs);
                return false;
            }
            for (const QJsonValue &a : arts.toArray()) {
                const QJsonObject ao = a.toObject();
                ClusterMessage::Artifact art;
                QString content;
                if (!a.isObject() || !stringValue(ao, "name", 4096, &art.name, error) ||
                    !stringValue(ao, "content", kMaxArtifactBytes * 4 / 3 + 4, &content, error)) {
                    if (error->isEmpty()) {
                        *error = QStringLiteral("artifacts must be objects");
                    }
                    return false;
                }
                const auto decoded = QByteArray::fromBase64Encoding(content.toLatin1(),
                                                                    QByteArray::AbortOnBase64DecodingErrors);
                if (!decoded) {
                    *error = QStringLiteral("artifact '%1' is not valid base64").arg(art.name.left(64));
                    return false;
                }
                art.content = *decoded;
                art.truncated = ao.value(QStringLiteral("truncated")).toBool();
                m.artifacts.append(art);
            }
        }
        break;
    }
    case T::Reject:
        if (!taskAttempt(o, &m, error) || !intValue(o, "epoch", 0, 1LL << 53, &m.epoch, error) ||
            !stringValue(o, "failure", 32, &m.failure, error) ||
            !stringValue(o, "message", 4096, &m.message, error, false)) {
            return false;
        }
        if (!failureKinds().contains(m.failure)) {
            *error = QStringLiteral("unknown failure kind '%1'").arg(m.failure);
            return false;
        }
        break;
    case T::Welcome:
        if (!stringValue(o, "workerId", 128, &m.workerId, error) ||
            !intValue(o, "epoch", 1, 1LL << 53, &m.epoch, error) ||
            !intValue(o, "heartbeatMs", 10, 3600 * 1000, &m.heartbeatMs, error)) {
            return false;
        }
        break;
    case T::Assign: {
        if (!taskAttempt(o, &m, error) || !intValue(o, "epoch", 1, 1LL << 53, &m.epoch, error)) {
            return false;
        }
        const QJsonValue spec = o.value(QStringLiteral("spec"));
        QString specError;
        if (!spec.isObject() || !TaskSpec::fromJson(spec.toObject(), &m.spec, &specError)) {
            *error = QStringLiteral("invalid 'spec': %1")
                         .arg(specError.isEmpty() ? QStringLiteral("not an object") : specError);
            return false;
        }
        break;
    }
    case T::Cancel:
        if (!taskAttempt(o, &m, error) || !stringValue(o, "message", 4096, &m.message, error, false)) {
            return false;
        }
        break;
    case T::Ack:
        if (!taskAttempt(o, &m, error)) {
            return false;
        }
        break;
    case T::Drain:
        break;
    case T::Error:
        if (!stringValue(o, "message", 4096, &m.message, error)) {
            return false;
        }
        break;
    }
    *out = m;
    return true;
}

} // namespace accel
