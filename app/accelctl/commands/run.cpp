// `accelctl run`: runs a layer range of a model on one host and compares it with the native
// reference (max abs / rel error). Hosts: native (the C++ runner on all cores), chromium, firefox
// (the browser compute runtime through the kernel check page). The embedded QtWebEngine host lives
// in the console; accelctl does not link QtWebEngine.
#include "../CommandRegistry.h"

#include "model/DemoModel.h"
#include "model/KernelCheck.h"
#include "model/KernelCheckBrowser.h"
#include "model/ModelWeights.h"
#include "model/ReferenceRunner.h"
#include "model/SafetensorsReader.h"

#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <thread>

namespace {

const char *kUsage =
    "usage: accelctl run --model DIR|demo --host native|chromium|firefox [--backend webgpu|wasm|js]\n"
    "                    --layers A:B --input TOKENS [--tolerance 1e-4]\n"
    "  TOKENS: comma-separated token ids, e.g. 464,2068,7586\n";

int runCommand(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QString modelDir;
    QString host;
    QString backend = QStringLiteral("wasm");
    QString layers;
    QString input;
    double tolerance = 1e-4;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--help")) {
            out << kUsage;
            return 0;
        }
        if (i + 1 >= args.size()) {
            err << "accelctl run: " << a << " needs a value\n" << kUsage;
            return 2;
        }
        const QString value = args.at(++i);
        if (a == QLatin1String("--model")) {
            modelDir = value;
        } else if (a == QLatin1String("--host")) {
            host = value;
        } else if (a == QLatin1String("--backend")) {
            backend = value;
        } else if (a == QLatin1String("--layers")) {
            layers = value;
        } else if (a == QLatin1String("--input")) {
            input = value;
        } else if (a == QLatin1String("--tolerance")) {
            tolerance = value.toDouble();
        } else {
            err << "accelctl run: unknown option " << a << '\n' << kUsage;
            return 2;
        }
    }
    const QStringList range = layers.split(QLatin1Char(':'));
    bool okA = false;
    bool okB = false;
    const int first = range.value(0).toInt(&okA);
    const int last = range.value(1).toInt(&okB);
    std::vector<int> tokens;
    for (const QString &t : input.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        tokens.push_back(t.trimmed().toInt(&ok));
        if (!ok) {
            err << "accelctl run: bad token id '" << t << "'\n";
            return 2;
        }
    }
    if (modelDir.isEmpty() || host.isEmpty() || range.size() != 2 || !okA || !okB || tokens.empty() ||
        !(tolerance > 0)) {
        err << kUsage;
        return 2;
    }
    accel::ModelWeights weights;
    accel::ModelError error;
    if (modelDir == QLatin1String("demo")) {
        auto reader = std::make_shared<accel::SafetensorsReader>();
        const accel::ModelConfig config = accel::DemoModel::config();
        if (!reader->openBytes(accel::DemoModel::safetensorsBytes(config, {}), &error) ||
            !weights.adopt(config, reader, &error)) {
            err << "accelctl run: " << error.message << '\n';
            return 1;
        }
        out << "model: demo (GPT-2 shaped, RANDOM weights from a fixed seed)\n";
    } else if (!weights.load(modelDir, &error)) {
        err << "accelctl run: " << error.message << '\n';
        return 1;
    }
    if (!accel::ReferenceRunner::checkRange(weights.config().layerCount, first, last, &error)) {
        err << "accelctl run: " << error.message << '\n';
        return 2;
    }
    if (host == QLatin1String("native")) {
        accel::ReferenceRunner reference(weights, 1);
        accel::ReferenceRunner native(weights, int(std::max(1u, std::thread::hardware_concurrency())));
        std::vector<float> want;
        std::vector<float> got;
        if (!reference.embed(tokens, &want, &error) ||
            !reference.runLayers(&want, int(tokens.size()), 0, last, &error)) {
            err << "accelctl run: " << error.message << '\n';
            return 1;
        }
        if (!native.embed(tokens, &got, &error) ||
            !native.runLayers(&got, int(tokens.size()), 0, last, &error)) {
            err << "accelctl run: " << error.message << '\n';
            return 1;
        }
        double maxAbs = 0;
        double scale = 1e-6;
        for (std::size_t i = 0; i < got.size(); ++i) {
            maxAbs = std::max(maxAbs, double(std::abs(got[i] - want[i])));
            scale = std::max(scale, double(std::abs(want[i])));
        }
        out << "native (" << native.threads() << " threads) layers 0:" << last << ": max abs " << maxAbs
            << ", rel " << maxAbs / scale << '\n';
        return maxAbs / scale <= tolerance ? 0 : 1;
    }
    if (host == QLatin1String("embedded")) {
        err << "accelctl run: the embedded host is the console's QtWebEngine; use --host chromium or firefox "
               "here\n";
        return 2;
    }
    if (host != QLatin1String("chromium") && host != QLatin1String("firefox")) {
        err << "accelctl run: unknown host '" << host << "'\n" << kUsage;
        return 2;
    }
    accel::KernelCheck check(backend);
    if (!check.addModelCases(weights, tokens, {{first, last}}, QStringLiteral("F32"), &error)) {
        err << "accelctl run: " << error.message << '\n';
        return 1;
    }
    const auto kind = host == QLatin1String("firefox") ? accel::KernelCheckBrowser::Kind::Firefox
                                                       : accel::KernelCheckBrowser::Kind::Chromium;
    if (!accel::runKernelCheckInBrowser(&check, kind, 300000, &error)) {
        err << "accelctl run: " << error.message << '\n';
        return 1;
    }
    if (check.skipped()) {
        err << "accelctl run: " << backend << " is not available on " << host << ": " << check.skipReason()
            << '\n';
        return 1;
    }
    if (!check.fatalError().isEmpty()) {
        err << "accelctl run: the page failed: " << check.fatalError() << '\n';
        return 1;
    }
    bool pass = true;
    for (const accel::KernelCheck::Comparison &c : check.comparisons()) {
        out << host << '/' << backend << ' ' << c.description << ": ";
        if (!c.ran) {
            out << "FAILED: " << c.error << '\n';
            pass = false;
            continue;
        }
        out << "max abs " << c.maxAbs << ", rel " << c.rel << ", " << c.ms << " ms"
            << (c.rel <= tolerance ? "" : "  (over tolerance)") << '\n';
        pass = pass && c.rel <= tolerance;
    }
    return pass ? 0 : 1;
}

} // namespace

ACCELCTL_COMMAND("run", "run a model layer range on one host and compare with the native reference",
                 runCommand);
