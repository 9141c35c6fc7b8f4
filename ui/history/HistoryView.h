#pragma once

#include "history/MetricDefinition.h"

#include <QFutureWatcher>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QAreaSeries;
class QScatterSeries;
class QDateTimeAxis;
class QValueAxis;
class QPushButton;
class QTableView;
class QTabWidget;

namespace accel {
class MetricsStore;
class SeriesAnalysisModel;
class ChangePointTableModel;
class BrowserProfileTableModel;
struct MetricPoint;
} // namespace accel

namespace accel::ui {

/// The History panel: pick a metric and tags, see the series with its trend line, change points,
/// anomalies and forecast band, the detected regressions, and the same data as a table (export
/// to CSV). Queries run on the store's owner thread (queryAsync) and the analysis on the thread
/// pool, so the GUI thread never waits; charts are bounded to `maxChartPoints` points (the store
/// averages into time buckets beyond that).
///
/// `store` is not owned and must outlive the view; nullptr shows an empty, disabled view.
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int maxChartPoints = 2000;

    explicit HistoryView(MetricsStore *store, QWidget *parent = nullptr);
    ~HistoryView() override;

    /// Selects a metric (adds it to the list when missing) and refreshes.
    void setMetric(const QString &metric);
    QString metric() const;
    /// Re-reads the tag lists and queries the selected series.
    void refresh();

    SeriesAnalysisModel *seriesModel() const { return m_seriesModel; }
    ChangePointTableModel *changeModel() const { return m_changeModel; }
    BrowserProfileTableModel *profileModel() const { return m_profileModel; }
    /// Number of completed browser-profile recomputations.
    int profileRefreshCount() const { return m_profileRefreshCount; }
    QChart *chart() const { return m_chart; }
    /// Number of completed refreshes (for tests and status).
    int refreshCount() const { return m_refreshCount; }

Q_SIGNALS:
    void refreshed();

private:
    void reloadTags();
    void onQueryFinished(quint64 requestId, const QList<accel::MetricPoint> &points, const QString &error);
    void onAnalysisFinished();
    void startProfiles();
    void onProfilesFinished();
    void rebuildChart();
    void exportCsv();
    MetricDirection currentDirection() const;

    MetricsStore *m_store;
    QComboBox *m_metric;
    QComboBox *m_host;
    QComboBox *m_browser;
    QComboBox *m_backend;
    QComboBox *m_model;
    QPushButton *m_refresh;
    QPushButton *m_export;
    QLabel *m_status;
    QChart *m_chart;
    QChartView *m_chartView;
    QLineSeries *m_values;
    QLineSeries *m_trend;
    QScatterSeries *m_changes;
    QScatterSeries *m_anomalies;
    QLineSeries *m_forecast;
    QLineSeries *m_bandUpper;
    QLineSeries *m_bandLower;
    QAreaSeries *m_band;
    QValueAxis *m_axisX;
    QValueAxis *m_axisY;
    QTabWidget *m_tabs;
    QTableView *m_changeTable;
    QTableView *m_pointTable;
    QTableView *m_profileTable;
    SeriesAnalysisModel *m_seriesModel;
    ChangePointTableModel *m_changeModel;
    BrowserProfileTableModel *m_profileModel;
    QFutureWatcher<void> m_watcher;
    QFutureWatcher<void> m_profileWatcher;
    int m_profileRefreshCount = 0;
    struct ProfileJob;
    ProfileJob *m_profileJob = nullptr; // owned; replaced per computation
    quint64 m_pendingRequest = 0;
    int m_refreshCount = 0;
    bool m_reloadingTags = false;
    struct Pending;
    Pending *m_pending = nullptr; // analysis in flight; owned, replaced per refresh
};

} // namespace accel::ui
