// `accelctl report`: turns a results JSON (docs/results-format.md) into what a CI system reads,
// and `accelctl bench report`: JUnitWriter against a plain QXmlStreamWriter loop.
// Exit codes: 0 all passed, 1 a case failed or errored, 2 usage, input or output error.
#include "../CommandRegistry.h"

#include "ci/GitHubReporter.h"
#include "ci/JUnitBenchmark.h"
#include "ci/ReportFormat.h"
#include "ci/TestRun.h"
#include "common/Clock.h"

#include <QCommandLineParser>
#include <QFile>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int usageError(const QString &message)
{
    QTextStream(stderr) << "accelctl report: " << message << "\n(see 'accelctl report --help')\n";
    return kExitUsage;
}

// Reads at most `limit` + 1 bytes so an oversized input is reported, not loaded.
bool readInput(const QString &path, qsizetype limit, QByteArray *bytes, QString *error)
{
    QFile file;
    const bool isStdin = path == QLatin1String("-");
    if (isStdin) {
        if (!file.open(stdin, QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read standard input: %1").arg(file.errorString());
            return false;
        }
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
            return false;
        }
    }
    if (!isStdin && file.size() > limit) {
        *error = QStringLiteral("%1 is larger than the limit of %2 bytes").arg(path).arg(limit);
        return false;
    }
    // In chunks: read(limit + 1) would allocate the whole limit up front.
    bytes->clear();
    while (bytes->size() <= limit) {
        const QByteArray chunk = file.read(1024 * 1024);
        if (chunk.isEmpty()) {
            break;
        }
        bytes->append(chunk);
    }
    if (file.error() != QFileDevice::NoError) {
        *error = QStringLiteral("cannot read %1: %2")
                     .arg(isStdin ? QStringLiteral("standard input") : path, file.errorString());
        return false;
    }
    if (bytes->size() > limit) {
        *error = QStringLiteral("%1 is larger than the limit of %2 bytes")
                     .arg(isStdin ? QStringLiteral("input") : path)
                     .arg(limit);
        return false;
    }
    return true;
}

bool writeOutput(const QString &path, const QByteArray &bytes, QString *error)
{
    if (path.isEmpty() || path == QLatin1String("-")) {
        if (std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) != size_t(bytes.size()) ||
            std::fflush(stdout) != 0) {
            *error = QStringLiteral("cannot write to standard output");
            return false;
        }
        return true;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

int runReport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes a test-suite result (results JSON) as a CI report.\n"
        "Exit code: 0 all passed, 1 a test failed or errored, 2 usage or input error.\n"
        "github: workflow commands on the output; also appends a Markdown summary to $GITHUB_STEP_SUMMARY\n"
        "and step outputs to $GITHUB_OUTPUT when those are set."));
    const QCommandLineOption input(QStringLiteral("input"),
                                   QStringLiteral("Results JSON file ('-' for stdin)."),
                                   QStringLiteral("file"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("One of: %1 (default: summary).")
                                        .arg(accel::ci::reportFormatNames().join(QStringLiteral(", "))),
                                    QStringLiteral("format"), QStringLiteral("summary"));
    const QCommandLineOption output(QStringLiteral("output"),
                                    QStringLiteral("Write the report here instead of stdout (atomically)."),
                                    QStringLiteral("file"));
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOptions({input, format, output, help});
    if (!parser.parse(QStringList{QStringLiteral("accelctl report")} + args)) {
        return usageError(parser.errorText());
    }
    if (parser.isSet(help)) {
        QTextStream(stdout)
            << "usage: accelctl report --input results.json --format FORMAT [--output FILE]\n\n"
            << parser.helpText().section(QLatin1Char('\n'), 1);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    }
    if (!parser.isSet(input)) {
        return usageError(QStringLiteral("--input is required"));
    }
    const auto fmt = accel::ci::reportFormatFromName(parser.value(format));
    if (!fmt) {
        return usageError(
            QStringLiteral("unknown format '%1'; expected one of: %2")
                .arg(parser.value(format), accel::ci::reportFormatNames().join(QStringLiteral(", "))));
    }

    const accel::ci::TestRunLimits limits;
    QByteArray json;
    QString error;
    if (!readInput(parser.value(input), limits.maxDocumentBytes, &json, &error)) {
        QTextStream(stderr) << "accelctl report: " << error << '\n';
        return kExitUsage;
    }
    accel::ci::TestRunError parseError;
    const std::optional<accel::ci::TestRun> run = accel::ci::TestRun::fromJson(json, &parseError, limits);
    if (!run) {
        QTextStream(stderr) << "accelctl report: " << parser.value(input) << ": " << parseError.toString()
                            << '\n';
        return kExitUsage;
    }

    QByteArray report;
    if (*fmt == accel::ci::ReportFormat::GitHub) {
        QString commands;
        const QString publishError =
            accel::ci::GitHubReporter().publish(*run, QProcessEnvironment::systemEnvironment(), &commands);
        if (!publishError.isEmpty()) {
            QTextStream(stderr) << "accelctl report: " << publishError << '\n';
            return kExitUsage;
        }
        report = commands.toUtf8();
    } else {
        report = accel::ci::renderReport(*run, *fmt);
    }
    if (!writeOutput(parser.value(output), report, &error)) {
        QTextStream(stderr) << "accelctl report: " << error << '\n';
        return kExitUsage;
    }
    return run->totals().allPassed() ? 0 : kExitFailed;
}

int runBenchReport(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption cases(QStringLiteral("cases"),
                                   QStringLiteral("Cases in the suite (default 10000)."), QStringLiteral("n"),
                                   QStringLiteral("10000"));
    const QCommandLineOption rounds(QStringLiteral("rounds"),
                                    QStringLiteral("Rounds per writer (default 5)."), QStringLiteral("n"),
                                    QStringLiteral("5"));
    parser.addOptions({cases, rounds});
    if (!parser.parse(QStringList{QStringLiteral("accelctl bench report")} + args)) {
        QTextStream(stderr) << "accelctl bench report: " << parser.errorText() << '\n';
        return kExitUsage;
    }
    bool okCases = false;
    bool okRounds = false;
    const int n = parser.value(cases).toInt(&okCases);
    const int r = parser.value(rounds).toInt(&okRounds);
    if (!okCases || !okRounds || n < 1 || n > 1'000'000 || r < 1 || r > 100) {
        QTextStream(stderr) << "accelctl bench report: --cases must be 1..1000000 and --rounds 1..100\n";
        return kExitUsage;
    }
    const auto result = accel::ci::JUnitBenchmark::run(n, r, accel::Clock::system());
    QTextStream out(stdout);
    out << "JUnit report of a " << n << "-case suite, best of " << r << " rounds\n";
    out << "  JUnitWriter (sanitising, unique names, truncation): " << qRound64(result.writerCasesPerSec)
        << " cases/s, " << result.writerBytes << " bytes\n";
    out << "  plain QXmlStreamWriter loop (no checks):            " << qRound64(result.plainCasesPerSec)
        << " cases/s, " << result.plainBytes << " bytes\n";
    out << "  ratio JUnitWriter / plain: " << QString::number(result.ratio(), 'f', 2) << '\n';
    return 0;
}

} // namespace

ACCELCTL_COMMAND("report", "write a results JSON as JUnit, GitHub, GitLab, Jenkins or a summary", runReport);
ACCELCTL_BENCHMARK("report", "JUnitWriter vs a plain QXmlStreamWriter loop (cases/s)", runBenchReport);
