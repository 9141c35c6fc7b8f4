#include "resilience/BreakerConfig.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace accel {

namespace {

constexpr int kMaxWindowSize = 100'000;
constexpr int kMaxBuckets = 1000;
// Year-scale upper bound for every duration: keeps ns arithmetic far from overflow.
constexpr qint64 kMaxDurationMs = qint64(365) * 24 * 3600 * 1000;

QString rangeError(const char *field, const QString &allowed, const QString &got)
{
    return QStringLiteral("%1 must be %2 (got %3)").arg(QLatin1String(field), allowed, got);
}

bool inDurationRange(qint64 ms)
{
    return ms > 0 && ms <= kMaxDurationMs;
}

const QStringList &knownKeys()
{
    static const QStringList keys = {
        QStringLiteral("windowType"),
        QStringLiteral("windowSize"),
        QStringLiteral("windowDurationMs"),
        QStringLiteral("windowBucketCount"),
        QStringLiteral("minimumCalls"),
        QStringLiteral("failureRateThreshold"),
        QStringLiteral("slowCallRateThreshold"),
        QStringLiteral("slowCallDurationMs"),
        QStringLiteral("consecutiveFailureThreshold"),
        QStringLiteral("openDurationMs"),
        QStringLiteral("openBackoffMultiplier"),
        QStringLiteral("maxOpenDurationMs"),
        QStringLiteral("openJitterFraction"),
        QStringLiteral("openDecayAfterMs"),
        QStringLiteral("halfOpenPermittedCalls"),
        QStringLiteral("halfOpenSuccessThreshold"),
        QStringLiteral("halfOpenMaxWaitMs"),
        QStringLiteral("countedCategories"),
        QStringLiteral("jitterSeed"),
    };
    return keys;
}

// Reads an integral JSON number; rejects fractions, non-numbers and values outside qint64.
bool readInteger(const QJsonObject &json, const QString &key, qint64 &out, QString &error)
{
    if (!json.contains(key)) {
        return true;
    }
    const QJsonValue v = json.value(key);
    if (!v.isDouble()) {
        error = QStringLiteral("%1 must be a number").arg(key);
        return false;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) {
        error = QStringLiteral("%1 must be an integer (got %2)").arg(key).arg(d);
        return false;
    }
    out = qint64(d);
    return true;
}

bool readInt(const QJsonObject &json, const QString &key, int &out, QString &error)
{
    qint64 wide = out;
    if (!readInteger(json, key, wide, error)) {
        return false;
    }
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
        error = QStringLiteral("%1 is out of range (got %2)").arg(key).arg(wide);
        return false;
    }
    out = int(wide);
    return true;
}

bool readDouble(const QJsonObject &json, const QString &key, double &out, QString &error)
{
    if (!json.contains(key)) {
        return true;
    }
    const QJsonValue v = json.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble())) {
        error = QStringLiteral("%1 must be a finite number").arg(key);
        return false;
    }
    out = v.toDouble();
    return true;
}

} // namespace

QString toString(BreakerWindowType type)
{
    switch (type) {
    case BreakerConfig::WindowType::Count:
        return QStringLiteral("count");
    case BreakerConfig::WindowType::Time:
        return QStringLiteral("time");
    }
    return QStringLiteral("unknown(%1)").arg(int(type));
}

QString BreakerConfig::validate() const
{
    if (windowType != WindowType::Count && windowType != WindowType::Time) {
        return rangeError("windowType", QStringLiteral("\"count\" or \"time\""),
                          QString::number(int(windowType)));
    }
    if (windowSize < 1 || windowSize > kMaxWindowSize) {
        return rangeError("windowSize", QStringLiteral("1..%1").arg(kMaxWindowSize),
                          QString::number(windowSize));
    }
    if (windowBucketCount < 1 || windowBucketCount > kMaxBuckets) {
        return rangeError("windowBucketCount", QStringLiteral("1..%1").arg(kMaxBuckets),
                          QString::number(windowBucketCount));
    }
    if (windowDurationMs < windowBucketCount || windowDurationMs > kMaxDurationMs) {
        return rangeError("windowDurationMs",
                          QStringLiteral("at least windowBucketCount (%1) ms").arg(windowBucketCount),
                          QString::number(windowDurationMs));
    }
    if (minimumCalls < 1) {
        return rangeError("minimumCalls", QStringLiteral(">= 1"), QString::number(minimumCalls));
    }
    if (windowType == WindowType::Count && minimumCalls > windowSize) {
        return rangeError("minimumCalls",
                          QStringLiteral("<= windowSize (%1) for a count window").arg(windowSize),
                          QString::number(minimumCalls));
    }
    if (!(failureRateThreshold > 0.0 && failureRateThreshold <= 1.0)) {
        return rangeError("failureRateThreshold", QStringLiteral("in (0, 1]"),
                          QString::number(failureRateThreshold));
    }
    if (!(slowCallRateThreshold > 0.0 && slowCallRateThreshold <= 1.0)) {
        return rangeError("slowCallRateThreshold", QStringLiteral("in (0, 1]"),
                          QString::number(slowCallRateThreshold));
    }
    if (!inDurationRange(slowCallDurationMs)) {
        return rangeError("slowCallDurationMs", QStringLiteral("> 0 and <= one year"),
                          QString::number(slowCallDurationMs));
    }
    if (consecutiveFailureThreshold < 0) {
        return rangeError("consecutiveFailureThreshold", QStringLiteral(">= 0 (0 = off)"),
                          QString::number(consecutiveFailureThreshold));
    }
    if (!inDurationRange(openDurationMs)) {
        return rangeError("openDurationMs", QStringLiteral("> 0 and <= one year"),
                          QString::number(openDurationMs));
    }
    if (!(openBackoffMultiplier >= 1.0 && openBackoffMultiplier <= 100.0)) {
        return rangeError("openBackoffMultiplier", QStringLiteral("in [1, 100]"),
                          QString::number(openBackoffMultiplier));
    }
    if (maxOpenDurationMs < openDurationMs || maxOpenDurationMs > kMaxDurationMs) {
        return rangeError("maxOpenDurationMs",
                          QStringLiteral(">= openDurationMs (%1) and <= one year").arg(openDurationMs),
                          QString::number(maxOpenDurationMs));
    }
    if (!(openJitterFraction >= 0.0 && openJitterFraction < 1.0)) {
        return rangeError("openJitterFraction", QStringLiteral("in [0, 1)"),
                          QString::number(openJitterFraction));
    }
    if (!inDurationRange(openDecayAfterMs)) {
        return rangeError("openDecayAfterMs", QStringLiteral("> 0 and <= one year"),
                          QString::number(openDecayAfterMs));
    }
    if (halfOpenPermittedCalls < 1 || halfOpenPermittedCalls > kMaxWindowSize) {
        return rangeError("halfOpenPermittedCalls", QStringLiteral("1..%1").arg(kMaxWindowSize),
                          QString::number(halfOpenPermittedCalls));
    }
    if (halfOpenSuccessThreshold < 1 || halfOpenSuccessThreshold > halfOpenPermittedCalls) {
        return rangeError("halfOpenSuccessThreshold",
                          QStringLiteral("1..halfOpenPermittedCalls (%1)").arg(halfOpenPermittedCalls),
                          QString::number(halfOpenSuccessThreshold));
    }
    if (!inDurationRange(halfOpenMaxWaitMs)) {
        return rangeError("halfOpenMaxWaitMs", QStringLiteral("> 0 and <= one year"),
                          QString::number(halfOpenMaxWaitMs));
    }
    return {};
}

ValueOrError<BreakerConfig> BreakerConfig::fromJson(const QJsonObject &json)
{
    using Result = ValueOrError<BreakerConfig>;
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!knownKeys().contains(it.key())) {
            return Result::failure(QStringLiteral("unknown breaker setting \"%1\"").arg(it.key()));
        }
    }
    BreakerConfig c;
    QString error;
    if (json.contains(QStringLiteral("windowType"))) {
        const QJsonValue v = json.value(QStringLiteral("windowType"));
        if (v.toString() == QLatin1String("count")) {
            c.windowType = WindowType::Count;
        } else if (v.toString() == QLatin1String("time")) {
            c.windowType = WindowType::Time;
        } else {
            return Result::failure(QStringLiteral("windowType must be \"count\" or \"time\""));
        }
    }
    qint64 seed = 0;
    const bool read =
        readInt(json, QStringLiteral("windowSize"), c.windowSize, error) &&
        readInteger(json, QStringLiteral("windowDurationMs"), c.windowDurationMs, error) &&
        readInt(json, QStringLiteral("windowBucketCount"), c.windowBucketCount, error) &&
        readInt(json, QStringLiteral("minimumCalls"), c.minimumCalls, error) &&
        readDouble(json, QStringLiteral("failureRateThreshold"), c.failureRateThreshold, error) &&
        readDouble(json, QStringLiteral("slowCallRateThreshold"), c.slowCallRateThreshold, error) &&
        readInteger(json, QStringLiteral("slowCallDurationMs"), c.slowCallDurationMs, error) &&
        readInt(json, QStringLiteral("consecutiveFailureThreshold"), c.consecutiveFailureThreshold, error) &&
        readInteger(json, QStringLiteral("openDurationMs"), c.openDurationMs, error) &&
        readDouble(json, QStringLiteral("openBackoffMultiplier"), c.openBackoffMultiplier, error) &&
        readInteger(json, QStringLiteral("maxOpenDurationMs"), c.maxOpenDurationMs, error) &&
        readDouble(json, QStringLiteral("openJitterFraction"), c.openJitterFraction, error) &&
        readInteger(json, QStringLiteral("openDecayAfterMs"), c.openDecayAfterMs, error) &&
        readInt(json, QStringLiteral("halfOpenPermittedCalls"), c.halfOpenPermittedCalls, error) &&
        readInt(json, QStringLiteral("halfOpenSuccessThreshold"), c.halfOpenSuccessThreshold, error) &&
        readInteger(json, QStringLiteral("halfOpenMaxWaitMs"), c.halfOpenMaxWaitMs, error) &&
        readInteger(json, QStringLiteral("jitterSeed"), seed, error);
    if (!read) {
        return Result::failure(error);
    }
    if (seed < 0) {
        return Result::failure(QStringLiteral("jitterSeed must be >= 0 (got %1)").arg(seed));
    }
    c.jitterSeed = quint64(seed);
    if (json.contains(QStringLiteral("countedCategories"))) {
        const QJsonValue v = json.value(QStringLiteral("countedCategories"));
        if (!v.isArray()) {
            return Result::failure(QStringLiteral("countedCategories must be an array of category names"));
        }
        ErrorCategorySet set;
        for (const QJsonValue &item : v.toArray()) {
            const std::optional<ErrorCategory> category = errorCategoryFromString(item.toString());
            if (!item.isString() || !category) {
                QStringList known;
                for (ErrorCategory c : allErrorCategories()) {
                    known.append(toString(c));
                }
                return Result::failure(QStringLiteral("countedCategories: unknown category %1 (known: %2)")
                                           .arg(item.isString()
                                                    ? QLatin1Char('"') + item.toString() + QLatin1Char('"')
                                                    : QStringLiteral("(not a string)"),
                                                known.join(QLatin1String(", "))));
            }
            set.insert(*category);
        }
        c.countedCategories = set;
    }
    const QString invalid = c.validate();
    if (!invalid.isEmpty()) {
        return Result::failure(invalid);
    }
    return c;
}

QJsonObject BreakerConfig::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("windowType"), toString(windowType));
    o.insert(QStringLiteral("windowSize"), windowSize);
    o.insert(QStringLiteral("windowDurationMs"), double(windowDurationMs));
    o.insert(QStringLiteral("windowBucketCount"), windowBucketCount);
    o.insert(QStringLiteral("minimumCalls"), minimumCalls);
    o.insert(QStringLiteral("failureRateThreshold"), failureRateThreshold);
    o.insert(QStringLiteral("slowCallRateThreshold"), slowCallRateThreshold);
    o.insert(QStringLiteral("slowCallDurationMs"), double(slowCallDurationMs));
    o.insert(QStringLiteral("consecutiveFailureThreshold"), consecutiveFailureThreshold);
    o.insert(QStringLiteral("openDurationMs"), double(openDurationMs));
    o.insert(QStringLiteral("openBackoffMultiplier"), openBackoffMultiplier);
    o.insert(QStringLiteral("maxOpenDurationMs"), double(maxOpenDurationMs));
    o.insert(QStringLiteral("openJitterFraction"), openJitterFraction);
    o.insert(QStringLiteral("openDecayAfterMs"), double(openDecayAfterMs));
    o.insert(QStringLiteral("halfOpenPermittedCalls"), halfOpenPermittedCalls);
    o.insert(QStringLiteral("halfOpenSuccessThreshold"), halfOpenSuccessThreshold);
    o.insert(QStringLiteral("halfOpenMaxWaitMs"), double(halfOpenMaxWaitMs));
    o.insert(QStringLiteral("countedCategories"),
             QJsonArray::fromStringList(countedCategories.toStringList()));
    // Seeds above 2^53 do not survive a JSON double: only written when exact.
    if (jitterSeed != 0 && jitterSeed <= (quint64(1) << 53)) {
        o.insert(QStringLiteral("jitterSeed"), double(jitterSeed));
    }
    return o;
}

} // namespace accel
