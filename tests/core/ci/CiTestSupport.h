#pragma once
// Helpers shared by the ci tests: fixture loading and golden-file comparison.
// Set ACCEL_UPDATE_GOLDEN=1 to rewrite the golden files from the current output (then review
// the diff with git before committing).

#include "ci/TestRun.h"

#include <QFile>
#include <QStringList>
#include <QTest>

namespace citest {

inline QString fixtureDir()
{
    return qEnvironmentVariable("ACCEL_SOURCE_DIR") + QStringLiteral("/tests/fixtures/ci/");
}

/// Every results fixture with golden outputs.
inline QStringList fixtureNames()
{
    return {QStringLiteral("passed"),     QStringLiteral("failed"),  QStringLiteral("flaky"),
            QStringLiteral("duplicates"), QStringLiteral("unicode"), QStringLiteral("control-chars"),
            QStringLiteral("empty")};
}

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        qWarning("cannot open %s", qPrintable(path));
        return {};
    }
    return f.readAll();
}

inline accel::ci::TestRun loadFixture(const QString &name)
{
    accel::ci::TestRunError error;
    const auto run =
        accel::ci::TestRun::fromJson(readFile(fixtureDir() + name + QStringLiteral(".json")), &error);
    if (!run) {
        qFatal("fixture %s does not parse: %s", qPrintable(name), qPrintable(error.toString()));
    }
    return *run;
}

/// Compares `actual` with tests/fixtures/ci/<goldenName>; reports the first differing line.
inline bool matchesGolden(const QByteArray &actual, const QString &goldenName)
{
    const QString path = fixtureDir() + goldenName;
    if (qEnvironmentVariableIntValue("ACCEL_UPDATE_GOLDEN") == 1) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(actual) != actual.size()) {
            qWarning("cannot write %s", qPrintable(path));
            return false;
        }
        qWarning("updated %s", qPrintable(path));
        return true;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        qWarning("golden file %s is missing (run with ACCEL_UPDATE_GOLDEN=1)", qPrintable(path));
        return false;
    }
    const QByteArray expected = f.readAll();
    if (expected == actual) {
        return true;
    }
    const QList<QByteArray> a = actual.split('\n');
    const QList<QByteArray> e = expected.split('\n');
    for (qsizetype i = 0; i < std::max(a.size(), e.size()); ++i) {
        const QByteArray al = i < a.size() ? a.at(i) : QByteArray("<end>");
        const QByteArray el = i < e.size() ? e.at(i) : QByteArray("<end>");
        if (al != el) {
            qWarning("%s differs at line %lld:\n  expected: %s\n  actual:   %s", qPrintable(goldenName),
                     static_cast<long long>(i + 1), el.left(300).constData(), al.left(300).constData());
            break;
        }
    }
    return false;
}

} // namespace citest
