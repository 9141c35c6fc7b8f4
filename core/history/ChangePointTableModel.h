#pragma once

#include "history/SeriesAnalysis.h"

#include <QAbstractTableModel>

namespace accel {

/// Detected changes of one series as a table (the History view's "regressions" table):
/// where, before/after means, relative change, confidence and whether it is a regression for the
/// metric's direction. GUI-thread object.
class ChangePointTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Index = 0, Time, Before, After, Change, Confidence, Verdict, ColumnCount };

    explicit ChangePointTableModel(QObject *parent = nullptr);
    void setAnalysis(const Series &series, const SeriesAnalysis::Report &report);
    int regressionCount() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<ChangePoint> m_changes;
    std::vector<qint64> m_times; // -1 when the series has no timestamps
    MetricDirection m_direction = MetricDirection::LowerIsBetter;
};

} // namespace accel
