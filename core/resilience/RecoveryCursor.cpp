#include "resilience/RecoveryCursor.h"

namespace accel {

RecoveryCursor::RecoveryCursor(const RecoveryPlanner &planner, ErrorCategory category,
                               ComputeBackend startBackend)
    : m_planner(planner)
    , m_category(category)
    , m_start(startBackend)
    , m_backend(startBackend)
{}

std::optional<RecoveryAction> RecoveryCursor::next()
{
    if (m_exhausted) {
        return std::nullopt;
    }
    ++m_failures;
    std::optional<RecoveryAction> a = m_planner.actionAfter(m_category, m_failures, m_start);
    if (!a) {
        m_exhausted = true;
        return std::nullopt;
    }
    m_backend = a->backend;
    return a;
}

} // namespace accel
