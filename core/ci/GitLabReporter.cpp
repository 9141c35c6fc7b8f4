#include "ci/GitLabReporter.h"

#include "ci/CaseNames.h"
#include "ci/JUnitWriter.h"
#include "ci/TestRun.h"

#include <QHash>
#include <QLocale>

#include <optional>

namespace accel::ci {

namespace {

struct UnitConversion
{
    QString baseUnit; ///< OpenMetrics unit suffix: seconds, bytes, ratio
    double factor = 1.0;
};

std::optional<UnitConversion> knownUnit(const QString &unit)
{
    static const QHash<QString, UnitConversion> table = {
        {QStringLiteral("s"), {QStringLiteral("seconds"), 1.0}},
        {QStringLiteral("sec"), {QStringLiteral("seconds"), 1.0}},
        {QStringLiteral("second"), {QStringLiteral("seconds"), 1.0}},
        {QStringLiteral("seconds"), {QStringLiteral("seconds"), 1.0}},
        {QStringLiteral("ms"), {QStringLiteral("seconds"), 1e-3}},
        {QStringLiteral("milliseconds"), {QStringLiteral("seconds"), 1e-3}},
        {QStringLiteral("us"), {QStringLiteral("seconds"), 1e-6}},
        {QStringLiteral("\u00b5s"), {QStringLiteral("seconds"), 1e-6}},
        {QStringLiteral("microseconds"), {QStringLiteral("seconds"), 1e-6}},
        {QStringLiteral("ns"), {QStringLiteral("seconds"), 1e-9}},
        {QStringLiteral("nanoseconds"), {QStringLiteral("seconds"), 1e-9}},
        {QStringLiteral("b"), {QStringLiteral("bytes"), 1.0}},
        {QStringLiteral("byte"), {QStringLiteral("bytes"), 1.0}},
        {QStringLiteral("bytes"), {QStringLiteral("bytes"), 1.0}},
        {QStringLiteral("kb"), {QStringLiteral("bytes"), 1e3}},
        {QStringLiteral("mb"), {QStringLiteral("bytes"), 1e6}},
        {QStringLiteral("gb"), {QStringLiteral("bytes"), 1e9}},
        {QStringLiteral("kib"), {QStringLiteral("bytes"), 1024.0}},
        {QStringLiteral("mib"), {QStringLiteral("bytes"), 1024.0 * 1024.0}},
        {QStringLiteral("gib"), {QStringLiteral("bytes"), 1024.0 * 1024.0 * 1024.0}},
        {QStringLiteral("ratio"), {QStringLiteral("ratio"), 1.0}},
        {QStringLiteral("%"), {QStringLiteral("ratio"), 0.01}},
        {QStringLiteral("percent"), {QStringLiteral("ratio"), 0.01}},
    };
    const auto it = table.constFind(unit.trimmed().toLower());
    if (it == table.constEnd()) {
        return std::nullopt;
    }
    return *it;
}

QString number(double v)
{
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

// HELP text escaping: like label values (backslash, newline, double quote).
QString escapeHelp(const QString &text)
{
    return GitLabReporter::escapeLabelValue(text);
}

struct Family
{
    QString name;
    QString help;
    QString unit; // empty: no # UNIT line
    QStringList samples;
};

void writeFamily(QString &out, const Family &f)
{
    out += QStringLiteral("# TYPE ") + f.name + QStringLiteral(" gauge\n");
    if (!f.unit.isEmpty()) {
        out += QStringLiteral("# UNIT ") + f.name + QLatin1Char(' ') + f.unit + QLatin1Char('\n');
    }
    if (!f.help.isEmpty()) {
        out += QStringLiteral("# HELP ") + f.name + QLatin1Char(' ') + escapeHelp(f.help) + QLatin1Char('\n');
    }
    for (const QString &s : f.samples) {
        out += s;
    }
}

} // namespace

QString GitLabReporter::sanitizeMetricName(const QString &text)
{
    QString out;
    out.reserve(text.size() + 1);
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool ok =
            (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_';
        out += ok ? c : QLatin1Char('_');
    }
    if (out.isEmpty() || out.at(0).isDigit()) {
        out.prepend(QLatin1Char('_'));
    }
    return out;
}

QString GitLabReporter::escapeLabelValue(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        switch (c.unicode()) {
        case '\\':
            out += QStringLiteral("\\\\");
            break;
        case '"':
            out += QStringLiteral("\\\"");
            break;
        case '\n':
            out += QStringLiteral("\\n");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray GitLabReporter::junit(const TestRun &run) const
{
    return JUnitWriter().write(run);
}

QString GitLabReporter::metrics(const TestRun &run) const
{
    const TestTotals t = run.totals();
    const QString suiteLabel =
        QStringLiteral("suite=\"") + escapeLabelValue(displaySuiteName(run)) + QLatin1Char('"');
    QString out;

    Family tests{QStringLiteral("accel_suite_tests"),
                 QStringLiteral("Test cases of the suite by final status."),
                 {},
                 {}};
    const std::pair<const char *, int> byStatus[] = {
        {"passed", t.passed}, {"failed", t.failed}, {"error", t.errors}, {"skipped", t.skipped}};
    for (const auto &[status, count] : byStatus) {
        tests.samples << QStringLiteral("accel_suite_tests{%1,status=\"%2\"} %3\n")
                             .arg(suiteLabel, QLatin1String(status), QString::number(count));
    }
    writeFamily(out, tests);
    writeFamily(
        out,
        {QStringLiteral("accel_suite_flaky_tests"),
         QStringLiteral("Test cases that failed at least once, then passed."),
         {},
         {QStringLiteral("accel_suite_flaky_tests{%1} %2\n").arg(suiteLabel, QString::number(t.flaky))}});
    writeFamily(out, {QStringLiteral("accel_suite_duration_seconds"),
                      QStringLiteral("Wall time of the suite."),
                      QStringLiteral("seconds"),
                      {QStringLiteral("accel_suite_duration_seconds{%1} %2\n")
                           .arg(suiteLabel, number(run.wallTimeSec()))}});

    const QList<CaseName> names = uniqueCaseNames(run);
    QList<QString> caseLabels;
    caseLabels.reserve(names.size());
    for (const CaseName &n : names) {
        caseLabels << QStringLiteral("classname=\"") + escapeLabelValue(n.classname) +
                          QStringLiteral("\",name=\"") + escapeLabelValue(n.name) + QLatin1Char('"');
    }

    if (m_options.caseDurations && !run.cases.isEmpty()) {
        Family d{QStringLiteral("accel_test_duration_seconds"),
                 QStringLiteral("Wall time of the final attempt."),
                 QStringLiteral("seconds"),
                 {}};
        for (qsizetype i = 0; i < run.cases.size(); ++i) {
            d.samples << QStringLiteral("accel_test_duration_seconds{%1} %2\n")
                             .arg(caseLabels.at(i), number(run.cases.at(i).durationSec));
        }
        writeFamily(out, d);
    }

    // One family per (metric name, unit as given), in order of first appearance. Families whose
    // sanitised names collide get _2, _3, ... so every family name stays unique.
    QList<Family> families;
    QHash<QString, qsizetype> familyByKey;
    QHash<QString, int> usedNames{{QStringLiteral("accel_suite_tests"), 1},
                                  {QStringLiteral("accel_suite_flaky_tests"), 1},
                                  {QStringLiteral("accel_suite_duration_seconds"), 1},
                                  {QStringLiteral("accel_test_duration_seconds"), 1}};
    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        for (const TestMetric &m : run.cases.at(i).metrics) {
            const std::optional<UnitConversion> conv = knownUnit(m.unit);
            const QString key = m.name + QChar(0) + (conv ? conv->baseUnit : m.unit);
            auto it = familyByKey.constFind(key);
            qsizetype index = 0;
            if (it == familyByKey.constEnd()) {
                QString base = QStringLiteral("accel_test_") + sanitizeMetricName(m.name);
                if (conv && !base.endsWith(QLatin1Char('_') + conv->baseUnit)) {
                    base += QLatin1Char('_') + conv->baseUnit;
                }
                QString name = base;
                for (int n = 2; usedNames.contains(name); ++n) {
                    name = base + QStringLiteral("_%1").arg(n);
                    if (conv) {
                        // OpenMetrics: a family with a UNIT must end in _<unit>.
                        name = base + QStringLiteral("_%1_").arg(n) + conv->baseUnit;
                    }
                }
                usedNames.insert(name, 1);
                QString help = QStringLiteral("Test metric %1").arg(m.name);
                if (!m.unit.isEmpty()) {
                    help += conv && conv->factor != 1.0
                                ? QStringLiteral(", converted from %1 to %2").arg(m.unit, conv->baseUnit)
                                : QStringLiteral(" in %1").arg(m.unit);
                }
                if (m.better == MetricDirection::Higher) {
                    help += QStringLiteral(", higher is better");
                } else if (m.better == MetricDirection::Lower) {
                    help += QStringLiteral(", lower is better");
                }
                help += QLatin1Char('.');
                families.append({name, help, conv ? conv->baseUnit : QString(), {}});
                index = families.size() - 1;
                familyByKey.insert(key, index);
            } else {
                index = *it;
            }
            const double value = conv ? m.value * conv->factor : m.value;
            families[index].samples << families.at(index).name + QLatin1Char('{') + caseLabels.at(i) +
                                           QStringLiteral("} ") + number(value) + QLatin1Char('\n');
        }
    }
    for (const Family &f : std::as_const(families)) {
        writeFamily(out, f);
    }
    out += QStringLiteral("# EOF\n");
    return out;
}

} // namespace accel::ci
