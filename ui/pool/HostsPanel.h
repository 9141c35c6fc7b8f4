#pragma once

#include "hosts/HostKind.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QAction;
class QGridLayout;
class QLabel;
class QScrollArea;
class QTableView;
class QToolButton;

namespace accel {
class PoolModel;
class ResourcePool;
} // namespace accel

namespace accel::ui {

/// The Hosts panel: the grid of embedded host views (show/hide), the PoolModel table and the
/// operator actions — add an embedded host, launch an external browser of a kind, restart,
/// isolate (force the breaker open), reset the breaker, drain, close. Actions act on the selected
/// rows and report failures in the panel's status line. Pool and model not owned.
class HostsPanel : public QWidget
{
    Q_OBJECT
public:
    HostsPanel(ResourcePool *pool, PoolModel *model, QWidget *parent = nullptr);
    /// Gives live host views back to their owners (unparented) so they outlive the panel.
    ~HostsPanel() override;

    /// Adds a host's page view to the grid (reparented; the panel does not delete it: its owner,
    /// the embedded host, does). Replaces an earlier view of the same host.
    void addHostView(const QString &hostId, QWidget *view);
    void removeHostView(const QString &hostId);
    int hostViewCount() const { return int(m_views.size()); }
    void setHostViewsVisible(bool visible);
    bool hostViewsVisible() const;

    QTableView *table() const { return m_table; }
    QStringList selectedHostIds() const;
    QString statusText() const;

    QAction *addEmbeddedAction() const { return m_addEmbedded; }
    QAction *launchAction(HostKind kind) const { return m_launch.value(kind); }
    QAction *restartAction() const { return m_restart; }
    QAction *isolateAction() const { return m_isolate; }
    QAction *resetAction() const { return m_reset; }
    QAction *drainAction() const { return m_drain; }
    QAction *closeAction() const { return m_close; }
    QAction *showViewsAction() const { return m_showViews; }

private:
    void addHost(HostKind kind);
    void forSelected(const std::function<bool(const QString &)> &action, const QString &verb);
    void updateActions();
    void relayoutGrid();
    void dropHostView(const QString &hostId, bool viewAlive);
    void showStatus(const QString &text);

    QPointer<ResourcePool> m_pool;
    PoolModel *m_model;
    QTableView *m_table;
    QScrollArea *m_gridArea;
    QWidget *m_gridHost;
    QGridLayout *m_grid;
    QLabel *m_status;
    struct View
    {
        QPointer<QWidget> frame; ///< ours: title + page view
        QPointer<QWidget> view;  ///< the host's (not ours)
    };
    QHash<QString, View> m_views;
    QStringList m_viewOrder;
    QAction *m_addEmbedded;
    QHash<HostKind, QAction *> m_launch;
    QAction *m_restart;
    QAction *m_isolate;
    QAction *m_reset;
    QAction *m_drain;
    QAction *m_close;
    QAction *m_showViews;
};

} // namespace accel::ui
