#include "pool/HealthChartView.h"

#include "common/Clock.h"
#include "pool/HealthHistoryModel.h"
#include "pool/PoolColors.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace accel::ui {

HealthChartView::HealthChartView(HealthHistoryModel *model, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_clock(clock ? clock : Clock::system())
    , m_originMs(m_clock->nowMs())
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this)) // the view owns the chart
    , m_axisX(new QValueAxis(m_chart))
    , m_axisY(new QValueAxis(m_chart))
{
    m_chart->setTitle(tr("Host health"));
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_chart->setAnimationOptions(QChart::NoAnimation); // live data: animations would lag and cost CPU
    m_axisX->setTitleText(tr("seconds since start"));
    m_axisX->setLabelFormat(QStringLiteral("%.0f"));
    m_axisY->setRange(0, 100);
    m_axisY->setTitleText(tr("health score"));
    m_axisY->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(180);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) { onRowsInserted(first, last); });
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this]() { onRowsRemoved(); });
        connect(model, &QAbstractItemModel::modelReset, this, [this]() { rebuild(); });
        rebuild();
    }
    // Slide the window with time even when no samples arrive.
    auto *slide = new QTimer(this);
    slide->setInterval(1000);
    connect(slide, &QTimer::timeout, this, [this]() { updateAxis(); });
    slide->start();
}

QStringList HealthChartView::seriesHosts() const
{
    QStringList out = m_series.keys();
    out.sort();
    return out;
}

int HealthChartView::pointCount(const QString &hostId) const
{
    const QLineSeries *s = m_series.value(hostId);
    return s ? int(s->count()) : 0;
}

QLineSeries *HealthChartView::seriesFor(const QString &hostId)
{
    if (QLineSeries *s = m_series.value(hostId)) {
        return s;
    }
    auto *s = new QLineSeries(m_chart);
    s->setName(hostId);
    QPen pen(PoolColors::seriesColor(int(m_series.size())));
    pen.setWidthF(2.0);
    s->setPen(pen);
    m_chart->addSeries(s);
    s->attachAxis(m_axisX);
    s->attachAxis(m_axisY);
    m_series.insert(hostId, s);
    return s;
}

void HealthChartView::onRowsInserted(int first, int last)
{
    if (!m_model) {
        return;
    }
    // Batch per series: one append() call each keeps QtCharts from re-laying out per point.
    QHash<QString, QList<QPointF>> batches;
    for (int row = first; row <= last; ++row) {
        const HealthHistoryModel::Sample &s = m_model->sampleAt(row);
        batches[s.hostId].append(QPointF(double(s.timeMs - m_originMs) / 1000.0, s.health));
    }
    for (auto it = batches.cbegin(); it != batches.cend(); ++it) {
        seriesFor(it.key())->append(it.value());
    }
    updateAxis();
}

void HealthChartView::onRowsRemoved()
{
    if (!m_model) {
        return;
    }
    // The model drops its oldest rows: drop the points older than its oldest sample.
    const double oldest =
        m_model->rowCount() > 0 ? double(m_model->sampleAt(0).timeMs - m_originMs) / 1000.0 : 1e300;
    for (auto it = m_series.begin(); it != m_series.end();) {
        QLineSeries *s = it.value();
        int n = 0;
        while (n < s->count() && s->at(n).x() < oldest) {
            ++n;
        }
        if (n > 0) {
            s->removePoints(0, n);
        }
        if (s->count() == 0) {
            m_chart->removeSeries(s);
            s->deleteLater();
            it = m_series.erase(it);
        } else {
            ++it;
        }
    }
    updateAxis();
}

void HealthChartView::rebuild()
{
    for (QLineSeries *s : std::as_const(m_series)) {
        m_chart->removeSeries(s);
        s->deleteLater();
    }
    m_series.clear();
    if (m_model && m_model->rowCount() > 0) {
        onRowsInserted(0, m_model->rowCount() - 1);
    }
    updateAxis();
}

void HealthChartView::updateAxis()
{
    const double now = double(m_clock->nowMs() - m_originMs) / 1000.0;
    const double window = m_model ? double(m_model->historyMs()) / 1000.0 : 600.0;
    m_axisX->setRange(now - window, now);
}

} // namespace accel::ui
