#pragma once
// Internal to the host protocol codec (HostProtocol.cpp, HostProtocolFields.cpp).
#include "hosts/HostProtocol.h"

#include <QJsonObject>

#include <optional>

namespace accel::hostproto::detail {

inline constexpr double kMaxSafeInt = 9007199254740991.0; ///< 2^53 - 1

Error fail(ErrorCode code, QString detail);
/// JSON numbers are doubles: an integer field must be integral and inside [min, max].
bool isInteger(const QJsonValue &v, double min, double max);
/// Checks the fields a message of `type` must (and may) carry; the first problem found.
std::optional<Error> validateFields(MessageType type, const QJsonObject &o);

} // namespace accel::hostproto::detail
