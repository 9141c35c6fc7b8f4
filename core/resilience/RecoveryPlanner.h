#pragma once

#include "resilience/ErrorCategory.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace accel {

namespace resilience { // see ErrorCategory.h for why the enums live here
/// One kind of recovery action, cheapest first.
enum class RecoveryStep : quint8 {
    RetryWithBackoff = 1, ///< same host, same session, after a growing delay
    Reconnect,            ///< drop and re-open the host's WebSocket session
    ReloadPage,           ///< reload the runtime page (new JS heap, new GPUDevice)
    RestartBrowser,       ///< kill the browser's process group and launch it again
    MoveShard,            ///< re-plan the shard onto another host
    DowngradeBackend,     ///< same host, next backend down: WebGPU -> WebNN -> Wasm -> JS
};
/// Where a shard's kernels run on a host, best first.
enum class ComputeBackend : quint8 {
    WebGpu = 1,
    WebNN,
    Wasm,
    Js,
};
} // namespace resilience
using resilience::ComputeBackend;
using resilience::RecoveryStep;

/// "retryWithBackoff", "reconnect", "reloadPage", "restartBrowser", "moveShard", "downgradeBackend".
QString toString(RecoveryStep step);
std::optional<RecoveryStep> recoveryStepFromString(QStringView name);
/// "webgpu", "webnn", "wasm", "js".
QString toString(ComputeBackend backend);
std::optional<ComputeBackend> computeBackendFromString(QStringView name);
/// The next backend down (WebGpu -> WebNN -> Wasm -> Js), nullopt below Js.
std::optional<ComputeBackend> lowerBackend(ComputeBackend backend);

/// One rung of a ladder: a step tried up to `attempts` times before moving on.
/// For DowngradeBackend, each attempt goes one backend lower (so at most 3 from WebGPU).
struct RecoveryRung
{
    RecoveryStep step = RecoveryStep::RetryWithBackoff;
    int attempts = 1;
    bool operator==(const RecoveryRung &) const = default;
};

/// What to do now.
struct RecoveryAction
{
    RecoveryStep step = RecoveryStep::RetryWithBackoff;
    int attempt = 1;    ///< 1-based, within this rung
    qint64 delayMs = 0; ///< wait this long first (RetryWithBackoff only; 0 otherwise)
    ComputeBackend backend = ComputeBackend::WebGpu; ///< backend to run on after this action
    QString explanation;                             ///< English, for logs and the event feed
};

/// Backoff for RetryWithBackoff: attempt n waits min(retryMaxDelayMs, retryBaseDelayMs *
/// retryMultiplier^(n-1)). No jitter here: the executor owns timing and the breaker already
/// spreads re-probes.
struct RecoveryPlannerConfig
{
    qint64 retryBaseDelayMs = 200;
    double retryMultiplier = 2.0;
    qint64 retryMaxDelayMs = 5'000;
};

/// Per error category, an ordered ladder of recovery steps; later steps are costlier and more
/// drastic. Defaults (attempts in brackets):
///   connectionLost : retry[2], reconnect[2], reloadPage[1], restartBrowser[1], moveShard[1]
///   timeout        : retry[2], reconnect[1], reloadPage[1], moveShard[1]
///   browserCrashed : restartBrowser[2], moveShard[1]
///   gpuDeviceLost  : reloadPage[1] (a new GPUDevice), moveShard[1], downgradeBackend[3]
///   outOfMemory    : reloadPage[1] (frees the heap), moveShard[1], downgradeBackend[3]
///   shaderCompile  : downgradeBackend[3], moveShard[1] (compile errors repeat: no retry)
///   protocol       : reconnect[1], reloadPage[1] (fresh runtime, matching protocol), restartBrowser[1]
///   model, cancelled: empty — not the host's fault; surface the error, do not recover.
/// Pure and stateless apart from its tables; any thread after setup.
class RecoveryPlanner
{
public:
    explicit RecoveryPlanner(RecoveryPlannerConfig config = {});

    const RecoveryPlannerConfig &config() const { return m_config; }
    /// The ordered steps for a category (rungs without their attempt counts).
    QList<RecoveryStep> ladderFor(ErrorCategory category) const;
    QList<RecoveryRung> rungsFor(ErrorCategory category) const;
    /// Replaces a category's ladder. Rungs with attempts < 1 are rejected: returns false.
    bool setLadder(ErrorCategory category, const QList<RecoveryRung> &rungs);

    /// The action after the `failures`-th consecutive failure (1 = first) of an incident that
    /// started on backend `startBackend`; nullopt when the ladder is exhausted (give up and
    /// surface the error). DowngradeBackend rungs are cut to the backends that remain.
    std::optional<RecoveryAction> actionAfter(ErrorCategory category, int failures,
                                              ComputeBackend startBackend) const;

private:
    RecoveryPlannerConfig m_config;
    QHash<int, QList<RecoveryRung>> m_ladders;
};

} // namespace accel
