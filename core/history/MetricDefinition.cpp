#include "history/MetricDefinition.h"

namespace accel {

QString metricDirectionName(MetricDirection direction)
{
    return direction == MetricDirection::HigherIsBetter ? QStringLiteral("higher") : QStringLiteral("lower");
}

bool parseMetricDirection(const QString &text, MetricDirection *direction)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("lower") || t == QLatin1String("lower-is-better")) {
        *direction = MetricDirection::LowerIsBetter;
        return true;
    }
    if (t == QLatin1String("higher") || t == QLatin1String("higher-is-better")) {
        *direction = MetricDirection::HigherIsBetter;
        return true;
    }
    return false;
}

} // namespace accel
