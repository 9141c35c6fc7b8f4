#include "pool/PoolConfig.h"

#include <QJsonValue>
#include <QSet>

#include <cmath>

namespace accel {

namespace {

const QList<HostKind> kAllKinds = {HostKind::Embedded, HostKind::Chromium, HostKind::Firefox, HostKind::Edge};

// Reads an integer member; JSON numbers are doubles, so reject fractions and out-of-range values.
bool readInt(const QJsonObject &json, const QString &key, qint64 lo, qint64 hi, qint64 *out, QString *error)
{
    if (!json.contains(key)) {
        return true;
    }
    const QJsonValue v = json.value(key);
    if (!v.isDouble()) {
        *error = QStringLiteral("%1: expected a number").arg(key);
        return false;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d) {
        *error = QStringLiteral("%1: expected an integer").arg(key);
        return false;
    }
    if (d < double(lo) || d > double(hi)) {
        *error = QStringLiteral("%1: %2 is outside %3..%4").arg(key).arg(d).arg(lo).arg(hi);
        return false;
    }
    *out = qint64(d);
    return true;
}

bool readDouble(const QJsonObject &json, const QString &key, double *out, QString *error)
{
    if (!json.contains(key)) {
        return true;
    }
    const QJsonValue v = json.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble())) {
        *error = QStringLiteral("%1: expected a finite number").arg(key);
        return false;
    }
    *out = v.toDouble();
    return true;
}

} // namespace

QMap<HostKind, KindLimits> PoolConfig::defaultLimits()
{
    return {
        {HostKind::Embedded, {2, 8}},
        {HostKind::Chromium, {0, 4}},
        {HostKind::Firefox, {0, 4}},
        {HostKind::Edge, {0, 4}},
    };
}

BreakerConfig PoolConfig::defaultBreaker()
{
    BreakerConfig b;
    b.consecutiveFailureThreshold = 3;
    return b;
}

QString PoolConfig::validate() const
{
    for (auto it = limits.cbegin(); it != limits.cend(); ++it) {
        const QString kind = hostKindName(it.key());
        if (it->maxHosts < 0 || it->maxHosts > 64) {
            return QStringLiteral("limits.%1.max: %2 is outside 0..64").arg(kind).arg(it->maxHosts);
        }
        if (it->minHosts < 0 || it->minHosts > it->maxHosts) {
            return QStringLiteral("limits.%1.min: %2 is outside 0..max (%3)")
                .arg(kind)
                .arg(it->minHosts)
                .arg(it->maxHosts);
        }
    }
    if (warmSpares < 0 || warmSpares > 16) {
        return QStringLiteral("warmSpares: %1 is outside 0..16").arg(warmSpares);
    }
    if (idleTimeoutMs <= 0) {
        return QStringLiteral("idleTimeoutMs: must be > 0");
    }
    if (helloTimeoutMs <= 0) {
        return QStringLiteral("helloTimeoutMs: must be > 0");
    }
    if (heartbeatTimeoutMs <= 0) {
        return QStringLiteral("heartbeatTimeoutMs: must be > 0");
    }
    if (restartBackoffMs < 0) {
        return QStringLiteral("restartBackoffMs: must be >= 0");
    }
    if (!(restartBackoffMultiplier >= 1.0) || !std::isfinite(restartBackoffMultiplier)) {
        return QStringLiteral("restartBackoffMultiplier: must be a finite number >= 1");
    }
    if (maxRestartBackoffMs < restartBackoffMs) {
        return QStringLiteral("maxRestartBackoffMs: must be >= restartBackoffMs (%1)").arg(restartBackoffMs);
    }
    if (maxRestarts < 0 || maxRestarts > 1000) {
        return QStringLiteral("maxRestarts: %1 is outside 0..1000").arg(maxRestarts);
    }
    if (restartWindowMs <= 0) {
        return QStringLiteral("restartWindowMs: must be > 0");
    }
    if (updateIntervalMs < 10 || updateIntervalMs > 5000) {
        return QStringLiteral("updateIntervalMs: %1 is outside 10..5000").arg(updateIntervalMs);
    }
    if (historyMs < 1000 || historyMs > 86'400'000) {
        return QStringLiteral("historyMs: %1 is outside 1000..86400000").arg(historyMs);
    }
    if (weightLimitBytes != 0 &&
        (weightLimitBytes < kMinWeightLimitBytes || weightLimitBytes > kMaxWeightLimitBytes)) {
        return QStringLiteral("weightLimitBytes: %1 is neither 0 (runtime default) nor within %2..%3")
            .arg(weightLimitBytes)
            .arg(kMinWeightLimitBytes)
            .arg(kMaxWeightLimitBytes);
    }
    const QString breakerError = breaker.validate();
    if (!breakerError.isEmpty()) {
        return QStringLiteral("breaker: %1").arg(breakerError);
    }
    return {};
}

ValueOrError<PoolConfig> PoolConfig::fromJson(const QJsonObject &json)
{
    static const QSet<QString> known = {
        QStringLiteral("limits"),
        QStringLiteral("warmSpares"),
        QStringLiteral("idleTimeoutMs"),
        QStringLiteral("helloTimeoutMs"),
        QStringLiteral("heartbeatTimeoutMs"),
        QStringLiteral("restartBackoffMs"),
        QStringLiteral("restartBackoffMultiplier"),
        QStringLiteral("maxRestartBackoffMs"),
        QStringLiteral("maxRestarts"),
        QStringLiteral("restartWindowMs"),
        QStringLiteral("updateIntervalMs"),
        QStringLiteral("historyMs"),
        QStringLiteral("weightLimitBytes"),
        QStringLiteral("breaker"),
    };
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            return ValueOrError<PoolConfig>::failure(QStringLiteral("unknown key \"%1\"").arg(it.key()));
        }
    }

    PoolConfig c;
    QString error;
    if (json.contains(QStringLiteral("limits"))) {
        const QJsonValue lv = json.value(QStringLiteral("limits"));
        if (!lv.isObject()) {
            return ValueOrError<PoolConfig>::failure(QStringLiteral("limits: expected an object"));
        }
        const QJsonObject lo = lv.toObject();
        for (auto it = lo.begin(); it != lo.end(); ++it) {
            const std::optional<HostKind> kind = hostKindFromName(it.key());
            if (!kind) {
                return ValueOrError<PoolConfig>::failure(
                    QStringLiteral("limits: unknown host kind \"%1\"").arg(it.key()));
            }
            if (!it.value().isObject()) {
                return ValueOrError<PoolConfig>::failure(
                    QStringLiteral("limits.%1: expected an object").arg(it.key()));
            }
            const QJsonObject ko = it.value().toObject();
            for (auto k = ko.begin(); k != ko.end(); ++k) {
                if (k.key() != QLatin1String("min") && k.key() != QLatin1String("max")) {
                    return ValueOrError<PoolConfig>::failure(
                        QStringLiteral("limits.%1: unknown key \"%2\"").arg(it.key(), k.key()));
                }
            }
            KindLimits kl = c.limits.value(*kind);
            qint64 mn = kl.minHosts;
            qint64 mx = kl.maxHosts;
            if (!readInt(ko, QStringLiteral("min"), 0, 64, &mn, &error) ||
                !readInt(ko, QStringLiteral("max"), 0, 64, &mx, &error)) {
                return ValueOrError<PoolConfig>::failure(QStringLiteral("limits.%1.%2").arg(it.key(), error));
            }
            kl.minHosts = int(mn);
            kl.maxHosts = int(mx);
            c.limits.insert(*kind, kl);
        }
    }

    qint64 v = c.warmSpares;
    if (!readInt(json, QStringLiteral("warmSpares"), 0, 16, &v, &error)) {
        return ValueOrError<PoolConfig>::failure(error);
    }
    c.warmSpares = int(v);
    v = c.maxRestarts;
    if (!readInt(json, QStringLiteral("maxRestarts"), 0, 1000, &v, &error)) {
        return ValueOrError<PoolConfig>::failure(error);
    }
    c.maxRestarts = int(v);
    constexpr qint64 kMaxMs = 7LL * 24 * 3600 * 1000;
    const std::pair<const char *, qint64 *> msFields[] = {
        {"idleTimeoutMs", &c.idleTimeoutMs},
        {"helloTimeoutMs", &c.helloTimeoutMs},
        {"heartbeatTimeoutMs", &c.heartbeatTimeoutMs},
        {"restartBackoffMs", &c.restartBackoffMs},
        {"maxRestartBackoffMs", &c.maxRestartBackoffMs},
        {"restartWindowMs", &c.restartWindowMs},
        {"updateIntervalMs", &c.updateIntervalMs},
        {"historyMs", &c.historyMs},
    };
    for (const auto &[key, field] : msFields) {
        if (!readInt(json, QLatin1String(key), 0, kMaxMs, field, &error)) {
            return ValueOrError<PoolConfig>::failure(error);
        }
    }
    if (!readInt(json, QStringLiteral("weightLimitBytes"), 0, kMaxWeightLimitBytes, &c.weightLimitBytes,
                 &error)) {
        return ValueOrError<PoolConfig>::failure(error);
    }
    if (!readDouble(json, QStringLiteral("restartBackoffMultiplier"), &c.restartBackoffMultiplier, &error)) {
        return ValueOrError<PoolConfig>::failure(error);
    }
    if (json.contains(QStringLiteral("breaker"))) {
        const QJsonValue bv = json.value(QStringLiteral("breaker"));
        if (!bv.isObject()) {
            return ValueOrError<PoolConfig>::failure(QStringLiteral("breaker: expected an object"));
        }
        ValueOrError<BreakerConfig> b = BreakerConfig::fromJson(bv.toObject());
        if (!b) {
            return ValueOrError<PoolConfig>::failure(QStringLiteral("breaker: %1").arg(b.error()));
        }
        c.breaker = b.value();
    }
    const QString invalid = c.validate();
    if (!invalid.isEmpty()) {
        return ValueOrError<PoolConfig>::failure(invalid);
    }
    return c;
}

QJsonObject PoolConfig::toJson() const
{
    QJsonObject lo;
    for (auto it = limits.cbegin(); it != limits.cend(); ++it) {
        lo.insert(hostKindName(it.key()),
                  QJsonObject{{QStringLiteral("min"), it->minHosts}, {QStringLiteral("max"), it->maxHosts}});
    }
    return {
        {QStringLiteral("limits"), lo},
        {QStringLiteral("warmSpares"), warmSpares},
        {QStringLiteral("idleTimeoutMs"), double(idleTimeoutMs)},
        {QStringLiteral("helloTimeoutMs"), double(helloTimeoutMs)},
        {QStringLiteral("heartbeatTimeoutMs"), double(heartbeatTimeoutMs)},
        {QStringLiteral("restartBackoffMs"), double(restartBackoffMs)},
        {QStringLiteral("restartBackoffMultiplier"), restartBackoffMultiplier},
        {QStringLiteral("maxRestartBackoffMs"), double(maxRestartBackoffMs)},
        {QStringLiteral("maxRestarts"), maxRestarts},
        {QStringLiteral("restartWindowMs"), double(restartWindowMs)},
        {QStringLiteral("updateIntervalMs"), double(updateIntervalMs)},
        {QStringLiteral("historyMs"), double(historyMs)},
        {QStringLiteral("weightLimitBytes"), double(weightLimitBytes)},
        {QStringLiteral("breaker"), breaker.toJson()},
    };
}

} // namespace accel
