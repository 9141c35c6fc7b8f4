#include "model/ContentStore.h"

#include "model/ModelWeights.h"

#include <QCryptographicHash>
#include <QJsonArray>

#include <algorithm>

namespace accel {

QByteArray ContentStore::sha256Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

ContentStore::ContentStore(qint64 chunkBytes)
    : m_chunkBytes(std::clamp<qint64>(chunkBytes, 1, kMaxChunkBytes))
{}

TensorManifest ContentStore::add(const QString &name, const QString &dtype,
                                 const std::vector<std::int64_t> &shape, const QByteArray &bytes)
{
    TensorManifest m;
    m.name = name;
    m.dtype = dtype;
    m.shape = shape;
    m.sizeBytes = bytes.size();
    for (qint64 offset = 0; offset < bytes.size(); offset += m_chunkBytes) {
        const QByteArray piece =
            bytes.mid(qsizetype(offset), qsizetype(std::min(m_chunkBytes, bytes.size() - offset)));
        const QByteArray hash = sha256Hex(piece);
        if (!m_chunks.contains(hash)) {
            m_chunks.insert(hash, piece);
            m_storedBytes += piece.size();
        }
        m.chunks.push_back({hash, offset, piece.size()});
    }
    return m;
}

bool ContentStore::addModelTensors(const ModelWeights &weights, const QStringList &names,
                                   std::vector<TensorManifest> *out, ModelError *error)
{
    for (const QString &name : names) {
        std::vector<float> values;
        if (!weights.tensor(name, &values, error)) {
            return false;
        }
        const QByteArray bytes(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * 4));
        out->push_back(
            add(name, QStringLiteral("F32"), ModelWeights::canonicalShape(weights.config(), name), bytes));
    }
    return true;
}

std::vector<QByteArray> ContentStore::missing(const std::vector<TensorManifest> &manifests,
                                              const QSet<QByteArray> &held)
{
    std::vector<QByteArray> out;
    QSet<QByteArray> seen;
    for (const TensorManifest &m : manifests) {
        for (const ChunkRef &c : m.chunks) {
            if (!held.contains(c.sha256Hex) && !seen.contains(c.sha256Hex)) {
                seen.insert(c.sha256Hex);
                out.push_back(c.sha256Hex);
            }
        }
    }
    return out;
}

qint64 ContentStore::bytesFor(const std::vector<QByteArray> &hashes) const
{
    qint64 total = 0;
    for (const QByteArray &h : hashes) {
        total += m_chunks.value(h).size();
    }
    return total;
}

bool ContentStore::assemble(const TensorManifest &manifest, QByteArray *out, ModelError *error) const
{
    out->clear();
    out->reserve(qsizetype(manifest.sizeBytes));
    for (const ChunkRef &c : manifest.chunks) {
        const auto it = m_chunks.constFind(c.sha256Hex);
        if (it == m_chunks.constEnd()) {
            return fail(error, ModelErrorCode::MissingTensor,
                        QStringLiteral("tensor '%1': chunk %2 is not in the store")
                            .arg(manifest.name, QString::fromLatin1(c.sha256Hex)));
        }
        if (c.offsetBytes != out->size() || it->size() != c.sizeBytes || sha256Hex(*it) != c.sha256Hex) {
            return fail(error, ModelErrorCode::BadOffsets,
                        QStringLiteral("tensor '%1': chunk %2 does not match its offset, size or hash")
                            .arg(manifest.name, QString::fromLatin1(c.sha256Hex)));
        }
        out->append(*it);
    }
    if (out->size() != manifest.sizeBytes) {
        return fail(error, ModelErrorCode::Truncated,
                    QStringLiteral("tensor '%1': chunks cover %2 of %3 bytes")
                        .arg(manifest.name)
                        .arg(out->size())
                        .arg(manifest.sizeBytes));
    }
    return true;
}

QJsonObject TensorManifest::toJson() const
{
    QJsonArray shapeJson;
    for (auto d : shape) {
        shapeJson.append(qint64(d));
    }
    QJsonArray chunkJson;
    for (const ChunkRef &c : chunks) {
        chunkJson.append(QJsonObject{{QStringLiteral("sha256"), QString::fromLatin1(c.sha256Hex)},
                                     {QStringLiteral("offset"), c.offsetBytes},
                                     {QStringLiteral("size"), c.sizeBytes}});
    }
    return {{QStringLiteral("name"), name},
            {QStringLiteral("dtype"), dtype},
            {QStringLiteral("shape"), shapeJson},
            {QStringLiteral("size"), sizeBytes},
            {QStringLiteral("chunks"), chunkJson}};
}

bool TensorManifest::fromJson(const QJsonObject &json, TensorManifest *out, ModelError *error)
{
    auto bad = [error](const QString &what) {
        return fail(error, ModelErrorCode::BadHeader, QStringLiteral("manifest: ") + what);
    };
    out->name = json.value(QLatin1String("name")).toString();
    out->dtype = json.value(QLatin1String("dtype")).toString();
    if (out->name.isEmpty() || out->dtype.isEmpty()) {
        return bad(QStringLiteral("name and dtype are required"));
    }
    const double size = json.value(QLatin1String("size")).toDouble(-1);
    if (size < 0 || size > 9007199254740992.0) {
        return bad(QStringLiteral("bad size"));
    }
    out->sizeBytes = qint64(size);
    out->shape.clear();
    for (const QJsonValue &d : json.value(QLatin1String("shape")).toArray()) {
        if (!d.isDouble() || d.toDouble() < 0) {
            return bad(QStringLiteral("bad shape"));
        }
        out->shape.push_back(std::int64_t(d.toDouble()));
    }
    out->chunks.clear();
    qint64 expected = 0;
    for (const QJsonValue &v : json.value(QLatin1String("chunks")).toArray()) {
        const QJsonObject c = v.toObject();
        const QByteArray hash = c.value(QLatin1String("sha256")).toString().toLatin1();
        const qint64 offset = qint64(c.value(QLatin1String("offset")).toDouble(-1));
        const qint64 chunkSize = qint64(c.value(QLatin1String("size")).toDouble(-1));
        if (hash.size() != 64 || QByteArray::fromHex(hash).size() != 32 || offset != expected ||
            chunkSize <= 0 || chunkSize > ContentStore::kMaxChunkBytes) {
            return bad(QStringLiteral("chunk %1 is malformed or out of order").arg(out->chunks.size()));
        }
        out->chunks.push_back({hash.toLower(), offset, chunkSize});
        expected += chunkSize;
    }
    if (expected != out->sizeBytes) {
        return bad(QStringLiteral("chunks cover %1 of %2 bytes").arg(expected).arg(out->sizeBytes));
    }
    return true;
}

} // namespace accel
