#include "pool/ProfileSelectionPolicy.h"

namespace accel {

namespace {

std::optional<HostKind> kindFromBrowser(const QString &browser)
{
    if (browser == QLatin1String("qtwebengine")) {
        return HostKind::Embedded;
    }
    return hostKindFromName(browser);
}

} // namespace

ProfileSelectionPolicy::ProfileSelectionPolicy(BrowserProfiles profiles, QString operation)
    : m_profiles(std::move(profiles))
    , m_operation(std::move(operation))
{}

std::optional<HostKind> ProfileSelectionPolicy::preferredKind(ModelFamily family) const
{
    const auto winner = m_profiles.preferred(toString(family), m_operation);
    if (!winner) {
        return std::nullopt;
    }
    return kindFromBrowser(winner->browser);
}

QString ProfileSelectionPolicy::explain(ModelFamily family) const
{
    const BrowserProfiles::Ranking ranking = m_profiles.rank(toString(family), m_operation);
    if (!ranking.confident || ranking.candidates.empty()) {
        return QStringLiteral("defaults (%1)").arg(ranking.reason);
    }
    return QStringLiteral("history: %1/%2 (%3)")
        .arg(ranking.candidates.front().browser, ranking.candidates.front().backend, ranking.reason);
}

double ProfileSelectionPolicy::score(const SelectionRequest &request, const HostCandidate &candidate) const
{
    double s = m_defaults.score(request, candidate);
    const std::optional<HostKind> preferred = preferredKind(request.family);
    if (preferred && *preferred == candidate.kind) {
        s += kProfileBonus;
    }
    return s;
}

} // namespace accel
