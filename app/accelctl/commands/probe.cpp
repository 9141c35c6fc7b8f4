// `accelctl probe`: starts each browser headless on the runtime page, prints the compute features
// the page measured (js, wasm-simd, wasm-threads, webgpu, webnn) and stops it. Workers run this
// as a subprocess to advertise their browsers' features (core/cluster/BrowserProber).
#include "../CommandRegistry.h"

#include "cluster/BrowserProbe.h"
#include "hosts/BrowserLauncher.h"

#include <QTextStream>

#include <csignal>

namespace {

const char *kUsage = "usage: accelctl probe [--browser chromium|firefox|edge[,...]] [--browser-path PATH]\n"
                     "                      [--timeout-ms N] [--json]\n"
                     "  Without --browser: every browser found on this machine.\n"
                     "  --browser-path: the program to start (one --browser only).\n"
                     "  Exit code: 0 every probe succeeded, 1 some failed, 2 usage.\n";

volatile std::sig_atomic_t g_terminate = 0;

void onTerminate(int)
{
    g_terminate = 1;
}

int runProbe(const QStringList &args)
{
    QTextStream err(stderr);
    QStringList names;
    QString path;
    int timeoutMs = 30000;
    bool json = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--browser") && hasValue) {
            names << args.at(++i).split(QLatin1Char(','), Qt::SkipEmptyParts);
        } else if (a == QLatin1String("--browser-path") && hasValue) {
            path = args.at(++i);
        } else if (a == QLatin1String("--timeout-ms") && hasValue) {
            bool ok = false;
            timeoutMs = args.at(++i).toInt(&ok);
            if (!ok || timeoutMs < 100 || timeoutMs > 600000) {
                err << "accelctl probe: --timeout-ms must be 100..600000\n";
                return 2;
            }
        } else {
            if (a == QLatin1String("--help")) {
                QTextStream(stdout) << kUsage;
                return 0;
            }
            err << "accelctl probe: unexpected argument '" << a << "'\n" << kUsage;
            return 2;
        }
    }
    QList<accel::HostKind> kinds;
    for (const QString &n : std::as_const(names)) {
        const std::optional<accel::HostKind> kind = accel::hostKindFromName(n);
        if (!kind || *kind == accel::HostKind::Embedded) {
            err << "accelctl probe: unknown browser '" << n << "'\n" << kUsage;
            return 2;
        }
        kinds << *kind;
    }
    if (!path.isEmpty() && kinds.size() != 1) {
        err << "accelctl probe: --browser-path needs exactly one --browser\n";
        return 2;
    }
    if (kinds.isEmpty()) {
        for (const accel::BrowserInstall &b : accel::BrowserLauncher::detect()) {
            kinds << b.kind;
        }
    }
    // SIGTERM (a worker's timeout or its death) ends the wait; the browser is always stopped.
    struct sigaction action = {};
    action.sa_handler = onTerminate;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);

    QList<accel::BrowserProbe::Result> results;
    for (accel::HostKind kind : std::as_const(kinds)) {
        if (g_terminate) {
            break;
        }
        results << accel::BrowserProbe::probe(kind, path, timeoutMs, [] { return g_terminate != 0; });
    }
    bool allOk = !g_terminate;
    for (const accel::BrowserProbe::Result &r : std::as_const(results)) {
        allOk = allOk && r.error.isEmpty();
    }
    QTextStream out(stdout);
    if (json) {
        out << accel::BrowserProbe::encodeReport(results);
    } else if (results.isEmpty()) {
        out << "no browser found\n";
    } else {
        for (const accel::BrowserProbe::Result &r : std::as_const(results)) {
            out << r.name.leftJustified(10) << ' ';
            if (r.error.isEmpty()) {
                out << r.features.join(QLatin1Char(' ')) << "  (" << r.probeMs << " ms"
                    << (r.webgpuAdapter.isEmpty() ? QString()
                                                  : QStringLiteral(", adapter ") + r.webgpuAdapter)
                    << ")\n";
            } else {
                out << "failed: " << r.error << '\n';
            }
        }
    }
    return allOk ? 0 : 1;
}

} // namespace

ACCELCTL_COMMAND("probe", "measure each browser's compute features (webgpu, wasm-simd, webnn, ...)",
                 runProbe);
