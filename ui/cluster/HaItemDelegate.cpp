#include "cluster/HaItemDelegate.h"

#include "cluster/HaCoordinatorsModel.h"
#include "cluster/HaMembersModel.h"

#include <QColor>

namespace accel::ui {

namespace {
const QColor kGood(0xc8, 0xe6, 0xc9);
const QColor kWarn(0xff, 0xec, 0xb3);
const QColor kBad(0xff, 0xcd, 0xd2);
} // namespace

HaItemDelegate::HaItemDelegate(Table table, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_table(table)
{}

QString HaItemDelegate::text(const QModelIndex &index) const
{
    if (m_table == Table::Coordinators) {
        using Role = HaCoordinatorStatus::Role;
        if (index.column() == HaCoordinatorsModel::RoleColumn) {
            switch (Role(index.data(HaCoordinatorsModel::StatusRoleRole).toInt())) {
            case Role::Leader:
                return tr("leader");
            case Role::Follower:
                return tr("follower");
            case Role::Candidate:
                return tr("candidate");
            case Role::Stopping:
                return tr("stopping");
            case Role::Unreachable:
                return tr("down");
            case Role::Unknown:
                return tr("unknown");
            }
        }
        if (index.column() == HaCoordinatorsModel::LastSeenColumn) {
            const qint64 ageMs = index.data(HaCoordinatorsModel::LastSeenAgeMsRole).toLongLong();
            return ageMs < 0 ? tr("never") : tr("%1 s ago").arg(double(ageMs) / 1000.0, 0, 'f', 1);
        }
        return {};
    }
    if (index.column() == HaMembersModel::LeaderColumn) {
        return index.data(HaMembersModel::IsLeaderRole).toBool() ? tr("leader") : QString(QLatin1Char(' '));
    }
    if (index.column() == HaMembersModel::StateColumn) {
        if (index.data(HaMembersModel::ReachableRole).toBool()) {
            return tr("up");
        }
        const QString error = index.data(Qt::ToolTipRole).toString();
        return error.isEmpty() ? tr("down") : tr("down: %1").arg(error);
    }
    return {};
}

QColor HaItemDelegate::tint(const QModelIndex &index) const
{
    if (m_table == Table::Coordinators) {
        if (index.column() != HaCoordinatorsModel::RoleColumn) {
            return {};
        }
        using Role = HaCoordinatorStatus::Role;
        switch (Role(index.data(HaCoordinatorsModel::StatusRoleRole).toInt())) {
        case Role::Leader:
            return kGood;
        case Role::Candidate:
        case Role::Stopping:
            return kWarn;
        case Role::Unreachable:
            return kBad;
        default:
            return {};
        }
    }
    if (index.column() == HaMembersModel::LeaderColumn && index.data(HaMembersModel::IsLeaderRole).toBool()) {
        return kGood;
    }
    if (index.column() == HaMembersModel::StateColumn) {
        return index.data(HaMembersModel::ReachableRole).toBool() ? QColor() : kBad;
    }
    return {};
}

void HaItemDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QString translated = text(index);
    if (!translated.isEmpty()) {
        option->text = translated.trimmed();
    }
    const QColor colour = tint(index);
    if (colour.isValid()) {
        option->backgroundBrush = colour;
        option->palette.setColor(QPalette::Text, Qt::black);
    }
}

} // namespace accel::ui
