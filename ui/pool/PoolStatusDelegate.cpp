#include "pool/PoolStatusDelegate.h"

#include "pool/PoolColors.h"

namespace accel::ui {

PoolStatusDelegate::PoolStatusDelegate(int breakerColumn, int healthColumn, int breakerRole, int healthRole,
                                       QObject *parent)
    : QStyledItemDelegate(parent)
    , m_breakerColumn(breakerColumn)
    , m_healthColumn(healthColumn)
    , m_breakerRole(breakerRole)
    , m_healthRole(healthRole)
{}

void PoolStatusDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() == m_breakerColumn) {
        const QVariant v = index.data(m_breakerRole);
        if (v.isValid()) {
            const auto state = BreakerState(v.toInt());
            QColor c = PoolColors::breakerColor(state);
            option->backgroundBrush = c;
            option->palette.setColor(QPalette::Text, c.lightness() > 140 ? Qt::black : Qt::white);
            option->text = PoolColors::breakerLabel(state);
        }
    } else if (index.column() == m_healthColumn) {
        const QVariant v = index.data(m_healthRole);
        if (v.isValid()) {
            QColor c = PoolColors::healthColor(v.toDouble());
            c.setAlpha(90);
            option->backgroundBrush = c;
        }
    }
}

} // namespace accel::ui
