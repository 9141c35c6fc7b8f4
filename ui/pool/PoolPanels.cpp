#include "pool/PoolPanels.h"

#include "pool/BreakerTimelineModel.h"
#include "pool/DashboardWidget.h"
#include "pool/HealthHistoryModel.h"
#include "pool/HostsPanel.h"
#include "pool/PoolModel.h"
#include "pool/ResourcePool.h"

namespace accel::ui {

PoolPanels::PoolPanels(ResourcePool *pool, QObject *parent)
    : QObject(parent)
    , m_poolModel(new PoolModel(pool, this))
    , m_health(new HealthHistoryModel(pool, this))
    , m_timeline(new BreakerTimelineModel(pool, this))
    , m_hosts(new HostsPanel(pool, m_poolModel))
    , m_dashboard(new DashboardWidget(m_poolModel, m_health, m_timeline, pool ? pool->clock() : nullptr))
{
    connect(m_poolModel, &PoolModel::countsChanged, this, &PoolPanels::hostCountChanged);
}

PoolPanels::~PoolPanels()
{
    // Panels nobody took are ours to delete; taken ones belong to the window.
    if (!m_hostsTaken) {
        delete m_hosts;
    }
    if (!m_dashboardTaken) {
        delete m_dashboard;
    }
}

QWidget *PoolPanels::takeHostsPanel()
{
    m_hostsTaken = true;
    return m_hosts;
}

QWidget *PoolPanels::takeDashboard()
{
    m_dashboardTaken = true;
    return m_dashboard;
}

} // namespace accel::ui
