#include "pool/PoolPanels.h"

#include "pool/BreakerTimelineModel.h"
#include "pool/BrowserHostFactory.h"
#include "pool/DashboardWidget.h"
#include "pool/EmbeddedHostFactory.h"
#include "pool/HealthHistoryModel.h"
#include "pool/HostsPanel.h"
#include "pool/PoolModel.h"
#include "pool/ResourcePool.h"

#include <QWebEngineView>

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
    // Embedded hosts show their pages in the panel's grid.
    if (pool) {
        if (auto *embedded = dynamic_cast<EmbeddedHostFactory *>(pool->factory(HostKind::Embedded))) {
            connect(embedded, &EmbeddedHostFactory::hostSpawned, m_hosts,
                    [this](const QString &hostId, EmbeddedHostInstance *instance) {
                        m_hosts->addHostView(hostId, instance->view());
                    });
        }
    }
}

ResourcePool *PoolPanels::createDefaultPool(RuntimeServer *server, const PoolConfig &config, QObject *parent)
{
    auto *pool = new ResourcePool(server, config, nullptr, parent);
    pool->addFactory(std::make_unique<EmbeddedHostFactory>());
    for (HostKind kind : {HostKind::Chromium, HostKind::Firefox, HostKind::Edge}) {
        pool->addFactory(std::make_unique<BrowserHostFactory>(kind));
    }
    return pool;
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
