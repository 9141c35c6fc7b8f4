// The Model panel's helpers without a GUI: token-id parsing and its errors, the layer table
// (rows, sizes, QAbstractItemModelTester), the reference comparison and top-k, and how host
// failures map to breaker categories.
#include "model/DemoModel.h"
#include "model/ModelLayerModel.h"
#include "model/ModelRunFailure.h"
#include "model/ModelWeights.h"
#include "model/ReferenceCheck.h"
#include "model/ReferenceRunner.h"
#include "model/SafetensorsReader.h"
#include "model/TokenIds.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>

using namespace accel;

Q_DECLARE_METATYPE(accel::TokenIds::Error)
Q_DECLARE_METATYPE(accel::ErrorCategory)

namespace {

ModelConfig bertConfig()
{
    ModelConfig c;
    c.architecture = ModelConfig::Architecture::EncoderBert;
    c.activation = ModelConfig::Activation::GeluErf;
    c.modelType = QStringLiteral("bert");
    c.vocabSize = 100;
    c.maxPositions = 32;
    c.hiddenSize = 16;
    c.layerCount = 2;
    c.headCount = 2;
    c.intermediateSize = 64;
    c.typeVocabSize = 2;
    c.layerNormEps = 1e-12;
    return c;
}

} // namespace

class tst_ModelPanelHelpers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tokenIds_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<TokenIds::Error>("error");
        QTest::addColumn<int>("index");
        QTest::addColumn<QList<int>>("ids");
        QTest::newRow("commas") << "3,17,255" << TokenIds::Error::None << -1 << QList<int>{3, 17, 255};
        QTest::newRow("spaces and commas")
            << "  464, 2068 7586,\t1 " << TokenIds::Error::None << -1 << QList<int>{464, 2068, 7586, 1};
        QTest::newRow("last id") << "9999" << TokenIds::Error::None << -1 << QList<int>{9999};
        QTest::newRow("empty") << "" << TokenIds::Error::Empty << -1 << QList<int>{};
        QTest::newRow("only separators") << " , ,, " << TokenIds::Error::Empty << -1 << QList<int>{};
        QTest::newRow("word") << "1, two, 3" << TokenIds::Error::NotANumber << 1 << QList<int>{};
        QTest::newRow("decimal") << "1.5" << TokenIds::Error::NotANumber << 0 << QList<int>{};
        QTest::newRow("hex") << "0x10" << TokenIds::Error::NotANumber << 0 << QList<int>{};
        QTest::newRow("vocab size") << "1 10000" << TokenIds::Error::OutOfRange << 1 << QList<int>{};
        QTest::newRow("negative") << "-1" << TokenIds::Error::OutOfRange << 0 << QList<int>{};
        QTest::newRow("huge") << "99999999999999" << TokenIds::Error::OutOfRange << 0 << QList<int>{};
        QTest::newRow("too many") << QString(QStringLiteral("1 ").repeated(9)) << TokenIds::Error::TooMany
                                  << -1 << QList<int>{};
    }

    void tokenIds()
    {
        QFETCH(QString, input);
        QFETCH(TokenIds::Error, error);
        QFETCH(int, index);
        QFETCH(QList<int>, ids);
        const TokenIds t = TokenIds::parse(input, 10000, 8);
        QCOMPARE(t.error, error);
        QCOMPARE(t.isValid(), error == TokenIds::Error::None);
        QCOMPARE(t.index, index);
        QCOMPARE(QList<int>(t.ids.begin(), t.ids.end()), ids);
        QCOMPARE(t.errorString().isEmpty(), t.isValid());
    }

    void layerModelRowsAndSizes()
    {
        ModelLayerModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        // The demo: GPT-2, E=256, V=1024, P=256, I=1024, 4 layers. Sizes by hand from the layout.
        const ModelConfig demo = DemoModel::config();
        model.setConfig(demo);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), demo.layerCount + 2);
        QCOMPARE(model.columnCount(), int(ModelLayerModel::ColumnCount));
        const qint64 e = 256;
        const qint64 inner = 1024;
        const qint64 embeddings = 1024 * e + 256 * e;
        const qint64 layer =
            2 * e + (e * 3 * e + 3 * e) + (e * e + e) + 2 * e + (e * inner + inner) + (inner * e + e);
        QCOMPARE(model.rowAt(0).kind, ModelLayerModel::RowKind::Embeddings);
        QCOMPARE(model.rowAt(0).parameters, embeddings);
        for (int i = 1; i <= demo.layerCount; ++i) {
            QCOMPARE(model.rowAt(i).layer, i - 1);
            QCOMPARE(model.rowAt(i).parameters, layer);
            QCOMPARE(model.rowAt(i).tensors.size(), 12);
            QCOMPARE(model.data(model.index(i, ModelLayerModel::BytesColumn), ModelLayerModel::SortRole)
                         .toLongLong(),
                     layer * 4);
        }
        QCOMPARE(layer, demo.layerParameterCount());
        QCOMPARE(model.rowAt(5).kind, ModelLayerModel::RowKind::Final);
        QCOMPARE(model.rowAt(5).parameters, 2 * e);
        QCOMPARE(model.totalParameters(), embeddings + 4 * layer + 2 * e);
        QCOMPARE(model.totalBytes(), model.totalParameters() * 4);
        QCOMPARE(model.data(model.index(2, ModelLayerModel::PartColumn)).toString(),
                 QStringLiteral("layer 1"));
        QCOMPARE(model.headerData(ModelLayerModel::BytesColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Float32 bytes"));
        QVERIFY(!model.data(model.index(0, 0), Qt::ToolTipRole).toString().isEmpty());

        // BERT: token-type embeddings and the embedding LayerNorm; the final row holds nothing.
        const ModelConfig bert = bertConfig();
        ModelError error;
        QVERIFY2(bert.validate(&error), qPrintable(error.message));
        model.setConfig(bert);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowAt(0).parameters, qint64(100 * 16 + 32 * 16 + 2 * 16 + 2 * 16));
        QCOMPARE(model.rowAt(3).parameters, qint64(0));
        QCOMPARE(model.rowAt(3).tensors.size(), 0);

        model.setConfig(std::nullopt);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.data(model.index(0, 0)).isValid());
    }

    void compare()
    {
        const std::vector<float> want{1.0f, -2.0f, 0.5f};
        const std::vector<float> same = want;
        auto c = ReferenceCheck::compare(same.data(), same.size(), want);
        QVERIFY(c.sizeMatches);
        QCOMPARE(c.maxAbs, 0.0);
        const std::vector<float> off{1.0f, -2.002f, 0.5f};
        c = ReferenceCheck::compare(off.data(), off.size(), want);
        QVERIFY(std::abs(c.maxAbs - 0.002) < 1e-6);
        QVERIFY(std::abs(c.relative - 0.001) < 1e-6); // scale: max |want| = 2
        // Wrong size and NaN never pass.
        c = ReferenceCheck::compare(off.data(), 2, want);
        QVERIFY(!c.sizeMatches);
        QVERIFY(std::isinf(c.relative));
        const std::vector<float> nan{1.0f, std::numeric_limits<float>::quiet_NaN(), 0.5f};
        c = ReferenceCheck::compare(nan.data(), nan.size(), want);
        QVERIFY(!(c.relative <= 1e-4));
    }

    void topK()
    {
        const std::vector<float> logits{0.5f, 3.0f, -1.0f,
                                        3.0f, 2.0f, std::numeric_limits<float>::infinity()};
        const auto top = ReferenceCheck::topK(logits, 3);
        QCOMPARE(top.size(), std::size_t(3));
        QCOMPARE(top[0].token, 1); // ties: lower id first
        QCOMPARE(top[1].token, 3);
        QCOMPARE(top[2].token, 4);
        QCOMPARE(ReferenceCheck::topK(logits, 0).size(), std::size_t(0));
        QCOMPARE(ReferenceCheck::topK({1.0f}, 5).size(), std::size_t(1));
    }

    void topNextTokensMatchFullLogits()
    {
        auto reader = std::make_shared<SafetensorsReader>();
        auto weights = std::make_shared<ModelWeights>();
        ModelError error;
        QVERIFY(reader->openBytes(DemoModel::safetensorsBytes(DemoModel::config(), {}), &error));
        QVERIFY(weights->adopt(DemoModel::config(), reader, &error));
        ReferenceCheck check(weights, 1);
        const std::vector<int> tokens{3, 17, 255, 1000};
        std::vector<float> hidden;
        QVERIFY2(check.hiddenAt(tokens, 4, &hidden, &error), qPrintable(error.message));
        // The last row alone gives the same top tokens as the logits of the whole state.
        ReferenceRunner runner(*weights, 1);
        std::vector<float> all;
        QVERIFY(runner.logits(hidden, 4, &all, &error));
        const int vocab = DemoModel::config().vocabSize;
        const std::vector<float> lastLogits(all.end() - vocab, all.end());
        const auto expected = ReferenceCheck::topK(lastLogits, 5);
        const int e = DemoModel::config().hiddenSize;
        std::vector<ReferenceCheck::TokenLogit> got;
        QVERIFY(check.topNextTokens(std::vector<float>(hidden.end() - e, hidden.end()), 5, &got, &error));
        QCOMPARE(got.size(), std::size_t(5));
        for (std::size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].token, expected[i].token);
            QVERIFY(std::abs(got[i].logit - expected[i].logit) < 1e-4f);
        }
        // A row of the wrong size is refused.
        QVERIFY(!check.topNextTokens(std::vector<float>(3, 0.0f), 5, &got, &error));
        QCOMPARE(error.code, ModelErrorCode::BadInput);
    }

    void failureCategories_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("detail");
        QTest::addColumn<ErrorCategory>("category");
        QTest::newRow("lost") << "host_lost"
                              << "" << ErrorCategory::ConnectionLost;
        QTest::newRow("cancelled") << "cancelled"
                                   << "" << ErrorCategory::Cancelled;
        QTest::newRow("wrong type") << "wrong_type"
                                    << "" << ErrorCategory::Protocol;
        QTest::newRow("bad result") << "bad_result"
                                    << "" << ErrorCategory::Protocol;
        QTest::newRow("oom") << "load_failed"
                             << "weights do not fit in memory" << ErrorCategory::OutOfMemory;
        QTest::newRow("device lost") << "run_failed"
                                     << "GPU device lost" << ErrorCategory::GpuDeviceLost;
        QTest::newRow("unknown backend") << "load_failed"
                                         << "unknown backend quantum" << ErrorCategory::Model;
    }

    void failureCategories()
    {
        QFETCH(QString, code);
        QFETCH(QString, detail);
        QFETCH(ErrorCategory, category);
        QCOMPARE(int(ModelRunFailure::categorize(code, detail)), int(category));
    }

    void deployFailureCodes()
    {
        QCOMPARE(ModelRunFailure::deployFailureCode(
                     QStringLiteral("host embedded-1 was lost during deployment (transportClosed: x)")),
                 QStringLiteral("host_lost"));
        QCOMPARE(ModelRunFailure::deployFailureCode(
                     QStringLiteral("host embedded-1: load_failed: unknown backend q")),
                 QStringLiteral("load_failed"));
        QCOMPARE(ModelRunFailure::deployFailureCode(QStringLiteral("host e: unsupported: no runtime")),
                 QStringLiteral("unsupported"));
        QCOMPARE(ModelRunFailure::deployFailureCode(QStringLiteral("something else")),
                 QStringLiteral("load_failed"));
    }
};

QTEST_GUILESS_MAIN(tst_ModelPanelHelpers)
#include "tst_ModelPanelHelpers.moc"
