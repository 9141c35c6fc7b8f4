#include "resilience/HealthScorer.h"

#include "common/LogCategories.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>

namespace accel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString num(double v, int decimals = 2)
{
    return QString::number(v, 'f', decimals);
}

/// 1 at or below `good`, 0 at or above `bad`, linear between (good < bad).
double ramp(double value, double good, double bad)
{
    if (value <= good) {
        return 1.0;
    }
    if (value >= bad) {
        return 0.0;
    }
    return 1.0 - (value - good) / (bad - good);
}

QString checkDouble(const QString &host, const char *field, const std::optional<double> &v)
{
    if (!v) {
        return {};
    }
    if (!std::isfinite(*v)) {
        return QStringLiteral("host %1: %2 is not a finite number").arg(host, QLatin1String(field));
    }
    if (*v < 0) {
        return QStringLiteral("host %1: %2 is negative (%3)").arg(host, QLatin1String(field)).arg(*v);
    }
    return {};
}

struct Stats
{
    double mean = 0;
    double sigma = 0;
    int count = 0;
};

Stats stats(const QList<double> &values)
{
    Stats s;
    s.count = int(values.size());
    if (values.isEmpty()) {
        return s;
    }
    for (double v : values) {
        s.mean += v;
    }
    s.mean /= double(values.size());
    double var = 0;
    for (double v : values) {
        var += (v - s.mean) * (v - s.mean);
    }
    s.sigma = std::sqrt(var / double(values.size()));
    return s;
}

} // namespace

QJsonObject HealthScore::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("hostId"), hostId);
    o.insert(QStringLiteral("score"), score);
    o.insert(QStringLiteral("coverage"), coverage);
    QJsonArray list;
    for (const HealthFactor &f : factors) {
        QJsonObject fo;
        fo.insert(QStringLiteral("name"), f.name);
        fo.insert(QStringLiteral("rawValue"), f.hasData && std::isfinite(f.rawValue)
                                                  ? QJsonValue(f.rawValue)
                                                  : QJsonValue(QJsonValue::Null));
        fo.insert(QStringLiteral("weight"), f.weight);
        fo.insert(QStringLiteral("score"), f.score);
        fo.insert(QStringLiteral("contribution"), f.contribution);
        fo.insert(QStringLiteral("hasData"), f.hasData);
        fo.insert(QStringLiteral("explanation"), f.explanation);
        list.append(fo);
    }
    o.insert(QStringLiteral("factors"), list);
    return o;
}

QString HealthScorerConfig::validate() const
{
    const double weights[] = {successRateWeight, slowCallRateWeight, latencyWeight, heartbeatWeight,
                              incidentsWeight,   memoryWeight,       peersWeight};
    double total = 0;
    for (double w : weights) {
        if (!std::isfinite(w) || w < 0) {
            return QStringLiteral("weights must be finite and >= 0");
        }
        total += w;
    }
    if (total <= 0) {
        return QStringLiteral("at least one weight must be > 0");
    }
    if (minCallsForRates < 1) {
        return QStringLiteral("minCallsForRates must be >= 1");
    }
    if (!(latencyBadRatio > 1.0 && std::isfinite(latencyBadRatio))) {
        return QStringLiteral("latencyBadRatio must be > 1");
    }
    if (!(heartbeatGraceIntervals > 0 && heartbeatDeadIntervals > heartbeatGraceIntervals &&
          std::isfinite(heartbeatDeadIntervals))) {
        return QStringLiteral("heartbeat intervals must satisfy 0 < grace < dead");
    }
    if (!(crashPenalty >= 0 && reconnectPenalty >= 0 && std::isfinite(crashPenalty) &&
          std::isfinite(reconnectPenalty))) {
        return QStringLiteral("crash and reconnect penalties must be finite and >= 0");
    }
    if (!(memoryComfortable >= 0 && memoryFull > memoryComfortable && std::isfinite(memoryFull))) {
        return QStringLiteral("memory thresholds must satisfy 0 <= comfortable < full");
    }
    if (!(peerK > 0 && std::isfinite(peerK))) {
        return QStringLiteral("peerK must be > 0");
    }
    if (minPeers < 1) {
        return QStringLiteral("minPeers must be >= 1");
    }
    if (!(noDataScore >= 0 && noDataScore <= 100)) {
        return QStringLiteral("noDataScore must be in [0, 100]");
    }
    return {};
}

HealthScorer::HealthScorer(HealthScorerConfig config)
    : m_config(config)
{
    const QString error = m_config.validate();
    if (!error.isEmpty()) {
        qCWarning(lcResilience) << "HealthScorer: invalid config (" << error << "); using defaults";
        m_config = HealthScorerConfig{};
    }
}

QString HealthScorer::validate(const HostObservations &o)
{
    const QString &id = o.hostId;
    if (o.calls < 0 || o.failures < 0 || o.slowCalls < 0) {
        return QStringLiteral("host %1: calls, failures and slowCalls must be >= 0").arg(id);
    }
    if (o.failures > o.calls) {
        return QStringLiteral("host %1: failures (%2) exceed calls (%3)")
            .arg(id)
            .arg(o.failures)
            .arg(o.calls);
    }
    if (o.slowCalls > o.calls) {
        return QStringLiteral("host %1: slowCalls (%2) exceed calls (%3)")
            .arg(id)
            .arg(o.slowCalls)
            .arg(o.calls);
    }
    for (const auto &[field, value] :
         {std::pair{"latencyMs", o.latencyMs}, std::pair{"baselineLatencyMs", o.baselineLatencyMs},
          std::pair{"heartbeatAgeMs", o.heartbeatAgeMs}, std::pair{"memoryUsedBytes", o.memoryUsedBytes},
          std::pair{"memoryLimitBytes", o.memoryLimitBytes}}) {
        const QString error = checkDouble(id, field, value);
        if (!error.isEmpty()) {
            return error;
        }
    }
    if (!std::isfinite(o.heartbeatIntervalMs) || o.heartbeatIntervalMs <= 0) {
        return QStringLiteral("host %1: heartbeatIntervalMs must be a finite number > 0").arg(id);
    }
    if (o.memoryLimitBytes && *o.memoryLimitBytes <= 0) {
        return QStringLiteral("host %1: memoryLimitBytes must be > 0 when set").arg(id);
    }
    if (o.observedForMs < 0 || o.crashes < 0 || o.reconnects < 0) {
        return QStringLiteral("host %1: observedForMs, crashes and reconnects must be >= 0").arg(id);
    }
    return {};
}

ValueOrError<HealthScore> HealthScorer::score(const HostObservations &host,
                                              const QList<HostObservations> &peers) const
{
    using Result = ValueOrError<HealthScore>;
    QString error = validate(host);
    if (!error.isEmpty()) {
        return Result::failure(error);
    }
    for (const HostObservations &p : peers) {
        error = validate(p);
        if (!error.isEmpty()) {
            return Result::failure(QStringLiteral("peer ") + error);
        }
    }
    const HealthScorerConfig &c = m_config;
    HealthScore result;
    result.hostId = host.hostId;

    auto add = [&result](const char *name, double weight, bool hasData, double raw, double s, QString why) {
        HealthFactor f;
        f.name = QLatin1String(name);
        f.weight = weight;
        f.hasData = hasData;
        f.rawValue = hasData ? raw : kNaN;
        f.score = hasData ? std::clamp(s, 0.0, 1.0) : 0.0;
        f.explanation = std::move(why);
        result.factors.append(f);
    };

    const bool rates = host.calls >= c.minCallsForRates;
    const QString tooFewCalls =
        QStringLiteral("no data: %1 calls, %2 needed").arg(host.calls).arg(c.minCallsForRates);
    {
        const double sr = rates ? double(host.calls - host.failures) / double(host.calls) : kNaN;
        add("successRate", c.successRateWeight, rates, sr, sr,
            rates ? QStringLiteral("%1 of %2 calls succeeded (%3%)")
                        .arg(host.calls - host.failures)
                        .arg(host.calls)
                        .arg(num(sr * 100, 1))
                  : tooFewCalls);
    }
    {
        const double slow = rates ? double(host.slowCalls) / double(host.calls) : kNaN;
        add("slowCallRate", c.slowCallRateWeight, rates, slow, 1.0 - slow,
            rates ? QStringLiteral("%1 of %2 calls were slow (%3%)")
                        .arg(host.slowCalls)
                        .arg(host.calls)
                        .arg(num(slow * 100, 1))
                  : tooFewCalls);
    }
    {
        const bool has = host.latencyMs && host.baselineLatencyMs && *host.baselineLatencyMs > 0;
        const double ratio = has ? *host.latencyMs / *host.baselineLatencyMs : kNaN;
        add("latency", c.latencyWeight, has, ratio, has ? ramp(ratio, 1.0, c.latencyBadRatio) : 0.0,
            has ? QStringLiteral("latency %1 ms is %2x its baseline of %3 ms (0 points at %4x)")
                      .arg(num(*host.latencyMs, 1), num(ratio), num(*host.baselineLatencyMs, 1),
                           num(c.latencyBadRatio, 1))
                : QStringLiteral("no data: latency or baseline unknown"));
    }
    {
        const bool has = host.heartbeatAgeMs.has_value();
        const double intervals = has ? *host.heartbeatAgeMs / host.heartbeatIntervalMs : kNaN;
        add("heartbeat", c.heartbeatWeight, has, intervals,
            has ? ramp(intervals, c.heartbeatGraceIntervals, c.heartbeatDeadIntervals) : 0.0,
            has ? QStringLiteral(
                      "last heartbeat %1 ms ago = %2 intervals (full marks up to %3, none from %4)")
                      .arg(num(*host.heartbeatAgeMs, 0), num(intervals), num(c.heartbeatGraceIntervals, 1),
                           num(c.heartbeatDeadIntervals, 1))
                : QStringLiteral("no data: no heartbeat yet"));
    }
    {
        const bool has = host.observedForMs > 0;
        const double penalty = c.crashPenalty * host.crashes + c.reconnectPenalty * host.reconnects;
        add("incidents", c.incidentsWeight, has, double(host.crashes) + double(host.reconnects),
            1.0 - penalty,
            has ? QStringLiteral("%1 crashes and %2 reconnects in the last %3 s")
                      .arg(host.crashes)
                      .arg(host.reconnects)
                      .arg(num(double(host.observedForMs) / 1000.0, 0))
                : QStringLiteral("no data: not observed yet"));
    }
    {
        const bool has = host.memoryUsedBytes && host.memoryLimitBytes;
        const double pressure = has ? *host.memoryUsedBytes / *host.memoryLimitBytes : kNaN;
        add("memory", c.memoryWeight, has, pressure,
            has ? ramp(pressure, c.memoryComfortable, c.memoryFull) : 0.0,
            has ? QStringLiteral("%1% of memory in use (full marks up to %2%, none from %3%)")
                      .arg(num(pressure * 100, 1), num(c.memoryComfortable * 100, 0),
                           num(c.memoryFull * 100, 0))
                : QStringLiteral("no data: memory not reported"));
    }
    {
        // Peers: the other hosts only (leave-one-out), so one outlier cannot hide in its own mean.
        QList<double> peerSuccess;
        QList<double> peerLatency;
        for (const HostObservations &p : peers) {
            if (p.hostId == host.hostId) {
                continue;
            }
            if (p.calls >= c.minCallsForRates) {
                peerSuccess.append(double(p.calls - p.failures) / double(p.calls));
            }
            if (p.latencyMs) {
                peerLatency.append(*p.latencyMs);
            }
        }
        double s = 1.0;
        double worstZ = 0.0;
        bool has = false;
        QStringList why;
        const Stats ss = stats(peerSuccess);
        if (rates && ss.count >= c.minPeers) {
            has = true;
            const double sigma = std::max(ss.sigma, 0.05);
            const double bound = ss.mean - c.peerK * sigma;
            const double sr = double(host.calls - host.failures) / double(host.calls);
            const double z = std::max(0.0, (bound - sr) / sigma);
            worstZ = std::max(worstZ, z);
            s = std::min(s, 1.0 - z / c.peerK);
            why.append(QStringLiteral("success rate %1% vs peers %2% ± %3 (outlier below %4%)")
                           .arg(num(sr * 100, 1), num(ss.mean * 100, 1), num(ss.sigma * 100, 1),
                                num(bound * 100, 1)));
        }
        const Stats ls = stats(peerLatency);
        if (host.latencyMs && ls.count >= c.minPeers) {
            has = true;
            const double sigma = std::max(ls.sigma, 0.1 * ls.mean);
            const double bound = ls.mean + c.peerK * sigma;
            const double z = sigma > 0
                                 ? std::max(0.0, (*host.latencyMs - bound) / sigma)
                                 : (*host.latencyMs > bound ? std::numeric_limits<double>::infinity() : 0.0);
            worstZ = std::max(worstZ, z);
            s = std::min(s, 1.0 - z / c.peerK);
            why.append(QStringLiteral("latency %1 ms vs peers %2 ± %3 ms (outlier above %4 ms)")
                           .arg(num(*host.latencyMs, 1), num(ls.mean, 1), num(ls.sigma, 1), num(bound, 1)));
        }
        add("peers", c.peersWeight, has, worstZ, s,
            has ? why.join(QLatin1String("; "))
                : QStringLiteral("no data: fewer than %1 peers to compare with").arg(c.minPeers));
    }

    double present = 0;
    for (const HealthFactor &f : result.factors) {
        present += f.hasData ? f.weight : 0.0;
    }
    double total = 0;
    for (const HealthFactor &f : result.factors) {
        total += f.weight;
    }
    result.coverage = total > 0 ? present / total : 0.0;
    if (present <= 0) {
        result.score = c.noDataScore;
        return result;
    }
    double sum = 0;
    for (HealthFactor &f : result.factors) {
        if (f.hasData) {
            f.contribution = 100.0 * f.weight * f.score / present;
            sum += f.contribution;
        }
    }
    result.score = std::clamp(sum, 0.0, 100.0);
    return result;
}

} // namespace accel
