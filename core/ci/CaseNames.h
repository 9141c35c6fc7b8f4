#pragma once

#include <QList>
#include <QString>

namespace accel::ci {

class TestRun;

/// The (classname, name) pair a reporter shows for one case.
struct CaseName
{
    QString classname;
    QString name;

    QString qualified() const { return classname + QLatin1Char('.') + name; }
};

/// Unique display names for the cases of a run, in case order. CI tools key test history on
/// (classname, name), and several of them merge or drop duplicates, so every pair must be
/// unique. An empty classname becomes the suite name (or "accelerate"). The first case with a
/// pair keeps it; later duplicates get " [2]", " [3]", ... appended to the name, skipping any
/// suffix another case already uses, so the result depends only on the input order.
QList<CaseName> uniqueCaseNames(const TestRun &run);

/// The suite name reporters show: the run's suite, or "accelerate" when it is empty.
QString displaySuiteName(const TestRun &run);

} // namespace accel::ci
