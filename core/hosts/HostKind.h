#pragma once

#include <QString>

#include <optional>

namespace accel {

/// Where a runtime page runs. Travels in host URLs as `kind=<name>`.
enum class HostKind { Embedded = 1, Chromium, Firefox, Edge };

QString hostKindName(HostKind kind);
std::optional<HostKind> hostKindFromName(const QString &name);

} // namespace accel
