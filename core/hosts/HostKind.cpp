#include "hosts/HostKind.h"

namespace accel {

QString hostKindName(HostKind kind)
{
    switch (kind) {
    case HostKind::Embedded:
        return QStringLiteral("embedded");
    case HostKind::Chromium:
        return QStringLiteral("chromium");
    case HostKind::Firefox:
        return QStringLiteral("firefox");
    case HostKind::Edge:
        return QStringLiteral("edge");
    }
    return {};
}

std::optional<HostKind> hostKindFromName(const QString &name)
{
    for (HostKind k : {HostKind::Embedded, HostKind::Chromium, HostKind::Firefox, HostKind::Edge}) {
        if (hostKindName(k) == name) {
            return k;
        }
    }
    return std::nullopt;
}

} // namespace accel
