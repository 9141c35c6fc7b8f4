#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace accelctl {

/// One accelctl subcommand ("bench", "run", ...). `run` gets the arguments after the command
/// name and returns the process exit code (0 ok, 1 failure/regression, 2 usage error).
struct Command
{
    QString name;
    QString summary;
    std::function<int(const QStringList &args)> run;
};

/// Subcommands register themselves at static-initialisation time with ACCELCTL_COMMAND.
class CommandRegistry
{
public:
    static bool add(Command command);
    static const std::vector<Command> &all();
    static const Command *find(const QString &name);
};

/// Several areas contribute to `accelctl bench`: each registers a named benchmark here.
struct Benchmark
{
    QString name;
    QString summary;
    std::function<int(const QStringList &args)> run;
};

class BenchmarkRegistry
{
public:
    static bool add(Benchmark benchmark);
    static const std::vector<Benchmark> &all();
    static const Benchmark *find(const QString &name);
};

} // namespace accelctl

#define ACCELCTL_CONCAT_INNER(a, b) a##b
#define ACCELCTL_CONCAT(a, b) ACCELCTL_CONCAT_INNER(a, b)
/// ACCELCTL_COMMAND("name", "one-line summary", [](const QStringList &args) { return 0; });
#define ACCELCTL_COMMAND(name, summary, fn)                                                                  \
    static const bool ACCELCTL_CONCAT(accelctlCommand_, __LINE__) =                                          \
        ::accelctl::CommandRegistry::add({QStringLiteral(name), QStringLiteral(summary), fn})
/// ACCELCTL_BENCHMARK("breaker", "summary", [](const QStringList &args) { return 0; });
#define ACCELCTL_BENCHMARK(name, summary, fn)                                                                \
    static const bool ACCELCTL_CONCAT(accelctlBenchmark_, __LINE__) =                                        \
        ::accelctl::BenchmarkRegistry::add({QStringLiteral(name), QStringLiteral(summary), fn})
