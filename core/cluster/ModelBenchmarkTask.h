#pragma once

#include "cluster/TaskSpec.h"

namespace accel {

/// Model benchmark tasks run as `accelctl model-bench` in their own process group through
/// TaskRunner, so a browser or renderer crash, a hang (task timeout) or an out-of-memory kill
/// ends the task, never the worker. The worker builds the argument list itself (no shell, no
/// operator-supplied argv), so these tasks do not need --allow-commands.
namespace ModelBenchmarkTask {

/// File the benchmark writes (collected as the task's artifact).
inline constexpr char kResultFile[] = "model-bench.json";

/// accelctl found at $ACCEL_ACCELCTL, next to the running executable, in the build tree
/// (app/accelctl) or on PATH; empty when absent (then the worker offers no model benchmarks).
QString program();
/// The command task that runs `spec` (kind ModelBenchmark) with `program`.
TaskSpec toCommand(const TaskSpec &spec, const QString &program);

} // namespace ModelBenchmarkTask
} // namespace accel
