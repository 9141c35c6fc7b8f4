#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace accel {

// The resilience enums are declared in accel::resilience and re-exported into accel (use them as
// accel::ErrorCategory). This keeps accel::toString() out of argument-dependent lookup for them,
// so QCOMPARE() on these enums compiles: QTest calls an unqualified toString() that must return
// char *, and an ADL-visible toString() returning QString would hijack it.
namespace resilience {

/// Why a call to a host failed. Values start at 1 (no valid zero value) and are stable: they
/// appear in logs, JSON and stored metrics through toString()/errorCategoryFromString().
enum class ErrorCategory : quint8 {
    ConnectionLost = 1, ///< WebSocket/transport to the host dropped mid-call.
    Timeout,            ///< No answer within the call's deadline.
    BrowserCrashed,     ///< Renderer or browser process died (crash, OOM-kill, signal).
    GpuDeviceLost,      ///< WebGPU GPUDevice.lost / adapter reset.
    OutOfMemory,        ///< Allocation failed on the host (JS heap, GPU buffer, Wasm memory).
    ShaderCompile,      ///< WGSL/WebNN graph/Wasm kernel failed to compile on this host.
    Protocol,           ///< Malformed or unexpected frame from the host (version skew, corruption).
    Model,              ///< The model itself failed (bad weights, invalid input, NaN output).
    Cancelled,          ///< The caller cancelled the call; says nothing about the host.
};

} // namespace resilience
using resilience::ErrorCategory;

/// Number of ErrorCategory values; categories are 1..kErrorCategoryCount.
inline constexpr int kErrorCategoryCount = 9;

namespace resilience {
/// Where an error comes from. Local errors are about the host we run on (its browser, GPU,
/// connection): they judge the host and feed its breaker. Model errors come from the model or the
/// request and would happen on any host: they are kept apart and, by default, never trip a breaker.
enum class ErrorOrigin : quint8 {
    Local = 1,
    Model,
};
} // namespace resilience
using resilience::ErrorOrigin;

ErrorOrigin originOf(ErrorCategory category);

/// Stable lower-camel names: "connectionLost", "timeout", "browserCrashed", "gpuDeviceLost",
/// "outOfMemory", "shaderCompile", "protocol", "model", "cancelled".
QString toString(ErrorCategory category);
/// Inverse of toString(ErrorCategory); case-sensitive; nullopt for unknown names.
std::optional<ErrorCategory> errorCategoryFromString(QStringView name);
/// Every category in enum order.
QList<ErrorCategory> allErrorCategories();

/// "local" / "model".
QString toString(ErrorOrigin origin);
std::optional<ErrorOrigin> errorOriginFromString(QStringView name);

/// A set of categories as a bit mask (bit N = category N). Cheap to test on the hot path.
class ErrorCategorySet
{
public:
    constexpr ErrorCategorySet() = default;
    constexpr ErrorCategorySet(std::initializer_list<ErrorCategory> categories)
    {
        for (ErrorCategory c : categories) {
            m_bits |= bit(c);
        }
    }
    constexpr bool contains(ErrorCategory c) const { return (m_bits & bit(c)) != 0; }
    constexpr void insert(ErrorCategory c) { m_bits |= bit(c); }
    constexpr void remove(ErrorCategory c) { m_bits &= ~bit(c); }
    constexpr bool isEmpty() const { return m_bits == 0; }
    constexpr quint32 bits() const { return m_bits; }
    constexpr bool operator==(const ErrorCategorySet &) const = default;

    QList<ErrorCategory> toList() const;
    QStringList toStringList() const;

    /// Every category whose origin is Local, except Cancelled: the default "counts as failure" set.
    static ErrorCategorySet defaultCounted();

private:
    static constexpr quint32 bit(ErrorCategory c) { return quint32(1) << quint32(c); }
    quint32 m_bits = 0;
};

} // namespace accel
