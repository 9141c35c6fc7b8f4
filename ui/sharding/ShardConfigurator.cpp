#include "sharding/ShardConfigurator.h"

#include "hosts/HostProtocol.h"
#include "pool/PoolColors.h"
#include "sharding/ShardPlanBar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace accel::ui {

namespace {

QString mibText(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 0);
}

} // namespace

ShardConfigurator::ShardConfigurator(QWidget *parent)
    : QWidget(parent)
    , m_modelLabel(new QLabel(this))
    , m_strategy(new QComboBox(this))
    , m_stages(new QSpinBox(this))
    , m_threads(new QSpinBox(this))
    , m_hostList(new QListWidget(this))
    , m_bar(new ShardPlanBar(this))
    , m_explanation(new QLabel(this))
    , m_errorLabel(new QLabel(this))
    , m_apply(new QPushButton(tr("Apply"), this))
    , m_kill(new QToolButton(this))
    , m_killMenu(new QMenu(this))
{
    m_strategy->addItem(tr("Layer (even split)"), int(ShardStrategy::Layer));
    m_strategy->addItem(tr("Browser (kind affinity)"), int(ShardStrategy::Browser));
    m_strategy->addItem(tr("Optimal (slowest stage minimised)"), int(ShardStrategy::Optimal));
    m_strategy->addItem(tr("Manual"), int(ShardStrategy::Manual));
    m_strategy->setCurrentIndex(2);
    m_strategy->setToolTip(tr("How layers are split across the selected hosts"));
    m_stages->setRange(0, 64);
    m_stages->setSpecialValueText(tr("Auto"));
    m_stages->setToolTip(tr("Number of pipeline stages (Auto: as many as useful)"));
    m_threads->setRange(0, hostproto::kMaxModelThreads);
    m_threads->setSpecialValueText(tr("Auto"));
    m_threads->setToolTip(tr("Compute threads per stage on its host (Auto: every hardware thread the "
                             "page can use). Give each stage its own cores when several stages share a "
                             "machine: stages x threads <= cores."));
    m_hostList->setToolTip(tr("Candidate hosts: checked hosts may hold a stage or serve as spares"));
    m_hostList->setMaximumWidth(320);
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #d55e00; font-weight: bold;"));
    m_errorLabel->hide();
    m_apply->setEnabled(false);
    m_apply->setToolTip(tr("Hand this plan to the pipeline executor"));
    m_kill->setText(tr("Kill host"));
    m_kill->setToolTip(tr("Fault drill: kill a host of the pipeline"));
    m_kill->setPopupMode(QToolButton::InstantPopup);
    m_kill->setMenu(m_killMenu);
    m_bar->setToolTip(QString());

    auto *controls = new QHBoxLayout;
    auto *strategyLabel = new QLabel(tr("&Strategy:"), this);
    strategyLabel->setBuddy(m_strategy);
    auto *stagesLabel = new QLabel(tr("S&tages:"), this);
    stagesLabel->setBuddy(m_stages);
    controls->addWidget(strategyLabel);
    controls->addWidget(m_strategy);
    controls->addWidget(stagesLabel);
    controls->addWidget(m_stages);
    auto *threadsLabel = new QLabel(tr("T&hreads per stage:"), this);
    threadsLabel->setBuddy(m_threads);
    controls->addWidget(threadsLabel);
    controls->addWidget(m_threads);
    controls->addStretch(1);
    controls->addWidget(m_kill);
    controls->addWidget(m_apply);

    auto *right = new QVBoxLayout;
    right->addWidget(m_bar);
    right->addWidget(m_explanation);
    right->addWidget(m_errorLabel);
    right->addStretch(1);

    auto *body = new QHBoxLayout;
    body->addWidget(m_hostList);
    body->addLayout(right, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_modelLabel);
    layout->addLayout(controls);
    layout->addLayout(body, 1);

    connect(m_strategy, &QComboBox::currentIndexChanged, this, [this]() {
        if (strategy() == ShardStrategy::Manual) {
            m_manualStages = manualFrom(m_shown);
        }
        m_stages->setEnabled(strategy() != ShardStrategy::Manual);
        recompute();
    });
    connect(m_stages, &QSpinBox::valueChanged, this, [this]() { recompute(); });
    connect(m_threads, &QSpinBox::valueChanged, this, &ShardConfigurator::threadsPerStageChanged);
    connect(m_hostList, &QListWidget::itemChanged, this, &ShardConfigurator::onItemChanged);
    connect(m_bar, &ShardPlanBar::boundaryDragged, this, &ShardConfigurator::moveBoundary);
    connect(m_bar, &ShardPlanBar::stageContextMenuRequested, this, &ShardConfigurator::showStageMenu);
    connect(m_apply, &QPushButton::clicked, this, &ShardConfigurator::apply);
    connect(m_killMenu, &QMenu::aboutToShow, this, &ShardConfigurator::populateKillMenu);
    connect(m_killMenu, &QMenu::triggered, this,
            [this](QAction *action) { Q_EMIT killHostRequested(action->data().toString()); });
    recompute();
}

void ShardConfigurator::setModel(const ShardModelFacts &facts, const QString &name)
{
    m_facts = facts;
    m_modelName = name;
    m_manualStages.clear();
    m_modelLabel->setText(tr("Model: %1 — %n layer(s)", nullptr, facts.layerCount).arg(name));
    if (strategy() == ShardStrategy::Manual) {
        const QSignalBlocker blocker(m_strategy);
        m_strategy->setCurrentIndex(m_strategy->findData(int(ShardStrategy::Optimal)));
        m_stages->setEnabled(true);
    }
    recompute();
}

void ShardConfigurator::setPlannerOptions(const ShardPlannerOptions &options)
{
    m_options = options;
    recompute();
}

void ShardConfigurator::setHosts(const QList<ShardHost> &hosts)
{
    const QStringList wasChecked = checkedHostIds();
    // Hosts seen usable before keep the operator's choice; new hosts and hosts that just became
    // usable (a starting host that connected) are checked.
    QStringList known;
    for (const ShardHost &h : m_hosts) {
        if (h.usable) {
            known.append(h.id);
        }
    }
    m_hosts = hosts;
    {
        m_updatingList = true;
        const QSignalBlocker blocker(m_hostList);
        m_hostList->clear();
        for (const ShardHost &h : hosts) {
            QString text = QStringLiteral("%1 — %2").arg(h.id, hostKindName(h.kind));
            text += QLatin1String(", ") +
                    (h.msPerLayer > 0 ? tr("%1 ms/layer").arg(h.msPerLayer, 0, 'f', 2) : tr("not measured"));
            text += QLatin1String(", ") + (h.freeMemoryBytes >= 0
                                               ? tr("%1 MiB free").arg(mibText(h.freeMemoryBytes))
                                               : tr("memory unknown"));
            if (!h.usable) {
                text += QLatin1Char(' ') + tr("(unusable)");
            }
            auto *item = new QListWidgetItem(text, m_hostList);
            item->setData(Qt::UserRole, h.id);
            item->setToolTip(text);
            Qt::ItemFlags flags = Qt::ItemIsUserCheckable | Qt::ItemIsSelectable;
            if (h.usable) {
                flags |= Qt::ItemIsEnabled;
            }
            item->setFlags(flags);
            const bool checked = h.usable && (known.contains(h.id) ? wasChecked.contains(h.id) : true);
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        }
        m_updatingList = false;
    }
    updateColors();
    recompute();
}

QStringList ShardConfigurator::checkedHostIds() const
{
    QStringList ids;
    for (int i = 0; i < m_hostList->count(); ++i) {
        const QListWidgetItem *item = m_hostList->item(i);
        if (item->checkState() == Qt::Checked) {
            ids.append(item->data(Qt::UserRole).toString());
        }
    }
    return ids;
}

QAbstractItemModel *ShardConfigurator::hostModel() const
{
    return m_hostList->model();
}

ShardStrategy ShardConfigurator::strategy() const
{
    return ShardStrategy(m_strategy->currentData().toInt());
}

int ShardConfigurator::stageCount() const
{
    return m_stages->value();
}

std::optional<ShardPlan> ShardConfigurator::currentPlan() const
{
    return m_valid;
}

const ShardPlan &ShardConfigurator::shownPlan() const
{
    return m_shown;
}

bool ShardConfigurator::isApplyEnabled() const
{
    return m_apply->isEnabled();
}

void ShardConfigurator::setStrategy(ShardStrategy strategy)
{
    const int index = m_strategy->findData(int(strategy));
    if (index >= 0) {
        m_strategy->setCurrentIndex(index);
    }
}

void ShardConfigurator::setStageCount(int stages)
{
    m_stages->setValue(stages);
}

int ShardConfigurator::threadsPerStage() const
{
    return m_threads->value();
}

void ShardConfigurator::setThreadsPerStage(int threads)
{
    m_threads->setValue(threads); // QSpinBox clamps to its range
}

void ShardConfigurator::setHostChecked(const QString &hostId, bool checked)
{
    for (int i = 0; i < m_hostList->count(); ++i) {
        QListWidgetItem *item = m_hostList->item(i);
        if (item->data(Qt::UserRole).toString() == hostId) {
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        }
    }
}

QList<ShardHost> ShardConfigurator::checkedHosts() const
{
    const QStringList ids = checkedHostIds();
    QList<ShardHost> out;
    for (const ShardHost &h : m_hosts) {
        if (ids.contains(h.id)) {
            out.append(h);
        }
    }
    return out;
}

QList<ShardManualStage> ShardConfigurator::manualFrom(const ShardPlan &plan) const
{
    QList<ShardManualStage> stages;
    for (const ShardStage &s : plan.stages) {
        stages.append({s.firstLayer, s.lastLayer, s.hostId});
    }
    return stages;
}

void ShardConfigurator::updateColors()
{
    QHash<QString, QColor> colors;
    for (int i = 0; i < m_hosts.size(); ++i) {
        colors.insert(m_hosts.at(i).id, PoolColors::seriesColor(i));
        if (QListWidgetItem *item = m_hostList->item(i)) {
            const QSignalBlocker blocker(m_hostList);
            item->setData(Qt::DecorationRole, PoolColors::seriesColor(i));
        }
    }
    m_bar->setHostColors(colors);
}

void ShardConfigurator::onItemChanged(QListWidgetItem *)
{
    if (!m_updatingList) {
        recompute();
    }
}

void ShardConfigurator::recompute()
{
    if (m_facts.layerCount < 1) {
        m_valid.reset();
        m_shown = ShardPlan();
        m_error = ShardError{ShardErrorCode::BadInput, QStringLiteral("no model"), -1};
        showResult(std::nullopt, m_shown);
        return;
    }
    if (strategy() == ShardStrategy::Manual) {
        showManual(m_manualStages);
        return;
    }
    ShardPlannerOptions options = m_options;
    options.strategy = strategy();
    options.stageCount = stageCount();
    const ShardPlanner planner(m_facts, options);
    ShardError error;
    const auto plan = planner.plan(checkedHosts(), &error);
    m_error = plan ? ShardError{} : error;
    showResult(plan, plan ? *plan : ShardPlan());
}

void ShardConfigurator::showManual(const QList<ShardManualStage> &stages)
{
    ShardPlannerOptions options = m_options;
    options.strategy = ShardStrategy::Manual;
    const ShardPlanner planner(m_facts, options);
    ShardError error;
    const auto plan = planner.manual(stages, checkedHosts(), &error);
    m_error = plan ? ShardError{} : error;
    // Draw the attempt even when it is invalid, so the operator sees what to fix.
    ShardPlan attempt;
    attempt.strategy = ShardStrategy::Manual;
    attempt.layerCount = m_facts.layerCount;
    attempt.hopMs = planner.hopMs();
    attempt.tokensPerRequest = options.tokensPerRequest;
    for (int i = 0; i < stages.size(); ++i) {
        const ShardManualStage &m = stages.at(i);
        ShardStage s;
        s.firstLayer = m.firstLayer;
        s.lastLayer = m.lastLayer;
        s.hostId = m.hostId;
        for (const ShardHost &h : m_hosts) {
            if (h.id == m.hostId) {
                s.hostKind = h.kind;
                s.backend = h.backend;
                s.msPerLayer = planner.msPerLayer(h);
                s.measured = h.msPerLayer > 0;
                s.hostMemoryBytes = std::max<qint64>(0, h.freeMemoryBytes);
            }
        }
        s.memoryBytes = planner.stageMemoryBytes(std::max(0, s.layerCount()), i == 0, i == stages.size() - 1);
        attempt.stages.append(s);
    }
    showResult(plan, plan ? *plan : attempt);
}

void ShardConfigurator::showResult(const std::optional<ShardPlan> &plan, const ShardPlan &attempt)
{
    m_valid = plan;
    m_shown = attempt;
    m_bar->setPlan(m_shown);
    m_bar->setInvalidStage(plan ? -1 : m_error.stage);
    m_apply->setEnabled(plan.has_value());
    m_kill->setEnabled(!m_shown.stages.isEmpty());
    const QString error = errorText();
    m_errorLabel->setText(error);
    m_errorLabel->setToolTip(plan ? QString() : m_error.message);
    m_errorLabel->setVisible(!error.isEmpty());
    m_explanation->setText(explanationText());
    Q_EMIT planChanged();
}

QString ShardConfigurator::errorText() const
{
    if (m_valid) {
        return {};
    }
    if (m_facts.layerCount < 1) {
        return tr("Choose a model to plan.");
    }
    const int stage = m_error.stage + 1;
    const bool hasStage = m_error.stage >= 0;
    switch (m_error.code) {
    case ShardErrorCode::NoHosts:
        return tr("No usable host is selected.");
    case ShardErrorCode::ModelTooLarge:
        return tr("The model does not fit in the free memory of the selected hosts together.");
    case ShardErrorCode::MemoryExceeded:
        return hasStage ? tr("Stage %1 does not fit in its host's free memory.").arg(stage)
                        : tr("No plan with this many stages fits the hosts' memory.");
    case ShardErrorCode::BadRanges:
        return hasStage ? tr("Stage %1 has an empty or misplaced layer range.").arg(stage)
                        : tr("The layer ranges do not cover the model.");
    case ShardErrorCode::DuplicateHost:
        return tr("Stage %1 uses a host that already holds another stage.").arg(stage);
    case ShardErrorCode::UnknownHost:
        return tr("Stage %1 uses a host that is not selected or not usable.").arg(stage);
    case ShardErrorCode::TooLarge:
        return tr("Too many hosts for the optimal planner: deselect some or choose another strategy.");
    case ShardErrorCode::BadInput:
        return tr("The planner's inputs are out of range.");
    case ShardErrorCode::BadJson:
    case ShardErrorCode::Unknown:
        break;
    }
    return tr("The plan is invalid.");
}

QString ShardConfigurator::explanationText() const
{
    if (!m_valid || m_valid->stages.isEmpty()) {
        return {};
    }
    const ShardPlan &p = *m_valid;
    const int b = p.bottleneckStage();
    const ShardStage &s = p.stages.at(b);
    QString text =
        tr("Bottleneck: stage %1 on %2, %3 ms per request (%4 ms compute for %n layer(s) + %5 ms "
           "transfer), %6.",
           nullptr, s.layerCount())
            .arg(b + 1)
            .arg(s.hostId)
            .arg(p.stageMs(b), 0, 'f', 2)
            .arg(s.computeMs(), 0, 'f', 2)
            .arg(p.transferMs(b), 0, 'f', 2)
            .arg(p.bottleneckCause() == ShardPlan::BottleneckCause::Transfer ? tr("transfer-bound")
                                                                             : tr("compute-bound"));
    text += QLatin1Char(' ') + tr("Estimated throughput %1 requests/s; latency %2 ms per request.")
                                   .arg(p.throughputPerSec(), 0, 'f', 1)
                                   .arg(p.latencyMs(), 0, 'f', 2);
    text += QLatin1Char(' ') + (p.spareHostIds.isEmpty()
                                    ? tr("No spare host.")
                                    : tr("Spares: %1.").arg(p.spareHostIds.join(QStringLiteral(", "))));
    return text;
}

void ShardConfigurator::moveBoundary(int boundary, int layer)
{
    QList<ShardManualStage> stages = manualFrom(m_shown);
    if (boundary < 0 || boundary + 1 >= stages.size()) {
        return;
    }
    stages[boundary].lastLayer = layer;
    stages[boundary + 1].firstLayer = layer;
    m_manualStages = stages;
    {
        const QSignalBlocker blocker(m_strategy);
        m_strategy->setCurrentIndex(m_strategy->findData(int(ShardStrategy::Manual)));
        m_stages->setEnabled(false);
    }
    showManual(m_manualStages);
}

void ShardConfigurator::moveStageToHost(int stage, const QString &hostId)
{
    QList<ShardManualStage> stages = manualFrom(m_shown);
    if (stage < 0 || stage >= stages.size() || stages[stage].hostId == hostId) {
        return;
    }
    for (ShardManualStage &other : stages) {
        if (other.hostId == hostId) {
            other.hostId = stages[stage].hostId; // swap: the other stage takes this stage's host
        }
    }
    stages[stage].hostId = hostId;
    m_manualStages = stages;
    {
        const QSignalBlocker blocker(m_strategy);
        m_strategy->setCurrentIndex(m_strategy->findData(int(ShardStrategy::Manual)));
        m_stages->setEnabled(false);
    }
    showManual(m_manualStages);
}

void ShardConfigurator::setStageLatencies(const QList<double> &latenciesMs)
{
    m_bar->setStageLatencies(latenciesMs);
}

void ShardConfigurator::apply()
{
    if (m_valid) {
        Q_EMIT planApplied(*m_valid);
    }
}

QMenu *ShardConfigurator::createStageMenu(int stage, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    if (stage < 0 || stage >= m_shown.stages.size()) {
        return menu;
    }
    const ShardStage s = m_shown.stages.at(stage);
    QMenu *move = menu->addMenu(tr("Move layers %1–%2 to").arg(s.firstLayer).arg(s.lastLayer - 1));
    for (const QString &id : checkedHostIds()) {
        if (id == s.hostId) {
            continue;
        }
        QAction *action = move->addAction(id);
        action->setObjectName(QStringLiteral("move:") + id);
        action->setData(id);
        if (m_shown.stageOfHost(id) >= 0) {
            action->setText(tr("%1 (swap stages)").arg(id));
        }
    }
    move->setEnabled(!move->actions().isEmpty());
    connect(move, &QMenu::triggered, this,
            [this, stage](QAction *action) { moveStageToHost(stage, action->data().toString()); });
    menu->addSeparator();
    QAction *kill = menu->addAction(tr("Kill host %1 (fault drill)").arg(s.hostId));
    kill->setObjectName(QStringLiteral("kill"));
    const QString hostId = s.hostId;
    connect(kill, &QAction::triggered, this, [this, hostId]() { Q_EMIT killHostRequested(hostId); });
    return menu;
}

void ShardConfigurator::showStageMenu(int stage, const QPoint &globalPos)
{
    QMenu *menu = createStageMenu(stage, this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(globalPos);
}

void ShardConfigurator::populateKillMenu()
{
    m_killMenu->clear();
    for (int i = 0; i < m_shown.stages.size(); ++i) {
        const QString id = m_shown.stages.at(i).hostId;
        QAction *action = m_killMenu->addAction(tr("Stage %1: %2").arg(i + 1).arg(id));
        action->setData(id);
    }
}

} // namespace accel::ui
