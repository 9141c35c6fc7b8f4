// `accelctl run`: runs a layer range of a model on one host and compares it with the native
// reference (max abs / rel error). Hosts: native (the C++ runner on all cores), or a runtime page
// over the host protocol: embedded (QtWebEngine in the accel-embedded-host helper process; accelctl
// does not link QtWebEngine), chromium, firefox, edge.
#include "../CommandRegistry.h"

#include "common/EventWait.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "model/ReferenceCheck.h"
#include "model/ReferenceRunner.h"
#include "pool/StandaloneHosts.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
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
    return accel::waitInEventLoop(done, timeoutMs);
}

struct Comparison
{
    double maxAbs = 0;
    double rel = 0;
};

Comparison compare(const float *got, const std::vector<float> &want)
{
    const accel::ReferenceCheck::Comparison c = accel::ReferenceCheck::compare(got, want.size(), want);
    return {c.maxAbs, c.relative};
}

// What one host did with one layer range: filled by measureOnHost().
struct HostRunReport
{
    QString host;
    QString backend;
    QString error;        ///< empty when every run answered
    bool skipped = false; ///< the host kind is not available on this machine
    qint64 connectMs = 0;
    qint64 deployMs = 0;
    qint64 uploadedBytes = 0;
    QJsonObject probe;
    std::vector<double> runMs;
    Comparison check;

    double medianMs() const
    {
        std::vector<double> v = runMs;
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[v.size() / 2];
    }
    QJsonObject toJson(double tolerance) const
    {
        QJsonArray runs;
        for (double ms : runMs) {
            runs.append(ms);
        }
        return {{QStringLiteral("host"), host},
                {QStringLiteral("backend"), backend},
                {QStringLiteral("skipped"), skipped},
                {QStringLiteral("error"), error},
                {QStringLiteral("connectMs"), connectMs},
                {QStringLiteral("deployMs"), deployMs},
                {QStringLiteral("uploadedBytes"), uploadedBytes},
                {QStringLiteral("probe"), probe},
                {QStringLiteral("runMs"), runs},
                {QStringLiteral("medianMs"), medianMs()},
                {QStringLiteral("maxAbs"), check.maxAbs},
                {QStringLiteral("rel"), check.rel},
                {QStringLiteral("pass"), error.isEmpty() && !skipped && check.rel <= tolerance}};
    }
};

// Launches one host of `kind` against a private RuntimeServer, deploys layers [first, last) with
// the host protocol (chunks only when missing), runs `tokens` `iterations` times (embedding on the
// host when first is 0, else the reference's hidden state at layer `first`) and compares the
// answer with the native reference.
HostRunReport measureOnHost(accel::HostKind kind, const accel::ModelWeights &weights,
                            const std::vector<int> &tokens, int first, int last, const QString &backend,
                            int iterations)
{
    HostRunReport report;
    report.host = accel::hostKindName(kind);
    report.backend = backend;
    accel::ModelError error;
    const int seqLen = int(tokens.size());
    accel::ReferenceRunner reference(weights, int(std::max(1u, std::thread::hardware_concurrency())));
    std::vector<float> input;
    if (!reference.embed(tokens, &input, &error) ||
        (first > 0 && !reference.runLayers(&input, seqLen, 0, first, &error))) {
        report.error = error.message;
        return report;
    }
    std::vector<float> want = input;
    if (!reference.runLayers(&want, seqLen, first, last, &error)) {
        report.error = error.message;
        return report;
    }
    QString why;
    if (!accel::StandaloneHosts::isAvailable(kind, &why)) {
        report.skipped = true;
        report.error = why;
        return report;
    }
    accel::RuntimeServer server;
    if (!server.start(&why)) {
        report.error = why;
        return report;
    }
    accel::StandaloneHosts hosts(&server);
    QElapsedTimer timer;
    timer.start();
    const QString hostId = hosts.launch(kind, 60000, &why);
    if (hostId.isEmpty()) {
        report.error = why;
        return report;
    }
    report.connectMs = timer.elapsed();

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
        report.error = error.message;
        return report;
    }
    if (!waitFor([&] { return deployDone; }, 300000) || !deployError.isEmpty()) {
        report.error = QStringLiteral("deployment failed: ") +
                       (deployError.isEmpty() ? QStringLiteral("timed out") : deployError);
        return report;
    }
    report.deployMs = timer.elapsed();
    report.uploadedBytes = client.bytesUploaded();
    report.backend = client.deployInfo().value(QLatin1String("backend")).toString();
    report.probe = client.deployInfo().value(QLatin1String("probe")).toObject();

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
    for (int i = 0; i < iterations; ++i) {
        runDone = false;
        timer.restart();
        const quint64 id = embed ? client.runTokens(tokens) : client.runHidden(input, seqLen);
        if (id == 0 || !waitFor([&] { return runDone; }, 120000) || !runError.isEmpty()) {
            report.error = QStringLiteral("run failed: ") +
                           (runError.isEmpty() ? QStringLiteral("not sent or timed out") : runError);
            return report;
        }
        report.runMs.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    if (result.size() != qsizetype(want.size() * sizeof(float))) {
        report.error =
            QStringLiteral("the host returned %1 bytes, expected %2").arg(result.size()).arg(want.size() * 4);
        return report;
    }
    report.check = compare(reinterpret_cast<const float *>(result.constData()), want);
    return report;
}

int runOnHost(accel::HostKind kind, const accel::ModelWeights &weights, const std::vector<int> &tokens,
              int first, int last, const QString &backend, double tolerance)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const HostRunReport r = measureOnHost(kind, weights, tokens, first, last, backend, 3);
    if (!r.error.isEmpty()) {
        err << "accelctl run: " << r.host << ": " << r.error << '\n';
        return 1;
    }
    out << r.host << " host connected in " << r.connectMs << " ms\n"
        << "deployed layers " << first << ':' << last << (first == 0 ? " + embeddings" : "") << " on "
        << r.backend << " in " << r.deployMs << " ms (" << r.uploadedBytes << " chunk bytes sent)\n";
    if (!r.probe.isEmpty()) {
        out << "backend probe (ms per 64xExE matmul): "
            << QJsonDocument(r.probe.value(QLatin1String("timingsMs")).toObject())
                   .toJson(QJsonDocument::Compact)
            << '\n';
    }
    out << r.host << '/' << r.backend << " layers " << first << ':' << last << " seq " << tokens.size()
        << ": max abs " << r.check.maxAbs << ", rel " << r.check.rel << " (tolerance " << tolerance << "), "
        << r.medianMs() << " ms median of " << r.runMs.size() << " runs"
        << (r.check.rel <= tolerance ? "" : "  OVER TOLERANCE") << '\n';
    return r.check.rel <= tolerance ? 0 : 1;
}

bool loadModel(const QString &modelDir, accel::ModelWeights *weights, QTextStream &out, QTextStream &err,
               const char *command)
{
    accel::ModelError error;
    if (modelDir == QLatin1String("demo")) {
        if (!accel::DemoModel::load(weights, &error)) {
            err << command << ": " << error.message << '\n';
            return false;
        }
        out << "model: demo (GPT-2 shaped, RANDOM weights from a fixed seed)\n";
        return true;
    }
    if (!weights->load(modelDir, &error)) {
        err << command << ": " << error.message << '\n';
        return false;
    }
    return true;
}

const char *kBenchUsage =
    "usage: accelctl model-bench --model DIR|demo [--hosts embedded,chromium,firefox,edge|native]\n"
    "                            [--backends auto,webgpu,wasm,js] [--iterations N] [--tokens N]\n"
    "                            [--tolerance 1e-4] [--json FILE]\n"
    "Runs every layer of the model on each host x backend, checks each answer against the native\n"
    "reference and prints ms per run. Exit 0: all available combinations pass; 1: a failure;\n"
    "3: nothing could run (no host available). The model benchmark task of accelerate-node workers.\n";

int modelBenchCommand(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QString modelDir;
    QStringList hostNames{QStringLiteral("embedded"), QStringLiteral("chromium"), QStringLiteral("firefox")};
    QStringList backends{QStringLiteral("auto")};
    int iterations = 5;
    int tokenCount = 32;
    double tolerance = 1e-4;
    QString jsonPath;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--help")) {
            out << kBenchUsage;
            return 0;
        }
        if (i + 1 >= args.size()) {
            err << "accelctl model-bench: " << a << " needs a value\n" << kBenchUsage;
            return 2;
        }
        const QString value = args.at(++i);
        if (a == QLatin1String("--model")) {
            modelDir = value;
        } else if (a == QLatin1String("--hosts")) {
            hostNames = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
        } else if (a == QLatin1String("--backends")) {
            backends = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
        } else if (a == QLatin1String("--iterations")) {
            iterations = value.toInt();
        } else if (a == QLatin1String("--tokens")) {
            tokenCount = value.toInt();
        } else if (a == QLatin1String("--tolerance")) {
            tolerance = value.toDouble();
        } else if (a == QLatin1String("--json")) {
            jsonPath = value;
        } else {
            err << "accelctl model-bench: unknown option " << a << '\n' << kBenchUsage;
            return 2;
        }
    }
    if (modelDir.isEmpty() || hostNames.isEmpty() || backends.isEmpty() || iterations < 1 ||
        iterations > 1000 || tokenCount < 1 || !(tolerance > 0)) {
        err << kBenchUsage;
        return 2;
    }
    accel::ModelWeights weights;
    if (!loadModel(modelDir, &weights, out, err, "accelctl model-bench")) {
        return 1;
    }
    const accel::ModelConfig &config = weights.config();
    tokenCount = std::min(tokenCount, config.maxPositions);
    std::vector<int> tokens;
    for (int i = 0; i < tokenCount; ++i) {
        tokens.push_back((i * 131 + 17) % config.vocabSize);
    }
    QJsonArray results;
    int ran = 0;
    int failed = 0;
    for (const QString &name : hostNames) {
        if (name == QLatin1String("native")) {
            accel::ReferenceRunner native(weights, int(std::max(1u, std::thread::hardware_concurrency())));
            std::vector<double> ms;
            accel::ModelError error;
            for (int i = -1; i < iterations; ++i) { // -1: warm-up (materialises the weights)
                std::vector<float> hidden;
                QElapsedTimer timer;
                timer.start();
                if (!native.embed(tokens, &hidden, &error) ||
                    !native.runLayers(&hidden, tokenCount, 0, config.layerCount, &error)) {
                    err << "accelctl model-bench: native: " << error.message << '\n';
                    return 1;
                }
                if (i >= 0) {
                    ms.push_back(double(timer.nsecsElapsed()) / 1e6);
                }
            }
            std::sort(ms.begin(), ms.end());
            out << "native/" << native.threads() << " threads: " << ms[ms.size() / 2] << " ms median\n";
            results.append(QJsonObject{{QStringLiteral("host"), QStringLiteral("native")},
                                       {QStringLiteral("backend"), QStringLiteral("native")},
                                       {QStringLiteral("medianMs"), ms[ms.size() / 2]},
                                       {QStringLiteral("pass"), true}});
            ++ran;
            continue;
        }
        const std::optional<accel::HostKind> kind = accel::hostKindFromName(name);
        if (!kind) {
            err << "accelctl model-bench: unknown host '" << name << "'\n";
            return 2;
        }
        for (const QString &backend : backends) {
            const HostRunReport r =
                measureOnHost(*kind, weights, tokens, 0, config.layerCount, backend, iterations);
            results.append(r.toJson(tolerance));
            out << r.host << '/' << r.backend << ": ";
            if (r.skipped) {
                out << "skipped: " << r.error << '\n';
                continue;
            }
            ++ran;
            if (!r.error.isEmpty() || r.check.rel > tolerance) {
                ++failed;
                out << "FAILED: "
                    << (r.error.isEmpty() ? QStringLiteral("rel %1 over tolerance").arg(r.check.rel)
                                          : r.error)
                    << '\n';
                continue;
            }
            out << r.medianMs() << " ms median of " << r.runMs.size() << " (" << tokenCount << " tokens, "
                << config.layerCount << " layers), rel " << r.check.rel << ", deploy " << r.deployMs
                << " ms\n";
        }
    }
    if (!jsonPath.isEmpty()) {
        QFile file(jsonPath);
        const QJsonObject doc{
            {QStringLiteral("model"), modelDir},           {QStringLiteral("tokens"), tokenCount},
            {QStringLiteral("layers"), config.layerCount}, {QStringLiteral("iterations"), iterations},
            {QStringLiteral("tolerance"), tolerance},      {QStringLiteral("results"), results}};
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(doc).toJson()) < 0) {
            err << "accelctl model-bench: cannot write " << jsonPath << ": " << file.errorString() << '\n';
            return 1;
        }
    }
    if (ran == 0) {
        err << "accelctl model-bench: no requested host is available here\n";
        return 3;
    }
    return failed == 0 ? 0 : 1;
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
    if (!loadModel(modelDir, &weights, out, err, "accelctl run")) {
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

ACCELCTL_COMMAND("model-bench",
                 "run a whole model on each host x backend, check it and time it (worker task)",
                 modelBenchCommand);
ACCELCTL_COMMAND("run", "run a model layer range on one host and compare with the native reference",
                 runCommand);
