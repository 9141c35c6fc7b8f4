#include "CommandRegistry.h"

#include <algorithm>

namespace accelctl {

namespace {
std::vector<Command> &commands()
{
    static std::vector<Command> list;
    return list;
}
std::vector<Benchmark> &benchmarks()
{
    static std::vector<Benchmark> list;
    return list;
}
} // namespace

bool CommandRegistry::add(Command command)
{
    auto &list = commands();
    list.push_back(std::move(command));
    std::sort(list.begin(), list.end(), [](const Command &a, const Command &b) { return a.name < b.name; });
    return true;
}

const std::vector<Command> &CommandRegistry::all()
{
    return commands();
}

const Command *CommandRegistry::find(const QString &name)
{
    for (const Command &c : commands()) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

bool BenchmarkRegistry::add(Benchmark benchmark)
{
    auto &list = benchmarks();
    list.push_back(std::move(benchmark));
    std::sort(list.begin(), list.end(),
              [](const Benchmark &a, const Benchmark &b) { return a.name < b.name; });
    return true;
}

const std::vector<Benchmark> &BenchmarkRegistry::all()
{
    return benchmarks();
}

const Benchmark *BenchmarkRegistry::find(const QString &name)
{
    for (const Benchmark &b : benchmarks()) {
        if (b.name == name) {
            return &b;
        }
    }
    return nullptr;
}

} // namespace accelctl
