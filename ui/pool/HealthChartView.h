#pragma once

#include <QHash>
#include <QPointer>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace accel {
class HealthHistoryModel;
class Clock;
} // namespace accel

namespace accel::ui {

/// Live health-score lines, one per host, over the last windowMs (x: seconds back from now,
/// y: 0..100). A view of HealthHistoryModel: rows appended to the model become points, rows the
/// model drops (older than its history) leave the series, so memory is bounded by the model.
class HealthChartView : public QWidget
{
    Q_OBJECT
public:
    /// `model` and `clock` are not owned and must outlive the view (clock nullptr = system).
    explicit HealthChartView(HealthHistoryModel *model, const Clock *clock = nullptr,
                             QWidget *parent = nullptr);

    /// Hosts that currently have a line.
    QStringList seriesHosts() const;
    /// Points currently in the host's line (0 if none).
    int pointCount(const QString &hostId) const;
    QChart *chart() const { return m_chart; }

private:
    void onRowsInserted(int first, int last);
    void onRowsRemoved();
    void rebuild();
    QLineSeries *seriesFor(const QString &hostId);
    void updateAxis();

    QPointer<HealthHistoryModel> m_model;
    const Clock *m_clock;
    qint64 m_originMs; ///< x = 0 (the view's creation)
    QChart *m_chart;
    QChartView *m_view;
    QValueAxis *m_axisX;
    QValueAxis *m_axisY;
    QHash<QString, QLineSeries *> m_series;
};

} // namespace accel::ui
