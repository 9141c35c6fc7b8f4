#include "model/ModelLayerModel.h"

#include "model/ModelWeights.h"

#include <QLocale>

namespace accel {

namespace {

qint64 parametersOf(const ModelConfig &config, const QStringList &names)
{
    qint64 total = 0;
    for (const QString &name : names) {
        qint64 count = 1;
        for (std::int64_t d : ModelWeights::canonicalShape(config, name)) {
            count *= d;
        }
        total += count;
    }
    return total;
}

} // namespace

ModelLayerModel::ModelLayerModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QList<ModelLayerModel::Row> ModelLayerModel::rowsFor(const ModelConfig &config)
{
    QList<Row> rows;
    Row embeddings;
    embeddings.kind = RowKind::Embeddings;
    embeddings.tensors = ModelWeights::embeddingTensorNames(config);
    embeddings.parameters = parametersOf(config, embeddings.tensors);
    rows.append(embeddings);
    for (int i = 0; i < config.layerCount; ++i) {
        Row layer;
        layer.kind = RowKind::Layer;
        layer.layer = i;
        layer.tensors = ModelWeights::layerTensorNames(config, i);
        layer.parameters = parametersOf(config, layer.tensors);
        rows.append(layer);
    }
    Row final;
    final.kind = RowKind::Final;
    final.tensors = ModelWeights::finalTensorNames(config);
    final.parameters = parametersOf(config, final.tensors);
    rows.append(final);
    return rows;
}

void ModelLayerModel::setConfig(const std::optional<ModelConfig> &config)
{
    beginResetModel();
    m_config = config;
    m_rows = config ? rowsFor(*config) : QList<Row>();
    m_totalParameters = 0;
    for (const Row &r : std::as_const(m_rows)) {
        m_totalParameters += r.parameters;
    }
    endResetModel();
}

int ModelLayerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ModelLayerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelLayerModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case PartColumn:
            switch (r.kind) {
            case RowKind::Embeddings:
                return tr("embeddings");
            case RowKind::Final:
                return tr("final");
            case RowKind::Layer:
                return tr("layer %1").arg(r.layer);
            }
            return {};
        case TensorsColumn:
            return QLocale().toString(r.tensors.size());
        case ParametersColumn:
            return QLocale().toString(r.parameters);
        case BytesColumn:
            return QLocale().toString(r.bytes());
        }
        return {};
    case Qt::ToolTipRole:
        return r.tensors.isEmpty() ? tr("no tensors") : r.tensors.join(QStringLiteral(", "));
    case Qt::TextAlignmentRole:
        return index.column() == PartColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                            : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case SortRole:
        switch (index.column()) {
        case PartColumn:
            return index.row();
        case TensorsColumn:
            return qint64(r.tensors.size());
        case ParametersColumn:
            return r.parameters;
        case BytesColumn:
            return r.bytes();
        }
        return {};
    case RowKindRole:
        return int(r.kind);
    case LayerIndexRole:
        return r.layer;
    case TensorNamesRole:
        return r.tensors;
    }
    return {};
}

QVariant ModelLayerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case PartColumn:
        return tr("Part");
    case TensorsColumn:
        return tr("Tensors");
    case ParametersColumn:
        return tr("Parameters");
    case BytesColumn:
        return tr("Float32 bytes");
    }
    return {};
}

} // namespace accel
