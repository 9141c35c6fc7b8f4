#pragma once

#include <QStyledItemDelegate>

namespace accel::ui {

/// Colours the breaker and health cells of PoolModel-shaped tables (reads PoolModel's typed
/// roles, so it works on any column that provides BreakerStateRole/HealthRole) and shows the
/// translated breaker label.
class PoolStatusDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    /// `breakerColumn`/`healthColumn`: columns to colour (-1 = none).
    PoolStatusDelegate(int breakerColumn, int healthColumn, int breakerRole, int healthRole,
                       QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_breakerColumn;
    int m_healthColumn;
    int m_breakerRole;
    int m_healthRole;
};

} // namespace accel::ui
