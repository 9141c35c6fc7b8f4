// libFuzzer target for the model-file parsers: the safetensors codec (header validation, then
// widening every float tensor it accepted) and config.json. Inputs whose first byte is '{' are also
// tried as a config.
#include "model/ModelConfig.h"
#include "model/SafetensorsReader.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    accel::ModelError error;
    accel::SafetensorsReader reader;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    if (reader.openBytes(bytes, &error)) {
        std::int64_t covered = 0;
        for (const accel::TensorInfo &t : reader.tensors()) {
            // Every accepted tensor lies inside the input: the invariant the reader promises.
            if (t.beginBytes < 0 || t.endBytes > reader.index().dataSizeBytes || t.beginBytes > t.endBytes) {
                std::abort();
            }
            covered += t.sizeBytes();
            std::vector<float> values;
            if (accel::dtype::isFloatConvertible(t.dtype) && t.elementCount() < (1 << 20)) {
                reader.toFloat32(t, &values, &error);
            }
        }
        if (covered != reader.index().dataSizeBytes) {
            std::abort();
        }
    } else if (error.message.isEmpty()) {
        std::abort(); // every rejection explains itself
    }
    if (size > 0 && data[0] == '{') {
        const std::optional<accel::ModelConfig> config = accel::ModelConfig::fromJson(bytes, &error);
        if (config && !config->validate(&error)) {
            std::abort();
        }
    }
    return 0;
}
