// `accelctl bench transport`: host-protocol round trips vs a raw WebSocket echo, side by side.
// The measuring is core/hosts/TransportBenchmark; this file parses, opens hosts and prints.
#include "../CommandRegistry.h"

#include "hosts/BrowserLauncher.h"
#include "hosts/BrowserProcess.h"
#include "hosts/TransportBenchmark.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTextStream>

namespace {

using accel::HostKind;
using accel::TransportBenchmark;

// The embedded leg runs QtWebEngine in accel-embedded-host (accelctl itself links only core).
QString findEmbeddedHelper()
{
    const QString fromEnv = qEnvironmentVariable("ACCEL_EMBEDDED_HOST");
    if (!fromEnv.isEmpty()) {
        return QFileInfo(fromEnv).isExecutable() ? fromEnv : QString();
    }
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &candidate :
         QStringList{dir + QStringLiteral("/accel-embedded-host"),
                     dir + QStringLiteral("/../embedded-host/accel-embedded-host"),
                     dir + QStringLiteral("/../../tests/integration/hosts/accel-embedded-host")}) {
        if (QFileInfo(candidate).isExecutable()) {
            return QDir::cleanPath(candidate);
        }
    }
    return QStandardPaths::findExecutable(QStringLiteral("accel-embedded-host"));
}

TransportBenchmark::HostOpener openerFor(HostKind kind, QString *unavailable)
{
    if (kind == HostKind::Embedded) {
        const QString helper = findEmbeddedHelper();
        if (helper.isEmpty()) {
            *unavailable = QStringLiteral("accel-embedded-host not found (set ACCEL_EMBEDDED_HOST)");
            return {};
        }
        return [helper](const QUrl &url, QString *error) -> std::unique_ptr<QObject> {
            auto process = std::make_unique<accel::BrowserProcess>(
                HostKind::Embedded, helper, QStringList{url.toString(QUrl::FullyEncoded)},
                QProcessEnvironment::systemEnvironment(), nullptr);
            if (!process->start(error)) {
                return nullptr;
            }
            return process;
        };
    }
    const std::optional<accel::BrowserInstall> browser = accel::BrowserLauncher::find(kind);
    if (!browser) {
        *unavailable = QStringLiteral("%1 is not installed").arg(accel::hostKindName(kind));
        return {};
    }
    return [install = *browser](const QUrl &url, QString *error) -> std::unique_ptr<QObject> {
        return std::unique_ptr<QObject>(accel::BrowserLauncher::launch(install, url, {}, nullptr, error));
    };
}

void printLeg(QTextStream &out, const TransportBenchmark::Leg &leg)
{
    out << "  " << leg.host.leftJustified(10) << leg.mode.leftJustified(11);
    if (!leg.error.isEmpty()) {
        out << "unavailable: " << leg.error << '\n';
        return;
    }
    QStringList rounds;
    for (const TransportBenchmark::Round &r : leg.rounds) {
        rounds << QString::number(r.mibPerSecond(), 'f', 1);
    }
    out << QString::number(leg.medianMiBPerSecond(), 'f', 1).rightJustified(8)
        << " MiB/s  (rounds: " << rounds.join(QLatin1String(", ")) << ")\n";
}

int runTransport(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    TransportBenchmark::Options options;
    QStringList hosts{QStringLiteral("embedded"), QStringLiteral("chromium")};
    double minRatio = 0.9;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const QString value = i + 1 < args.size() ? args.at(i + 1) : QString();
        bool ok = true;
        if (a == QLatin1String("--help")) {
            out << "usage: accelctl bench transport [--hosts embedded,chromium,firefox,edge] [--frames N]\n"
                   "                                [--window N] [--rounds N] [--frame-kib N] [--min-ratio "
                   "R]\n"
                   "Round trips of tensor frames (1 MiB by default) through the host protocol vs a raw\n"
                   "WebSocket echo on the same kind of host, plus an in-process QWebSocket echo client.\n"
                   "Exit code 1 when protocol/raw of any host is below --min-ratio (default 0.9).\n";
            return 0;
        } else if (a == QLatin1String("--hosts")) {
            hosts = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
            ++i;
        } else if (a == QLatin1String("--frames")) {
            options.framesPerRound = value.toInt(&ok);
            ++i;
        } else if (a == QLatin1String("--window")) {
            options.window = value.toInt(&ok);
            ++i;
        } else if (a == QLatin1String("--rounds")) {
            options.rounds = value.toInt(&ok);
            ++i;
        } else if (a == QLatin1String("--frame-kib")) {
            options.frameBytes = value.toLongLong(&ok) * 1024;
            ++i;
        } else if (a == QLatin1String("--min-ratio")) {
            minRatio = value.toDouble(&ok);
            ++i;
        } else {
            ok = false;
        }
        if (!ok || options.framesPerRound < 1 || options.window < 1 || options.rounds < 1 ||
            options.frameBytes < 4 || options.frameBytes > 64 * 1024 * 1024) {
            err << "accelctl bench transport: bad argument '" << a << "' (see --help)\n";
            return 2;
        }
    }
    QList<HostKind> kinds;
    for (const QString &h : hosts) {
        const std::optional<HostKind> kind = accel::hostKindFromName(h);
        if (!kind) {
            err << "accelctl bench transport: unknown host '" << h << "'\n";
            return 2;
        }
        kinds << *kind;
    }

    TransportBenchmark bench(options);
    QString error;
    if (!bench.start(&error)) {
        err << "accelctl bench transport: " << error << '\n';
        return 1;
    }
    out << "transport: " << options.frameBytes / 1024 << " KiB frames, " << options.framesPerRound
        << " per round, " << options.window << " in flight, " << options.rounds << " rounds (median)\n";
    out.flush();
    const TransportBenchmark::Leg qt = bench.measureQtClient();
    printLeg(out, qt);
    out.flush();
    int rc = 0;
    QStringList ratios;
    for (HostKind kind : kinds) {
        QString unavailable;
        const TransportBenchmark::HostOpener opener = openerFor(kind, &unavailable);
        if (!opener) {
            out << "  " << accel::hostKindName(kind).leftJustified(21) << "unavailable: " << unavailable
                << '\n';
            continue;
        }
        const auto [raw, protocol] = bench.measureHost(kind, opener);
        printLeg(out, raw);
        printLeg(out, protocol);
        out.flush();
        if (raw.error.isEmpty() && protocol.error.isEmpty() && raw.medianMiBPerSecond() > 0) {
            const double ratio = protocol.medianMiBPerSecond() / raw.medianMiBPerSecond();
            const bool pass = ratio >= minRatio;
            ratios << QStringLiteral("%1 protocol/raw = %2 (%3; target >= %4)")
                          .arg(accel::hostKindName(kind))
                          .arg(ratio, 0, 'f', 2)
                          .arg(pass ? QStringLiteral("ok") : QStringLiteral("BELOW TARGET"))
                          .arg(minRatio, 0, 'f', 2);
            if (qt.error.isEmpty() && qt.medianMiBPerSecond() > 0) {
                ratios.last() += QStringLiteral(", protocol/qt-client = %1")
                                     .arg(protocol.medianMiBPerSecond() / qt.medianMiBPerSecond(), 0, 'f', 2);
            }
            rc = pass ? rc : 1;
        } else if (!protocol.error.isEmpty()) {
            rc = 1; // a host that runs but fails the protocol leg is a failure, not a skip
        }
    }
    out << "ratios:\n";
    for (const QString &r : ratios) {
        out << "  " << r << '\n';
    }
    return rc;
}

} // namespace

ACCELCTL_BENCHMARK("transport",
                   "host protocol vs raw WebSocket echo, 1 MiB tensor frames (embedded, chromium)",
                   runTransport);
