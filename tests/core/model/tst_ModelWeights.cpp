#include "model/DemoModel.h"
#include "model/ModelWeights.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace accel;

namespace {

ModelConfig tinyConfig(bool bert)
{
    ModelConfig c;
    c.architecture = bert ? ModelConfig::Architecture::EncoderBert : ModelConfig::Architecture::DecoderGpt2;
    c.modelType = bert ? QStringLiteral("bert") : QStringLiteral("gpt2");
    c.activation = bert ? ModelConfig::Activation::GeluErf : ModelConfig::Activation::GeluTanh;
    c.vocabSize = 37;
    c.maxPositions = 19;
    c.hiddenSize = 12;
    c.layerCount = 2;
    c.headCount = 3;
    c.intermediateSize = 20;
    c.typeVocabSize = bert ? 2 : 0;
    return c;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class tst_ModelWeights : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demoModelLoadsAndIsDeterministic()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        ModelError error;
        QVERIFY(DemoModel::write(a.path(), &error));
        QVERIFY(DemoModel::write(b.path(), &error));
        const QByteArray bytesA = fileBytes(a.filePath(QStringLiteral("model.safetensors")));
        QVERIFY(bytesA.size() > 4 * 1024 * 1024);
        QCOMPARE(bytesA, fileBytes(b.filePath(QStringLiteral("model.safetensors"))));
        ModelWeights weights;
        QVERIFY2(weights.load(a.path(), &error), qPrintable(error.message));
        QCOMPARE(weights.config().layerCount, DemoModel::config().layerCount);
        QVERIFY(weights.reader()
                    .index()
                    .metadata.value(QStringLiteral("accel_demo"))
                    .contains(QStringLiteral("random")));
        std::vector<float> wte;
        QVERIFY(weights.tensor(QStringLiteral("wte"), &wte, &error));
        QCOMPARE(wte.size(), std::size_t(1024 * 256));
        // In memory (DemoModel::load) it is the same model as the files.
        ModelWeights inMemory;
        QVERIFY2(DemoModel::load(&inMemory, &error), qPrintable(error.message));
        std::vector<float> wteInMemory;
        std::vector<float> fcFromFiles;
        std::vector<float> fcInMemory;
        QVERIFY(inMemory.tensor(QStringLiteral("wte"), &wteInMemory, &error));
        QVERIFY(weights.tensor(QStringLiteral("h.3.fc.w"), &fcFromFiles, &error));
        QVERIFY(inMemory.tensor(QStringLiteral("h.3.fc.w"), &fcInMemory, &error));
        QVERIFY(wteInMemory == wte);
        QVERIFY(!fcInMemory.empty() && fcInMemory == fcFromFiles);
        // A different seed gives different weights.
        DemoModel::Options other;
        other.seed = 1;
        QVERIFY(DemoModel::safetensorsBytes(DemoModel::config(), other) != bytesA);
    }

    void acceptsPrefixAndHalfPrecision_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<int>("dtype");
        QTest::newRow("plain f32") << QString() << int(Dtype::F32);
        QTest::newRow("transformer. prefix") << QStringLiteral("transformer.") << int(Dtype::F32);
        QTest::newRow("f16") << QString() << int(Dtype::F16);
        QTest::newRow("bf16 prefixed") << QStringLiteral("transformer.") << int(Dtype::BF16);
    }
    void acceptsPrefixAndHalfPrecision()
    {
        QFETCH(QString, prefix);
        QFETCH(int, dtype);
        const ModelConfig c = tinyConfig(false);
        DemoModel::Options options;
        options.prefix = prefix;
        options.dtype = Dtype(dtype);
        auto reader = std::make_shared<SafetensorsReader>();
        ModelError error;
        QVERIFY(reader->openBytes(DemoModel::safetensorsBytes(c, options), &error));
        ModelWeights weights;
        QVERIFY2(weights.adopt(c, reader, &error), qPrintable(error.message));
        auto f32 = std::make_shared<SafetensorsReader>();
        QVERIFY(f32->openBytes(DemoModel::safetensorsBytes(c, DemoModel::Options()), &error));
        ModelWeights reference;
        QVERIFY(reference.adopt(c, f32, &error));
        std::vector<float> got;
        std::vector<float> want;
        QVERIFY(weights.tensor(QStringLiteral("h.1.qkv.w"), &got, &error));
        QVERIFY(reference.tensor(QStringLiteral("h.1.qkv.w"), &want, &error));
        QCOMPARE(got.size(), want.size());
        const double tolerance = dtype == int(Dtype::F32) ? 0.0 : dtype == int(Dtype::F16) ? 1e-3 : 8e-3;
        for (std::size_t i = 0; i < got.size(); ++i) {
            QVERIFY(std::abs(got[i] - want[i]) <= tolerance * std::abs(want[i]) + 1e-7);
        }
    }

    void bertWeightsAreTransposedAndFused()
    {
        const ModelConfig c = tinyConfig(true);
        auto reader = std::make_shared<SafetensorsReader>();
        ModelError error;
        QVERIFY(reader->openBytes(DemoModel::safetensorsBytes(c, DemoModel::Options()), &error));
        ModelWeights weights;
        QVERIFY2(weights.adopt(c, reader, &error), qPrintable(error.message));
        std::vector<float> qkv;
        QVERIFY(weights.tensor(QStringLiteral("h.0.qkv.w"), &qkv, &error));
        const int e = c.hiddenSize;
        QCOMPARE(qkv.size(), std::size_t(e * 3 * e));
        std::vector<float> key;
        QVERIFY(reader->toFloat32(*reader->find(QStringLiteral("encoder.layer.0.attention.self.key.weight")),
                                  &key, &error));
        for (int in = 0; in < e; ++in) {
            for (int out = 0; out < e; ++out) { // nn.Linear [out, in] -> canonical [in, E + out]
                QCOMPARE(qkv[std::size_t(in * 3 * e + e + out)], key[std::size_t(out * e + in)]);
            }
        }
        std::vector<float> fc;
        std::vector<float> dense;
        QVERIFY(weights.tensor(QStringLiteral("h.1.fc.w"), &fc, &error));
        QVERIFY(reader->toFloat32(*reader->find(QStringLiteral("encoder.layer.1.intermediate.dense.weight")),
                                  &dense, &error));
        const int inner = c.intermediateSize;
        QCOMPARE(fc[std::size_t(5 * inner + 7)], dense[std::size_t(7 * e + 5)]);
        std::vector<float> qkvBias;
        QVERIFY(weights.tensor(QStringLiteral("h.0.qkv.b"), &qkvBias, &error));
        QCOMPARE(qkvBias.size(), std::size_t(3 * e));
    }

    void rejectsMismatchedModels_data()
    {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("missing tensor") << "drop h.1.mlp.c_fc.bias" << int(ModelErrorCode::MissingTensor)
                                        << "no tensor 'h.1.mlp.c_fc.bias'";
        QTest::newRow("config has more layers")
            << "layers 3" << int(ModelErrorCode::MissingTensor) << "'h.2.";
        QTest::newRow("config hidden size")
            << "hidden 24" << int(ModelErrorCode::BadShape) << "config.json implies";
        QTest::newRow("integer weights")
            << "int wpe" << int(ModelErrorCode::BadDtype) << "must be F32, F16 or BF16";
        QTest::newRow("bert config, gpt2 weights")
            << "bert" << int(ModelErrorCode::MissingTensor) << "embeddings.word_embeddings.weight";
    }
    void rejectsMismatchedModels()
    {
        QFETCH(QString, mutation);
        QFETCH(int, code);
        QFETCH(QString, messagePart);
        const ModelConfig base = tinyConfig(false);
        ModelConfig c = base;
        SafetensorsReader source;
        ModelError error;
        QVERIFY(source.openBytes(DemoModel::safetensorsBytes(base, DemoModel::Options()), &error));
        SafetensorsWriter w;
        for (const TensorInfo &t : source.tensors()) {
            if (mutation == QLatin1String("drop ") + t.name) {
                continue;
            }
            QByteArray raw(reinterpret_cast<const char *>(source.rawData(t)), qsizetype(t.sizeBytes()));
            w.addRaw(t.name,
                     mutation == QLatin1String("int wpe") && t.name == QLatin1String("wpe.weight")
                         ? Dtype::I32
                         : t.dtype,
                     t.shape, raw);
        }
        if (mutation == QLatin1String("layers 3")) {
            c.layerCount = 3;
        } else if (mutation == QLatin1String("hidden 24")) {
            c.hiddenSize = 24;
        } else if (mutation == QLatin1String("bert")) {
            c = tinyConfig(true);
        }
        // Through the directory loader, as a user would hit it.
        QTemporaryDir dir;
        QVERIFY(w.write(dir.filePath(QStringLiteral("model.safetensors")), &error));
        QFile config(dir.filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QJsonDocument(c.toJson()).toJson());
        config.close();
        ModelWeights weights;
        QVERIFY(!weights.load(dir.path(), &error));
        QCOMPARE(int(error.code), code);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
    }

    void toleratesExtraBuffersOfRealCheckpoints()
    {
        // Hugging Face GPT-2 checkpoints also carry per-layer causal-mask buffers (h.N.attn.bias,
        // [1,1,n_positions,n_positions]); they are not weights and must not stop the load.
        const ModelConfig c = tinyConfig(false);
        SafetensorsReader source;
        ModelError error;
        QVERIFY(source.openBytes(DemoModel::safetensorsBytes(c, DemoModel::Options()), &error));
        SafetensorsWriter w;
        for (const TensorInfo &t : source.tensors()) {
            w.addRaw(t.name, t.dtype, t.shape,
                     QByteArray(reinterpret_cast<const char *>(source.rawData(t)), qsizetype(t.sizeBytes())));
        }
        for (int l = 0; l < c.layerCount; ++l) {
            w.addFloat(QStringLiteral("h.%1.attn.bias").arg(l), {1, 1, c.maxPositions, c.maxPositions},
                       std::vector<float>(std::size_t(c.maxPositions * c.maxPositions), 1.0f));
        }
        w.addRaw(QStringLiteral("position_ids"), Dtype::I64, {1, 2}, QByteArray(16, '\0'));
        auto reader = std::make_shared<SafetensorsReader>();
        QVERIFY(reader->openBytes(w.toBytes(), &error));
        ModelWeights weights;
        QVERIFY2(weights.adopt(c, reader, &error), qPrintable(error.message));
    }

    void missingFilesAreClearErrors()
    {
        QTemporaryDir dir;
        ModelWeights weights;
        ModelError error;
        QVERIFY(!weights.load(dir.path(), &error));
        QCOMPARE(error.code, ModelErrorCode::Io);
        QVERIFY(error.message.contains(QStringLiteral("config.json")));
        QFile config(dir.filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QJsonDocument(DemoModel::config().toJson()).toJson());
        config.close();
        QVERIFY(!weights.load(dir.path(), &error));
        QVERIFY(error.message.contains(QStringLiteral("model.safetensors")));
    }
};

QTEST_GUILESS_MAIN(tst_ModelWeights)
#include "tst_ModelWeights.moc"
