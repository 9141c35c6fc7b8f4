#include "pool/HostSelector.h"

#include <algorithm>

namespace accel {

QString toString(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Text:
        return QStringLiteral("text");
    case ModelFamily::Vision:
        return QStringLiteral("vision");
    case ModelFamily::Audio:
        return QStringLiteral("audio");
    case ModelFamily::Multimodal:
        return QStringLiteral("multimodal");
    }
    return QStringLiteral("unknown");
}

std::optional<ModelFamily> modelFamilyFromString(QStringView name)
{
    for (ModelFamily f :
         {ModelFamily::Text, ModelFamily::Vision, ModelFamily::Audio, ModelFamily::Multimodal}) {
        if (name == toString(f)) {
            return f;
        }
    }
    return std::nullopt;
}

QString toString(BackendPreference backend)
{
    switch (backend) {
    case BackendPreference::Any:
        return QStringLiteral("any");
    case BackendPreference::WebGpu:
        return QStringLiteral("webgpu");
    case BackendPreference::WebNn:
        return QStringLiteral("webnn");
    case BackendPreference::Wasm:
        return QStringLiteral("wasm");
    }
    return QStringLiteral("unknown");
}

std::optional<BackendPreference> backendPreferenceFromString(QStringView name)
{
    for (BackendPreference b : {BackendPreference::Any, BackendPreference::WebGpu, BackendPreference::WebNn,
                                BackendPreference::Wasm}) {
        if (name == toString(b)) {
            return b;
        }
    }
    return std::nullopt;
}

SelectionPolicy::~SelectionPolicy() = default;

QList<HostKind> DefaultSelectionPolicy::kindOrder(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Audio:
        // Firefox's audio stack and Wasm SIMD; Chromium engines after it.
        return {HostKind::Firefox, HostKind::Chromium, HostKind::Edge, HostKind::Embedded};
    case ModelFamily::Text:
        // Edge ships WebNN (NPU/GPU graph execution) for transformer text models.
        return {HostKind::Edge, HostKind::Chromium, HostKind::Embedded, HostKind::Firefox};
    case ModelFamily::Vision:
    case ModelFamily::Multimodal:
        // Chromium's WebGPU is the most complete for convolution/attention kernels.
        return {HostKind::Chromium, HostKind::Edge, HostKind::Embedded, HostKind::Firefox};
    }
    return {HostKind::Chromium, HostKind::Edge, HostKind::Embedded, HostKind::Firefox};
}

bool DefaultSelectionPolicy::supports(const HostCandidate &candidate, BackendPreference backend)
{
    switch (backend) {
    case BackendPreference::Any:
        return true;
    case BackendPreference::WebGpu:
        return candidate.webGpu;
    case BackendPreference::WebNn:
        return candidate.webNn;
    case BackendPreference::Wasm:
        return candidate.wasm;
    }
    return false;
}

double DefaultSelectionPolicy::score(const SelectionRequest &request, const HostCandidate &candidate) const
{
    // Lexicographic weights: healthy > backend support > kind affinity > health > load.
    const QList<HostKind> order = kindOrder(request.family);
    const qsizetype rankIndex = order.indexOf(candidate.kind);
    const double affinity = rankIndex < 0 ? 0.0 : double(order.size() - rankIndex); // 1..4
    const bool healthy = candidate.health >= request.healthyThreshold;
    const bool backendOk = supports(candidate, request.backend);
    const double health = std::clamp(candidate.health, 0.0, 100.0);
    double s = 0.0;
    s += healthy ? 1'000'000.0 : 0.0;
    s += backendOk ? 100'000.0 : 0.0;
    s += affinity * 1'000.0;
    s += health;                                 // 0..100
    s -= std::min(candidate.leases, 99) * 0.001; // spread load between equals
    return s;
}

HostSelector::HostSelector()
    : m_policy(std::make_shared<DefaultSelectionPolicy>())
{}

HostSelector::HostSelector(std::shared_ptr<const SelectionPolicy> policy)
    : m_policy(policy ? std::move(policy) : std::make_shared<DefaultSelectionPolicy>())
{}

void HostSelector::setPolicy(std::shared_ptr<const SelectionPolicy> policy)
{
    m_policy = policy ? std::move(policy) : std::make_shared<DefaultSelectionPolicy>();
}

bool HostSelector::isEligible(const HostCandidate &candidate)
{
    return candidate.ready && candidate.breaker != BreakerState::Open &&
           candidate.breaker != BreakerState::ForcedOpen;
}

QList<HostCandidate> HostSelector::rank(const SelectionRequest &request,
                                        const QList<HostCandidate> &candidates) const
{
    struct Scored
    {
        HostCandidate c;
        bool probing;
        double score;
    };
    QList<Scored> scored;
    for (const HostCandidate &c : candidates) {
        if (isEligible(c)) {
            scored.append({c, c.breaker == BreakerState::HalfOpen, m_policy->score(request, c)});
        }
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored &a, const Scored &b) {
        if (a.probing != b.probing) {
            return !a.probing;
        }
        if (a.score != b.score) {
            return a.score > b.score;
        }
        return a.c.id < b.c.id;
    });
    QList<HostCandidate> out;
    out.reserve(scored.size());
    for (const Scored &s : scored) {
        out.append(s.c);
    }
    return out;
}

QStringList HostSelector::select(const SelectionRequest &request,
                                 const QList<HostCandidate> &candidates) const
{
    QStringList ids;
    if (request.count < 1) {
        return ids;
    }
    for (const HostCandidate &c : rank(request, candidates)) {
        if (ids.size() >= request.count) {
            break;
        }
        ids.append(c.id);
    }
    return ids;
}

} // namespace accel
