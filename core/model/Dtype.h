#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace accel {

/// Element types of the safetensors format. Only F32, F16 and BF16 can be widened to float32 for
/// compute; the others are parsed and validated so files that carry them (e.g. int64 buffers) load.
enum class Dtype { F64 = 1, F32, F16, BF16, I64, I32, I16, I8, U8, Bool, F8E4M3, F8E5M2 };

namespace dtype {
std::optional<Dtype> fromString(const QString &name);
QString toString(Dtype type);
int sizeBytes(Dtype type);
bool isFloatConvertible(Dtype type); ///< F32, F16, BF16
float halfToFloat(std::uint16_t bits);
float bfloat16ToFloat(std::uint16_t bits);
std::uint16_t floatToHalf(float value); ///< round to nearest even; for fixtures and FP16 exports
} // namespace dtype

} // namespace accel
