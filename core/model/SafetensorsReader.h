#pragma once

#include "model/Dtype.h"
#include "model/ModelError.h"

#include <QByteArray>
#include <QFile>
#include <QMap>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace accel {

/// One tensor entry of a safetensors header. Offsets are relative to the start of the data
/// section (the byte after the JSON header), as in the format.
struct TensorInfo
{
    QString name;
    Dtype dtype = Dtype::F32;
    std::vector<std::int64_t> shape;
    std::int64_t beginBytes = 0;
    std::int64_t endBytes = 0;

    std::int64_t elementCount() const;
    std::int64_t sizeBytes() const { return endBytes - beginBytes; }
};

/// The parsed, validated header of a safetensors file.
struct SafetensorsIndex
{
    std::vector<TensorInfo> tensors; ///< in data-offset order
    QMap<QString, QString> metadata; ///< the optional "__metadata__" string map
    std::int64_t dataStartBytes = 0; ///< 8 + header length
    std::int64_t dataSizeBytes = 0;
};

/// Reads the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// ({"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}), then the
/// tensor bytes. parse() is the pure codec (bytes in, index or error out); open() memory-maps a
/// file and keeps the mapping alive for the reader's lifetime. Every offset, size and dtype is
/// checked: truncation, overlaps, holes, size/shape mismatches and absurd headers are errors.
/// Thread-safety: a const reader may be used from several threads.
class SafetensorsReader
{
public:
    static constexpr std::int64_t kMaxHeaderBytes = 100 * 1024 * 1024; ///< as the reference impl
    static constexpr int kMaxRank = 8;
    static constexpr std::int64_t kMaxTensors = 1'000'000;

    SafetensorsReader();
    ~SafetensorsReader();
    SafetensorsReader(const SafetensorsReader &) = delete;
    SafetensorsReader &operator=(const SafetensorsReader &) = delete;

    /// Validates the header of `size` bytes at `data` (the whole file, or at least header plus
    /// the data it declares). Never reads past data + size.
    static std::optional<SafetensorsIndex> parse(const std::uint8_t *data, std::int64_t size,
                                                 ModelError *error);

    /// Memory-maps and validates a file.
    bool open(const QString &path, ModelError *error);
    /// Validates and keeps an in-memory copy (tests, downloads).
    bool openBytes(const QByteArray &bytes, ModelError *error);

    bool isOpen() const { return m_data != nullptr; }
    QString path() const { return m_path; }
    const SafetensorsIndex &index() const { return m_index; }
    const std::vector<TensorInfo> &tensors() const { return m_index.tensors; }
    const TensorInfo *find(const QString &name) const;
    /// Raw bytes of a tensor (little-endian, as stored). Empty for unknown tensors.
    const std::uint8_t *rawData(const TensorInfo &info) const;
    /// The tensor widened to float32 (F32, F16, BF16); false with BadDtype otherwise.
    bool toFloat32(const TensorInfo &info, std::vector<float> *out, ModelError *error) const;

private:
    bool adopt(const std::uint8_t *data, std::int64_t size, ModelError *error);

    QString m_path;
    std::unique_ptr<QFile> m_file;
    QByteArray m_bytes;
    const std::uint8_t *m_data = nullptr;
    std::int64_t m_sizeBytes = 0;
    SafetensorsIndex m_index;
};

} // namespace accel
