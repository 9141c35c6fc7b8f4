#pragma once

#include "model/ModelError.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <cstdint>
#include <vector>

namespace accel {

class ModelWeights;

/// One chunk of a tensor's bytes, addressed by the SHA-256 of its content.
struct ChunkRef
{
    QByteArray sha256Hex; ///< 64 lowercase hex digits
    qint64 offsetBytes = 0;
    qint64 sizeBytes = 0;
};

/// How to rebuild one tensor from chunks. Identical byte ranges (in one model or across models,
/// e.g. a re-sharded or re-exported checkpoint) share chunks.
struct TensorManifest
{
    QString name;
    QString dtype; ///< "F32", "F16", ...
    std::vector<std::int64_t> shape;
    qint64 sizeBytes = 0;
    std::vector<ChunkRef> chunks;

    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &json, TensorManifest *out, ModelError *error);
};

/// Content-addressed weight chunks. A tensor is cut into fixed-size chunks (the last one shorter);
/// each chunk is stored once under its SHA-256. A host reports the hashes it already holds (the
/// page caches chunks in Cache Storage, see compute/chunk-cache.js) and is sent only missing().
/// Not thread-safe: one owner thread.
class ContentStore
{
public:
    static constexpr qint64 kDefaultChunkBytes = 4 * 1024 * 1024;
    static constexpr qint64 kMaxChunkBytes = 64 * 1024 * 1024;

    explicit ContentStore(qint64 chunkBytes = kDefaultChunkBytes);

    qint64 chunkBytes() const { return m_chunkBytes; }
    /// Cuts `bytes` into chunks, stores the new ones, returns the manifest.
    TensorManifest add(const QString &name, const QString &dtype, const std::vector<std::int64_t> &shape,
                       const QByteArray &bytes);
    /// The canonical float32 tensors `names` of a model (see ModelWeights).
    bool addModelTensors(const ModelWeights &weights, const QStringList &names,
                         std::vector<TensorManifest> *out, ModelError *error);

    bool contains(const QByteArray &sha256Hex) const { return m_chunks.contains(sha256Hex); }
    QByteArray chunk(const QByteArray &sha256Hex) const { return m_chunks.value(sha256Hex); }
    int chunkCount() const { return int(m_chunks.size()); }
    qint64 storedBytes() const { return m_storedBytes; }

    /// Chunk hashes the manifests need that `held` lacks, each once, in first-use order.
    static std::vector<QByteArray> missing(const std::vector<TensorManifest> &manifests,
                                           const QSet<QByteArray> &held);
    /// Bytes that sending `missing` costs, against sending every tensor whole.
    qint64 bytesFor(const std::vector<QByteArray> &hashes) const;

    /// Rebuilds a tensor from chunks, verifying every chunk's hash and the sizes.
    bool assemble(const TensorManifest &manifest, QByteArray *out, ModelError *error) const;
    static QByteArray sha256Hex(const QByteArray &bytes);

private:
    qint64 m_chunkBytes;
    QHash<QByteArray, QByteArray> m_chunks;
    qint64 m_storedBytes = 0;
};

} // namespace accel
