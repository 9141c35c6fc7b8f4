#pragma once

#include "hosts/HostKind.h"
#include "resilience/BreakerTypes.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace accel {

/// What a model mostly computes; drives which browser kind is preferred.
enum class ModelFamily : quint8 { Text = 1, Vision, Audio, Multimodal };
QString toString(ModelFamily family);
std::optional<ModelFamily> modelFamilyFromString(QStringView name);

/// Which compute API the caller would like the host to offer.
enum class BackendPreference : quint8 { Any = 1, WebGpu, WebNn, Wasm };
QString toString(BackendPreference backend);
std::optional<BackendPreference> backendPreferenceFromString(QStringView name);

/// One host as the selector sees it: a plain snapshot the pool builds, so policies stay pure.
struct HostCandidate
{
    QString id;
    HostKind kind = HostKind::Embedded;
    BreakerState breaker = BreakerState::Closed;
    double health = 100.0; ///< HealthScorer score, 0..100
    bool ready = true;     ///< connected, said hello, not draining or closing
    bool webGpu = false;   ///< a WebGPU adapter was found
    bool webNn = false;    ///< a WebNN context could be created
    bool wasm = true;      ///< WebAssembly (every supported browser)
    int leases = 0;        ///< callers currently using the host
};

struct SelectionRequest
{
    ModelFamily family = ModelFamily::Text;
    BackendPreference backend = BackendPreference::Any;
    int count = 1;                  ///< hosts wanted, >= 1
    double healthyThreshold = 50.0; ///< below this a host counts as unhealthy
};

/// Ranks hosts for a request. Implement it to let measured history (per-kind throughput, failure
/// trends) drive the choice; HostSelector applies the hard rules (open breakers, readiness)
/// before asking the policy, so a policy cannot pick a blocked host.
class SelectionPolicy
{
public:
    virtual ~SelectionPolicy();
    /// Higher is better. Called only for eligible candidates.
    virtual double score(const SelectionRequest &request, const HostCandidate &candidate) const = 0;
};

/// The built-in policy: kind affinity per family (Firefox→audio, Edge→text for WebNN,
/// Chromium→vision and multimodal, embedded QtWebEngine as the Chromium-engine fallback), then
/// healthy before unhealthy, backend support, health, fewer leases.
class DefaultSelectionPolicy : public SelectionPolicy
{
public:
    double score(const SelectionRequest &request, const HostCandidate &candidate) const override;
    /// Kinds from most to least preferred for a family.
    static QList<HostKind> kindOrder(ModelFamily family);
    static bool supports(const HostCandidate &candidate, BackendPreference backend);
};

/// Chooses hosts for a model family and backend preference.
/// Rules: hosts that are not ready, or whose breaker is Open or ForcedOpen (isolated), are never
/// chosen; HalfOpen hosts only when nothing Closed is left (they take probes). Among the rest the
/// policy's score decides (ties: id order, so results are deterministic).
class HostSelector
{
public:
    HostSelector();
    explicit HostSelector(std::shared_ptr<const SelectionPolicy> policy);

    void setPolicy(std::shared_ptr<const SelectionPolicy> policy);
    const SelectionPolicy &policy() const { return *m_policy; }

    /// Up to request.count host ids, best first. Empty when no host is eligible.
    QStringList select(const SelectionRequest &request, const QList<HostCandidate> &candidates) const;
    /// Every eligible host ordered best first (for displays and for callers that want fallbacks).
    QList<HostCandidate> rank(const SelectionRequest &request, const QList<HostCandidate> &candidates) const;
    static bool isEligible(const HostCandidate &candidate);

private:
    std::shared_ptr<const SelectionPolicy> m_policy;
};

} // namespace accel
