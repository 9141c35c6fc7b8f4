#pragma once

#include <QStyledItemDelegate>

namespace accel::ui {

/// Cluster tables' delegate: draws a progress bar in one column (a 0..1 role, with the cell's
/// text on it) and tints one column by state (the colour comes from a role-to-colour function).
class ClusterItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    enum class Palette {
        WorkerState = 1, ///< ClusterWorkersModel::StateRole (int WorkerState)
        RunState,        ///< a state string: queued, running, passed, failed, finished, cancelled, ...
    };
    /// `progressColumn`/`stateColumn` may be -1 (none).
    ClusterItemDelegate(int progressColumn, int progressRole, int stateColumn, int stateRole, Palette palette,
                        QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

    /// The colour for a state value (invalid: no tint).
    static QColor stateColor(Palette palette, const QVariant &state);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_progressColumn;
    int m_progressRole;
    int m_stateColumn;
    int m_stateRole;
    Palette m_palette;
};

} // namespace accel::ui
