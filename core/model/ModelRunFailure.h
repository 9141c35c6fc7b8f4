#pragma once

#include "resilience/ErrorCategory.h"

#include <QString>

namespace accel {

/// How a failed model deployment or run is reported to the pool's breaker. The host protocol
/// gives an error code (HostModelClient::failed) or, for deployments, a message that embeds it
/// ("host ID: CODE: detail" or "host ID was lost during deployment (...)").
///   host_lost -> ConnectionLost; cancelled -> Cancelled (says nothing about the host);
///   timeout -> Timeout; wrong_type, unknown_model, bad_model, bad_result -> Protocol;
///   load_failed / run_failed / unsupported -> OutOfMemory or GpuDeviceLost when the detail says
///   so, else Model (the request or backend choice, not the host: does not trip a breaker).
class ModelRunFailure
{
public:
    static ErrorCategory categorize(const QString &code, const QString &detail);
    /// The protocol code inside a HostModelClient::deployFailed message ("host_lost" for a lost
    /// host, "load_failed" when none can be found).
    static QString deployFailureCode(const QString &message);
};

} // namespace accel
