#include "model/SafetensorsWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <bit>
#include <cstring>

namespace accel {

void SafetensorsWriter::addFloat(const QString &name, const std::vector<std::int64_t> &shape,
                                 const std::vector<float> &values, Dtype storeAs)
{
    QByteArray bytes;
    if (storeAs == Dtype::F16 || storeAs == Dtype::BF16) {
        bytes.resize(qsizetype(values.size() * 2));
        for (std::size_t i = 0; i < values.size(); ++i) {
            std::uint16_t h;
            if (storeAs == Dtype::F16) {
                h = dtype::floatToHalf(values[i]);
            } else {
                const std::uint32_t f = std::bit_cast<std::uint32_t>(values[i]);
                h = std::uint16_t((f + 0x7fffu + ((f >> 16) & 1u)) >> 16);
            }
            bytes[qsizetype(2 * i)] = char(h & 0xff);
            bytes[qsizetype(2 * i + 1)] = char(h >> 8);
        }
    } else {
        storeAs = Dtype::F32;
        bytes.resize(qsizetype(values.size() * 4));
        if (!values.empty()) {
            std::memcpy(bytes.data(), values.data(), values.size() * 4);
        }
    }
    m_entries.push_back({name, storeAs, shape, std::move(bytes)});
}

void SafetensorsWriter::addRaw(const QString &name, Dtype type, const std::vector<std::int64_t> &shape,
                               QByteArray bytes)
{
    m_entries.push_back({name, type, shape, std::move(bytes)});
}

QByteArray SafetensorsWriter::toBytes() const
{
    QJsonObject header;
    if (!m_metadata.isEmpty()) {
        QJsonObject meta;
        for (auto it = m_metadata.begin(); it != m_metadata.end(); ++it) {
            meta.insert(it.key(), it.value());
        }
        header.insert(QStringLiteral("__metadata__"), meta);
    }
    qint64 offset = 0;
    for (const Entry &e : m_entries) {
        QJsonArray shape;
        for (std::int64_t d : e.shape) {
            shape.append(qint64(d));
        }
        QJsonObject o;
        o.insert(QStringLiteral("dtype"), dtype::toString(e.type));
        o.insert(QStringLiteral("shape"), shape);
        o.insert(QStringLiteral("data_offsets"), QJsonArray{offset, offset + e.bytes.size()});
        header.insert(e.name, o);
        offset += e.bytes.size();
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0) {
        json.append(' ');
    }
    QByteArray out;
    out.reserve(8 + json.size() + offset);
    quint64 n = quint64(json.size());
    for (int i = 0; i < 8; ++i) {
        out.append(char(n & 0xff));
        n >>= 8;
    }
    out.append(json);
    for (const Entry &e : m_entries) {
        out.append(e.bytes);
    }
    return out;
}

bool SafetensorsWriter::write(const QString &path, ModelError *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    }
    const QByteArray bytes = toBytes();
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    }
    return true;
}

} // namespace accel
