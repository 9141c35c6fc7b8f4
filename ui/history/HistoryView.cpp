#include "history/HistoryView.h"

#include "history/BrowserProfileTableModel.h"
#include "history/BrowserProfiles.h"
#include "history/ChangePointTableModel.h"
#include "history/MetricCatalogue.h"
#include "history/MetricsStore.h"
#include "history/SeriesAnalysis.h"
#include "history/SeriesAnalysisModel.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent>

#include <cmath>
#include <memory>

namespace accel::ui {

struct HistoryView::Pending
{
    Series series;
    SeriesAnalysis::Options options;
    SeriesAnalysis::Report report;
};

struct HistoryView::ProfileJob
{
    QString metric;
    BrowserProfiles::Options options;
    QList<BrowserProfiles::Ranking> rankings;
};

namespace {

QComboBox *tagCombo(QWidget *parent)
{
    auto *c = new QComboBox(parent);
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return c;
}

} // namespace

HistoryView::HistoryView(MetricsStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_metric(new QComboBox(this))
    , m_host(tagCombo(this))
    , m_browser(tagCombo(this))
    , m_backend(tagCombo(this))
    , m_model(tagCombo(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_export(new QPushButton(tr("Export CSV..."), this))
    , m_status(new QLabel(this))
    , m_chart(new QChart())
    , m_chartView(new QChartView(m_chart, this)) // the view owns the chart
    , m_values(new QLineSeries(m_chart))
    , m_trend(new QLineSeries(m_chart))
    , m_changes(new QScatterSeries(m_chart))
    , m_anomalies(new QScatterSeries(m_chart))
    , m_forecast(new QLineSeries(m_chart))
    , m_bandUpper(new QLineSeries(m_chart))
    , m_bandLower(new QLineSeries(m_chart))
    , m_band(new QAreaSeries(m_bandUpper, m_bandLower))
    , m_axisX(new QValueAxis(m_chart))
    , m_axisY(new QValueAxis(m_chart))
    , m_tabs(new QTabWidget(this))
    , m_changeTable(new QTableView(this))
    , m_pointTable(new QTableView(this))
    , m_profileTable(new QTableView(this))
    , m_seriesModel(new SeriesAnalysisModel(this))
    , m_changeModel(new ChangePointTableModel(this))
    , m_profileModel(new BrowserProfileTableModel(this))
{
    m_metric->setEditable(false);
    for (const MetricDefinition &d : MetricCatalogue::all()) {
        m_metric->addItem(d.name, d.name);
        m_metric->setItemData(m_metric->count() - 1,
                              QStringLiteral("%1 (%2, %3 is better)")
                                  .arg(d.description, d.unit, metricDirectionName(d.direction)),
                              Qt::ToolTipRole);
    }

    auto *filters = new QHBoxLayout();
    filters->addWidget(new QLabel(tr("Metric"), this));
    filters->addWidget(m_metric, 1);
    filters->addWidget(new QLabel(tr("Host"), this));
    filters->addWidget(m_host);
    filters->addWidget(new QLabel(tr("Browser"), this));
    filters->addWidget(m_browser);
    filters->addWidget(new QLabel(tr("Backend"), this));
    filters->addWidget(m_backend);
    filters->addWidget(new QLabel(tr("Model"), this));
    filters->addWidget(m_model);
    filters->addWidget(m_refresh);
    filters->addWidget(m_export);

    m_values->setName(tr("Value"));
    m_trend->setName(tr("Trend"));
    m_changes->setName(tr("Change point"));
    m_changes->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_changes->setMarkerSize(11.0);
    m_changes->setColor(QColor(200, 30, 30));
    m_anomalies->setName(tr("Anomaly"));
    m_anomalies->setMarkerSize(8.0);
    m_anomalies->setColor(QColor(240, 160, 0));
    m_forecast->setName(tr("Forecast"));
    m_band->setName(tr("95% interval"));
    m_band->setOpacity(0.25);
    m_band->setParent(m_chart);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    for (QAbstractSeries *s : std::initializer_list<QAbstractSeries *>{m_band, m_values, m_trend, m_forecast,
                                                                       m_changes, m_anomalies}) {
        m_chart->addSeries(s);
        s->attachAxis(m_axisX);
        s->attachAxis(m_axisY);
    }
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);

    m_changeTable->setModel(m_changeModel);
    m_changeTable->horizontalHeader()->setStretchLastSection(true);
    m_changeTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_pointTable->setModel(m_seriesModel);
    m_pointTable->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_chartView, tr("Chart"));
    m_tabs->addTab(m_changeTable, tr("Regressions"));
    m_tabs->addTab(m_pointTable, tr("Data"));
    m_profileTable->setModel(m_profileModel);
    m_profileTable->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_profileTable, tr("Browser profiles"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_status);

    connect(m_refresh, &QPushButton::clicked, this, &HistoryView::refresh);
    connect(m_export, &QPushButton::clicked, this, &HistoryView::exportCsv);
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_reloadingTags) {
            refresh();
        }
    });
    for (QComboBox *c : {m_host, m_browser, m_backend, m_model}) {
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_reloadingTags) {
                refresh();
            }
        });
    }
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &HistoryView::onAnalysisFinished);
    connect(&m_profileWatcher, &QFutureWatcher<void>::finished, this, &HistoryView::onProfilesFinished);
    if (m_store) {
        connect(m_store, &MetricsStore::queryFinished, this, &HistoryView::onQueryFinished);
    } else {
        setEnabled(false);
        m_status->setText(tr("No metrics store."));
    }
}

HistoryView::~HistoryView()
{
    m_watcher.waitForFinished(); // the analysis writes into *m_pending
    m_profileWatcher.waitForFinished();
    delete m_pending;
    delete m_profileJob;
}

QString HistoryView::metric() const
{
    return m_metric->currentData().toString();
}

void HistoryView::setMetric(const QString &metric)
{
    int i = m_metric->findData(metric);
    if (i < 0) {
        m_metric->addItem(metric, metric);
        i = m_metric->count() - 1;
    }
    if (i == m_metric->currentIndex()) {
        refresh();
    } else {
        m_metric->setCurrentIndex(i); // refreshes through currentIndexChanged
    }
}

MetricDirection HistoryView::currentDirection() const
{
    const MetricDefinition *d = MetricCatalogue::find(metric());
    return d ? d->direction : MetricDirection::LowerIsBetter;
}

void HistoryView::reloadTags()
{
    // The series list is one small query (one row per distinct tag combination).
    const QList<MetricSeriesKey> keys = m_store->series(metric());
    m_reloadingTags = true;
    auto fill = [](QComboBox *combo, const QStringList &values) {
        const QString current = combo->currentData().toString();
        combo->clear();
        combo->addItem(tr("any"), QString());
        for (const QString &v : values) {
            combo->addItem(v, v);
        }
        const int i = combo->findData(current);
        combo->setCurrentIndex(i < 0 ? 0 : i);
    };
    QStringList hosts, browsers, backends, models;
    for (const MetricSeriesKey &k : keys) {
        hosts << k.tags.host;
        browsers << (k.tags.browserVersion.isEmpty()
                         ? k.tags.browser
                         : k.tags.browser + QLatin1Char(' ') + k.tags.browserVersion);
        backends << k.tags.backend;
        models << k.tags.model;
    }
    for (QStringList *l : {&hosts, &browsers, &backends, &models}) {
        l->removeAll(QString());
        l->removeDuplicates();
        l->sort();
    }
    fill(m_host, hosts);
    fill(m_browser, browsers);
    fill(m_backend, backends);
    fill(m_model, models);
    m_reloadingTags = false;
}

void HistoryView::refresh()
{
    if (!m_store || !m_store->isOpen()) {
        return;
    }
    reloadTags();
    MetricQuery q;
    q.metric = metric();
    q.tags.host = m_host->currentData().toString();
    const QString browser = m_browser->currentData().toString();
    const qsizetype space = browser.indexOf(QLatin1Char(' '));
    q.tags.browser = space < 0 ? browser : browser.left(space);
    q.tags.browserVersion = space < 0 ? QString() : browser.mid(space + 1);
    q.tags.backend = m_backend->currentData().toString();
    q.tags.model = m_model->currentData().toString();
    q.maxPoints = maxChartPoints;
    m_status->setText(tr("Loading %1...").arg(q.metric));
    m_pendingRequest = m_store->queryAsync(q);
    startProfiles();
}

void HistoryView::onQueryFinished(quint64 requestId, const QList<MetricPoint> &points, const QString &error)
{
    if (requestId != m_pendingRequest) {
        return; // an older request; a newer one is on its way
    }
    if (!error.isEmpty()) {
        m_status->setText(tr("Query failed: %1").arg(error));
        return;
    }
    if (m_watcher.isRunning()) {
        m_watcher.waitForFinished(); // at most one short analysis of <= maxChartPoints points
    }
    delete m_pending;
    m_pending = new Pending();
    for (const MetricPoint &p : points) {
        m_pending->series.timestampsMs.push_back(p.timestampMs);
        m_pending->series.values.push_back(p.value);
    }
    m_pending->options.direction = currentDirection();
    Pending *job = m_pending;
    m_watcher.setFuture(
        QtConcurrent::run([job] { job->report = SeriesAnalysis::run(job->series, job->options); }));
}

void HistoryView::onAnalysisFinished()
{
    if (!m_pending) {
        return;
    }
    m_seriesModel->setAnalysis(m_pending->series, m_pending->report);
    m_changeModel->setAnalysis(m_pending->series, m_pending->report);
    rebuildChart();
    const auto &r = m_pending->report;
    if (r.points == 0) {
        m_status->setText(tr("No data for %1 with these tags.").arg(metric()));
    } else {
        m_status->setText(
            tr("%n point(s), ", "", r.points) +
            tr("%n change point(s)", "", int(r.changePoints.changes.size())) +
            tr(" (%n regression(s)), ", "", m_changeModel->regressionCount()) +
            tr("%n anomaly(ies); ", "", int(r.anomalies.size())) +
            (r.trend.enoughHistory
                 ? (r.trend.significant ? tr("trend significant (p = %1)").arg(r.trend.pValue, 0, 'g', 3)
                                        : tr("no significant trend"))
                 : tr("not enough history for a trend")));
    }
    ++m_refreshCount;
    Q_EMIT refreshed();
}

void HistoryView::startProfiles()
{
    // Browser profiles of this metric: many small blocking store queries, so on the thread pool.
    // One computation at a time; onProfilesFinished() starts another if the metric changed since.
    if (m_profileWatcher.isRunning()) {
        return;
    }
    delete m_profileJob;
    m_profileJob = new ProfileJob();
    m_profileJob->metric = metric();
    m_profileJob->options.direction = currentDirection();
    ProfileJob *job = m_profileJob;
    MetricsStore *store = m_store;
    m_profileWatcher.setFuture(QtConcurrent::run([job, store] {
        job->rankings = BrowserProfiles::fromStore(store, job->metric, job->options).rankings();
    }));
}

void HistoryView::onProfilesFinished()
{
    if (!m_profileJob) {
        return;
    }
    if (m_profileJob->metric != metric()) {
        startProfiles();
        return;
    }
    m_profileModel->setRankings(m_profileJob->rankings);
    ++m_profileRefreshCount;
}

void HistoryView::rebuildChart()
{
    QList<QPointF> values, trend, changes, anomalies, forecast, upper, lower;
    const SeriesAnalysisModel *m = m_seriesModel;
    const int points = m->pointRows();
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    auto grow = [&](double y) {
        if (std::isfinite(y)) {
            lo = std::min(lo, y);
            hi = std::max(hi, y);
        }
    };
    for (int r = 0; r < m->rowCount(); ++r) {
        const double x = m->xOf(r);
        if (r < points) {
            const double v = m->numeric(r, SeriesAnalysisModel::Value);
            values << QPointF(x, v);
            grow(v);
            const double t = m->numeric(r, SeriesAnalysisModel::Trend);
            if (std::isfinite(t)) {
                trend << QPointF(x, t);
            }
            if (std::isfinite(m->numeric(r, SeriesAnalysisModel::ChangeStart))) {
                changes << QPointF(x, v);
            }
            if (std::isfinite(m->numeric(r, SeriesAnalysisModel::AnomalyScore))) {
                anomalies << QPointF(x, v);
            }
        } else {
            const double f = m->numeric(r, SeriesAnalysisModel::Forecast);
            forecast << QPointF(x, f);
            upper << QPointF(x, m->numeric(r, SeriesAnalysisModel::ForecastUpper));
            lower << QPointF(x, m->numeric(r, SeriesAnalysisModel::ForecastLower));
            grow(upper.last().y());
            grow(lower.last().y());
        }
    }
    // Trend: only its two end points are needed for a straight line.
    if (trend.size() > 2) {
        trend = {trend.first(), trend.last()};
    }
    if (!forecast.isEmpty() && !values.isEmpty()) {
        forecast.prepend(values.last());
    }
    m_values->replace(values);
    m_trend->replace(trend);
    m_changes->replace(changes);
    m_anomalies->replace(anomalies);
    m_forecast->replace(forecast);
    m_bandUpper->replace(upper);
    m_bandLower->replace(lower);
    if (m->rowCount() > 0 && std::isfinite(lo)) {
        m_axisX->setRange(m->xOf(0), m->xOf(m->rowCount() - 1) + (m->rowCount() == 1 ? 1.0 : 0.0));
        const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(1.0, std::abs(hi) * 0.05);
        m_axisY->setRange(lo - pad, hi + pad);
    }
    const bool timed = m->series().hasTimestamps();
    m_axisX->setTitleText(timed ? tr("time (epoch ms, UTC)") : tr("point"));
    m_axisX->setLabelFormat(timed ? QStringLiteral("%.0f") : QStringLiteral("%g"));
    const MetricDefinition *d = MetricCatalogue::find(metric());
    m_axisY->setTitleText(d ? d->unit : QString());
    m_chart->setTitle(metric());
}

void HistoryView::exportCsv()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export history"), metric() + QStringLiteral(".csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty()) {
        return;
    }
    QFile f(path);
    const QByteArray csv = m_seriesModel->toCsv();
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(csv) != csv.size()) {
        m_status->setText(tr("Export failed: %1").arg(f.errorString()));
        return;
    }
    m_status->setText(tr("Exported %n row(s) to %1", "", m_seriesModel->rowCount()).arg(path));
}

} // namespace accel::ui
