#include "cluster/ClusterPanel.h"

#include "cluster/ClusterConnection.h"
#include "cluster/ClusterItemDelegate.h"
#include "cluster/ClusterText.h"
#include "cluster/ClusterWorkersModel.h"
#include "cluster/ConnectDialog.h"
#include "cluster/HaView.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocument>
#include <QToolBar>
#include <QVBoxLayout>

#include <tuple>

namespace accel::ui {

ClusterPanel::ClusterPanel(ClusterConnection *connection, const LocalClusterControl &control, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_control(control)
    , m_model(new ClusterWorkersModel(connection, nullptr, this))
    , m_table(new QTableView(this))
    , m_header(new QLabel(this))
    , m_status(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_haView(new HaView({}, m_tabs))
{
    m_model->setHeaderLabels({tr("Worker"), tr("State"), tr("CPUs"), tr("Memory"), tr("OS"), tr("Browsers"),
                              tr("Labels"), tr("Tasks"), tr("Heartbeat")});

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto add = [this, bar](Action a, const QString &text, const QString &tip) {
        auto *act = bar->addAction(text);
        act->setToolTip(tip);
        m_actions.insert(a, act);
        return act;
    };
    connect(
        add(Action::Connect, tr("Connect..."), tr("Connect to a remote coordinator with its URL and token")),
        &QAction::triggered, this, &ClusterPanel::showConnectDialog);
    connect(add(Action::ConnectLocal, tr("Local"), tr("Connect to the console's own coordinator")),
            &QAction::triggered, this, [this] {
                if (!connectToLocal()) {
                    setStatus(tr("The local coordinator is not running."), true);
                }
            });
    bar->addSeparator();
    for (const auto &[a, text, tip] :
         {std::tuple{Action::Drain, tr("Drain"), tr("Finish current tasks, take no new ones")},
          std::tuple{Action::Undrain, tr("Undrain"), tr("Take new tasks again")},
          std::tuple{Action::Quarantine, tr("Quarantine"), tr("Take the worker out of scheduling")},
          std::tuple{Action::Unquarantine, tr("Release"), tr("End the quarantine")}}) {
        const Action action = a;
        connect(add(a, text, tip), &QAction::triggered, this, [this, action] { runOnSelected(action); });
    }
    bar->addSeparator();
    for (const auto &[a, text, tip] :
         {std::tuple{Action::StartCoordinator, tr("Start coordinator"), tr("Start the local coordinator")},
          std::tuple{Action::StopCoordinator, tr("Stop coordinator"), tr("Stop the local coordinator")},
          std::tuple{Action::StartWorker, tr("Start worker"), tr("Start the local worker")},
          std::tuple{Action::StopWorker, tr("Stop worker"), tr("Stop the local worker")}}) {
        const Action action = a;
        connect(add(a, text, tip), &QAction::triggered, this, [this, action] { runLocal(action); });
    }

    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(ClusterWorkersModel::SortRole);
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ClusterWorkersModel::WorkerColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegate(new ClusterItemDelegate(-1, 0, ClusterWorkersModel::StateColumn,
                                                     ClusterWorkersModel::StateRole,
                                                     ClusterItemDelegate::Palette::WorkerState, m_table));
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ClusterPanel::updateActions);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ClusterPanel::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ClusterPanel::updateActions);

    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_header);
    m_tabs->addTab(m_table, tr("Workers"));
    m_tabs->addTab(m_haView, tr("Redundancy"));
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_status);
    // "Show workers" in the redundancy view: follow the leading coordinator of that cluster.
    connect(m_haView, &HaView::showWorkersRequested, this, [this](const QUrl &url, const QByteArray &token) {
        connectToCoordinator(url, token);
        m_tabs->setCurrentWidget(m_table);
    });

    connect(m_connection, &ClusterConnection::stateChanged, this, [this] {
        updateHeader();
        updateActions();
    });
    connect(m_connection, &ClusterConnection::healthChanged, this, &ClusterPanel::updateHeader);
    connect(m_connection, &ClusterConnection::liveChanged, this, &ClusterPanel::updateHeader);
    connect(m_connection, &ClusterConnection::errorOccurred, this, &ClusterPanel::updateHeader);
    connect(m_connection, &ClusterConnection::requestFinished, this,
            [this](const ClusterConnection::Reply &r) {
                const QString what = m_pending.take(r.id);
                if (what.isEmpty()) {
                    return;
                }
                if (r.ok()) {
                    setStatus(tr("%1: done.").arg(what), false);
                } else {
                    setStatus(tr("%1 failed: %2").arg(what, ClusterText::error(r.error, r.detail)), true);
                }
            });
    updateHeader();
    updateActions();
}

ClusterPanel::~ClusterPanel() = default;

QString ClusterPanel::headerText() const
{
    QTextDocument doc;
    doc.setHtml(m_header->text());
    return doc.toPlainText();
}

QString ClusterPanel::statusText() const
{
    return m_status->text();
}

void ClusterPanel::showConnectDialog()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new ConnectDialog(m_connection->baseUrl(), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this] {
        if (m_dialog) {
            connectToCoordinator(m_dialog->url(), m_dialog->token());
        }
    });
    connect(m_dialog, &QObject::destroyed, this, [this] { m_dialog = nullptr; });
    m_dialog->open();
}

void ClusterPanel::connectToCoordinator(const QUrl &url, const QByteArray &token)
{
    m_connection->connectTo(url, token);
    setStatus(tr("Connecting to %1...").arg(url.toDisplayString(QUrl::RemoveUserInfo)), false);
    updateHeader();
    updateActions();
}

bool ClusterPanel::connectToLocal()
{
    QUrl url;
    QByteArray token;
    if (!m_control.localEndpoint || !m_control.localEndpoint(&url, &token)) {
        return false;
    }
    connectToCoordinator(url, token);
    return true;
}

QStringList ClusterPanel::selectedWorkers() const
{
    QStringList ids;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const QString id = i.data(ClusterWorkersModel::WorkerIdRole).toString();
        if (!id.isEmpty()) {
            ids << id;
        }
    }
    return ids;
}

void ClusterPanel::runOnSelected(Action a)
{
    ClusterConnection::Operation op;
    switch (a) {
    case Action::Drain:
        op = ClusterConnection::Operation::DrainWorker;
        break;
    case Action::Undrain:
        op = ClusterConnection::Operation::UndrainWorker;
        break;
    case Action::Quarantine:
        op = ClusterConnection::Operation::QuarantineWorker;
        break;
    case Action::Unquarantine:
        op = ClusterConnection::Operation::UnquarantineWorker;
        break;
    default:
        return;
    }
    const QStringList ids = selectedWorkers();
    if (ids.isEmpty()) {
        setStatus(tr("Select a worker first."), true);
        return;
    }
    for (const QString &id : ids) {
        const quint64 requestId = m_connection->workerAction(id, op);
        m_pending.insert(requestId, tr("%1 %2").arg(ClusterText::operation(op), id));
    }
    setStatus(tr("%1 requested for %2.").arg(ClusterText::operation(op), ids.join(QStringLiteral(", "))),
              false);
}

void ClusterPanel::runLocal(Action a)
{
    std::function<bool(QString *)> fn;
    QString what;
    switch (a) {
    case Action::StartCoordinator:
        fn = m_control.startCoordinator;
        what = tr("Start the local coordinator");
        break;
    case Action::StopCoordinator:
        fn = m_control.stopCoordinator;
        what = tr("Stop the local coordinator");
        break;
    case Action::StartWorker:
        fn = m_control.startWorker;
        what = tr("Start the local worker");
        break;
    case Action::StopWorker:
        fn = m_control.stopWorker;
        what = tr("Stop the local worker");
        break;
    default:
        return;
    }
    if (!fn) {
        return;
    }
    QString error;
    if (!fn(&error)) {
        setStatus(tr("%1 failed: %2").arg(what, error.isEmpty() ? tr("unknown error") : error), true);
    } else {
        setStatus(tr("%1: done.").arg(what), false);
        if (a == Action::StartCoordinator) {
            connectToLocal();
        }
    }
    updateActions();
}

void ClusterPanel::updateHeader()
{
    const QJsonObject h = m_connection->health();
    const auto state = m_connection->state();
    const QString url = m_connection->baseUrl().isEmpty()
                            ? tr("no coordinator")
                            : m_connection->baseUrl().toDisplayString(QUrl::RemoveUserInfo).toHtmlEscaped();
    QString stateText = ClusterText::state(state);
    if (state == ClusterConnection::State::Connected) {
        stateText += m_connection->isLive() ? tr(", live") : tr(", polling");
    } else if (state == ClusterConnection::State::Reconnecting) {
        stateText += tr(", next attempt in %1 ms").arg(m_connection->reconnectDelayMs());
    }
    QString text = tr("<b>Coordinator</b> %1 &mdash; %2").arg(url, stateText.toHtmlEscaped());
    if (!h.isEmpty()) {
        text += QStringLiteral("<br>") +
                tr("health: %1 &middot; version %2 &middot; epoch %3 &middot; store %4 &middot; queued %5 "
                   "&middot; unfinished %6")
                    .arg(h.value(QStringLiteral("ok")).toBool() ? tr("ok") : tr("not ok"),
                         h.value(QStringLiteral("version")).toString().toHtmlEscaped())
                    .arg(h.value(QStringLiteral("epoch")).toInteger())
                    .arg(h.value(QStringLiteral("store")).toString().toHtmlEscaped())
                    .arg(h.value(QStringLiteral("queued")).toInt())
                    .arg(h.value(QStringLiteral("unfinished")).toInt());
    }
    if (state != ClusterConnection::State::Connected &&
        m_connection->lastError() != ClusterConnection::Error::None) {
        text += QStringLiteral("<br><span style=\"color:#c62828\">%1</span>")
                    .arg(ClusterText::error(m_connection->lastError(), m_connection->lastErrorDetail())
                             .toHtmlEscaped());
    }
    m_header->setText(text);
}

void ClusterPanel::updateActions()
{
    const bool connected = m_connection->state() == ClusterConnection::State::Connected;
    const bool selected = m_table->selectionModel() && m_table->selectionModel()->hasSelection();
    for (Action a : {Action::Drain, Action::Undrain, Action::Quarantine, Action::Unquarantine}) {
        m_actions[a]->setEnabled(connected && selected);
    }
    m_actions[Action::ConnectLocal]->setEnabled(bool(m_control.localEndpoint));
    const bool coordinatorControl = m_control.canControlCoordinator();
    const bool coordinatorUp = coordinatorControl && m_control.coordinatorRunning();
    m_actions[Action::StartCoordinator]->setEnabled(coordinatorControl && !coordinatorUp);
    m_actions[Action::StopCoordinator]->setEnabled(coordinatorControl && coordinatorUp);
    const bool workerControl = m_control.canControlWorker();
    const bool workerUp = workerControl && m_control.workerRunning();
    m_actions[Action::StartWorker]->setEnabled(workerControl && !workerUp);
    m_actions[Action::StopWorker]->setEnabled(workerControl && workerUp);
}

void ClusterPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828") : QString());
}

} // namespace accel::ui
