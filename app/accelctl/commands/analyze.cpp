// `accelctl analyze SERIES.csv`: every history detector over one series (see core/history).
#include "../CommandRegistry.h"

#include "history/SeriesAnalysis.h"
#include "history/SeriesCsvReader.h"

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace {

void printUsage(QTextStream &out)
{
    out << "usage: accelctl analyze SERIES.csv [--metric-direction lower|higher] [--json]\n"
           "                        [--significance permutation|ttest] [--min-change FRACTION]\n"
           "                        [--horizon N] [--fail-on-regression]\n\n"
           "SERIES.csv holds 'timestamp,value' rows or one value per row (header optional; '-' reads\n"
           "stdin). Timestamps: ISO 8601 or epoch seconds/milliseconds. Prints the trend (Theil-Sen,\n"
           "Mann-Kendall), change points (E-Divisive means; index = first point after the change),\n"
           "anomalies (robust z-score, EWMA) and a Holt forecast. Exit code 0, or 2 on bad usage or\n"
           "input; with --fail-on-regression, 1 when the last change point is a regression.\n";
}

int runAnalyze(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    accel::SeriesAnalysis::Options options;
    bool json = false;
    bool failOnRegression = false;
    QString path;
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
    const accel::SeriesAnalysis::Report report = accel::SeriesAnalysis::run(input.series, options);
    if (json) {
        out << QJsonDocument(accel::SeriesAnalysis::toJson(report, input.series))
                   .toJson(QJsonDocument::Indented);
    } else {
        out << accel::SeriesAnalysis::toText(report, input.series);
    }
    const auto &changes = report.changePoints.changes;
    if (failOnRegression && !changes.empty() &&
        accel::SeriesAnalysis::isRegression(options.direction, changes.back().beforeMean,
                                            changes.back().afterMean)) {
        return 1;
    }
    return 0;
}

} // namespace

ACCELCTL_COMMAND("analyze", "trend, change points, anomalies and forecast of a CSV series", runAnalyze);
