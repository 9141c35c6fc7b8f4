#include "cluster/ClusterItemDelegate.h"

#include "cluster/ClusterWorkersModel.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace accel::ui {

ClusterItemDelegate::ClusterItemDelegate(int progressColumn, int progressRole, int stateColumn, int stateRole,
                                         Palette palette, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_progressColumn(progressColumn)
    , m_progressRole(progressRole)
    , m_stateColumn(stateColumn)
    , m_stateRole(stateRole)
    , m_palette(palette)
{}

QColor ClusterItemDelegate::stateColor(Palette palette, const QVariant &state)
{
    if (palette == Palette::WorkerState) {
        using S = ClusterWorkersModel::WorkerState;
        switch (S(state.toInt())) {
        case S::Alive:
            return QColor(0x2e, 0x7d, 0x32);
        case S::Disconnected:
        case S::Draining:
        case S::Drained:
            return QColor(0x8d, 0x6e, 0x00);
        case S::Suspect:
            return QColor(0xe6, 0x51, 0x00);
        case S::Quarantined:
        case S::Dead:
            return QColor(0xc6, 0x28, 0x28);
        }
        return {};
    }
    const QString s = state.toString();
    if (s == QLatin1String("passed") || s == QLatin1String("finished")) {
        return QColor(0x2e, 0x7d, 0x32);
    }
    if (s == QLatin1String("failed") || s == QLatin1String("error")) {
        return QColor(0xc6, 0x28, 0x28);
    }
    if (s == QLatin1String("running") || s == QLatin1String("assigned")) {
        return QColor(0x15, 0x65, 0xc0);
    }
    if (s == QLatin1String("skipped") || s == QLatin1String("cancelled")) {
        return QColor(0x75, 0x75, 0x75);
    }
    return {};
}

void ClusterItemDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() == m_stateColumn) {
        const QColor c = stateColor(m_palette, index.data(m_stateRole));
        if (c.isValid()) {
            option->palette.setColor(QPalette::Text, c);
            option->font.setBold(true);
        }
    }
}

void ClusterItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    if (index.column() != m_progressColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = int(qBound(0.0, index.data(m_progressRole).toDouble(), 1.0) * 1000.0);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    bar.state = option.state | QStyle::State_Horizontal;
    bar.palette = option.palette;
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

} // namespace accel::ui
