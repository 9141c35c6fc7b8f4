#pragma once

#include <QString>

namespace accel {

/// Which way is good for a metric. No zero value: an unset direction is a bug.
enum class MetricDirection {
    LowerIsBetter = 1,
    HigherIsBetter = 2,
};

QString metricDirectionName(MetricDirection direction);
/// Parses "lower"/"higher" (also "lower-is-better", "higher-is-better"); false on anything else.
bool parseMetricDirection(const QString &text, MetricDirection *direction);

/// A metric the console records: name (dotted, e.g. "pool.latency.p95"), unit, good direction.
struct MetricDefinition
{
    QString name;
    QString unit;
    MetricDirection direction = MetricDirection::LowerIsBetter;
    /// Which subsystem feeds it: "pool", "sharding", "cluster", "hosts".
    QString source;
    QString description;
};

} // namespace accel
