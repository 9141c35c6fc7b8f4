#include "pool/HostsPanel.h"

#include "pool/HostFactory.h"
#include "pool/PoolModel.h"
#include "pool/PoolStatusDelegate.h"
#include "pool/ResourcePool.h"

#include <QAction>
#include <QGridLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace accel::ui {

namespace {
constexpr int kGridColumns = 2;
} // namespace

HostsPanel::HostsPanel(ResourcePool *pool, PoolModel *model, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_model(model)
    , m_table(new QTableView(this))
    , m_gridArea(new QScrollArea(this))
    , m_gridHost(new QWidget(m_gridArea))
    , m_grid(new QGridLayout(m_gridHost))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("hostsPanel"));
    auto *bar = new QToolBar(this);
    m_addEmbedded = bar->addAction(tr("Add embedded host"));
    m_addEmbedded->setToolTip(tr("Start one more QtWebEngine page hosting the runtime"));
    connect(m_addEmbedded, &QAction::triggered, this, [this]() { addHost(HostKind::Embedded); });

    auto *launchButton = new QToolButton(bar);
    launchButton->setText(tr("Launch browser"));
    launchButton->setPopupMode(QToolButton::InstantPopup);
    auto *launchMenu = new QMenu(launchButton);
    const std::pair<HostKind, QString> kinds[] = {{HostKind::Chromium, tr("Chromium")},
                                                  {HostKind::Firefox, tr("Firefox")},
                                                  {HostKind::Edge, tr("Edge")}};
    for (const auto &[kind, label] : kinds) {
        QAction *a = launchMenu->addAction(label);
        const HostKind k = kind;
        connect(a, &QAction::triggered, this, [this, k]() { addHost(k); });
        m_launch.insert(kind, a);
    }
    launchButton->setMenu(launchMenu);
    bar->addWidget(launchButton);
    bar->addSeparator();

    m_restart = bar->addAction(tr("Restart"));
    m_restart->setToolTip(tr("Stop the selected hosts and start them again"));
    connect(m_restart, &QAction::triggered, this, [this]() {
        forSelected([this](const QString &id) { return m_pool && m_pool->restartHost(id); }, tr("restart"));
    });
    m_isolate = bar->addAction(tr("Isolate"));
    m_isolate->setToolTip(tr("Force the breaker open: no work goes to the selected hosts"));
    connect(m_isolate, &QAction::triggered, this, [this]() {
        forSelected(
            [this](const QString &id) {
                return m_pool && m_pool->isolateHost(id, QStringLiteral("isolated by operator"));
            },
            tr("isolate"));
    });
    m_reset = bar->addAction(tr("Reset breaker"));
    m_reset->setToolTip(tr("Close the breaker again (ends an isolation)"));
    connect(m_reset, &QAction::triggered, this, [this]() {
        forSelected(
            [this](const QString &id) {
                return m_pool && m_pool->resetBreaker(id, QStringLiteral("reset by operator"));
            },
            tr("reset"));
    });
    m_drain = bar->addAction(tr("Drain"));
    m_drain->setToolTip(tr("Take no new work; close when the current work is done"));
    connect(m_drain, &QAction::triggered, this, [this]() {
        forSelected([this](const QString &id) { return m_pool && m_pool->drainHost(id); }, tr("drain"));
    });
    m_close = bar->addAction(tr("Close"));
    m_close->setToolTip(tr("Stop and remove the selected hosts now"));
    connect(m_close, &QAction::triggered, this, [this]() {
        forSelected([this](const QString &id) { return m_pool && m_pool->closeHost(id); }, tr("close"));
    });
    bar->addSeparator();
    m_showViews = bar->addAction(tr("Show host views"));
    m_showViews->setCheckable(true);
    m_showViews->setChecked(true);
    connect(m_showViews, &QAction::toggled, this, [this](bool on) { m_gridArea->setVisible(on); });

    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegate(new PoolStatusDelegate(PoolModel::BreakerColumn, PoolModel::HealthColumn,
                                                    PoolModel::BreakerStateRole, PoolModel::HealthRole,
                                                    m_table));
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this]() { updateActions(); });
    if (model) {
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this]() { updateActions(); });
    }

    m_grid->setContentsMargins(4, 4, 4, 4);
    m_gridArea->setWidget(m_gridHost);
    m_gridArea->setWidgetResizable(true);
    m_gridArea->setMinimumHeight(160);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_gridArea);
    split->addWidget(m_table);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    updateActions();
}

HostsPanel::~HostsPanel()
{
    for (const View &v : std::as_const(m_views)) {
        if (v.view) {
            disconnect(v.view, &QObject::destroyed, this, nullptr);
            v.view->hide();
            v.view->setParent(nullptr);
        }
    }
}

void HostsPanel::addHost(HostKind kind)
{
    if (!m_pool) {
        return;
    }
    const ValueOrError<QString> r = m_pool->addHost(kind);
    if (r) {
        showStatus(tr("Starting %1 host %2").arg(hostKindName(kind), r.value()));
    } else {
        showStatus(tr("Could not start a %1 host: %2").arg(hostKindName(kind), r.error()));
    }
}

void HostsPanel::forSelected(const std::function<bool(const QString &)> &action, const QString &verb)
{
    const QStringList ids = selectedHostIds();
    QStringList failed;
    for (const QString &id : ids) {
        if (!action(id)) {
            failed.append(id);
        }
    }
    if (!failed.isEmpty()) {
        showStatus(tr("Could not %1: %2").arg(verb, failed.join(QStringLiteral(", "))));
    } else if (!ids.isEmpty()) {
        showStatus(tr("%1: %2").arg(verb, ids.join(QStringLiteral(", "))));
    }
    updateActions();
}

QStringList HostsPanel::selectedHostIds() const
{
    QStringList ids;
    if (!m_model || !m_table->selectionModel()) {
        return ids;
    }
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const QString id = m_model->hostIdAt(i.row());
        if (!id.isEmpty()) {
            ids.append(id);
        }
    }
    return ids;
}

void HostsPanel::updateActions()
{
    const bool any = !selectedHostIds().isEmpty();
    for (QAction *a : {m_restart, m_isolate, m_reset, m_drain, m_close}) {
        a->setEnabled(any && m_pool);
    }
    auto availability = [this](HostKind kind, QAction *a) {
        QString why;
        HostFactory *f = m_pool ? m_pool->factory(kind) : nullptr;
        const bool ok = f && f->isAvailable(&why);
        a->setEnabled(ok);
        a->setToolTip(ok ? tr("Start a %1 host").arg(hostKindName(kind))
                         : (f ? why : tr("No %1 support in this build").arg(hostKindName(kind))));
    };
    availability(HostKind::Embedded, m_addEmbedded);
    for (auto it = m_launch.cbegin(); it != m_launch.cend(); ++it) {
        availability(it.key(), it.value());
    }
}

void HostsPanel::addHostView(const QString &hostId, QWidget *view)
{
    if (!view) {
        return;
    }
    removeHostView(hostId);
    auto *frame = new QWidget(m_gridHost);
    frame->setObjectName(QStringLiteral("hostViewFrame"));
    auto *fl = new QVBoxLayout(frame);
    fl->setContentsMargins(0, 0, 0, 0);
    fl->addWidget(new QLabel(hostId, frame));
    view->setParent(frame);
    view->setMinimumSize(240, 140);
    fl->addWidget(view, 1);
    // The embedded host owns `view`: when it goes, take the frame away with it.
    connect(view, &QObject::destroyed, this, [this, hostId]() { dropHostView(hostId, false); });
    m_views.insert(hostId, {frame, view});
    m_viewOrder.append(hostId);
    relayoutGrid();
}

void HostsPanel::removeHostView(const QString &hostId)
{
    dropHostView(hostId, true);
}

void HostsPanel::dropHostView(const QString &hostId, bool viewAlive)
{
    const View v = m_views.take(hostId);
    m_viewOrder.removeAll(hostId);
    if (viewAlive && v.view) {
        // Give the page view back (hidden, unparented) before the frame goes; its owner deletes
        // it. A view in its destructor (QObject::destroyed) must not be touched.
        disconnect(v.view, &QObject::destroyed, this, nullptr);
        v.view->hide();
        v.view->setParent(nullptr);
    }
    if (v.frame) {
        v.frame->deleteLater();
    }
    relayoutGrid();
}

void HostsPanel::relayoutGrid()
{
    while (m_grid->count() > 0) {
        delete m_grid->takeAt(0);
    }
    int i = 0;
    for (const QString &id : std::as_const(m_viewOrder)) {
        if (QWidget *w = m_views.value(id).frame) {
            m_grid->addWidget(w, i / kGridColumns, i % kGridColumns);
            ++i;
        }
    }
}

void HostsPanel::setHostViewsVisible(bool visible)
{
    m_showViews->setChecked(visible);
}

bool HostsPanel::hostViewsVisible() const
{
    return m_showViews->isChecked();
}

QString HostsPanel::statusText() const
{
    return m_status->text();
}

void HostsPanel::showStatus(const QString &text)
{
    m_status->setText(text);
}

} // namespace accel::ui
