#include "ci/CaseNames.h"

#include "ci/TestRun.h"

#include <QHash>
#include <QSet>

namespace accel::ci {

QString displaySuiteName(const TestRun &run)
{
    return run.suite.isEmpty() ? QStringLiteral("accelerate") : run.suite;
}

QList<CaseName> uniqueCaseNames(const TestRun &run)
{
    const QString fallback = displaySuiteName(run);
    QList<CaseName> names;
    names.reserve(run.cases.size());
    for (const TestCase &c : run.cases) {
        names.append({c.classname.isEmpty() ? fallback : c.classname, c.name});
    }
    // Pairs as they arrive, so a later original "x [2]" keeps its name: suffixes step over them.
    auto key = [](const CaseName &n) -> QString {
        return n.classname + QChar(0) + n.name;
    };
    QHash<QString, int> originalCount;
    originalCount.reserve(names.size());
    for (const CaseName &n : std::as_const(names)) {
        ++originalCount[key(n)];
    }
    QSet<QString> taken;
    taken.reserve(names.size());
    for (const CaseName &n : std::as_const(names)) {
        taken.insert(key(n));
    }
    QSet<QString> seen;
    QHash<QString, int> nextSuffix;
    for (CaseName &n : names) {
        const QString k = key(n);
        if (originalCount.value(k) == 1) {
            continue;
        }
        if (!seen.contains(k)) {
            seen.insert(k);
            continue; // the first keeps its name
        }
        int suffix = nextSuffix.value(k, 2);
        QString candidate;
        do {
            candidate = n.name + QStringLiteral(" [%1]").arg(suffix++);
        } while (taken.contains(n.classname + QChar(0) + candidate));
        nextSuffix[k] = suffix;
        n.name = candidate;
        taken.insert(n.classname + QChar(0) + candidate);
    }
    return names;
}

} // namespace accel::ci
