#pragma once

#include <QWidget>

class QTabWidget;
class QTableView;

namespace accel {
class BreakerTimelineModel;
class Clock;
class HealthHistoryModel;
class PoolModel;
} // namespace accel

namespace accel::ui {

class CircuitTimelineWidget;
class HealthChartView;

/// The Dashboard panel: live health lines per host, the circuit-state timeline, and tables of
/// the same models (hosts, health samples, breaker segments). Only views: the models are fed by
/// the pool at its throttled rate (see ResourcePool::hostsUpdated). Models not owned.
class DashboardWidget : public QWidget
{
    Q_OBJECT
public:
    DashboardWidget(PoolModel *pool, HealthHistoryModel *health, BreakerTimelineModel *timeline,
                    const Clock *clock = nullptr, QWidget *parent = nullptr);

    HealthChartView *healthChart() const { return m_chart; }
    CircuitTimelineWidget *timeline() const { return m_timeline; }
    QTableView *hostTable() const { return m_hostTable; }
    QTableView *healthTable() const { return m_healthTable; }
    QTableView *timelineTable() const { return m_timelineTable; }

private:
    HealthChartView *m_chart;
    CircuitTimelineWidget *m_timeline;
    QTabWidget *m_tabs;
    QTableView *m_hostTable;
    QTableView *m_healthTable;
    QTableView *m_timelineTable;
};

} // namespace accel::ui
