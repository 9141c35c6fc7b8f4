#include "model/Dtype.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace accel::dtype {

namespace {
struct Entry
{
    const char *name;
    Dtype type;
    int sizeBytes;
};
constexpr Entry kEntries[] = {
    {"F64", Dtype::F64, 8},   {"F32", Dtype::F32, 4},        {"F16", Dtype::F16, 2},
    {"BF16", Dtype::BF16, 2}, {"I64", Dtype::I64, 8},        {"I32", Dtype::I32, 4},
    {"I16", Dtype::I16, 2},   {"I8", Dtype::I8, 1},          {"U8", Dtype::U8, 1},
    {"BOOL", Dtype::Bool, 1}, {"F8_E4M3", Dtype::F8E4M3, 1}, {"F8_E5M2", Dtype::F8E5M2, 1},
};
} // namespace

std::optional<Dtype> fromString(const QString &name)
{
    for (const Entry &e : kEntries) {
        if (name == QLatin1String(e.name)) {
            return e.type;
        }
    }
    return std::nullopt;
}

QString toString(Dtype type)
{
    for (const Entry &e : kEntries) {
        if (e.type == type) {
            return QString::fromLatin1(e.name);
        }
    }
    return QStringLiteral("?");
}

int sizeBytes(Dtype type)
{
    for (const Entry &e : kEntries) {
        if (e.type == type) {
            return e.sizeBytes;
        }
    }
    return 0;
}

bool isFloatConvertible(Dtype type)
{
    return type == Dtype::F32 || type == Dtype::F16 || type == Dtype::BF16;
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    std::uint32_t mantissa = h & 0x3ffu;
    std::uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { // subnormal: normalise
            int e = -1;
            do {
                ++e;
                mantissa <<= 1;
            } while ((mantissa & 0x400u) == 0);
            bits = sign | std::uint32_t(127 - 15 - e) << 23 | (mantissa & 0x3ffu) << 13;
        }
    } else if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | mantissa << 13;
    } else {
        bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
    }
    return std::bit_cast<float>(bits);
}

float bfloat16ToFloat(std::uint16_t bits)
{
    return std::bit_cast<float>(std::uint32_t(bits) << 16);
}

std::uint16_t floatToHalf(float value)
{
    const std::uint32_t f = std::bit_cast<std::uint32_t>(value);
    const std::uint16_t sign = std::uint16_t((f >> 16) & 0x8000u);
    const std::uint32_t absBits = f & 0x7fffffffu;
    if (absBits >= 0x7f800000u) { // inf or nan
        return std::uint16_t(sign | 0x7c00u | (absBits > 0x7f800000u ? 0x200u : 0u));
    }
    if (absBits >= 0x477ff000u) { // rounds to >= 65520: overflow to inf
        return std::uint16_t(sign | 0x7c00u);
    }
    if (absBits < 0x38800000u) { // below the smallest normal half: subnormal or zero
        const float a = std::bit_cast<float>(absBits);
        const float scaled = a * 16777216.0f; // a / 2^-24
        return std::uint16_t(sign | std::uint16_t(std::nearbyint(scaled)));
    }
    std::uint32_t rebiased = absBits - (std::uint32_t(127 - 15) << 23);
    const std::uint32_t roundBit = 0x1000u;
    const std::uint32_t lsb = (rebiased >> 13) & 1u;
    rebiased += roundBit - 1 + lsb;
    return std::uint16_t(sign | (rebiased >> 13));
}

} // namespace accel::dtype
