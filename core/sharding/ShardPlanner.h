#pragma once

#include "pool/HostSelector.h"
#include "sharding/ShardPlan.h"

#include <QList>
#include <QString>

#include <optional>

namespace accel {

struct ModelConfig;

/// What the planner needs to know about a model. Bytes are what a host holds in memory (float32
/// after widening, as the runtime keeps weights).
struct ShardModelFacts
{
    int layerCount = 0;
    qint64 bytesPerLayer = 0;           ///< one transformer block's weights
    qint64 embeddingBytes = 0;          ///< held by stage 0 (token/position embeddings)
    qint64 finalBytes = 0;              ///< held by the last stage (final norm)
    qint64 activationBytesPerToken = 0; ///< hidden state shipped per token per hop
    ModelFamily family = ModelFamily::Text;

    /// From a model config, float32 weights: blocks, embeddings (wte, wpe, BERT's tte and norm),
    /// GPT-2's ln_f, hidden-size activations.
    static ShardModelFacts fromConfig(const ModelConfig &config);
    bool validate(ShardError *error) const;
};

/// One candidate host as the planner sees it (a plain snapshot, so planning stays pure).
struct ShardHost
{
    QString id;
    HostKind kind = HostKind::Embedded;
    QString backend;             ///< the backend it would run, e.g. "wasm"; informational
    double msPerLayer = -1;      ///< measured ms per layer per request; <= 0 = unmeasured (default used)
    qint64 freeMemoryBytes = -1; ///< free memory for weights; < 0 = unknown (does not limit plans)
    bool usable = true;          ///< connected, breaker not open, healthy enough
    double health = 100.0;       ///< 0..100, used by the browser-affinity ranking

    /// Parses a comma-separated host list "ID:KIND[:MS_PER_LAYER[:MEMORY_MiB[:BACKEND]]]", e.g.
    /// "c1:chromium:2.5:512,f1:firefox:-:1024:webgpu" ("-" or an omitted field = unmeasured /
    /// unknown memory).
    static std::optional<QList<ShardHost>> parseList(const QString &spec, ShardError *error);
};

/// Cost of one hop (stage -> app -> next stage) for one request's activations.
struct ShardTransferCost
{
    double fixedMs = 0.5;   ///< per hop, whatever the size
    double msPerMiB = 13.0; ///< per MiB of activations (13 ms/MiB ~ 77 MiB/s loopback WebSocket)
};

struct ShardPlannerOptions
{
    ShardStrategy strategy = ShardStrategy::Optimal;
    /// Stages wanted; 0 = as many as useful (up to the usable hosts and the layers). With
    /// exactStageCount false this is a maximum for the Optimal strategy; Layer and Browser always
    /// use exactly min(stageCount or hosts, usable hosts, layers) stages.
    int stageCount = 0;
    bool exactStageCount = false;
    int tokensPerRequest = 64;
    double defaultMsPerLayer = 1.0; ///< used for hosts without a measurement; must be > 0
    ShardTransferCost hop;
};

/// A hand-made stage for the Manual strategy.
struct ShardManualStage
{
    int firstLayer = 0;
    int lastLayer = 0;
    QString hostId;
};

/// What a re-plan did.
enum class ShardReplanAction {
    Unchanged = 1,        ///< the event did not touch the pipeline (e.g. a spare failed)
    SpareAdded,           ///< a joined host became a spare
    SpareRemoved,         ///< a failed spare was dropped
    MovedToSpare,         ///< the failed stage's range moved, unchanged, to a spare
    MovedToHost,          ///< ... to another usable host that was not a listed spare
    MergedIntoNeighbours, ///< no single host could take it: adjacent stages absorbed the range
    FullReplan,           ///< neither worked: an optimal plan over the remaining hosts
};
QString toString(ShardReplanAction action);

struct ShardHostEvent
{
    enum class Kind { Failed = 1, Joined };
    Kind kind = Kind::Failed;
    QString hostId;
};

struct ShardReplanResult
{
    ShardPlan plan;
    ShardReplanAction action = ShardReplanAction::Unchanged;
    QList<int> changedStages; ///< stage indexes (in the new plan) whose host or range changed
};

/// Turns (model facts, candidate hosts, strategy) into a ShardPlan. Pure and reentrant.
///
/// Cost model (per request of tokensPerRequest tokens): stage time = layers x host ms/layer, plus
/// one hop (fixedMs + msPerMiB x activation MiB) for every stage but the last. The pipeline's
/// throughput is set by the slowest stage (the bottleneck). A stage's memory = layers x
/// bytesPerLayer, + embeddingBytes on stage 0, + finalBytes on the last stage; it must not exceed
/// its host's free memory. Hosts are distinct per stage; unused usable hosts become spares.
///
/// Optimal: exact minimum of the bottleneck by dynamic programming over (layer prefix, set of
/// hosts used — its size is the stage index). State best[S][l] = least possible bottleneck with
/// layers [0, l) on the hosts of S; each transition appends a stage (next host h not in S, range
/// [l, l')). A second pass over the same states minimises the summed latency among the plans that
/// reach that bottleneck, so ties go to the shorter pipeline. Time O(2^H · H · L²), memory
/// O(2^H · L) for H usable hosts and L layers: H = 8, L = 48 is ~5 M steps (milliseconds); at most
/// kMaxOptimalHosts hosts are accepted (TooLarge beyond; deselect hosts or use another strategy).
class ShardPlanner
{
public:
    static constexpr int kMaxOptimalHosts = 14;
    static constexpr int kMaxHosts = 1024;

    explicit ShardPlanner(ShardModelFacts facts, ShardPlannerOptions options = {});

    const ShardModelFacts &facts() const { return m_facts; }
    const ShardPlannerOptions &options() const { return m_options; }
    void setOptions(const ShardPlannerOptions &options) { m_options = options; }

    /// Plans with options().strategy (Manual needs plan(manual, hosts)).
    std::optional<ShardPlan> plan(const QList<ShardHost> &hosts, ShardError *error) const;
    std::optional<ShardPlan> plan(ShardStrategy strategy, const QList<ShardHost> &hosts,
                                  ShardError *error) const;
    /// A Manual plan from given ranges and hosts; checked for structure and memory.
    std::optional<ShardPlan> manual(const QList<ShardManualStage> &stages, const QList<ShardHost> &hosts,
                                    ShardError *error) const;

    /// Re-plans after a host failed or joined. `hosts` is the current candidate list (a failed
    /// host counts as unusable whatever it says). Unaffected stages keep their hosts and ranges;
    /// the failed stage's range goes to the spare (or other unused host) that keeps the bottleneck
    /// lowest; only when no single host can hold it do neighbours absorb it, and only when that
    /// fails too is the whole plan recomputed (Optimal, at most the old stage count when that fits,
    /// otherwise over all usable hosts).
    std::optional<ShardReplanResult> replan(const ShardPlan &plan, const ShardHostEvent &event,
                                            const QList<ShardHost> &hosts, ShardError *error) const;

    /// Structure (ShardPlan::validate) plus: every stage host is a usable candidate and the
    /// stage fits in its free memory.
    bool check(const ShardPlan &plan, const QList<ShardHost> &hosts, ShardError *error,
               bool allowSharedHosts = false) const;

    /// Per-hop transfer estimate for the configured request size.
    double hopMs() const;
    /// Bytes a stage of `layers` layers holds, with the embedding / final norm when first / last.
    qint64 stageMemoryBytes(int layers, bool first, bool last) const;
    /// Most layers `host` can hold in that position (0 if not even one).
    int maxLayers(const ShardHost &host, bool first, bool last) const;
    double msPerLayer(const ShardHost &host) const;

    /// Usable hosts ordered by browser-kind affinity for the model family (HostSelector's ranking).
    QList<ShardHost> rankByAffinity(const QList<ShardHost> &hosts) const;

private:
    std::optional<ShardPlan> evenSplit(ShardStrategy strategy, const QList<ShardHost> &ordered,
                                       ShardError *error) const;
    std::optional<ShardPlan> optimal(const QList<ShardHost> &usable, int stageCount, bool exact,
                                     ShardError *error) const;
    bool checkInputs(const QList<ShardHost> &hosts, QList<ShardHost> *usable, ShardError *error) const;
    ShardStage makeStage(int first, int last, const ShardHost &host) const;
    /// Sets hop, tokens, layer count; refreshes memory per role; spares = usable hosts not in the
    /// plan, fastest first.
    void finish(ShardPlan *plan, const QList<ShardHost> &usable) const;

    ShardModelFacts m_facts;
    ShardPlannerOptions m_options;
};

} // namespace accel
