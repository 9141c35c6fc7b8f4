#pragma once

#include <QHash>
#include <QMainWindow>

class QDockWidget;
class QLabel;

namespace accel::ui {

/// The console's main window: menus, status bar, the dashboard in the centre and a dock for each
/// other panel. Panels start as placeholders and are replaced with setPanel() by main().
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Panel {
        Hosts = 1,
        Dashboard,
        Shards,
        History,
        Cluster,
        Tests,
        Model,
    };
    Q_ENUM(Panel)

    explicit MainWindow(QWidget *parent = nullptr);

    /// Replaces a panel's body; the window takes ownership of `widget`.
    void setPanel(Panel panel, QWidget *widget);
    QWidget *panel(Panel panel) const;
    QDockWidget *dock(Panel panel) const;
    static QList<Panel> allPanels();
    /// Shows a transient message in the status bar (`timeoutMs` 0 = until replaced).
    void showStatus(const QString &message, int timeoutMs = 5000);
    /// Updates the permanent host counter in the status bar.
    void setHostCount(int connected, int total);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createDocks();
    void createMenus();
    void restoreLayout();
    void saveLayout() const;
    void resetLayout();
    QString panelTitle(Panel panel) const;
    QString panelExplanation(Panel panel) const;

    QHash<Panel, QDockWidget *> m_docks;
    QByteArray m_defaultState;
    QLabel *m_permanentStatus = nullptr;
    bool m_layoutRestored = false;
};

} // namespace accel::ui
