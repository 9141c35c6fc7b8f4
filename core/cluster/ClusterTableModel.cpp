#include "cluster/ClusterTableModel.h"

#include <QSet>

namespace accel {

ClusterTableModel::ClusterTableModel(const QString &keyField, const QStringList &headers, QObject *parent)
    : QAbstractTableModel(parent)
    , m_keyField(keyField)
    , m_headers(headers)
{}

int ClusterTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClusterTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant ClusterTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < m_headers.size()) {
        return m_headers.at(section);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

QVariant ClusterTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    return cell(m_rows.at(index.row()), index.column(), role);
}

void ClusterTableModel::setHeaderLabels(const QStringList &labels)
{
    if (labels.size() != m_headers.size() || labels == m_headers) {
        return;
    }
    m_headers = labels;
    emit headerDataChanged(Qt::Horizontal, 0, int(m_headers.size()) - 1);
}

int ClusterTableModel::rowOf(const QString &key) const
{
    return m_index.value(key, -1);
}

QString ClusterTableModel::keyAt(int row) const
{
    if (row < 0 || row >= m_rows.size()) {
        return {};
    }
    return m_rows.at(row).value(m_keyField).toString();
}

QJsonObject ClusterTableModel::rowObject(int row) const
{
    if (row < 0 || row >= m_rows.size()) {
        return {};
    }
    return m_rows.at(row);
}

QJsonObject ClusterTableModel::merged(const QJsonObject &stored, const QJsonObject &incoming) const
{
    QJsonObject out = incoming;
    for (auto it = stored.constBegin(); it != stored.constEnd(); ++it) {
        if (it.key().startsWith(QLatin1Char('_')) && !out.contains(it.key())) {
            out.insert(it.key(), it.value());
        }
    }
    return out;
}

void ClusterTableModel::replaceAll(const QJsonArray &rows)
{
    QSet<QString> keep;
    for (const QJsonValue &v : rows) {
        const QString key = v.toObject().value(m_keyField).toString();
        if (!key.isEmpty()) {
            keep.insert(key);
        }
    }
    // Remove rows that left, in contiguous runs from the bottom up.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (keep.contains(m_rows.at(row).value(m_keyField).toString())) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !keep.contains(m_rows.at(first - 1).value(m_keyField).toString())) {
            --first;
        }
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    m_index.clear();
    for (int i = 0; i < m_rows.size(); ++i) {
        m_index.insert(m_rows.at(i).value(m_keyField).toString(), i);
    }
    QList<QJsonObject> added;
    QSet<QString> addedKeys;
    for (const QJsonValue &v : rows) {
        const QJsonObject o = v.toObject();
        const QString key = o.value(m_keyField).toString();
        if (key.isEmpty() || addedKeys.contains(key)) {
            continue;
        }
        const int row = rowOf(key);
        if (row >= 0) {
            const QJsonObject before = m_rows.at(row);
            m_rows[row] = merged(before, o);
            reportChanges(row, before);
        } else {
            addedKeys.insert(key);
            added.append(merged({}, o));
        }
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const QJsonObject &o : std::as_const(added)) {
            m_index.insert(o.value(m_keyField).toString(), int(m_rows.size()));
            m_rows.append(o);
        }
        endInsertRows();
    }
}

int ClusterTableModel::upsert(const QJsonObject &row)
{
    const QString key = row.value(m_keyField).toString();
    if (key.isEmpty()) {
        return -1;
    }
    const int existing = rowOf(key);
    if (existing >= 0) {
        const QJsonObject before = m_rows.at(existing);
        m_rows[existing] = merged(before, row);
        reportChanges(existing, before);
        return existing;
    }
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.append(merged({}, row));
    m_index.insert(key, at);
    endInsertRows();
    return at;
}

void ClusterTableModel::setRowObject(int row, const QJsonObject &object)
{
    if (row < 0 || row >= m_rows.size() || object.value(m_keyField) != m_rows.at(row).value(m_keyField)) {
        return;
    }
    const QJsonObject before = m_rows.at(row);
    m_rows[row] = object;
    reportChanges(row, before);
}

void ClusterTableModel::clearRows()
{
    if (m_rows.isEmpty()) {
        return;
    }
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

void ClusterTableModel::reportChanges(int row, const QJsonObject &before)
{
    const QJsonObject &after = m_rows.at(row);
    if (after == before) {
        return;
    }
    const int roles[] = {Qt::DisplayRole, Qt::ToolTipRole};
    int first = -1;
    int last = -1;
    for (int c = 0; c < m_headers.size(); ++c) {
        for (int role : roles) {
            if (cell(before, c, role) != cell(after, c, role)) {
                if (first < 0) {
                    first = c;
                }
                last = c;
                break;
            }
        }
    }
    if (first >= 0) {
        emit dataChanged(index(row, first), index(row, last));
    }
}

} // namespace accel
