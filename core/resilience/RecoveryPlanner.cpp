#include "resilience/RecoveryPlanner.h"

#include <algorithm>
#include <cmath>

namespace accel {

QString toString(RecoveryStep step)
{
    switch (step) {
    case RecoveryStep::RetryWithBackoff:
        return QStringLiteral("retryWithBackoff");
    case RecoveryStep::Reconnect:
        return QStringLiteral("reconnect");
    case RecoveryStep::ReloadPage:
        return QStringLiteral("reloadPage");
    case RecoveryStep::RestartBrowser:
        return QStringLiteral("restartBrowser");
    case RecoveryStep::MoveShard:
        return QStringLiteral("moveShard");
    case RecoveryStep::DowngradeBackend:
        return QStringLiteral("downgradeBackend");
    }
    return QStringLiteral("unknown(%1)").arg(int(step));
}

std::optional<RecoveryStep> recoveryStepFromString(QStringView name)
{
    for (int i = int(RecoveryStep::RetryWithBackoff); i <= int(RecoveryStep::DowngradeBackend); ++i) {
        if (name == toString(RecoveryStep(i))) {
            return RecoveryStep(i);
        }
    }
    return std::nullopt;
}

QString toString(ComputeBackend backend)
{
    switch (backend) {
    case ComputeBackend::WebGpu:
        return QStringLiteral("webgpu");
    case ComputeBackend::WebNN:
        return QStringLiteral("webnn");
    case ComputeBackend::Wasm:
        return QStringLiteral("wasm");
    case ComputeBackend::Js:
        return QStringLiteral("js");
    }
    return QStringLiteral("unknown(%1)").arg(int(backend));
}

std::optional<ComputeBackend> computeBackendFromString(QStringView name)
{
    for (int i = int(ComputeBackend::WebGpu); i <= int(ComputeBackend::Js); ++i) {
        if (name == toString(ComputeBackend(i))) {
            return ComputeBackend(i);
        }
    }
    return std::nullopt;
}

std::optional<ComputeBackend> lowerBackend(ComputeBackend backend)
{
    switch (backend) {
    case ComputeBackend::WebGpu:
        return ComputeBackend::WebNN;
    case ComputeBackend::WebNN:
        return ComputeBackend::Wasm;
    case ComputeBackend::Wasm:
        return ComputeBackend::Js;
    case ComputeBackend::Js:
        return std::nullopt;
    }
    return std::nullopt;
}

RecoveryPlanner::RecoveryPlanner(RecoveryPlannerConfig config)
    : m_config(config)
{
    if (m_config.retryBaseDelayMs < 0 || m_config.retryMaxDelayMs < m_config.retryBaseDelayMs ||
        !(m_config.retryMultiplier >= 1.0 && std::isfinite(m_config.retryMultiplier))) {
        m_config = RecoveryPlannerConfig{};
    }
    using S = RecoveryStep;
    m_ladders.insert(int(ErrorCategory::ConnectionLost), {{S::RetryWithBackoff, 2},
                                                          {S::Reconnect, 2},
                                                          {S::ReloadPage, 1},
                                                          {S::RestartBrowser, 1},
                                                          {S::MoveShard, 1}});
    m_ladders.insert(int(ErrorCategory::Timeout),
                     {{S::RetryWithBackoff, 2}, {S::Reconnect, 1}, {S::ReloadPage, 1}, {S::MoveShard, 1}});
    m_ladders.insert(int(ErrorCategory::BrowserCrashed), {{S::RestartBrowser, 2}, {S::MoveShard, 1}});
    m_ladders.insert(int(ErrorCategory::GpuDeviceLost),
                     {{S::ReloadPage, 1}, {S::MoveShard, 1}, {S::DowngradeBackend, 3}});
    m_ladders.insert(int(ErrorCategory::OutOfMemory),
                     {{S::ReloadPage, 1}, {S::MoveShard, 1}, {S::DowngradeBackend, 3}});
    m_ladders.insert(int(ErrorCategory::ShaderCompile), {{S::DowngradeBackend, 3}, {S::MoveShard, 1}});
    m_ladders.insert(int(ErrorCategory::Protocol),
                     {{S::Reconnect, 1}, {S::ReloadPage, 1}, {S::RestartBrowser, 1}});
    m_ladders.insert(int(ErrorCategory::Model), {});
    m_ladders.insert(int(ErrorCategory::Cancelled), {});
}

QList<RecoveryRung> RecoveryPlanner::rungsFor(ErrorCategory category) const
{
    return m_ladders.value(int(category));
}

QList<RecoveryStep> RecoveryPlanner::ladderFor(ErrorCategory category) const
{
    QList<RecoveryStep> steps;
    for (const RecoveryRung &r : rungsFor(category)) {
        steps.append(r.step);
    }
    return steps;
}

bool RecoveryPlanner::setLadder(ErrorCategory category, const QList<RecoveryRung> &rungs)
{
    if (int(category) < 1 || int(category) > kErrorCategoryCount) {
        return false;
    }
    for (const RecoveryRung &r : rungs) {
        if (r.attempts < 1 || int(r.step) < int(RecoveryStep::RetryWithBackoff) ||
            int(r.step) > int(RecoveryStep::DowngradeBackend)) {
            return false;
        }
    }
    m_ladders.insert(int(category), rungs);
    return true;
}

std::optional<RecoveryAction> RecoveryPlanner::actionAfter(ErrorCategory category, int failures,
                                                           ComputeBackend startBackend) const
{
    if (failures < 1) {
        return std::nullopt;
    }
    int remaining = failures; // the failures-th action overall, 1-based
    ComputeBackend backend = startBackend;
    for (const RecoveryRung &rung : rungsFor(category)) {
        int attempts = rung.attempts;
        if (rung.step == RecoveryStep::DowngradeBackend) {
            int lower = 0;
            for (auto b = lowerBackend(backend); b; b = lowerBackend(*b)) {
                ++lower;
            }
            attempts = std::min(attempts, lower);
        }
        if (remaining > attempts) {
            remaining -= attempts;
            if (rung.step == RecoveryStep::DowngradeBackend) {
                for (int i = 0; i < attempts; ++i) {
                    backend = *lowerBackend(backend);
                }
            }
            continue;
        }
        RecoveryAction a;
        a.step = rung.step;
        a.attempt = remaining;
        a.backend = backend;
        switch (rung.step) {
        case RecoveryStep::RetryWithBackoff: {
            const double delay =
                double(m_config.retryBaseDelayMs) * std::pow(m_config.retryMultiplier, remaining - 1);
            a.delayMs = qint64(std::min(delay, double(m_config.retryMaxDelayMs)));
            break;
        }
        case RecoveryStep::DowngradeBackend:
            for (int i = 0; i < remaining; ++i) {
                a.backend = *lowerBackend(a.backend);
            }
            break;
        default:
            break;
        }
        a.explanation = QStringLiteral("%1 failure #%2: %3 (attempt %4 of %5)")
                            .arg(toString(category))
                            .arg(failures)
                            .arg(toString(a.step))
                            .arg(a.attempt)
                            .arg(attempts);
        if (a.step == RecoveryStep::RetryWithBackoff) {
            a.explanation += QStringLiteral(" after %1 ms").arg(a.delayMs);
        } else if (a.step == RecoveryStep::DowngradeBackend) {
            a.explanation += QStringLiteral(", now on %1").arg(toString(a.backend));
        }
        return a;
    }
    return std::nullopt;
}

} // namespace accel
