#pragma once

#include "resilience/BreakerTypes.h"

#include <QColor>
#include <QString>

namespace accel::ui {

/// Colours and labels shared by every pool view, so the legend, the timeline bands and the
/// table cells agree. Chosen to stay distinct for the common red/green colour-vision deficiency
/// (blue-ish green, amber, vermilion).
class PoolColors
{
public:
    static QColor breakerColor(BreakerState state);
    /// Translated short label: "Closed", "Half-open", "Open", "Isolated", ...
    static QString breakerLabel(BreakerState state);
    /// Green above 80, amber above 50, red below.
    static QColor healthColor(double health);
    /// A stable, distinct line colour per series index.
    static QColor seriesColor(int index);
};

} // namespace accel::ui
