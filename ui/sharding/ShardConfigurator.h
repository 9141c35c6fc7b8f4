#pragma once

#include "sharding/ShardPlanner.h"

#include <QList>
#include <QWidget>

#include <optional>

class QAbstractItemModel;
class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace accel::ui {

class ShardPlanBar;

/// The shard configurator: choose a strategy, the candidate hosts (checkable) and the stage
/// count; see the plan as a bar of layer ranges per host with estimated times and the bottleneck;
/// drag a boundary or move a stage to another host by hand (the plan becomes Manual and is
/// re-validated at once, errors shown and Apply disabled while invalid); Apply emits the plan.
/// Live per-stage latencies and a "kill host" fault-drill action are for the executor's owner
/// to wire. Planning is pure and fast (the exact planner takes milliseconds for <= 8 hosts), so
/// it runs on the GUI thread on every change.
class ShardConfigurator : public QWidget
{
    Q_OBJECT
public:
    explicit ShardConfigurator(QWidget *parent = nullptr);

    /// The model to plan (name shown in the header, e.g. "demo (random weights)").
    void setModel(const ShardModelFacts &facts, const QString &name);
    /// Request size, hop cost and default speed used for estimates (strategy and stage count
    /// are the widget's own).
    void setPlannerOptions(const ShardPlannerOptions &options);
    /// Candidate hosts. Check marks are kept for known ids; new usable hosts start checked.
    void setHosts(const QList<ShardHost> &hosts);
    QList<ShardHost> hosts() const { return m_hosts; }
    QStringList checkedHostIds() const;
    /// The host list as an item model (Qt::CheckStateRole per host; UserRole = host id).
    QAbstractItemModel *hostModel() const;

    ShardStrategy strategy() const;
    int stageCount() const;
    /// Compute threads each stage's host gives it (0 = auto: every hardware thread the page can
    /// use). Several stages on one machine each keep their own cores with N > 0. The owner copies
    /// it into each PipelineStage::threads of an applied plan.
    int threadsPerStage() const;
    QSpinBox *threadsSpinBox() const { return m_threads; }
    /// The current plan when it is valid.
    std::optional<ShardPlan> currentPlan() const;
    /// The plan as drawn (may be an invalid manual attempt).
    const ShardPlan &shownPlan() const;
    /// Why the current plan is invalid (code Unknown and empty message when it is valid).
    const ShardError &error() const { return m_error; }
    /// Translated text of the current error ("" when valid).
    QString errorText() const;
    QString explanationText() const;
    bool isApplyEnabled() const;

    ShardPlanBar *bar() const { return m_bar; }
    QPushButton *applyButton() const { return m_apply; }
    /// The context menu for a stage: "Move layers to" each other checked host, and "Kill host"
    /// (fault drill). The caller owns the menu.
    QMenu *createStageMenu(int stage, QWidget *parent);

public Q_SLOTS:
    void setStrategy(accel::ShardStrategy strategy);
    void setStageCount(int stages);       ///< 0 = as many as useful
    void setThreadsPerStage(int threads); ///< 0 = auto; clamped to 0..hostproto::kMaxModelThreads
    void setHostChecked(const QString &hostId, bool checked);
    /// Moves the boundary between stage b and b + 1 to `layer`; the plan becomes Manual.
    void moveBoundary(int boundary, int layer);
    /// Moves a stage's range to another host (swapping hosts if it holds another stage); Manual.
    void moveStageToHost(int stage, const QString &hostId);
    /// Live latency per stage, ms (from the executor).
    void setStageLatencies(const QList<double> &latenciesMs);
    void apply();

Q_SIGNALS:
    void planApplied(const accel::ShardPlan &plan);
    void killHostRequested(const QString &hostId);
    /// The shown plan or its validity changed.
    void planChanged();
    void threadsPerStageChanged(int threads);

private:
    void recompute();
    void showManual(const QList<ShardManualStage> &stages);
    void showResult(const std::optional<ShardPlan> &plan, const ShardPlan &attempt);
    QList<ShardHost> checkedHosts() const;
    QList<ShardManualStage> manualFrom(const ShardPlan &plan) const;
    void updateColors();
    void onItemChanged(QListWidgetItem *item);
    void showStageMenu(int stage, const QPoint &globalPos);
    void populateKillMenu();

    ShardModelFacts m_facts;
    QString m_modelName;
    ShardPlannerOptions m_options;
    QList<ShardHost> m_hosts;
    QList<ShardManualStage> m_manualStages;
    ShardPlan m_shown;
    std::optional<ShardPlan> m_valid;
    ShardError m_error;
    bool m_updatingList = false;

    QLabel *m_modelLabel;
    QComboBox *m_strategy;
    QSpinBox *m_stages;
    QSpinBox *m_threads;
    QListWidget *m_hostList;
    ShardPlanBar *m_bar;
    QLabel *m_explanation;
    QLabel *m_errorLabel;
    QPushButton *m_apply;
    QToolButton *m_kill;
    QMenu *m_killMenu;
};

} // namespace accel::ui
