#pragma once

#include "cluster/LocalClusterControl.h"

#include <QHash>
#include <QMap>
#include <QWidget>

class QAction;
class QLabel;
class QTabWidget;
class QTableView;

namespace accel {
class ClusterConnection;
class ClusterWorkersModel;
} // namespace accel

namespace accel::ui {

class ConnectDialog;
class HaView;

/// The Cluster dock: the coordinator the console talks to (URL, connection state, health,
/// leader epoch, store backend, queue), its workers (state, capabilities, current tasks,
/// heartbeat age) and the operator's actions: connect to a remote coordinator (URL + token),
/// go back to the local one, drain/undrain/quarantine/unquarantine the selected workers, and
/// start/stop the local coordinator and worker through a LocalClusterControl.
///
/// Nothing here blocks: every request goes through the ClusterConnection (not owned; must
/// outlive the panel). Thread: GUI.
class ClusterPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Action {
        Connect = 1,
        ConnectLocal,
        Drain,
        Undrain,
        Quarantine,
        Unquarantine,
        StartCoordinator,
        StopCoordinator,
        StartWorker,
        StopWorker,
    };
    Q_ENUM(Action)

    ClusterPanel(ClusterConnection *connection, const LocalClusterControl &control,
                 QWidget *parent = nullptr);
    ~ClusterPanel() override;

    QAction *action(Action a) const { return m_actions.value(a); }
    QTableView *workersTable() const { return m_table; }
    ClusterWorkersModel *workersModel() const { return m_model; }
    /// The header's text (plain) and the last action's outcome, for tests and accessibility.
    QString headerText() const;
    QString statusText() const;
    /// The open connect dialog, if any.
    ConnectDialog *connectDialog() const { return m_dialog; }
    /// The "Redundancy" tab: etcd members, redundant coordinators, local HA cluster drill.
    HaView *haView() const { return m_haView; }
    QTabWidget *tabs() const { return m_tabs; }

public Q_SLOTS:
    /// Opens the (non-blocking) connect dialog.
    void showConnectDialog();
    void connectToCoordinator(const QUrl &url, const QByteArray &token);
    /// Connects to the local coordinator (false when it is not running or not known).
    bool connectToLocal();

private:
    void runOnSelected(Action a);
    void runLocal(Action a);
    void updateHeader();
    void updateActions();
    void setStatus(const QString &text, bool error);
    QStringList selectedWorkers() const;

    ClusterConnection *m_connection;
    LocalClusterControl m_control;
    ClusterWorkersModel *m_model;
    QTableView *m_table;
    QLabel *m_header;
    QLabel *m_status;
    QTabWidget *m_tabs;
    HaView *m_haView;
    ConnectDialog *m_dialog = nullptr;
    QMap<Action, QAction *> m_actions;
    QHash<quint64, QString> m_pending; ///< request id -> what it does (for the status line)
};

} // namespace accel::ui
