#include "history/SeriesAnalysisModel.h"

#include <QDateTime>
#include <QTimeZone>

#include <cmath>
#include <limits>

namespace accel {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

SeriesAnalysisModel::SeriesAnalysisModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void SeriesAnalysisModel::clear()
{
    setAnalysis(Series(), SeriesAnalysis::Report());
}

void SeriesAnalysisModel::setAnalysis(const Series &series, const SeriesAnalysis::Report &report)
{
    beginResetModel();
    m_series = series;
    m_report = report;
    const size_t n = series.values.size();
    m_anomalyScore.assign(n, nan);
    m_changeStart.assign(n, false);
    for (const Anomaly &a : report.anomalies) {
        if (a.index >= 0 && size_t(a.index) < n) {
            m_anomalyScore[size_t(a.index)] = a.score;
        }
    }
    for (const ChangePoint &c : report.changePoints.changes) {
        if (c.index >= 0 && size_t(c.index) < n) {
            m_changeStart[size_t(c.index)] = true;
        }
    }
    m_stepMs = 0;
    if (series.timestampsMs.size() >= 2) {
        m_stepMs = std::max<qint64>(1, (series.timestampsMs.back() - series.timestampsMs.front()) /
                                           qint64(series.timestampsMs.size() - 1));
    }
    endResetModel();
}

double SeriesAnalysisModel::xOf(int row) const
{
    const int points = pointRows();
    if (row < points) {
        return m_series.hasTimestamps() ? double(m_series.timestampsMs[size_t(row)]) : double(row);
    }
    const int ahead = row - points + 1;
    if (m_series.hasTimestamps()) {
        return double(m_series.timestampsMs.back() + ahead * m_stepMs);
    }
    return double(points - 1 + ahead);
}

double SeriesAnalysisModel::numeric(int row, int column) const
{
    const int points = pointRows();
    if (row < 0 || row >= rowCount()) {
        return nan;
    }
    if (column == Time) {
        return xOf(row);
    }
    if (row < points) {
        switch (column) {
        case Value:
            return m_series.values[size_t(row)];
        case Trend:
            return m_report.trend.enoughHistory
                       ? m_report.trend.intercept + m_report.trend.slopePerPoint * row
                       : nan;
        case ChangeStart:
            return m_changeStart[size_t(row)] ? 1.0 : nan;
        case AnomalyScore:
            return m_anomalyScore[size_t(row)];
        default:
            return nan;
        }
    }
    const Forecaster::Step &s = m_report.forecast.steps[size_t(row - points)];
    switch (column) {
    case Forecast:
        return s.value;
    case ForecastLower:
        return s.lower;
    case ForecastUpper:
        return s.upper;
    default:
        return nan;
    }
}

int SeriesAnalysisModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : pointRows() + int(m_report.forecast.steps.size());
}

int SeriesAnalysisModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SeriesAnalysisModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return QVariant();
    }
    const double v = numeric(index.row(), index.column());
    if (role == NumericRole) {
        return v;
    }
    if (role != Qt::DisplayRole) {
        return QVariant();
    }
    if (index.column() == Time) {
        if (m_series.hasTimestamps()) {
            return QDateTime::fromMSecsSinceEpoch(qint64(v), QTimeZone::utc()).toString(Qt::ISODate);
        }
        return qint64(v);
    }
    if (index.column() == ChangeStart) {
        return std::isnan(v) ? QVariant() : QVariant(tr("change"));
    }
    return std::isnan(v) ? QVariant() : QVariant(QString::number(v, 'g', 6));
}

QVariant SeriesAnalysisModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case Time:
        return m_series.hasTimestamps() ? tr("Time (UTC)") : tr("Index");
    case Value:
        return tr("Value");
    case Trend:
        return tr("Trend");
    case ChangeStart:
        return tr("Change point");
    case AnomalyScore:
        return tr("Anomaly (sigma)");
    case Forecast:
        return tr("Forecast");
    case ForecastLower:
        return tr("Forecast low");
    case ForecastUpper:
        return tr("Forecast high");
    default:
        return QVariant();
    }
}

QByteArray SeriesAnalysisModel::toCsv() const
{
    QByteArray out = "x,value,trend,change_point,anomaly_score,forecast,forecast_lower,forecast_upper\n";
    for (int r = 0; r < rowCount(); ++r) {
        for (int c = 0; c < ColumnCount; ++c) {
            const double v = numeric(r, c);
            if (c > 0) {
                out += ',';
            }
            if (!std::isnan(v)) {
                out += c == Time ? QByteArray::number(qint64(v)) : QByteArray::number(v, 'g', 17);
            }
        }
        out += '\n';
    }
    return out;
}

} // namespace accel
