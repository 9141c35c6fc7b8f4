#pragma once

#include "history/BrowserProfiles.h"
#include "pool/HostSelector.h"

namespace accel {

/// Host selection driven by measured history: when BrowserProfiles is confident which browser
/// kind wins for the request's model family (operation "inference" unless set), hosts of that
/// kind are preferred over the built-in affinities; otherwise the DefaultSelectionPolicy decides.
///
/// Weights (on top of DefaultSelectionPolicy's lexicographic score): a profile winner gets
/// +10,000, which outranks kind affinity (at most 4,000) but never a healthy-vs-unhealthy or
/// backend-support difference (1,000,000 / 100,000), so history cannot send work to a sick host
/// or to one that lacks the requested backend.
///
/// Browser names in the history are HostKind names ("chromium", "firefox", "edge", "embedded";
/// "qtwebengine" is accepted for embedded). Immutable after construction: build a new policy
/// from a fresh profile snapshot (BrowserProfiles::fromStore, off the GUI thread) and swap it in
/// with HostSelector::setPolicy().
class ProfileSelectionPolicy : public SelectionPolicy
{
public:
    static constexpr double kProfileBonus = 10'000.0;

    explicit ProfileSelectionPolicy(BrowserProfiles profiles,
                                    QString operation = QStringLiteral("inference"));

    double score(const SelectionRequest &request, const HostCandidate &candidate) const override;
    /// The kind history prefers for `family`, if it is confident; for displays and tests.
    std::optional<HostKind> preferredKind(ModelFamily family) const;
    /// Why the selection for `family` is what it is (the ranking's reason, or "defaults").
    QString explain(ModelFamily family) const;

private:
    BrowserProfiles m_profiles;
    QString m_operation;
    DefaultSelectionPolicy m_defaults;
};

} // namespace accel
