#pragma once

#include "hosts/HostKind.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace accel {

/// How a plan was made. No valid zero value.
enum class ShardStrategy : quint8 {
    Layer = 1, ///< even split of the layers over N hosts, in the given host order
    Browser,   ///< even split over hosts ordered by browser-kind affinity for the model family
    Optimal,   ///< exact minimum of the slowest stage (dynamic programming), memory respected
    Manual,    ///< boundaries and hosts chosen by hand (configurator, scripts), validated
};
QString shardStrategyName(ShardStrategy strategy); ///< "layer", "browser", "optimal", "manual"
std::optional<ShardStrategy> shardStrategyFromName(QStringView name);

/// What went wrong while planning, validating or reading a plan. No valid zero value.
enum class ShardErrorCode {
    Unknown = 1,
    BadInput,       ///< model facts, options or host list out of range
    NoHosts,        ///< no usable host to plan on
    ModelTooLarge,  ///< the model does not fit in the memory of all usable hosts together
    MemoryExceeded, ///< a stage needs more memory than its host has free
    BadRanges,      ///< stages not contiguous, not covering 0..layerCount, or empty
    DuplicateHost,  ///< one host holds two stages (not allowed), or a spare is also a stage host
    UnknownHost,    ///< a stage names a host that is not a usable candidate
    BadJson,        ///< malformed plan JSON (types, sizes, version)
    TooLarge,       ///< the exact planner's search space exceeds its limit
};

struct ShardError
{
    ShardErrorCode code = ShardErrorCode::Unknown;
    QString message; ///< English, for logs and the command line; the UI words its own from code
    int stage = -1;  ///< the stage concerned, -1 if none
};

/// Sets *error (when given) and returns false.
inline bool shardFail(ShardError *error, ShardErrorCode code, const QString &message, int stage = -1)
{
    if (error) {
        error->code = code;
        error->message = message;
        error->stage = stage;
    }
    return false;
}

/// One pipeline stage: a contiguous layer range [firstLayer, lastLayer) on one host.
struct ShardStage
{
    int firstLayer = 0;
    int lastLayer = 0; ///< exclusive
    QString hostId;
    HostKind hostKind = HostKind::Embedded;
    QString backend;            ///< e.g. "webgpu", "wasm", "js", "native"; empty = the host's best
    double msPerLayer = 0;      ///< estimated ms per layer per request on this host
    bool measured = false;      ///< msPerLayer was measured (false: the planner's default)
    qint64 memoryBytes = 0;     ///< weights this stage holds (layers, plus embedding/final norm)
    qint64 hostMemoryBytes = 0; ///< free memory the host reported when planned (0 = unknown)

    int layerCount() const { return lastLayer - firstLayer; }
    double computeMs() const { return layerCount() * msPerLayer; }

    bool operator==(const ShardStage &) const = default;
};

/// An ordered pipeline of stages over a model's layers, plus warm spares. Stage 0 always embeds
/// the tokens; the last stage applies the final norm. Estimates: a stage's time per request is
/// its compute (layers x ms/layer) plus, for every stage but the last, one hop that ships its
/// activations to the next stage (hopMs). Throughput of the pipeline = 1 / slowest stage.
/// A value type; copy freely.
struct ShardPlan
{
    static constexpr int kJsonVersion = 1;
    static constexpr int kMaxStages = 1024;
    static constexpr int kMaxLayers = 100000;

    /// Why the bottleneck stage is the slowest: its compute or its outgoing transfer dominates.
    enum class BottleneckCause { Compute = 1, Transfer };

    ShardStrategy strategy = ShardStrategy::Manual;
    int layerCount = 0;
    QList<ShardStage> stages;
    QStringList spareHostIds; ///< usable hosts not in the pipeline, best first
    double hopMs = 0;         ///< estimated per-hop transfer time per request
    int tokensPerRequest = 0; ///< the request size the estimates are for

    bool embedsAt(int stage) const { return stage == 0; }
    bool appliesFinalNormAt(int stage) const { return stage == stages.size() - 1 && stage >= 0; }
    double transferMs(int stage) const { return stage < stages.size() - 1 ? hopMs : 0.0; }
    double stageMs(int stage) const { return stages.at(stage).computeMs() + transferMs(stage); }
    /// The slowest stage (first of equals), -1 for an empty plan.
    int bottleneckStage() const;
    double bottleneckMs() const;
    BottleneckCause bottleneckCause() const;
    /// Sum of stage times: one request's latency through an idle pipeline.
    double latencyMs() const;
    /// Requests per second when every stage is busy (1000 / bottleneckMs), 0 if unknown.
    double throughputPerSec() const;
    QStringList hostIds() const;
    /// The stage on hostId, -1 if none (the first one if shared).
    int stageOfHost(const QString &hostId) const;
    /// The stage holding layer, -1 if none.
    int stageOfLayer(int layer) const;

    /// Structural checks: at least one stage, ranges non-empty, contiguous from 0 to layerCount,
    /// host ids present and distinct (unless allowSharedHosts), spares distinct and not stage hosts,
    /// estimates finite and non-negative. Memory is checked by ShardPlanner against its hosts.
    bool validate(ShardError *error, bool allowSharedHosts = false) const;

    /// Plain-English explanation (per-stage times, bottleneck and why, throughput) for logs and
    /// the command line. The console words its own (translated) text from the same numbers.
    QString describe() const;

    QJsonObject toJson() const;
    /// Reads and validates (types, sizes, version, structure). Derived values in the JSON
    /// (stage times, bottleneck) are ignored and recomputed.
    static std::optional<ShardPlan> fromJson(const QJsonObject &json, ShardError *error,
                                             bool allowSharedHosts = false);
    static std::optional<ShardPlan> fromJson(const QByteArray &json, ShardError *error,
                                             bool allowSharedHosts = false);

    bool operator==(const ShardPlan &) const = default;
};

} // namespace accel

Q_DECLARE_METATYPE(accel::ShardPlan)
