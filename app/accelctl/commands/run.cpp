// `accelctl run`: runs a layer range of a model on one host and compares it with the native
// reference (max abs / rel error). Hosts: native (the C++ runner on all cores), or a runtime page
// over the host protocol: embedded (QtWebEngine in the accel-embedded-host helper process; accelctl
// does not link QtWebEngine), chromium, firefox, edge.
#include "../CommandRegistry.h"

#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "model/ReferenceRunner.h"
#include "model/SafetensorsReader.h"
#include "pool/StandaloneHosts.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <thread>

namespace {

const char *kUsage = "usage: accelctl run --model DIR|demo --host native|embedded|chromium|firefox|edge\n"
                     "                    [--backend auto|webgpu|webnn|wasm|js]\n"
                     "                    --layers A:B --input TOKENS [--tolerance 1e-4]\n"
                     "  TOKENS: comma-separated token ids, e.g. 464,2068,7586\n";

// Waits for `done()` with a nested event loop (a command-line tool has nothing else to serve).
template<typename Done> bool waitFor(Done done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return done();
}

struct Comparison
{
    double maxAbs = 0;
    double rel = 0;
};

Comparison compare(const float *got, const std::vector<float> &want)
{
    Comparison c;
    double scale = 1e-6;
    for (std::size_t i = 0; i < want.size(); ++i) {
        c.maxAbs = std::max(c.maxAbs, double(std::abs(got[i] - want[i])));
        scale = std::max(scale, double(std::abs(want[i])));
    }
    c.rel = c.maxAbs / scale;
    return c;
}

// Launches one host of `kind` against a private RuntimeServer, deploys layers [first, last) with
// the host protocol (chunks only when missing), runs `tokens` (embedding on the host when first is
// 0, else the reference's hidden state at layer `first`), and compares with the native reference.
int runOnHost(accel::HostKind kind, const accel::ModelWeights &weights, const std::vector<int> &tokens,
              int first, int last, const QString &backend, double tolerance)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    accel::ModelError error;
    const int seqLen = int(tokens.size());
    accel::ReferenceRunner reference(weights, int(std::max(1u, std::thread::hardware_concurrency())));
    std::vector<float> input;
    std::vector<float> want;
    if (!reference.embed(tokens, &input, &error) ||
        (first > 0 && !reference.runLayers(&input, seqLen, 0, first, &error))) {
        err << "accelctl run: " << error.message << '\n';
        return 1;
    }
    want = input;
    if (!reference.runLayers(&want, seqLen, first, last, &error)) {
        err << "accelctl run: " << error.message << '\n';
        return 1;
    }

    accel::RuntimeServer server;
    QString why;
    if (!server.start(&why)) {
        err << "accelctl run: " << why << '\n';
        return 1;
    }
    accel::StandaloneHosts hosts(&server);
    QElapsedTimer timer;
    timer.start();
    const QString hostId = hosts.launch(kind, 60000, &why);
    if (hostId.isEmpty()) {
        err << "accelctl run: " << why << '\n';
        return 1;
    }
    out << accel::hostKindName(kind) << " host connected in " << timer.elapsed() << " ms\n";

    auto package = std::make_shared<accel::ModelPackage>(
        QStringLiteral("model"),
        std::shared_ptr<const accel::ModelWeights>(&weights, [](const accel::ModelWeights *) {}));
    accel::HostModelClient client(server.session(hostId), package);
    QString deployError;
    bool deployDone = false;
    QObject::connect(&client, &accel::HostModelClient::deployed, [&] { deployDone = true; });
    QObject::connect(&client, &accel::HostModelClient::deployFailed, [&](const QString &message) {
        deployError = message;
        deployDone = true;
    });
    timer.restart();
    const bool embed = first == 0;
    if (!client.deploy(first, last, embed, backend, &error)) {
        err << "accelctl run: " << error.message << '\n';
        return 1;
    }
    if (!waitFor([&] { return deployDone; }, 300000) || !deployError.isEmpty()) {
        err << "accelctl run: deployment failed: "
            << (deployError.isEmpty() ? QStringLiteral("timed out") : deployError) << '\n';
        return 1;
    }
    const QJsonObject info = client.deployInfo();
    out << "deployed layers " << first << ':' << last << (embed ? " + embeddings" : "") << " on "
        << info.value(QLatin1String("backend")).toString() << " in " << timer.elapsed() << " ms ("
        << client.bytesUploaded() << " chunk bytes sent)\n";
    if (info.contains(QLatin1String("probe"))) {
        out << "backend probe (ms per 64xExE matmul): "
            << QJsonDocument(
                   info.value(QLatin1String("probe")).toObject().value(QLatin1String("timingsMs")).toObject())
                   .toJson(QJsonDocument::Compact)
            << '\n';
    }

    QByteArray result;
    QString runError;
    bool runDone = false;
    QObject::connect(&client, &accel::HostModelClient::finished, [&](quint64, const QByteArray &hidden, int) {
        result = hidden;
        runDone = true;
    });
    QObject::connect(&client, &accel::HostModelClient::failed,
                     [&](quint64, const QString &code, const QString &message) {
                         runError = code + QStringLiteral(": ") + message;
                         runDone = true;
                     });
    constexpr int kRuns = 3;
    std::vector<double> ms;
    for (int i = 0; i < kRuns; ++i) {
        runDone = false;
        timer.restart();
        const quint64 id = embed ? client.runTokens(tokens) : client.runHidden(input, seqLen);
        if (id == 0 || !waitFor([&] { return runDone; }, 120000) || !runError.isEmpty()) {
            err << "accelctl run: run failed: "
                << (runError.isEmpty() ? QStringLiteral("not sent or timed out") : runError) << '\n';
            return 1;
        }
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    if (result.size() != qsizetype(want.size() * sizeof(float))) {
        err << "accelctl run: the host returned " << result.size() << " bytes, expected " << want.size() * 4
            << '\n';
        return 1;
    }
    const Comparison c = compare(reinterpret_cast<const float *>(result.constData()), want);
    std::sort(ms.begin(), ms.end());
    out << accel::hostKindName(kind) << '/' << info.value(QLatin1String("backend")).toString() << " layers "
        << first << ':' << last << " seq " << seqLen << ": max abs " << c.maxAbs << ", rel " << c.rel
        << " (tolerance " << tolerance << "), " << ms[kRuns / 2] << " ms median of " << kRuns << " runs"
        << (c.rel <= tolerance ? "" : "  OVER TOLERANCE") << '\n';
    return c.rel <= tolerance ? 0 : 1;
}

int runCommand(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QString modelDir;
    QString host;
    QString backend = QStringLiteral("auto");
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
    std::optional<accel::HostKind> kind;
    for (accel::HostKind k : {accel::HostKind::Embedded, accel::HostKind::Chromium, accel::HostKind::Firefox,
                              accel::HostKind::Edge}) {
        if (host == accel::hostKindName(k)) {
            kind = k;
        }
    }
    if (!kind) {
        err << "accelctl run: unknown host '" << host << "'\n" << kUsage;
        return 2;
    }
    return runOnHost(*kind, weights, tokens, first, last, backend, tolerance);
}

} // namespace

ACCELCTL_COMMAND("run", "run a model layer range on one host and compare with the native reference",
                 runCommand);
