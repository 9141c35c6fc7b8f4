#include "pool/DashboardWidget.h"

#include "pool/BreakerTimelineModel.h"
#include "pool/CircuitTimelineWidget.h"
#include "pool/HealthChartView.h"
#include "pool/HealthHistoryModel.h"
#include "pool/PoolModel.h"
#include "pool/PoolStatusDelegate.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace accel::ui {

namespace {
QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *t = new QTableView(parent);
    t->setModel(model);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}
} // namespace

DashboardWidget::DashboardWidget(PoolModel *pool, HealthHistoryModel *health, BreakerTimelineModel *timeline,
                                 const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_chart(new HealthChartView(health, clock, this))
    , m_timeline(new CircuitTimelineWidget(timeline, clock, this))
    , m_tabs(new QTabWidget(this))
    , m_hostTable(makeTable(pool, m_tabs))
    , m_healthTable(makeTable(health, m_tabs))
    , m_timelineTable(makeTable(timeline, m_tabs))
{
    setObjectName(QStringLiteral("poolDashboard"));
    m_hostTable->setItemDelegate(new PoolStatusDelegate(PoolModel::BreakerColumn, PoolModel::HealthColumn,
                                                        PoolModel::BreakerStateRole, PoolModel::HealthRole,
                                                        m_hostTable));
    m_healthTable->setItemDelegate(new PoolStatusDelegate(
        HealthHistoryModel::BreakerColumn, HealthHistoryModel::HealthColumn,
        HealthHistoryModel::BreakerStateRole, HealthHistoryModel::HealthRole, m_healthTable));
    m_timelineTable->setItemDelegate(new PoolStatusDelegate(
        BreakerTimelineModel::StateColumn, -1, BreakerTimelineModel::BreakerStateRole, -1, m_timelineTable));
    m_tabs->addTab(m_hostTable, tr("Hosts"));
    m_tabs->addTab(m_healthTable, tr("Health samples"));
    m_tabs->addTab(m_timelineTable, tr("Breaker timeline"));

    auto *timelineBox = new QWidget(this);
    auto *tl = new QVBoxLayout(timelineBox);
    tl->setContentsMargins(0, 0, 0, 0);
    auto *title =
        new QLabel(tr("Circuit state per host (hover for the reason of each transition)"), timelineBox);
    tl->addWidget(title);
    tl->addWidget(m_timeline, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chart);
    split->addWidget(timelineBox);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

} // namespace accel::ui
