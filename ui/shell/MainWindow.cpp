#include "shell/MainWindow.h"

#include "shell/AboutDialog.h"
#include "shell/LanguageSettings.h"
#include "shell/PlaceholderPanel.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

namespace accel::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("Accelerate Console"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/accelerate-console.svg")));
    setDockNestingEnabled(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks |
                   QMainWindow::AllowTabbedDocks);
    resize(1280, 800);
    createDocks();
    createMenus();
    m_permanentStatus = new QLabel(this);
    statusBar()->addPermanentWidget(m_permanentStatus);
    setHostCount(0, 0);
    m_defaultState = saveState();
    restoreLayout();
    showStatus(tr("Ready"));
}

QList<MainWindow::Panel> MainWindow::allPanels()
{
    return {Panel::Hosts,   Panel::Dashboard, Panel::Model, Panel::Shards,
            Panel::History, Panel::Cluster,   Panel::Tests};
}

QString MainWindow::panelTitle(Panel panel) const
{
    switch (panel) {
    case Panel::Hosts:
        return tr("Hosts");
    case Panel::Dashboard:
        return tr("Dashboard");
    case Panel::Shards:
        return tr("Shards");
    case Panel::History:
        return tr("History");
    case Panel::Cluster:
        return tr("Cluster");
    case Panel::Tests:
        return tr("Test runs");
    case Panel::Model:
        return tr("Model");
    }
    return {};
}

QString MainWindow::panelExplanation(Panel panel) const
{
    switch (panel) {
    case Panel::Hosts:
        return tr("Browser shard hosts (embedded and launched browsers) with their capabilities, "
                  "circuit breakers and health scores appear here.");
    case Panel::Dashboard:
        return tr("Live health scores and circuit-breaker timelines for every host appear here.");
    case Panel::Shards:
        return tr("Model sharding plans and the shard configurator appear here.");
    case Panel::History:
        return tr("Performance history, trends, change points and forecasts appear here.");
    case Panel::Cluster:
        return tr("Coordinators, workers and etcd members appear here.");
    case Panel::Tests:
        return tr("Distributed test runs, their progress and logs appear here.");
    case Panel::Model:
        return tr("The loaded model, its layers, and runs on a chosen host checked against the native "
                  "reference appear here.");
    }
    return {};
}

void MainWindow::createDocks()
{
    // The dashboard is the central view; every other panel is a dock around it.
    auto *central = new QDockWidget(panelTitle(Panel::Dashboard), this);
    central->setObjectName(QStringLiteral("dock_%1").arg(static_cast<int>(Panel::Dashboard)));
    central->setFeatures(QDockWidget::NoDockWidgetFeatures);
    central->setTitleBarWidget(new QWidget(central)); // the panel shows its own heading
    central->setWidget(
        new PlaceholderPanel(panelTitle(Panel::Dashboard), panelExplanation(Panel::Dashboard), central));
    setCentralWidget(central);
    m_docks.insert(Panel::Dashboard, central);

    const auto make = [this](Panel panel, Qt::DockWidgetArea area) {
        auto *dock = new QDockWidget(panelTitle(panel), this);
        dock->setObjectName(QStringLiteral("dock_%1").arg(static_cast<int>(panel)));
        dock->setWidget(new PlaceholderPanel(panelTitle(panel), panelExplanation(panel), dock));
        addDockWidget(area, dock);
        m_docks.insert(panel, dock);
        return dock;
    };
    QDockWidget *hosts = make(Panel::Hosts, Qt::LeftDockWidgetArea);
    QDockWidget *model = make(Panel::Model, Qt::RightDockWidgetArea);
    QDockWidget *shards = make(Panel::Shards, Qt::RightDockWidgetArea);
    QDockWidget *history = make(Panel::History, Qt::RightDockWidgetArea);
    tabifyDockWidget(model, shards);
    QDockWidget *cluster = make(Panel::Cluster, Qt::BottomDockWidgetArea);
    QDockWidget *tests = make(Panel::Tests, Qt::BottomDockWidgetArea);
    tabifyDockWidget(model, history);
    tabifyDockWidget(cluster, tests);
    history->raise();
    cluster->raise();
    // Dock sizes only take once the window is laid out; a saved layout (restoreLayout) wins.
    QTimer::singleShot(0, this, [this, hosts, history, cluster] {
        if (!m_layoutRestored) {
            resizeDocks({hosts, history}, {width() * 3 / 10, width() * 3 / 10}, Qt::Horizontal);
            resizeDocks({cluster}, {height() / 4}, Qt::Vertical);
        }
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (Panel panel : allPanels()) {
        if (panel != Panel::Dashboard) {
            view->addAction(m_docks.value(panel)->toggleViewAction());
        }
    }
    view->addSeparator();
    QAction *reset = view->addAction(tr("&Reset Layout"));
    connect(reset, &QAction::triggered, this, &MainWindow::resetLayout);

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    QMenu *language = settings->addMenu(tr("&Language"));
    auto *group = new QActionGroup(language);
    const QString current = LanguageSettings::storedLanguage();
    QStringList codes{QStringLiteral("system")};
    codes << LanguageSettings::availableLanguages();
    for (const QString &code : codes) {
        const QString label = code == QLatin1String("system")
                                  ? tr("System default (%1)").arg(QLocale::system().nativeLanguageName())
                                  : QLocale(code).nativeLanguageName();
        QAction *action = language->addAction(label);
        action->setCheckable(true);
        action->setChecked(code == current);
        action->setData(code);
        group->addAction(action);
    }
    connect(group, &QActionGroup::triggered, this, [this](QAction *action) {
        LanguageSettings::setStoredLanguage(action->data().toString());
        QMessageBox::information(this, tr("Language"),
                                 tr("The new language is used the next time the console starts."));
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Accelerate Console"));
    connect(about, &QAction::triggered, this, [this] {
        AboutDialog dialog(this);
        dialog.exec();
    });
    QAction *aboutQt = help->addAction(tr("About &Qt"));
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::setPanel(Panel panel, QWidget *widget)
{
    QDockWidget *dock = m_docks.value(panel);
    Q_ASSERT(dock);
    QWidget *old = dock->widget();
    widget->setParent(dock);
    dock->setWidget(widget);
    if (old) {
        old->deleteLater();
    }
}

QWidget *MainWindow::panel(Panel panel) const
{
    QDockWidget *dock = m_docks.value(panel);
    return dock ? dock->widget() : nullptr;
}

QDockWidget *MainWindow::dock(Panel panel) const
{
    return m_docks.value(panel);
}

void MainWindow::showStatus(const QString &message, int timeoutMs)
{
    statusBar()->showMessage(message, timeoutMs);
}

void MainWindow::setHostCount(int connected, int total)
{
    m_permanentStatus->setText(tr("%n host(s) connected", "", connected) + QStringLiteral(" / ") +
                               tr("%n host(s) in pool", "", total));
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_layoutRestored = restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultState);
    for (QDockWidget *dock : std::as_const(m_docks)) {
        dock->show();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    event->accept();
}

} // namespace accel::ui
