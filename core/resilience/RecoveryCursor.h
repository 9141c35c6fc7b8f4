#pragma once

#include "resilience/RecoveryPlanner.h"

namespace accel {

/// Walks one incident's ladder: call next() after each failure. Holds a reference to the planner,
/// which must outlive it. Not thread-safe.
class RecoveryCursor
{
public:
    RecoveryCursor(const RecoveryPlanner &planner, ErrorCategory category, ComputeBackend startBackend);
    /// The next action, or nullopt when exhausted (stays exhausted).
    std::optional<RecoveryAction> next();
    int failures() const { return m_failures; }
    /// Backend after the actions handed out so far.
    ComputeBackend backend() const { return m_backend; }
    bool isExhausted() const { return m_exhausted; }

private:
    const RecoveryPlanner &m_planner;
    ErrorCategory m_category;
    ComputeBackend m_start;
    ComputeBackend m_backend;
    int m_failures = 0;
    bool m_exhausted = false;
};

} // namespace accel
