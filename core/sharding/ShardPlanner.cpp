#include "sharding/ShardPlanner.h"

#include "model/ModelConfig.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace accel {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMiB = 1024.0 * 1024.0;
/// Upper bound on DP transitions per pass (~a few seconds); beyond it the planner says TooLarge.
constexpr double kMaxOptimalSteps = 2.0e9;

QString mibText(qint64 bytes)
{
    return QString::number(double(bytes) / kMiB, 'f', 1) + QStringLiteral(" MiB");
}

} // namespace

QString toString(ShardReplanAction action)
{
    switch (action) {
    case ShardReplanAction::Unchanged:
        return QStringLiteral("unchanged");
    case ShardReplanAction::SpareAdded:
        return QStringLiteral("spare added");
    case ShardReplanAction::SpareRemoved:
        return QStringLiteral("spare removed");
    case ShardReplanAction::MovedToSpare:
        return QStringLiteral("moved to a spare");
    case ShardReplanAction::MovedToHost:
        return QStringLiteral("moved to another host");
    case ShardReplanAction::MergedIntoNeighbours:
        return QStringLiteral("merged into the neighbouring stages");
    case ShardReplanAction::FullReplan:
        return QStringLiteral("full re-plan");
    }
    return QStringLiteral("unknown");
}

ShardModelFacts ShardModelFacts::fromConfig(const ModelConfig &config)
{
    ShardModelFacts f;
    const qint64 e = config.hiddenSize;
    f.layerCount = config.layerCount;
    f.bytesPerLayer = config.layerParameterCount() * qint64(sizeof(float));
    qint64 embeddingFloats = (qint64(config.vocabSize) + config.maxPositions + config.typeVocabSize) * e;
    if (config.architecture == ModelConfig::Architecture::EncoderBert) {
        embeddingFloats += 2 * e; // embedding LayerNorm
    } else {
        f.finalBytes = 2 * e * qint64(sizeof(float)); // ln_f
    }
    f.embeddingBytes = embeddingFloats * qint64(sizeof(float));
    f.activationBytesPerToken = e * qint64(sizeof(float));
    switch (config.family) {
    case ModelConfig::Family::Text:
        f.family = ModelFamily::Text;
        break;
    case ModelConfig::Family::Vision:
        f.family = ModelFamily::Vision;
        break;
    case ModelConfig::Family::Audio:
        f.family = ModelFamily::Audio;
        break;
    }
    return f;
}

bool ShardModelFacts::validate(ShardError *error) const
{
    if (layerCount < 1 || layerCount > ShardPlan::kMaxLayers) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("the model's layer count %1 is out of range 1..%2")
                             .arg(layerCount)
                             .arg(ShardPlan::kMaxLayers));
    }
    constexpr qint64 kMaxBytes = qint64(1) << 50;
    if (bytesPerLayer < 0 || embeddingBytes < 0 || finalBytes < 0 || activationBytesPerToken < 0 ||
        bytesPerLayer > kMaxBytes || embeddingBytes > kMaxBytes || finalBytes > kMaxBytes ||
        activationBytesPerToken > kMaxBytes) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("the model's byte sizes are out of range"));
    }
    return true;
}

std::optional<QList<ShardHost>> ShardHost::parseList(const QString &spec, ShardError *error)
{
    QList<ShardHost> hosts;
    const QStringList items = spec.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (items.isEmpty()) {
        shardFail(error, ShardErrorCode::NoHosts, QStringLiteral("the host list is empty"));
        return std::nullopt;
    }
    if (items.size() > ShardPlanner::kMaxHosts) {
        shardFail(error, ShardErrorCode::BadInput,
                  QStringLiteral("more than %1 hosts in the list").arg(ShardPlanner::kMaxHosts));
        return std::nullopt;
    }
    for (const QString &item : items) {
        const QStringList f = item.trimmed().split(QLatin1Char(':'));
        auto bad = [&](const QString &why) {
            shardFail(
                error, ShardErrorCode::BadInput,
                QStringLiteral("bad host \"%1\": %2 (expected ID:KIND[:MS_PER_LAYER[:MEMORY_MiB[:BACKEND]]])")
                    .arg(item, why));
            return std::optional<QList<ShardHost>>();
        };
        if (f.size() < 2 || f.size() > 5) {
            return bad(QStringLiteral("wrong number of fields"));
        }
        ShardHost h;
        h.id = f.at(0);
        if (h.id.isEmpty() || h.id.size() > 256) {
            return bad(QStringLiteral("empty or overlong id"));
        }
        const auto kind = hostKindFromName(f.at(1));
        if (!kind) {
            return bad(
                QStringLiteral("unknown kind \"%1\" (embedded, chromium, firefox, edge)").arg(f.at(1)));
        }
        h.kind = *kind;
        if (f.size() > 2 && f.at(2) != QLatin1String("-")) {
            bool ok = false;
            h.msPerLayer = f.at(2).toDouble(&ok);
            if (!ok || !std::isfinite(h.msPerLayer) || h.msPerLayer <= 0 || h.msPerLayer > 1e9) {
                return bad(QStringLiteral("ms per layer must be a number > 0 or \"-\""));
            }
        }
        if (f.size() > 3 && f.at(3) != QLatin1String("-")) {
            bool ok = false;
            const double memMiB = f.at(3).toDouble(&ok);
            if (!ok || !std::isfinite(memMiB) || memMiB < 0 || memMiB > 1e9) {
                return bad(QStringLiteral("memory must be a number of MiB >= 0 or \"-\""));
            }
            h.freeMemoryBytes = qint64(memMiB * kMiB);
        }
        if (f.size() > 4) {
            h.backend = f.at(4);
        }
        for (const ShardHost &other : hosts) {
            if (other.id == h.id) {
                return bad(QStringLiteral("the id is listed twice"));
            }
        }
        hosts.append(h);
    }
    return hosts;
}

ShardPlanner::ShardPlanner(ShardModelFacts facts, ShardPlannerOptions options)
    : m_facts(facts)
    , m_options(options)
{}

double ShardPlanner::hopMs() const
{
    const double mib = double(m_facts.activationBytesPerToken) * m_options.tokensPerRequest / kMiB;
    return m_options.hop.fixedMs + m_options.hop.msPerMiB * mib;
}

qint64 ShardPlanner::stageMemoryBytes(int layers, bool first, bool last) const
{
    return qint64(layers) * m_facts.bytesPerLayer + (first ? m_facts.embeddingBytes : 0) +
           (last ? m_facts.finalBytes : 0);
}

int ShardPlanner::maxLayers(const ShardHost &host, bool first, bool last) const
{
    const int L = m_facts.layerCount;
    if (host.freeMemoryBytes < 0) {
        return L;
    }
    const qint64 room = host.freeMemoryBytes - stageMemoryBytes(0, first, last);
    if (room < 0) {
        return 0;
    }
    if (m_facts.bytesPerLayer <= 0) {
        return L;
    }
    return int(std::min<qint64>(L, room / m_facts.bytesPerLayer));
}

double ShardPlanner::msPerLayer(const ShardHost &host) const
{
    return host.msPerLayer > 0 ? host.msPerLayer : m_options.defaultMsPerLayer;
}

bool ShardPlanner::checkInputs(const QList<ShardHost> &hosts, QList<ShardHost> *usable,
                               ShardError *error) const
{
    if (!m_facts.validate(error)) {
        return false;
    }
    const ShardPlannerOptions &o = m_options;
    if (o.tokensPerRequest < 1 || o.tokensPerRequest > (1 << 20)) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("tokens per request %1 is out of range 1..%2")
                             .arg(o.tokensPerRequest)
                             .arg(1 << 20));
    }
    if (!std::isfinite(o.defaultMsPerLayer) || o.defaultMsPerLayer <= 0) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("the default ms per layer must be > 0"));
    }
    if (!std::isfinite(o.hop.fixedMs) || o.hop.fixedMs < 0 || !std::isfinite(o.hop.msPerMiB) ||
        o.hop.msPerMiB < 0) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("the hop cost must be finite and >= 0"));
    }
    if (o.stageCount < 0 || o.stageCount > ShardPlan::kMaxStages) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("stage count %1 is out of range 0..%2")
                             .arg(o.stageCount)
                             .arg(ShardPlan::kMaxStages));
    }
    if (hosts.size() > kMaxHosts) {
        return shardFail(error, ShardErrorCode::BadInput,
                         QStringLiteral("more than %1 hosts").arg(kMaxHosts));
    }
    QSet<QString> ids;
    usable->clear();
    for (const ShardHost &h : hosts) {
        if (h.id.isEmpty() || ids.contains(h.id)) {
            return shardFail(error, ShardErrorCode::BadInput,
                             h.id.isEmpty() ? QStringLiteral("a host has an empty id")
                                            : QStringLiteral("host %1 is listed twice").arg(h.id));
        }
        ids.insert(h.id);
        if (std::isnan(h.msPerLayer) || std::isinf(h.msPerLayer)) {
            return shardFail(error, ShardErrorCode::BadInput,
                             QStringLiteral("host %1 has a non-finite ms per layer").arg(h.id));
        }
        if (h.usable) {
            usable->append(h);
        }
    }
    if (usable->isEmpty()) {
        return shardFail(error, ShardErrorCode::NoHosts,
                         hosts.isEmpty()
                             ? QStringLiteral("no hosts to plan on")
                             : QStringLiteral("none of the %1 hosts is usable").arg(hosts.size()));
    }
    // The model must fit in all usable memory together (each layer lives on one host).
    qint64 total = 0;
    bool unknown = false;
    for (const ShardHost &h : *usable) {
        if (h.freeMemoryBytes < 0) {
            unknown = true;
        } else {
            total += h.freeMemoryBytes;
        }
    }
    const qint64 needed = stageMemoryBytes(m_facts.layerCount, true, true);
    if (!unknown && total < needed) {
        return shardFail(error, ShardErrorCode::ModelTooLarge,
                         QStringLiteral("the model needs %1 but all %2 usable hosts together have %3 free")
                             .arg(mibText(needed))
                             .arg(usable->size())
                             .arg(mibText(total)));
    }
    return true;
}

ShardStage ShardPlanner::makeStage(int first, int last, const ShardHost &host) const
{
    ShardStage s;
    s.firstLayer = first;
    s.lastLayer = last;
    s.hostId = host.id;
    s.hostKind = host.kind;
    s.backend = host.backend;
    s.msPerLayer = msPerLayer(host);
    s.measured = host.msPerLayer > 0;
    s.hostMemoryBytes = std::max<qint64>(0, host.freeMemoryBytes);
    return s;
}

void ShardPlanner::finish(ShardPlan *plan, const QList<ShardHost> &usable) const
{
    plan->layerCount = m_facts.layerCount;
    plan->hopMs = hopMs();
    plan->tokensPerRequest = m_options.tokensPerRequest;
    const int n = int(plan->stages.size());
    for (int i = 0; i < n; ++i) {
        ShardStage &s = plan->stages[i];
        s.memoryBytes = stageMemoryBytes(s.layerCount(), i == 0, i == n - 1);
    }
    QList<ShardHost> spares;
    const QStringList used = plan->hostIds();
    for (const ShardHost &h : usable) {
        if (!used.contains(h.id)) {
            spares.append(h);
        }
    }
    std::stable_sort(spares.begin(), spares.end(), [this](const ShardHost &a, const ShardHost &b) {
        const double ta = msPerLayer(a);
        const double tb = msPerLayer(b);
        return ta != tb ? ta < tb : a.id < b.id;
    });
    plan->spareHostIds.clear();
    for (const ShardHost &h : spares) {
        plan->spareHostIds.append(h.id);
    }
}

QList<ShardHost> ShardPlanner::rankByAffinity(const QList<ShardHost> &hosts) const
{
    QList<HostCandidate> candidates;
    QHash<QString, ShardHost> byId;
    for (const ShardHost &h : hosts) {
        if (!h.usable) {
            continue;
        }
        HostCandidate c;
        c.id = h.id;
        c.kind = h.kind;
        c.health = h.health;
        c.ready = true;
        candidates.append(c);
        byId.insert(h.id, h);
    }
    SelectionRequest request;
    request.family = m_facts.family;
    request.count = int(candidates.size());
    QList<ShardHost> ordered;
    for (const HostCandidate &c : HostSelector().rank(request, candidates)) {
        ordered.append(byId.value(c.id));
    }
    return ordered;
}

std::optional<ShardPlan> ShardPlanner::plan(const QList<ShardHost> &hosts, ShardError *error) const
{
    return plan(m_options.strategy, hosts, error);
}

std::optional<ShardPlan> ShardPlanner::plan(ShardStrategy strategy, const QList<ShardHost> &hosts,
                                            ShardError *error) const
{
    QList<ShardHost> usable;
    if (!checkInputs(hosts, &usable, error)) {
        return std::nullopt;
    }
    switch (strategy) {
    case ShardStrategy::Layer:
        return evenSplit(strategy, usable, error);
    case ShardStrategy::Browser:
        return evenSplit(strategy, rankByAffinity(usable), error);
    case ShardStrategy::Optimal:
        return optimal(usable, m_options.stageCount, m_options.exactStageCount, error);
    case ShardStrategy::Manual:
        break;
    }
    shardFail(error, ShardErrorCode::BadInput,
              QStringLiteral("the manual strategy needs its stages: use ShardPlanner::manual()"));
    return std::nullopt;
}

std::optional<ShardPlan> ShardPlanner::evenSplit(ShardStrategy strategy, const QList<ShardHost> &ordered,
                                                 ShardError *error) const
{
    const int L = m_facts.layerCount;
    int n = std::min<int>(int(ordered.size()), L);
    if (m_options.stageCount > 0) {
        n = std::min(n, m_options.stageCount);
    }
    ShardPlan plan;
    plan.strategy = strategy;
    int first = 0;
    for (int i = 0; i < n; ++i) {
        const int layers = L / n + (i < L % n ? 1 : 0);
        const ShardHost &host = ordered.at(i);
        const bool isLast = i == n - 1;
        if (layers > maxLayers(host, i == 0, isLast)) {
            shardFail(error, ShardErrorCode::MemoryExceeded,
                      QStringLiteral(
                          "an even split gives stage %1 layers %2-%3 (%4), but host %5 has only %6 free; "
                          "use the optimal strategy, other hosts or more stages")
                          .arg(i)
                          .arg(first)
                          .arg(first + layers - 1)
                          .arg(mibText(stageMemoryBytes(layers, i == 0, isLast)))
                          .arg(host.id)
                          .arg(mibText(host.freeMemoryBytes)),
                      i);
            return std::nullopt;
        }
        plan.stages.append(makeStage(first, first + layers, host));
        first += layers;
    }
    finish(&plan, ordered);
    return plan;
}

std::optional<ShardPlan> ShardPlanner::optimal(const QList<ShardHost> &usable, int stageCount, bool exact,
                                               ShardError *error) const
{
    const int H = int(usable.size());
    const int L = m_facts.layerCount;
    if (H > kMaxOptimalHosts) {
        shardFail(
            error, ShardErrorCode::TooLarge,
            QStringLiteral("the optimal planner takes at most %1 usable hosts (%2 given): deselect some")
                .arg(kMaxOptimalHosts)
                .arg(H));
        return std::nullopt;
    }
    const double steps = std::ldexp(1.0, H) * H * 0.5 * double(L) * double(L);
    if (steps > kMaxOptimalSteps) {
        shardFail(error, ShardErrorCode::TooLarge,
                  QStringLiteral(
                      "the optimal planner's search (%1 hosts x %2 layers) is too large; use fewer hosts")
                      .arg(H)
                      .arg(L));
        return std::nullopt;
    }
    const int kMax = std::min({stageCount > 0 ? stageCount : H, H, L});
    if (exact && stageCount > 0 && stageCount > kMax) {
        shardFail(error, ShardErrorCode::BadInput,
                  QStringLiteral("%1 stages need %1 usable hosts and layers (have %2 hosts, %3 layers)")
                      .arg(stageCount)
                      .arg(H)
                      .arg(L));
        return std::nullopt;
    }
    const bool exactK = exact && stageCount > 0;

    // Per host: time per layer and how many layers fit in each position (first?, last?).
    std::vector<double> t(H);
    std::vector<int> cap(size_t(H) * 4);
    for (int h = 0; h < H; ++h) {
        t[h] = msPerLayer(usable.at(h));
        for (int pos = 0; pos < 4; ++pos) {
            cap[size_t(h) * 4 + pos] = maxLayers(usable.at(h), pos & 1, pos & 2);
        }
    }
    const double hop = hopMs();
    const size_t stride = size_t(L) + 1;
    const size_t sets = size_t(1) << H;
    auto at = [stride](size_t set, int l) {
        return set * stride + size_t(l);
    };

    // Visits every feasible stage append (S, l) -> (S | h, l2) with its cost.
    auto forEachStep = [&](auto &&visit) {
        for (size_t S = 0; S < sets; ++S) {
            const int k = std::popcount(S);
            if (k >= kMax) {
                continue;
            }
            const bool first = S == 0;
            for (int l = first ? 0 : 1; l < (first ? 1 : L); ++l) {
                if (!visit.reachable(at(S, l))) {
                    continue;
                }
                for (int h = 0; h < H; ++h) {
                    if (S & (size_t(1) << h)) {
                        continue;
                    }
                    const size_t next = S | (size_t(1) << h);
                    // Middle stages only if another stage can still follow.
                    if (k + 1 < kMax) {
                        const int capMid = cap[size_t(h) * 4 + (first ? 1 : 0)];
                        const int lastMid = std::min(L - 1, l + capMid);
                        for (int l2 = l + 1; l2 <= lastMid; ++l2) {
                            visit.step(at(S, l), at(next, l2), (l2 - l) * t[h] + hop, S, h, l);
                        }
                    }
                    // Closing stage.
                    if ((!exactK || k + 1 == kMax) && L - l <= cap[size_t(h) * 4 + (first ? 1 : 0) + 2]) {
                        visit.step(at(S, l), at(next, L), (L - l) * t[h], S, h, l);
                    }
                }
            }
        }
    };

    // Pass 1: least bottleneck.
    std::vector<double> best(sets * stride, kInf);
    best[at(0, 0)] = 0.0;
    struct MinMax
    {
        std::vector<double> &v;
        bool reachable(size_t i) const { return v[i] < kInf; }
        void step(size_t from, size_t to, double cost, size_t, int, int)
        {
            const double value = std::max(v[from], cost);
            if (value < v[to]) {
                v[to] = value;
            }
        }
    } pass1{best};
    forEachStep(pass1);
    double bottleneck = kInf;
    for (size_t S = 1; S < sets; ++S) {
        bottleneck = std::min(bottleneck, best[at(S, L)]);
    }
    if (!(bottleneck < kInf)) {
        int largest = 0;
        for (const ShardHost &h : usable) {
            largest = std::max(largest, maxLayers(h, false, false));
        }
        shardFail(
            error, ShardErrorCode::MemoryExceeded,
            QStringLiteral("no plan of at most %1 stage(s) fits the hosts' memory (the largest host holds %2 "
                           "of %3 layers); add hosts or allow more stages")
                .arg(kMax)
                .arg(largest)
                .arg(L));
        return std::nullopt;
    }

    // Pass 2: least total latency among plans whose every stage is within the bottleneck.
    const double limit = bottleneck + 1e-9 * std::max(1.0, bottleneck);
    std::vector<double> sum(sets * stride, kInf);
    std::vector<int> fromL(sets * stride, -1);
    std::vector<qint8> fromHost(sets * stride, -1);
    sum[at(0, 0)] = 0.0;
    struct MinSum
    {
        std::vector<double> &v;
        std::vector<int> &fromL;
        std::vector<qint8> &fromHost;
        double limit;
        bool reachable(size_t i) const { return v[i] < kInf; }
        void step(size_t from, size_t to, double cost, size_t, int h, int l)
        {
            if (cost > limit) {
                return;
            }
            const double value = v[from] + cost;
            if (value < v[to]) {
                v[to] = value;
                fromL[to] = l;
                fromHost[to] = qint8(h);
            }
        }
    } pass2{sum, fromL, fromHost, limit};
    forEachStep(pass2);
    size_t bestSet = 0;
    double bestSum = kInf;
    for (size_t S = 1; S < sets; ++S) {
        if (sum[at(S, L)] < bestSum) {
            bestSum = sum[at(S, L)];
            bestSet = S;
        }
    }
    ShardPlan plan;
    plan.strategy = ShardStrategy::Optimal;
    size_t S = bestSet;
    int l = L;
    while (S != 0) {
        const int h = fromHost[at(S, l)];
        const int prevL = fromL[at(S, l)];
        plan.stages.prepend(makeStage(prevL, l, usable.at(h)));
        S &= ~(size_t(1) << h);
        l = prevL;
    }
    finish(&plan, usable);
    return plan;
}

std::optional<ShardPlan> ShardPlanner::manual(const QList<ShardManualStage> &stages,
                                              const QList<ShardHost> &hosts, ShardError *error) const
{
    QList<ShardHost> usable;
    if (!checkInputs(hosts, &usable, error)) {
        return std::nullopt;
    }
    if (stages.size() > ShardPlan::kMaxStages) {
        shardFail(error, ShardErrorCode::BadRanges,
                  QStringLiteral("more than %1 stages").arg(ShardPlan::kMaxStages));
        return std::nullopt;
    }
    ShardPlan plan;
    plan.strategy = ShardStrategy::Manual;
    for (int i = 0; i < stages.size(); ++i) {
        const ShardManualStage &m = stages.at(i);
        const auto it = std::find_if(usable.cbegin(), usable.cend(),
                                     [&m](const ShardHost &h) { return h.id == m.hostId; });
        if (it == usable.cend()) {
            shardFail(error, ShardErrorCode::UnknownHost,
                      QStringLiteral("stage %1: host \"%2\" is not a usable candidate").arg(i).arg(m.hostId),
                      i);
            return std::nullopt;
        }
        plan.stages.append(makeStage(m.firstLayer, m.lastLayer, *it));
    }
    finish(&plan, usable);
    if (!check(plan, hosts, error)) {
        return std::nullopt;
    }
    return plan;
}

bool ShardPlanner::check(const ShardPlan &plan, const QList<ShardHost> &hosts, ShardError *error,
                         bool allowSharedHosts) const
{
    if (!plan.validate(error, allowSharedHosts)) {
        return false;
    }
    if (plan.layerCount != m_facts.layerCount) {
        return shardFail(error, ShardErrorCode::BadRanges,
                         QStringLiteral("the plan covers %1 layers but the model has %2")
                             .arg(plan.layerCount)
                             .arg(m_facts.layerCount));
    }
    QHash<QString, qint64> needed;
    const int n = int(plan.stages.size());
    for (int i = 0; i < n; ++i) {
        const ShardStage &s = plan.stages.at(i);
        const auto it =
            std::find_if(hosts.cbegin(), hosts.cend(), [&s](const ShardHost &h) { return h.id == s.hostId; });
        if (it == hosts.cend() || !it->usable) {
            return shardFail(error, ShardErrorCode::UnknownHost,
                             QStringLiteral("stage %1: host \"%2\" is %3")
                                 .arg(i)
                                 .arg(s.hostId)
                                 .arg(it == hosts.cend() ? QStringLiteral("not a candidate")
                                                         : QStringLiteral("not usable")),
                             i);
        }
        needed[s.hostId] += stageMemoryBytes(s.layerCount(), i == 0, i == n - 1);
        if (it->freeMemoryBytes >= 0 && needed[s.hostId] > it->freeMemoryBytes) {
            return shardFail(error, ShardErrorCode::MemoryExceeded,
                             QStringLiteral("stage %1 (layers %2-%3) needs %4 but host %5 has %6 free")
                                 .arg(i)
                                 .arg(s.firstLayer)
                                 .arg(s.lastLayer - 1)
                                 .arg(mibText(needed[s.hostId]))
                                 .arg(s.hostId)
                                 .arg(mibText(it->freeMemoryBytes)),
                             i);
        }
    }
    return true;
}

std::optional<ShardReplanResult> ShardPlanner::replan(const ShardPlan &plan, const ShardHostEvent &event,
                                                      const QList<ShardHost> &hosts, ShardError *error) const
{
    if (event.hostId.isEmpty()) {
        shardFail(error, ShardErrorCode::BadInput, QStringLiteral("the host event names no host"));
        return std::nullopt;
    }
    if (!plan.validate(error)) {
        return std::nullopt;
    }
    if (plan.layerCount != m_facts.layerCount) {
        shardFail(error, ShardErrorCode::BadRanges,
                  QStringLiteral("the plan covers %1 layers but the model has %2")
                      .arg(plan.layerCount)
                      .arg(m_facts.layerCount));
        return std::nullopt;
    }
    QList<ShardHost> current = hosts;
    if (event.kind == ShardHostEvent::Kind::Failed) {
        for (ShardHost &h : current) {
            if (h.id == event.hostId) {
                h.usable = false;
            }
        }
    }
    QList<ShardHost> usable;
    ShardError inputError;
    if (!checkInputs(current, &usable, &inputError) && inputError.code != ShardErrorCode::NoHosts &&
        inputError.code != ShardErrorCode::ModelTooLarge) {
        if (error) {
            *error = inputError;
        }
        return std::nullopt;
    }
    auto findUsable = [&usable](const QString &id) -> const ShardHost * {
        for (const ShardHost &h : usable) {
            if (h.id == id) {
                return &h;
            }
        }
        return nullptr;
    };

    ShardReplanResult result;
    result.plan = plan;
    if (event.kind == ShardHostEvent::Kind::Joined) {
        if (plan.stageOfHost(event.hostId) >= 0 || plan.spareHostIds.contains(event.hostId)) {
            return result; // already known: nothing to do
        }
        if (!findUsable(event.hostId)) {
            shardFail(error, ShardErrorCode::UnknownHost,
                      QStringLiteral("joined host \"%1\" is not a usable candidate").arg(event.hostId));
            return std::nullopt;
        }
        result.plan.spareHostIds.append(event.hostId);
        result.action = ShardReplanAction::SpareAdded;
        return result;
    }

    const int failed = plan.stageOfHost(event.hostId);
    if (failed < 0) {
        if (result.plan.spareHostIds.removeAll(event.hostId) > 0) {
            result.action = ShardReplanAction::SpareRemoved;
        }
        return result;
    }
    const int n = int(plan.stages.size());
    const ShardStage &lost = plan.stages.at(failed);

    // 1. One host takes the whole range: spares first (their order), then any other unused host.
    QList<ShardHost> candidates;
    for (const QString &id : plan.spareHostIds) {
        if (const ShardHost *h = findUsable(id); h && plan.stageOfHost(id) < 0) {
            candidates.append(*h);
        }
    }
    for (const ShardHost &h : usable) {
        if (plan.stageOfHost(h.id) < 0 && !plan.spareHostIds.contains(h.id)) {
            candidates.append(h);
        }
    }
    std::optional<ShardPlan> bestMove;
    QString bestHost;
    for (const ShardHost &c : candidates) {
        if (lost.layerCount() > maxLayers(c, failed == 0, failed == n - 1)) {
            continue;
        }
        ShardPlan moved = plan;
        moved.stages[failed] = makeStage(lost.firstLayer, lost.lastLayer, c);
        finish(&moved, usable);
        if (!bestMove || moved.bottleneckMs() < bestMove->bottleneckMs()) {
            bestMove = moved;
            bestHost = c.id;
        }
    }
    if (bestMove) {
        bestMove->strategy = plan.strategy;
        result.plan = *bestMove;
        result.action = plan.spareHostIds.contains(bestHost) ? ShardReplanAction::MovedToSpare
                                                             : ShardReplanAction::MovedToHost;
        result.changedStages = {failed};
        return result;
    }

    // 2. The neighbours absorb it (the split point that keeps the bottleneck lowest).
    if (n >= 2) {
        std::optional<ShardPlan> bestMerge;
        const int lo = failed > 0 ? lost.firstLayer : lost.lastLayer; // prev takes [.., s)
        const int hi = failed < n - 1 ? lost.lastLayer : lost.firstLayer;
        const int from = std::min(lo, hi);
        const int to = std::max(lo, hi);
        for (int s = from; s <= to; ++s) {
            ShardPlan merged = plan;
            merged.stages.removeAt(failed);
            if (failed > 0) {
                merged.stages[failed - 1].lastLayer = failed < n - 1 ? s : plan.layerCount;
            }
            if (failed < n - 1) {
                merged.stages[failed].firstLayer = failed > 0 ? s : 0;
            }
            bool ok = true;
            for (int i = 0; i < merged.stages.size() && ok; ++i) {
                const ShardStage &st = merged.stages.at(i);
                const ShardHost *h = findUsable(st.hostId);
                ok = h && st.layerCount() >= 1 &&
                     st.layerCount() <= maxLayers(*h, i == 0, i == merged.stages.size() - 1);
            }
            if (!ok) {
                continue;
            }
            finish(&merged, usable);
            if (!bestMerge || merged.bottleneckMs() < bestMerge->bottleneckMs()) {
                bestMerge = merged;
            }
        }
        if (bestMerge) {
            bestMerge->strategy = plan.strategy;
            result.plan = *bestMerge;
            result.action = ShardReplanAction::MergedIntoNeighbours;
            result.changedStages.clear();
            if (failed > 0) {
                result.changedStages.append(failed - 1);
            }
            if (failed < n - 1) {
                result.changedStages.append(failed);
            }
            return result;
        }
    }

    // 3. Nothing local works: recompute over the remaining hosts.
    if (usable.isEmpty()) {
        shardFail(error, ShardErrorCode::NoHosts,
                  QStringLiteral("host %1 failed and no usable host is left").arg(event.hostId));
        return std::nullopt;
    }
    QList<ShardHost> ignored;
    if (!checkInputs(current, &ignored, error)) {
        return std::nullopt;
    }
    // At most the old stage count first (same pipeline depth); more stages only if that cannot fit.
    std::optional<ShardPlan> fresh = optimal(usable, n, false, error);
    if (!fresh && int(usable.size()) > n) {
        fresh = optimal(usable, 0, false, error);
    }
    if (!fresh) {
        return std::nullopt;
    }
    result.plan = *fresh;
    result.action = ShardReplanAction::FullReplan;
    result.changedStages.clear();
    for (int i = 0; i < fresh->stages.size(); ++i) {
        result.changedStages.append(i);
    }
    return result;
}

} // namespace accel
