#pragma once

#include <QStyledItemDelegate>

namespace accel::ui {

/// Draws the HA tables: translates the states the core models report (coordinator role, last
/// seen, etcd member leader/state) through tr() from their data roles, and tints the state cells
/// (leader green, candidate amber, down red). Display text of other cells is left as is.
class HaItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    enum class Table { Coordinators = 1, Members };
    explicit HaItemDelegate(Table table, QObject *parent = nullptr);

    /// The text and tint this delegate gives a cell (empty text / invalid colour: unchanged).
    QString text(const QModelIndex &index) const;
    QColor tint(const QModelIndex &index) const;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    Table m_table;
};

} // namespace accel::ui
