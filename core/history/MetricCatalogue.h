#pragma once

#include "history/MetricDefinition.h"

#include <QList>
#include <QString>

namespace accel {

/// The metrics the pool, sharding, cluster and host code record into MetricsStore, with unit and
/// direction. Immutable; safe from any thread.
class MetricCatalogue
{
public:
    static const QList<MetricDefinition> &all();
    /// nullptr when the name is not in the catalogue.
    static const MetricDefinition *find(const QString &name);
};

} // namespace accel
