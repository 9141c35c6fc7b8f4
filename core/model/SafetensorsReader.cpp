#include "model/SafetensorsReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cstring>

namespace accel {

std::int64_t TensorInfo::elementCount() const
{
    std::int64_t count = 1;
    for (std::int64_t d : shape) {
        count *= d;
    }
    return count;
}

namespace {

constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53: JSON numbers are doubles

bool toInteger(const QJsonValue &value, std::int64_t *out)
{
    if (!value.isDouble()) {
        return false;
    }
    const double d = value.toDouble();
    if (!(d >= 0.0) || d > kMaxExactInteger || d != double(std::int64_t(d))) {
        return false;
    }
    *out = std::int64_t(d);
    return true;
}

bool parseEntry(const QString &name, const QJsonValue &value, std::int64_t dataSize, TensorInfo *info,
                ModelError *error)
{
    const QString where = QStringLiteral("tensor '%1': ").arg(name);
    if (name.isEmpty()) {
        return fail(error, ModelErrorCode::BadHeader, QStringLiteral("tensor with an empty name"));
    }
    if (!value.isObject()) {
        return fail(error, ModelErrorCode::BadHeader, where + QStringLiteral("entry is not a JSON object"));
    }
    const QJsonObject o = value.toObject();
    const QJsonValue dtypeValue = o.value(QLatin1String("dtype"));
    if (!dtypeValue.isString()) {
        return fail(error, ModelErrorCode::BadHeader, where + QStringLiteral("missing string 'dtype'"));
    }
    const std::optional<Dtype> dt = dtype::fromString(dtypeValue.toString());
    if (!dt) {
        return fail(error, ModelErrorCode::BadDtype,
                    where + QStringLiteral("unknown dtype '%1'").arg(dtypeValue.toString().left(32)));
    }
    const QJsonValue shapeValue = o.value(QLatin1String("shape"));
    if (!shapeValue.isArray()) {
        return fail(error, ModelErrorCode::BadHeader, where + QStringLiteral("missing array 'shape'"));
    }
    const QJsonArray shape = shapeValue.toArray();
    if (shape.size() > SafetensorsReader::kMaxRank) {
        return fail(
            error, ModelErrorCode::BadShape,
            where + QStringLiteral("rank %1 exceeds %2").arg(shape.size()).arg(SafetensorsReader::kMaxRank));
    }
    info->name = name;
    info->dtype = *dt;
    info->shape.clear();
    // The element count must fit the data section; dimensions above it are absurd, and checking each
    // product against it keeps the multiplication from overflowing.
    const std::int64_t elementSize = dtype::sizeBytes(*dt);
    std::int64_t count = 1;
    for (const QJsonValue &dimValue : shape) {
        std::int64_t dim = 0;
        if (!toInteger(dimValue, &dim)) {
            return fail(error, ModelErrorCode::BadShape,
                        where + QStringLiteral("shape entries must be non-negative integers"));
        }
        info->shape.push_back(dim);
        if (count != 0 && dim != 0 && count > dataSize / dim) {
            count = dataSize + 1; // remembered as "too large"; a later zero dim still makes it empty
        } else {
            count = std::min(count * dim, dataSize + 1);
        }
    }
    const QJsonValue offsetsValue = o.value(QLatin1String("data_offsets"));
    const QJsonArray offsets = offsetsValue.toArray();
    if (!offsetsValue.isArray() || offsets.size() != 2) {
        return fail(error, ModelErrorCode::BadHeader,
                    where + QStringLiteral("'data_offsets' must be an array [begin, end]"));
    }
    if (!toInteger(offsets.at(0), &info->beginBytes) || !toInteger(offsets.at(1), &info->endBytes)) {
        return fail(error, ModelErrorCode::BadOffsets,
                    where + QStringLiteral("data offsets must be non-negative integers"));
    }
    if (info->endBytes < info->beginBytes) {
        return fail(error, ModelErrorCode::BadOffsets,
                    where + QStringLiteral("end offset %1 is before begin offset %2")
                                .arg(info->endBytes)
                                .arg(info->beginBytes));
    }
    if (info->endBytes > dataSize) {
        return fail(
            error, ModelErrorCode::Truncated,
            where + QStringLiteral("data [%1, %2) runs past the end of the file (data section is %3 bytes)")
                        .arg(info->beginBytes)
                        .arg(info->endBytes)
                        .arg(dataSize));
    }
    if (count > dataSize || count * elementSize != info->sizeBytes()) {
        QStringList dims;
        for (std::int64_t d : info->shape) {
            dims << QString::number(d);
        }
        return fail(error, ModelErrorCode::BadShape,
                    where + QStringLiteral("shape [%1] of %2 needs %3 bytes but data_offsets span %4")
                                .arg(dims.join(QLatin1Char(',')), dtype::toString(*dt))
                                .arg(count > dataSize ? QStringLiteral("more than the file's")
                                                      : QString::number(count * elementSize))
                                .arg(info->sizeBytes()));
    }
    return true;
}

} // namespace

SafetensorsReader::SafetensorsReader() = default;
SafetensorsReader::~SafetensorsReader() = default;

std::optional<SafetensorsIndex> SafetensorsReader::parse(const std::uint8_t *data, std::int64_t size,
                                                         ModelError *error)
{
    if (!data || size < 8) {
        fail(error, ModelErrorCode::Truncated,
             QStringLiteral("file is %1 bytes: too short for the 8-byte header length").arg(size));
        return std::nullopt;
    }
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i) {
        headerLength = headerLength << 8 | data[i];
    }
    if (headerLength == 0 || headerLength > std::uint64_t(kMaxHeaderBytes)) {
        fail(error, ModelErrorCode::BadHeader,
             QStringLiteral("absurd header length %1 (allowed 1..%2 bytes)")
                 .arg(headerLength)
                 .arg(kMaxHeaderBytes));
        return std::nullopt;
    }
    if (std::int64_t(headerLength) > size - 8) {
        fail(error, ModelErrorCode::Truncated,
             QStringLiteral("header declares %1 bytes but only %2 follow").arg(headerLength).arg(size - 8));
        return std::nullopt;
    }
    if (data[8] != '{') {
        fail(error, ModelErrorCode::BadHeader, QStringLiteral("header does not start with '{'"));
        return std::nullopt;
    }
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data + 8), qsizetype(headerLength)),
        &jsonError);
    if (jsonError.error != QJsonParseError::NoError || !doc.isObject()) {
        fail(error, ModelErrorCode::BadHeader,
             QStringLiteral("header is not a JSON object: %1 at byte %2")
                 .arg(jsonError.errorString())
                 .arg(jsonError.offset));
        return std::nullopt;
    }
    SafetensorsIndex index;
    index.dataStartBytes = 8 + std::int64_t(headerLength);
    index.dataSizeBytes = size - index.dataStartBytes;
    const QJsonObject root = doc.object();
    if (root.size() > kMaxTensors) {
        fail(error, ModelErrorCode::BadHeader, QStringLiteral("header lists %1 tensors").arg(root.size()));
        return std::nullopt;
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__")) {
            if (!it.value().isObject()) {
                fail(error, ModelErrorCode::BadHeader, QStringLiteral("'__metadata__' is not an object"));
                return std::nullopt;
            }
            const QJsonObject meta = it.value().toObject();
            for (auto m = meta.begin(); m != meta.end(); ++m) {
                if (!m.value().isString()) {
                    fail(error, ModelErrorCode::BadHeader,
                         QStringLiteral("'__metadata__' value for '%1' is not a string")
                             .arg(m.key().left(64)));
                    return std::nullopt;
                }
                index.metadata.insert(m.key(), m.value().toString());
            }
            continue;
        }
        TensorInfo info;
        if (!parseEntry(it.key(), it.value(), index.dataSizeBytes, &info, error)) {
            return std::nullopt;
        }
        index.tensors.push_back(std::move(info));
    }
    std::sort(index.tensors.begin(), index.tensors.end(), [](const TensorInfo &a, const TensorInfo &b) {
        return a.beginBytes != b.beginBytes ? a.beginBytes < b.beginBytes : a.endBytes < b.endBytes;
    });
    // The data section must be covered exactly: no overlaps, no holes, nothing left over.
    std::int64_t expected = 0;
    for (const TensorInfo &t : index.tensors) {
        if (t.beginBytes < expected) {
            fail(error, ModelErrorCode::BadOffsets,
                 QStringLiteral("tensor '%1' [%2, %3) overlaps the previous tensor (which ends at %4)")
                     .arg(t.name)
                     .arg(t.beginBytes)
                     .arg(t.endBytes)
                     .arg(expected));
            return std::nullopt;
        }
        if (t.beginBytes > expected) {
            fail(error, ModelErrorCode::BadOffsets,
                 QStringLiteral(
                     "hole in the data section: bytes [%1, %2) before tensor '%3' belong to no tensor")
                     .arg(expected)
                     .arg(t.beginBytes)
                     .arg(t.name));
            return std::nullopt;
        }
        expected = t.endBytes;
    }
    if (expected != index.dataSizeBytes) {
        fail(error, ModelErrorCode::BadOffsets,
             QStringLiteral("data section is %1 bytes but the tensors cover %2")
                 .arg(index.dataSizeBytes)
                 .arg(expected));
        return std::nullopt;
    }
    return index;
}

bool SafetensorsReader::adopt(const std::uint8_t *data, std::int64_t size, ModelError *error)
{
    std::optional<SafetensorsIndex> index = parse(data, size, error);
    if (!index) {
        return false;
    }
    m_index = std::move(*index);
    m_data = data;
    m_sizeBytes = size;
    return true;
}

bool SafetensorsReader::open(const QString &path, ModelError *error)
{
    m_data = nullptr;
    m_bytes.clear();
    m_path = path;
    m_file = std::make_unique<QFile>(path);
    if (!m_file->open(QIODevice::ReadOnly)) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("cannot open %1: %2").arg(path, m_file->errorString()));
    }
    const qint64 size = m_file->size();
    if (size < 8) {
        return fail(
            error, ModelErrorCode::Truncated,
            QStringLiteral("%1: file is %2 bytes, too short for a safetensors header").arg(path).arg(size));
    }
    const uchar *mapped = m_file->map(0, size);
    if (!mapped) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("cannot map %1: %2").arg(path, m_file->errorString()));
    }
    ModelError inner;
    if (!adopt(mapped, size, &inner)) {
        m_file.reset();
        return fail(error, inner.code, path + QStringLiteral(": ") + inner.message);
    }
    return true;
}

bool SafetensorsReader::openBytes(const QByteArray &bytes, ModelError *error)
{
    m_file.reset();
    m_path.clear();
    m_bytes = bytes;
    return adopt(reinterpret_cast<const std::uint8_t *>(m_bytes.constData()), m_bytes.size(), error);
}

const TensorInfo *SafetensorsReader::find(const QString &name) const
{
    for (const TensorInfo &t : m_index.tensors) {
        if (t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

const std::uint8_t *SafetensorsReader::rawData(const TensorInfo &info) const
{
    if (!m_data) {
        return nullptr;
    }
    return m_data + m_index.dataStartBytes + info.beginBytes;
}

bool SafetensorsReader::toFloat32(const TensorInfo &info, std::vector<float> *out, ModelError *error) const
{
    if (!m_data) {
        return fail(error, ModelErrorCode::Io, QStringLiteral("no file open"));
    }
    if (!dtype::isFloatConvertible(info.dtype)) {
        return fail(error, ModelErrorCode::BadDtype,
                    QStringLiteral("tensor '%1' is %2; only F32, F16 and BF16 can be used as weights")
                        .arg(info.name, dtype::toString(info.dtype)));
    }
    const std::uint8_t *src = rawData(info);
    const std::int64_t n = info.elementCount();
    out->resize(std::size_t(n));
    float *dst = out->data();
    switch (info.dtype) {
    case Dtype::F32:
        // Little-endian hosts only (x86, ARM): the file's bytes are the values. memcpy copes with the
        // header not being padded to a multiple of 4.
        if (n > 0) { // an empty vector's data() may be null, and memcpy(null, ..., 0) is UB
            std::memcpy(dst, src, std::size_t(n) * 4);
        }
        break;
    case Dtype::F16:
        for (std::int64_t i = 0; i < n; ++i) {
            dst[i] = dtype::halfToFloat(std::uint16_t(src[2 * i] | src[2 * i + 1] << 8));
        }
        break;
    default: // BF16
        for (std::int64_t i = 0; i < n; ++i) {
            dst[i] = dtype::bfloat16ToFloat(std::uint16_t(src[2 * i] | src[2 * i + 1] << 8));
        }
        break;
    }
    return true;
}

} // namespace accel
