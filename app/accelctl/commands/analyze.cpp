// `accelctl analyze SERIES.csv`: every history detector over one series (see core/history).
#include "../CommandRegistry.h"

#include "history/RegressionGate.h"
#include "history/SeriesAnalysis.h"
#include "history/SeriesCsvReader.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <optional>

namespace {

void printUsage(QTextStream &out)
{
    out << "usage: accelctl analyze SERIES.csv [--metric-direction lower|higher] [--json]\n"
           "                        [--significance permutation|ttest] [--min-change FRACTION]\n"
           "                        [--horizon N] [--fail-on-regression]\n"
           "                        [--baseline BASE.csv [--threshold FRACTION] [--alpha P]]\n\n"
           "SERIES.csv holds 'timestamp,value' rows or one value per row (header optional; '-' reads\n"
           "stdin). Timestamps: ISO 8601 or epoch seconds/milliseconds. Prints the trend (Theil-Sen,\n"
           "Mann-Kendall), change points (E-Divisive means; index = first point after the change),\n"
           "anomalies (robust z-score, EWMA) and a Holt forecast. Exit code 0, or 2 on bad usage or\n"
           "input; with --fail-on-regression, 1 when the last change point is a regression.\n"
           "--baseline compares the series with a baseline run of the same hardware and browser\n"
           "version (medians, Mann-Whitney U; default threshold 0.05, alpha 0.01) and prints a\n"
           "verdict; with --fail-on-regression a 'regressed' verdict also exits 1.\n";
}

int runAnalyze(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    accel::SeriesAnalysis::Options options;
    bool json = false;
    bool failOnRegression = false;
    QString path;
    QString baselinePath;
    accel::RegressionGate::Options gate;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](QString *target) {
            if (i + 1 >= args.size()) {
                err << "accelctl analyze: " << a << " needs a value\n";
                return false;
            }
            *target = args[++i];
            return true;
        };
        QString v;
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            printUsage(out);
            return 0;
        } else if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--fail-on-regression")) {
            failOnRegression = true;
        } else if (a == QLatin1String("--metric-direction")) {
            if (!value(&v)) {
                return 2;
            }
            if (!accel::parseMetricDirection(v, &options.direction)) {
                err << "accelctl analyze: --metric-direction must be 'lower' or 'higher', not '" << v
                    << "'\n";
                return 2;
            }
        } else if (a == QLatin1String("--significance")) {
            if (!value(&v)) {
                return 2;
            }
            if (v == QLatin1String("permutation")) {
                options.changePoints.significance = accel::ChangePointDetector::Significance::Permutation;
            } else if (v == QLatin1String("ttest") || v == QLatin1String("t-test")) {
                options.changePoints.significance = accel::ChangePointDetector::Significance::TTest;
                options.changePoints.maxPValue = 0.001;
            } else {
                err << "accelctl analyze: --significance must be 'permutation' or 'ttest'\n";
                return 2;
            }
        } else if (a == QLatin1String("--min-change")) {
            if (!value(&v)) {
                return 2;
            }
            bool ok = false;
            const double f = v.toDouble(&ok);
            if (!ok || !(f >= 0.0 && f < 100.0)) {
                err << "accelctl analyze: --min-change needs a fraction >= 0 (e.g. 0.05)\n";
                return 2;
            }
            options.changePoints.minRelativeMagnitude = f;
        } else if (a == QLatin1String("--baseline")) {
            if (!value(&baselinePath)) {
                return 2;
            }
        } else if (a == QLatin1String("--threshold") || a == QLatin1String("--alpha")) {
            if (!value(&v)) {
                return 2;
            }
            bool ok = false;
            const double f = v.toDouble(&ok);
            if (!ok || !(f >= 0.0 && f <= 1.0)) {
                err << "accelctl analyze: " << a << " needs a number in 0..1\n";
                return 2;
            }
            (a == QLatin1String("--alpha") ? gate.alpha : gate.thresholdRelative) = f;
        } else if (a == QLatin1String("--horizon")) {
            if (!value(&v)) {
                return 2;
            }
            bool ok = false;
            const int h = v.toInt(&ok);
            if (!ok || h < 1 || h > 10000) {
                err << "accelctl analyze: --horizon needs 1..10000\n";
                return 2;
            }
            options.forecast.horizon = h;
        } else if (a.startsWith(QLatin1String("--"))) {
            err << "accelctl analyze: unknown option " << a << '\n';
            printUsage(err);
            return 2;
        } else if (path.isEmpty()) {
            path = a;
        } else {
            err << "accelctl analyze: only one series file, got '" << path << "' and '" << a << "'\n";
            return 2;
        }
    }
    if (path.isEmpty()) {
        printUsage(err);
        return 2;
    }
    accel::SeriesCsvReader::Result input;
    if (path == QLatin1String("-")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            err << "accelctl analyze: cannot read stdin\n";
            return 2;
        }
        input = accel::SeriesCsvReader::read(&in);
    } else {
        input = accel::SeriesCsvReader::readFile(path);
    }
    if (!input.ok) {
        err << "accelctl analyze: " << (path == QLatin1String("-") ? QStringLiteral("stdin") : path) << ": "
            << input.error << '\n';
        return 2;
    }
    std::optional<accel::RegressionGate::Result> verdict;
    if (!baselinePath.isEmpty()) {
        const accel::SeriesCsvReader::Result base = accel::SeriesCsvReader::readFile(baselinePath);
        if (!base.ok) {
            err << "accelctl analyze: " << baselinePath << ": " << base.error << '\n';
            return 2;
        }
        gate.direction = options.direction;
        verdict = accel::RegressionGate::judge(base.series.values, input.series.values, gate);
    }
    const accel::SeriesAnalysis::Report report = accel::SeriesAnalysis::run(input.series, options);
    if (json) {
        QJsonObject doc = accel::SeriesAnalysis::toJson(report, input.series);
        if (verdict) {
            doc.insert(QStringLiteral("baseline"), accel::RegressionGate::toJson(*verdict));
        }
        out << QJsonDocument(doc).toJson(QJsonDocument::Indented);
    } else {
        out << accel::SeriesAnalysis::toText(report, input.series);
        if (verdict) {
            out << "baseline verdict: " << accel::RegressionGate::toString(verdict->verdict) << " ("
                << verdict->reason << ")\n";
        }
    }
    const auto &changes = report.changePoints.changes;
    if (failOnRegression && !changes.empty() &&
        accel::SeriesAnalysis::isRegression(options.direction, changes.back().beforeMean,
                                            changes.back().afterMean)) {
        return 1;
    }
    if (failOnRegression && verdict && verdict->verdict == accel::RegressionGate::Verdict::Regressed) {
        return 1;
    }
    return 0;
}

} // namespace

ACCELCTL_COMMAND("analyze", "trend, change points, anomalies and forecast of a CSV series", runAnalyze);
