#include "history/SeriesAnalysis.h"

#include "common/Clock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

#include <cmath>

namespace accel {

namespace {

double elapsedMs(qint64 startNs)
{
    return double(Clock::system()->nowNs() - startNs) / 1e6;
}

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QString timestampText(const Series &series, int index)
{
    if (!series.hasTimestamps() || index < 0 || index >= int(series.timestampsMs.size())) {
        return QString();
    }
    return QDateTime::fromMSecsSinceEpoch(series.timestampsMs[size_t(index)], QTimeZone::utc())
        .toString(Qt::ISODateWithMs);
}

// Median spacing of the timestamps, for placing forecast steps in time.
qint64 typicalStepMs(const Series &series)
{
    const auto &ts = series.timestampsMs;
    if (ts.size() < 2) {
        return 0;
    }
    std::vector<qint64> d;
    const size_t from = ts.size() > 1001 ? ts.size() - 1001 : 0;
    for (size_t i = from + 1; i < ts.size(); ++i) {
        d.push_back(ts[i] - ts[i - 1]);
    }
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    return d[d.size() / 2];
}

QString fmt(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 6) : QStringLiteral("n/a");
}

} // namespace

bool SeriesAnalysis::isRegression(MetricDirection direction, double before, double after)
{
    return direction == MetricDirection::LowerIsBetter ? after > before : after < before;
}

SeriesAnalysis::Report SeriesAnalysis::run(const Series &series, const Options &options)
{
    Report r;
    const std::span<const double> values(series.values);
    r.points = int(values.size());
    r.direction = options.direction;

    qint64 t0 = Clock::system()->nowNs();
    r.changePoints = ChangePointDetector::detect(values, options.changePoints);
    r.changePointMs = elapsedMs(t0);

    std::vector<int> starts;
    for (const ChangePoint &cp : r.changePoints.changes) {
        starts.push_back(cp.index);
    }
    t0 = Clock::system()->nowNs();
    r.anomalies = AnomalyDetector::detect(values, starts, options.anomalies);
    r.anomalyMs = elapsedMs(t0);

    t0 = Clock::system()->nowNs();
    r.trend = TrendAnalyzer::analyze(values, options.trend);
    r.trendMs = elapsedMs(t0);

    r.forecastFromIndex = starts.empty() ? 0 : starts.back();
    t0 = Clock::system()->nowNs();
    r.forecast = Forecaster::forecast(values.subspan(size_t(r.forecastFromIndex)), options.forecast);
    r.forecastMs = elapsedMs(t0);
    return r;
}

QJsonObject SeriesAnalysis::toJson(const Report &report, const Series &series)
{
    QJsonObject root;
    root[QStringLiteral("points")] = report.points;
    root[QStringLiteral("direction")] = metricDirectionName(report.direction);

    QJsonObject trend;
    trend[QStringLiteral("enough_history")] = report.trend.enoughHistory;
    if (report.trend.enoughHistory) {
        trend[QStringLiteral("method")] = QStringLiteral("theil-sen + mann-kendall");
        trend[QStringLiteral("slope_per_point")] = number(report.trend.slopePerPoint);
        trend[QStringLiteral("intercept")] = number(report.trend.intercept);
        trend[QStringLiteral("relative_change_over_series")] = number(report.trend.relativeChangeOverSeries);
        trend[QStringLiteral("theil_sen_exact")] = report.trend.exact;
        trend[QStringLiteral("mann_kendall_z")] = number(report.trend.mannKendallZ);
        trend[QStringLiteral("p_value")] = number(report.trend.pValue);
        trend[QStringLiteral("significant")] = report.trend.significant;
        QString verdict = QStringLiteral("none");
        if (report.trend.significant) {
            verdict = isRegression(report.direction, 0.0, report.trend.slopePerPoint)
                          ? QStringLiteral("worsening")
                          : QStringLiteral("improving");
        }
        trend[QStringLiteral("verdict")] = verdict;
    } else {
        trend[QStringLiteral("message")] = QStringLiteral("not enough history");
    }
    root[QStringLiteral("trend")] = trend;

    QJsonObject cps;
    cps[QStringLiteral("method")] = QStringLiteral("e-divisive-means");
    cps[QStringLiteral("significance_test")] =
        ChangePointDetector::significanceName(report.changePoints.test);
    cps[QStringLiteral("permutations_run")] = double(report.changePoints.permutationsRun);
    QJsonArray list;
    for (const ChangePoint &cp : report.changePoints.changes) {
        QJsonObject o;
        o[QStringLiteral("index")] = cp.index;
        const QString ts = timestampText(series, cp.index);
        o[QStringLiteral("timestamp")] = ts.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(ts);
        o[QStringLiteral("before_mean")] = number(cp.beforeMean);
        o[QStringLiteral("after_mean")] = number(cp.afterMean);
        o[QStringLiteral("relative_change")] = number(cp.relativeChange);
        o[QStringLiteral("p_value")] = number(cp.pValue);
        o[QStringLiteral("confidence")] = number(cp.confidence);
        o[QStringLiteral("regression")] = isRegression(report.direction, cp.beforeMean, cp.afterMean);
        list.append(o);
    }
    cps[QStringLiteral("changes")] = list;
    root[QStringLiteral("change_points")] = cps;

    QJsonArray anomalies;
    for (const Anomaly &a : report.anomalies) {
        QJsonObject o;
        o[QStringLiteral("index")] = a.index;
        const QString ts = timestampText(series, a.index);
        o[QStringLiteral("timestamp")] = ts.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(ts);
        o[QStringLiteral("value")] = number(a.value);
        o[QStringLiteral("expected")] = number(a.expected);
        o[QStringLiteral("score")] = number(a.score);
        o[QStringLiteral("methods")] = AnomalyDetector::methodNames(a.methods);
        anomalies.append(o);
    }
    root[QStringLiteral("anomalies")] = anomalies;

    QJsonObject fc;
    fc[QStringLiteral("enough_history")] = report.forecast.enoughHistory;
    if (report.forecast.enoughHistory) {
        fc[QStringLiteral("method")] = QStringLiteral("holt-linear");
        fc[QStringLiteral("fitted_from_index")] = report.forecastFromIndex;
        fc[QStringLiteral("alpha")] = report.forecast.alpha;
        fc[QStringLiteral("beta")] = report.forecast.beta;
        fc[QStringLiteral("residual_sigma")] = number(report.forecast.residualSigma);
        const qint64 stepMs = typicalStepMs(series);
        QJsonArray steps;
        for (const Forecaster::Step &s : report.forecast.steps) {
            QJsonObject o;
            o[QStringLiteral("steps_ahead")] = s.stepsAhead;
            if (series.hasTimestamps() && stepMs > 0) {
                o[QStringLiteral("timestamp")] =
                    QDateTime::fromMSecsSinceEpoch(series.timestampsMs.back() + s.stepsAhead * stepMs,
                                                   QTimeZone::utc())
                        .toString(Qt::ISODateWithMs);
            }
            o[QStringLiteral("value")] = number(s.value);
            o[QStringLiteral("lower")] = number(s.lower);
            o[QStringLiteral("upper")] = number(s.upper);
            steps.append(o);
        }
        fc[QStringLiteral("steps")] = steps;
    } else {
        fc[QStringLiteral("message")] = QStringLiteral("not enough history");
    }
    root[QStringLiteral("forecast")] = fc;

    QJsonObject timing;
    timing[QStringLiteral("change_points_ms")] = report.changePointMs;
    timing[QStringLiteral("anomalies_ms")] = report.anomalyMs;
    timing[QStringLiteral("trend_ms")] = report.trendMs;
    timing[QStringLiteral("forecast_ms")] = report.forecastMs;
    root[QStringLiteral("timing")] = timing;
    return root;
}

QString SeriesAnalysis::toText(const Report &report, const Series &series)
{
    QString out;
    QTextStream s(&out);
    s << "points: " << report.points << " (" << metricDirectionName(report.direction) << " is better)\n\n";
    s << "trend (Theil-Sen slope, Mann-Kendall test):\n";
    if (!report.trend.enoughHistory) {
        s << "  not enough history (" << report.trend.points << " points)\n";
    } else {
        s << "  slope " << fmt(report.trend.slopePerPoint) << " per point"
          << (report.trend.exact ? "" : " (sampled pairs)") << ", "
          << fmt(report.trend.relativeChangeOverSeries * 100.0)
          << "% over the series, p = " << fmt(report.trend.pValue) << ": ";
        if (!report.trend.significant) {
            s << "no significant trend\n";
        } else {
            s << (isRegression(report.direction, 0.0, report.trend.slopePerPoint) ? "worsening\n"
                                                                                  : "improving\n");
        }
    }
    s << "\nchange points (E-Divisive means, "
      << ChangePointDetector::significanceName(report.changePoints.test) << " significance";
    if (report.changePoints.test == ChangePointDetector::Significance::Permutation) {
        s << ", " << report.changePoints.permutationsRun << " permutations run";
    }
    s << "):\n";
    if (report.changePoints.changes.empty()) {
        s << "  none\n";
    }
    for (const ChangePoint &cp : report.changePoints.changes) {
        s << "  index " << cp.index;
        const QString ts = timestampText(series, cp.index);
        if (!ts.isEmpty()) {
            s << " (" << ts << ")";
        }
        s << ": mean " << fmt(cp.beforeMean) << " -> " << fmt(cp.afterMean) << " ("
          << (std::isfinite(cp.relativeChange)
                  ? QString::number(cp.relativeChange * 100.0, 'f', 1) + QLatin1Char('%')
                  : QStringLiteral("n/a"))
          << "), confidence " << QString::number(cp.confidence, 'f', 4)
          << (isRegression(report.direction, cp.beforeMean, cp.afterMean) ? "  REGRESSION" : "  improvement")
          << '\n';
    }
    s << "\nanomalies (robust z-score per segment, EWMA):\n";
    if (report.anomalies.empty()) {
        s << "  none\n";
    }
    for (const Anomaly &a : report.anomalies) {
        s << "  index " << a.index;
        const QString ts = timestampText(series, a.index);
        if (!ts.isEmpty()) {
            s << " (" << ts << ")";
        }
        s << ": " << fmt(a.value) << " (expected " << fmt(a.expected) << ", "
          << QString::number(a.score, 'f', 1) << " sigma, " << AnomalyDetector::methodNames(a.methods)
          << ")\n";
    }
    s << "\nforecast (Holt linear, 95% interval):\n";
    if (!report.forecast.enoughHistory) {
        s << "  not enough history since the last change point\n";
    } else {
        s << "  fitted on " << report.forecast.fittedPoints << " points from index "
          << report.forecastFromIndex << ", alpha " << report.forecast.alpha << ", beta "
          << report.forecast.beta << '\n';
        for (const Forecaster::Step &st : report.forecast.steps) {
            s << "  +" << st.stepsAhead << ": " << fmt(st.value) << " [" << fmt(st.lower) << ", "
              << fmt(st.upper) << "]\n";
        }
    }
    return out;
}

} // namespace accel
