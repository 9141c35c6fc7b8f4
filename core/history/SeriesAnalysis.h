#pragma once

#include "history/AnomalyDetector.h"
#include "history/ChangePointDetector.h"
#include "history/Forecaster.h"
#include "history/MetricDefinition.h"
#include "history/SeriesCsvReader.h"
#include "history/TrendAnalyzer.h"

#include <QJsonObject>
#include <QString>

namespace accel {

/// Every detector run over one series, in the order that makes them agree: change points first,
/// then anomalies judged inside the segments between them, trend over the whole series, forecast
/// from the last segment. Used by `accelctl analyze` and the History view. Pure and thread-safe.
class SeriesAnalysis
{
public:
    struct Options
    {
        MetricDirection direction = MetricDirection::LowerIsBetter;
        TrendAnalyzer::Options trend;
        ChangePointDetector::Options changePoints;
        AnomalyDetector::Options anomalies;
        Forecaster::Options forecast;
    };

    struct Report
    {
        int points = 0;
        MetricDirection direction = MetricDirection::LowerIsBetter;
        TrendAnalyzer::Result trend;
        ChangePointDetector::Result changePoints;
        std::vector<Anomaly> anomalies;
        Forecaster::Result forecast;
        /// Index where the forecast's fit starts (after the last change point).
        int forecastFromIndex = 0;
        /// Wall time each detector took, milliseconds.
        double trendMs = 0.0;
        double changePointMs = 0.0;
        double anomalyMs = 0.0;
        double forecastMs = 0.0;
    };

    static Report run(const Series &series, const Options &options);

    /// True when a change from `before` to `after` is a regression for the direction.
    static bool isRegression(MetricDirection direction, double before, double after);

    static QJsonObject toJson(const Report &report, const Series &series);
    static QString toText(const Report &report, const Series &series);
};

} // namespace accel
