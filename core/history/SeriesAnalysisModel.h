#pragma once

#include "history/SeriesAnalysis.h"

#include <QAbstractTableModel>

namespace accel {

/// The analysed series as a table: one row per point (time, value, trend line, anomaly score,
/// whether a change starts here) followed by one row per forecast step (forecast and interval).
/// The History chart draws exactly these rows, so the chart's data can be shown and exported.
/// GUI-thread object; setAnalysis() replaces everything (model reset).
class SeriesAnalysisModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Time = 0,
        Value,
        Trend,
        ChangeStart,
        AnomalyScore,
        Forecast,
        ForecastLower,
        ForecastUpper,
        ColumnCount
    };
    enum Role { NumericRole = Qt::UserRole + 1 }; ///< double (NaN when empty); Time: epoch ms or index

    explicit SeriesAnalysisModel(QObject *parent = nullptr);

    void setAnalysis(const Series &series, const SeriesAnalysis::Report &report);
    void clear();
    const Series &series() const { return m_series; }
    const SeriesAnalysis::Report &report() const { return m_report; }
    /// Rows that are observed points (the rest are forecast steps).
    int pointRows() const { return int(m_series.values.size()); }
    /// x of a row: epoch ms when the series has timestamps, else the point index.
    double xOf(int row) const;
    double numeric(int row, int column) const;
    /// All rows and columns as CSV (header included).
    QByteArray toCsv() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Series m_series;
    SeriesAnalysis::Report m_report;
    std::vector<double> m_anomalyScore; // NaN where none
    std::vector<bool> m_changeStart;
    qint64 m_stepMs = 0;
};

} // namespace accel
