#pragma once

#include <QObject>

class QWidget;

namespace accel {
class BreakerTimelineModel;
class RuntimeServer;
struct PoolConfig;
class HealthHistoryModel;
class PoolModel;
class ResourcePool;
} // namespace accel

namespace accel::ui {

class DashboardWidget;
class HostsPanel;

/// Wiring entry point for the console: given a ResourcePool, builds the models (PoolModel,
/// HealthHistoryModel, BreakerTimelineModel, all children of this object) and the two panels.
///
///   auto *pool = accel::ui::PoolPanels::createDefaultPool(server, accel::PoolConfig{}, &window);
///   auto *panels = new accel::ui::PoolPanels(pool, &window);
///   window.setPanel(MainWindow::Panel::Hosts, panels->takeHostsPanel());
///   window.setPanel(MainWindow::Panel::Dashboard, panels->takeDashboard());
///   QObject::connect(panels, &PoolPanels::hostCountChanged, &window, &MainWindow::setHostCount);
///   pool->start();
///
/// The panels are created unparented; take*() hands them to the caller (MainWindow::setPanel
/// takes ownership). The pool must outlive this object.
class PoolPanels : public QObject
{
    Q_OBJECT
public:
    explicit PoolPanels(ResourcePool *pool, QObject *parent = nullptr);

    /// The console's pool: factories for embedded hosts (QtWebEngine) and for every browser kind
    /// (Chromium, Firefox, Edge; unavailable kinds stay listed with the reason). Not started:
    /// create the PoolPanels first, then pool->start() brings up the configured default hosts
    /// (2 embedded) with no other setup. `server` must be listening and outlive the pool; the
    /// pool is a child of `parent`.
    static ResourcePool *createDefaultPool(RuntimeServer *server, const PoolConfig &config, QObject *parent);
    ~PoolPanels() override;

    HostsPanel *hostsPanel() const { return m_hosts; }
    DashboardWidget *dashboard() const { return m_dashboard; }
    /// Ownership passes to the caller (once; later calls return the same pointer).
    QWidget *takeHostsPanel();
    QWidget *takeDashboard();

    PoolModel *poolModel() const { return m_poolModel; }
    HealthHistoryModel *healthModel() const { return m_health; }
    BreakerTimelineModel *timelineModel() const { return m_timeline; }

Q_SIGNALS:
    /// Connected hosts (ready or draining) and all hosts in the pool; for the status bar.
    void hostCountChanged(int connected, int total);

private:
    PoolModel *m_poolModel;
    HealthHistoryModel *m_health;
    BreakerTimelineModel *m_timeline;
    HostsPanel *m_hosts;
    DashboardWidget *m_dashboard;
    bool m_hostsTaken = false;
    bool m_dashboardTaken = false;
};

} // namespace accel::ui
