#pragma once

#include "model/Dtype.h"
#include "model/ModelError.h"

#include <QByteArray>
#include <QMap>
#include <QString>

#include <cstdint>
#include <vector>

namespace accel {

/// Builds a safetensors file: tensors are written in the order added, the JSON header is padded
/// with spaces to a multiple of 8 bytes (as the reference implementation does) so F32 data stays
/// aligned when mapped. Used by the demo-model generator and by fixtures.
class SafetensorsWriter
{
public:
    void setMetadata(const QString &key, const QString &value) { m_metadata.insert(key, value); }
    /// Adds a float32 tensor, stored as F32, F16 (rounded to nearest even) or BF16 (rounded).
    void addFloat(const QString &name, const std::vector<std::int64_t> &shape,
                  const std::vector<float> &values, Dtype storeAs = Dtype::F32);
    /// Adds raw little-endian bytes of any dtype (the caller vouches that they match the shape).
    void addRaw(const QString &name, Dtype type, const std::vector<std::int64_t> &shape, QByteArray bytes);

    QByteArray toBytes() const;
    bool write(const QString &path, ModelError *error) const;

private:
    struct Entry
    {
        QString name;
        Dtype type;
        std::vector<std::int64_t> shape;
        QByteArray bytes;
    };
    std::vector<Entry> m_entries;
    QMap<QString, QString> m_metadata;
};

} // namespace accel
