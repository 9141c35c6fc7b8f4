// `accelctl bench kernels` (browser kernels next to the native reference) and `accelctl model`
// (inspect or generate models). Logic lives in core/model; this file parses and prints.
#include "../CommandRegistry.h"

#include "model/DemoModel.h"
#include "model/KernelBenchmark.h"
#include "model/ModelWeights.h"
#include "model/SafetensorsReader.h"

#include <QTextStream>

namespace {

bool parseList(const QString &value, std::vector<int> *out)
{
    out->clear();
    for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = part.toInt(&ok);
        if (!ok || n < 1 || n > 8192) {
            return false;
        }
        out->push_back(n);
    }
    return !out->empty();
}

int benchKernels(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    accel::KernelBenchmark::Options options;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const QString value = i + 1 < args.size() ? args.at(i + 1) : QString();
        if (a == QLatin1String("--help")) {
            out << "usage: accelctl bench kernels [--sizes 256,512,1024] [--hosts native,chromium,firefox]\n"
                   "                              [--backends webgpu,wasm,wasm-threads,js] [--seq 64]\n";
            return 0;
        } else if (a == QLatin1String("--sizes") && parseList(value, &options.sizes)) {
            ++i;
        } else if (a == QLatin1String("--hosts") && !value.isEmpty()) {
            options.hosts = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
            ++i;
        } else if (a == QLatin1String("--backends") && !value.isEmpty()) {
            options.backends = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
            ++i;
        } else if (a == QLatin1String("--seq") && value.toInt() >= 1 && value.toInt() <= 256) {
            options.seqLen = value.toInt();
            ++i;
        } else {
            err << "accelctl bench kernels: bad argument '" << a << "' (see --help)\n";
            return 2;
        }
    }
    accel::KernelBenchmark::Report report;
    accel::ModelError error;
    const bool ok = accel::KernelBenchmark::run(
        options, &report, [&err](const QString &line) { err << line << '\n'
                                                            << Qt::flush; }, &error);
    if (!ok) {
        err << "accelctl bench kernels: " << error.message << '\n';
        return 1;
    }
    out << accel::KernelBenchmark::format(report);
    return 0;
}

int modelCommand(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.size() == 2 && args.at(0) == QLatin1String("demo")) {
        accel::ModelError error;
        if (!accel::DemoModel::write(args.at(1), &error)) {
            err << "accelctl model demo: " << error.message << '\n';
            return 1;
        }
        out << "wrote the demo model (random weights, fixed seed) to " << args.at(1) << '\n';
        return 0;
    }
    if (args.size() == 2 && args.at(0) == QLatin1String("inspect")) {
        accel::ModelWeights weights;
        accel::ModelError error;
        if (!weights.load(args.at(1), &error)) {
            err << "accelctl model inspect: " << error.message << '\n';
            return 1;
        }
        const accel::ModelConfig &c = weights.config();
        out << "model_type " << c.modelType << ", family " << accel::ModelConfig::familyName(c.family) << ", "
            << c.layerCount << " layers, hidden " << c.hiddenSize << ", " << c.headCount << " heads, inner "
            << c.intermediateSize << ", vocab " << c.vocabSize << ", positions " << c.maxPositions << '\n';
        for (const accel::TensorInfo &t : weights.reader().tensors()) {
            QStringList dims;
            for (auto d : t.shape) {
                dims << QString::number(d);
            }
            out << "  " << t.name << "  " << accel::dtype::toString(t.dtype) << " ["
                << dims.join(QLatin1Char(',')) << "]\n";
        }
        for (auto it = weights.reader().index().metadata.begin();
             it != weights.reader().index().metadata.end(); ++it) {
            out << "  metadata " << it.key() << " = " << it.value() << '\n';
        }
        return 0;
    }
    err << "usage: accelctl model demo DIR        write the bundled demo model (random weights)\n"
           "       accelctl model inspect DIR     validate DIR/config.json + DIR/model.safetensors\n";
    return 2;
}

} // namespace

ACCELCTL_BENCHMARK("kernels", "browser compute kernels (matmul GFLOP/s, ms/layer) vs the native reference",
                   benchKernels);
ACCELCTL_COMMAND("model", "generate the demo model or validate a model directory", modelCommand);
