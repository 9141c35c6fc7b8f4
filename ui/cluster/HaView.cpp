#include "cluster/HaView.h"

#include "cluster/HaConnectDialog.h"
#include "cluster/HaCoordinatorsModel.h"
#include "cluster/HaItemDelegate.h"
#include "cluster/HaMembersModel.h"
#include "cluster/HaMonitor.h"
#include "common/Clock.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QPen>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <QValueAxis>

#include <csignal>
#include <tuple>

namespace accel::ui {

namespace {

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

constexpr double kMiB = 1024.0 * 1024.0;

} // namespace

HaView::HaView(const LocalHaCluster::Options &localOptions, QWidget *parent)
    : QWidget(parent)
    , m_monitor(new HaMonitor(Clock::system(), this))
    , m_local(new LocalHaCluster(localOptions, this))
    , m_coordinatorsTable(makeTable(m_monitor->coordinatorsModel(), this))
    , m_membersTable(makeTable(m_monitor->membersModel(), this))
    , m_chart(new QChart)
    , m_chartView(new QChartView(m_chart, this))
    , m_timeAxis(new QValueAxis(m_chart))
    , m_indexAxis(new QValueAxis(m_chart))
    , m_sizeAxis(new QValueAxis(m_chart))
    , m_summary(new QLabel(this))
    , m_status(new QLabel(this))
{
    m_monitor->coordinatorsModel()->setHeaderLabels(
        {tr("Coordinator"), tr("Role"), tr("Epoch"), tr("Health"), tr("Last seen")});
    m_monitor->membersModel()->setHeaderLabels({tr("Member"), tr("Id"), tr("Client URL"), tr("Leader"),
                                                tr("Term"), tr("Index"), tr("Applied"), tr("DB size"),
                                                tr("State")});

    m_coordinatorsTable->setItemDelegate(
        new HaItemDelegate(HaItemDelegate::Table::Coordinators, m_coordinatorsTable));
    m_membersTable->setItemDelegate(new HaItemDelegate(HaItemDelegate::Table::Members, m_membersTable));

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto add = [this, bar](Action a, const QString &text, const QString &tip) {
        auto *act = bar->addAction(text);
        act->setToolTip(tip);
        m_actions.insert(a, act);
        connect(act, &QAction::triggered, this, [this, a] { trigger(a); });
    };
    add(Action::StartLocal, tr("Start local HA"),
        tr("Start 3 etcd members and 3 coordinators on this machine (loopback, temporary data)"));
    add(Action::StopLocal, tr("Stop local HA"), tr("Kill the local etcd members and coordinators"));
    add(Action::Connect, tr("Connect..."),
        tr("Watch an existing redundant setup (etcd endpoints, coordinators)"));
    add(Action::WatchLocal, tr("Watch local"), tr("Watch the local HA cluster again"));
    bar->addSeparator();
    add(Action::KillCoordinator, tr("Kill coordinator"),
        tr("SIGKILL the selected local coordinator (fault drill)"));
    add(Action::RestartCoordinator, tr("Restart coordinator"),
        tr("Start the selected local coordinator again"));
    add(Action::TransferLeadership, tr("Transfer leadership"),
        tr("The leading coordinator resigns (SIGTERM: deletes its election key) and rejoins as follower"));
    bar->addSeparator();
    add(Action::KillMember, tr("Kill member"), tr("SIGKILL the selected local etcd member (fault drill)"));
    add(Action::RestartMember, tr("Restart member"),
        tr("Restart the selected local etcd member with its data"));
    add(Action::AddMember, tr("Add member"), tr("Add an etcd member (member add, then start it)"));
    add(Action::RemoveMember, tr("Remove member"), tr("Remove the selected etcd member from the cluster"));
    bar->addSeparator();
    add(Action::ShowWorkers, tr("Show workers"), tr("Show the leading coordinator's workers in the panel"));

    m_chart->setTitle(tr("etcd raft index and database size per member"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_timeAxis->setTitleText(tr("seconds"));
    m_timeAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_indexAxis->setTitleText(tr("raft index"));
    m_indexAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_sizeAxis->setTitleText(tr("DB size (MiB)"));
    m_sizeAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_indexAxis, Qt::AlignLeft);
    m_chart->addAxis(m_sizeAxis, Qt::AlignRight);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(180);

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_coordinatorsTable);
    split->addWidget(m_membersTable);
    split->addWidget(m_chartView);
    split->setStretchFactor(2, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(m_monitor, &HaMonitor::sampled, this, [this](quint64 id, const HaMonitor::Sample &s) {
        addSample(id, s.tMs, s.raftIndex, s.dbSizeBytes);
    });
    connect(m_monitor, &HaMonitor::polled, this, [this] {
        rescaleChart();
        updateSummary();
        updateActions();
    });
    connect(m_local, &LocalHaCluster::stateChanged, this, [this](LocalHaCluster::State state) {
        if (state == LocalHaCluster::State::Running) {
            clearChart();
            m_monitor->setTargets(m_local->etcdEndpoints(), m_local->coordinatorUrls(), m_local->token());
            m_monitor->start();
            m_watchingLocal = true;
        } else if (state == LocalHaCluster::State::Stopped && m_watchingLocal) {
            m_watchingLocal = false;
            m_monitor->clear();
            clearChart();
        }
        updateSummary();
        updateActions();
    });
    connect(m_local, &LocalHaCluster::processesChanged, this, &HaView::updateActions);
    connect(m_local, &LocalHaCluster::progress, this,
            [this](const QString &message) { setStatus(message, false); });
    connect(m_local, &LocalHaCluster::actionFinished, this, &HaView::onLocalFinished);
    connect(m_monitor, &HaMonitor::electionForced, this, [this](bool ok, const QString &message) {
        setStatus(ok ? tr("New election forced: %1.").arg(message)
                     : tr("Forcing an election failed: %1").arg(message),
                  !ok);
        m_monitor->pollNow();
    });
    for (QTableView *table : {m_coordinatorsTable, m_membersTable}) {
        connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &HaView::updateActions);
    }
    updateSummary();
    updateActions();
}

HaView::~HaView()
{
    // ~QWidget deletes the children after this class's members are gone: nothing they emit while
    // shutting down (the local cluster's state, the monitor's rounds) may reach this view.
    disconnect(m_local, nullptr, this, nullptr);
    disconnect(m_monitor, nullptr, this, nullptr);
    for (QTableView *table : {m_coordinatorsTable, m_membersTable}) {
        disconnect(table->selectionModel(), nullptr, this, nullptr);
    }
    m_monitor->clear();
    m_local->stop();
}

int HaView::indexPointCount(quint64 memberId) const
{
    const QLineSeries *s = m_indexSeries.value(memberId);
    return s ? int(s->count()) : 0;
}

QString HaView::statusText() const
{
    return m_status->text();
}

QString HaView::summaryText() const
{
    return m_summary->text();
}

bool HaView::watchingLocal() const
{
    return m_watchingLocal && m_local->state() == LocalHaCluster::State::Running;
}

void HaView::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

int HaView::selectedLocalCoordinator() const
{
    const QModelIndexList rows = m_coordinatorsTable->selectionModel()->selectedRows();
    if (rows.isEmpty() || !watchingLocal()) {
        return -1;
    }
    return m_local->indexOfCoordinator(rows.first().data(HaCoordinatorsModel::UrlRole).toUrl());
}

int HaView::selectedLocalMember() const
{
    const QModelIndexList rows = m_membersTable->selectionModel()->selectedRows();
    if (rows.isEmpty() || !watchingLocal()) {
        return -1;
    }
    const HaMemberStatus &m = m_monitor->membersModel()->member(rows.first().row());
    int index = m_local->indexOfMember(m.clientUrl);
    if (index < 0 && !m.peerUrls.isEmpty()) {
        index = m_local->indexOfMember(m.peerUrls.first());
    }
    return index;
}

quint64 HaView::selectedMemberId() const
{
    const QModelIndexList rows = m_membersTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(HaMembersModel::MemberIdRole).toULongLong();
}

void HaView::trigger(Action a)
{
    bool started = true;
    switch (a) {
    case Action::StartLocal:
        setStatus(tr("Starting a local HA cluster (3 etcd members, 3 coordinators)..."), false);
        m_local->start();
        break;
    case Action::StopLocal:
        m_local->stop();
        setStatus(tr("Local HA cluster stopped."), false);
        break;
    case Action::Connect:
        showConnectDialog();
        break;
    case Action::WatchLocal:
        if (m_local->state() == LocalHaCluster::State::Running) {
            clearChart();
            m_monitor->setTargets(m_local->etcdEndpoints(), m_local->coordinatorUrls(), m_local->token());
            m_monitor->start();
            m_watchingLocal = true;
            updateSummary();
        } else {
            started = false;
        }
        break;
    case Action::KillCoordinator:
        started = m_local->signalCoordinator(selectedLocalCoordinator(), SIGKILL);
        if (started) {
            setStatus(tr("Coordinator killed (SIGKILL). Watch another take over."), false);
        }
        break;
    case Action::RestartCoordinator:
        started = m_local->restartCoordinator(selectedLocalCoordinator());
        break;
    case Action::TransferLeadership:
        if (watchingLocal()) {
            started = m_local->transferLeadership(m_local->indexOfCoordinator(m_monitor->leaderUrl()));
        } else {
            // Not our processes: force an election through etcd (the leader may win it again).
            started = m_monitor->forceElection(m_prefix);
        }
        break;
    case Action::KillMember:
        started = m_local->killMember(selectedLocalMember());
        if (started) {
            setStatus(tr("etcd member killed (SIGKILL)."), false);
        }
        break;
    case Action::RestartMember:
        started = m_local->restartMember(selectedLocalMember());
        break;
    case Action::AddMember:
        started = m_local->addMember();
        break;
    case Action::RemoveMember:
        started = m_local->removeMember(selectedMemberId());
        break;
    case Action::ShowWorkers:
        if (m_monitor->leaderUrl().isValid()) {
            Q_EMIT showWorkersRequested(m_monitor->leaderUrl(), m_monitor->token());
        } else {
            started = false;
        }
        break;
    }
    if (!started) {
        setStatus(tr("That is not possible right now (select a row of the local cluster, or wait for the "
                     "running action)."),
                  true);
    }
    updateActions();
}

void HaView::onLocalFinished(LocalHaCluster::Action action, bool ok, const QString &message)
{
    QString what;
    switch (action) {
    case LocalHaCluster::Action::Start:
        what = tr("Start local HA cluster");
        break;
    case LocalHaCluster::Action::RestartCoordinator:
        what = tr("Restart coordinator");
        break;
    case LocalHaCluster::Action::TransferLeadership:
        what = tr("Transfer leadership");
        break;
    case LocalHaCluster::Action::RestartMember:
        what = tr("Restart etcd member");
        break;
    case LocalHaCluster::Action::AddMember:
        what = tr("Add etcd member");
        break;
    case LocalHaCluster::Action::RemoveMember:
        what = tr("Remove etcd member");
        break;
    }
    // The details come from the processes and etcd (English logs); the verdict is translated.
    setStatus(ok ? tr("%1: done (%2).").arg(what, message) : tr("%1 failed: %2").arg(what, message), !ok);
    if (ok) {
        m_monitor->pollNow();
    }
    updateActions();
}

void HaView::showConnectDialog()
{
    if (!m_dialog) {
        m_dialog = new HaConnectDialog(this);
        connect(m_dialog, &QDialog::accepted, this, [this] {
            connectTo(m_dialog->etcdEndpoints(), m_dialog->coordinatorUrls(), m_dialog->token(),
                      m_dialog->prefix());
        });
    }
    m_dialog->setValues(m_monitor->etcdEndpoints(), m_monitor->coordinatorUrls(), m_monitor->token());
    m_dialog->setPrefix(m_watchingLocal ? m_local->prefix() : m_prefix);
    m_dialog->open();
}

void HaView::connectTo(const QStringList &etcdEndpoints, const QList<QUrl> &coordinators,
                       const QByteArray &token, const QByteArray &prefix)
{
    m_watchingLocal = false;
    m_prefix = prefix;
    clearChart();
    m_monitor->setTargets(etcdEndpoints, coordinators, token);
    m_monitor->start();
    setStatus(tr("Watching %n coordinator(s)", nullptr, int(coordinators.size())) +
                  tr(" and %n etcd endpoint(s).", nullptr, int(etcdEndpoints.size())),
              false);
    updateSummary();
    updateActions();
}

void HaView::updateActions()
{
    using State = LocalHaCluster::State;
    const State state = m_local->state();
    const bool running = state == State::Running;
    const bool idle = running && !m_local->isBusy();
    const bool local = watchingLocal();
    const int coordinator = selectedLocalCoordinator();
    const int member = selectedLocalMember();
    const int leader = m_local->indexOfCoordinator(m_monitor->leaderUrl());
    int members = 0;
    for (int i = 0; i < m_local->memberCount(); ++i) {
        members += m_local->isMemberRemoved(i) ? 0 : 1;
    }
    m_actions[Action::StartLocal]->setEnabled(state == State::Stopped || state == State::Failed);
    m_actions[Action::StopLocal]->setEnabled(state == State::Starting || running);
    m_actions[Action::WatchLocal]->setEnabled(running && !m_watchingLocal);
    m_actions[Action::KillCoordinator]->setEnabled(local && m_local->isCoordinatorRunning(coordinator));
    m_actions[Action::RestartCoordinator]->setEnabled(
        local && coordinator >= 0 && !m_local->isCoordinatorRunning(coordinator) && !m_local->isBusy());
    m_actions[Action::TransferLeadership]->setEnabled(
        local ? idle && leader >= 0 && m_local->isCoordinatorRunning(leader)
              : m_monitor->leaderUrl().isValid() && !m_monitor->etcdEndpoints().isEmpty());
    m_actions[Action::KillMember]->setEnabled(local && m_local->isMemberRunning(member));
    m_actions[Action::RestartMember]->setEnabled(local && idle && member >= 0 &&
                                                 !m_local->isMemberRunning(member) &&
                                                 !m_local->isMemberRemoved(member));
    m_actions[Action::AddMember]->setEnabled(local && idle);
    m_actions[Action::RemoveMember]->setEnabled(local && idle && selectedMemberId() != 0 && members > 1);
    m_actions[Action::ShowWorkers]->setEnabled(m_monitor->leaderUrl().isValid());
}

void HaView::updateSummary()
{
    QStringList parts;
    const LocalHaCluster::State state = m_local->state();
    if (state == LocalHaCluster::State::Starting) {
        parts << tr("Local HA cluster: starting.");
    } else if (state == LocalHaCluster::State::Running) {
        parts << tr("Local HA cluster: running.");
    } else if (state == LocalHaCluster::State::Failed) {
        parts << tr("Local HA cluster: failed to start.");
    }
    if (m_monitor->coordinatorUrls().isEmpty() && m_monitor->etcdEndpoints().isEmpty()) {
        parts << tr("Not watching a redundant setup: start a local one or connect.");
    } else {
        if (m_monitor->leaderUrl().isValid()) {
            parts << tr("Leader: %1 (epoch %2).")
                         .arg(m_monitor->leaderUrl().toString(QUrl::StripTrailingSlash))
                         .arg(m_monitor->leaderEpoch());
        } else if (!m_monitor->coordinatorUrls().isEmpty()) {
            parts << tr("No coordinator leads right now.");
        }
        const HaMembersModel *members = m_monitor->membersModel();
        const int leaderRow = members->rowOfId(m_monitor->etcdLeaderId());
        if (leaderRow >= 0) {
            parts << tr("etcd raft leader: %1.").arg(members->member(leaderRow).name);
        } else if (!m_monitor->etcdEndpoints().isEmpty() && m_monitor->roundsCompleted() > 0) {
            parts << tr("etcd has no raft leader (quorum lost or election in progress).");
        }
        if (!m_monitor->etcdError().isEmpty()) {
            parts << tr("etcd: %1").arg(m_monitor->etcdError());
        }
    }
    m_summary->setText(parts.join(QLatin1Char(' ')));
}

void HaView::addSample(quint64 memberId, qint64 tMs, qint64 raftIndex, qint64 dbSizeBytes)
{
    if (m_chartStartMs < 0) {
        m_chartStartMs = tMs;
    }
    QLineSeries *index = m_indexSeries.value(memberId);
    QLineSeries *size = m_sizeSeries.value(memberId);
    if (!index) {
        const int row = m_monitor->membersModel()->rowOfId(memberId);
        QString name = row >= 0 ? m_monitor->membersModel()->member(row).name : QString();
        if (name.isEmpty()) {
            name = QString::number(memberId, 16);
        }
        index = new QLineSeries(m_chart);
        index->setName(tr("%1 index").arg(name));
        size = new QLineSeries(m_chart);
        size->setName(tr("%1 DB").arg(name));
        m_chart->addSeries(index);
        m_chart->addSeries(size);
        QPen pen = size->pen();
        pen.setStyle(Qt::DashLine);
        pen.setColor(index->color());
        size->setPen(pen);
        index->attachAxis(m_timeAxis);
        index->attachAxis(m_indexAxis);
        size->attachAxis(m_timeAxis);
        size->attachAxis(m_sizeAxis);
        m_indexSeries.insert(memberId, index);
        m_sizeSeries.insert(memberId, size);
    }
    const double t = double(tMs - m_chartStartMs) / 1000.0;
    index->append(t, double(raftIndex));
    size->append(t, double(dbSizeBytes) / kMiB);
    const int limit = m_monitor->historyLimit();
    for (QLineSeries *s : {index, size}) {
        if (s->count() > limit) {
            s->removePoints(0, int(s->count()) - limit);
        }
    }
}

void HaView::rescaleChart()
{
    double tMin = 0;
    double tMax = 0;
    double iMin = 0;
    double iMax = 0;
    double sMax = 0;
    bool first = true;
    for (auto it = m_indexSeries.constBegin(); it != m_indexSeries.constEnd(); ++it) {
        const QLineSeries *index = it.value();
        const QLineSeries *size = m_sizeSeries.value(it.key());
        for (int i = 0; i < index->count(); ++i) {
            const QPointF p = index->at(i);
            if (first) {
                tMin = tMax = p.x();
                iMin = iMax = p.y();
                first = false;
            }
            tMin = qMin(tMin, p.x());
            tMax = qMax(tMax, p.x());
            iMin = qMin(iMin, p.y());
            iMax = qMax(iMax, p.y());
        }
        for (int i = 0; size && i < size->count(); ++i) {
            sMax = qMax(sMax, size->at(i).y());
        }
    }
    m_timeAxis->setRange(tMin, qMax(tMin + 10.0, tMax));
    m_indexAxis->setRange(qMax(0.0, iMin - 1), qMax(iMin + 10.0, iMax + 1));
    m_sizeAxis->setRange(0, qMax(0.1, sMax * 1.2));
}

void HaView::clearChart()
{
    for (QLineSeries *s : std::as_const(m_indexSeries)) {
        m_chart->removeSeries(s);
        delete s;
    }
    for (QLineSeries *s : std::as_const(m_sizeSeries)) {
        m_chart->removeSeries(s);
        delete s;
    }
    m_indexSeries.clear();
    m_sizeSeries.clear();
    m_chartStartMs = -1;
    rescaleChart();
}

} // namespace accel::ui
