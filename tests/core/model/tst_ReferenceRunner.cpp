#include "model/DemoModel.h"
#include "model/ModelWeights.h"
#include "model/ReferenceOps.h"
#include "model/ReferenceRunner.h"
#include "model/SafetensorsReader.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace accel;

namespace {

std::vector<float> randomVector(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float &x : v) {
        x = dist(rng);
    }
    return v;
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, std::abs(double(a[i]) - b[i]));
    }
    return a.size() == b.size() ? worst : 1e30;
}

ModelConfig smallConfig(bool bert)
{
    ModelConfig c;
    c.architecture = bert ? ModelConfig::Architecture::EncoderBert : ModelConfig::Architecture::DecoderGpt2;
    c.modelType = bert ? QStringLiteral("bert") : QStringLiteral("gpt2");
    c.activation = bert ? ModelConfig::Activation::GeluErf : ModelConfig::Activation::GeluTanh;
    c.vocabSize = 50;
    c.maxPositions = 16;
    c.hiddenSize = 20;
    c.layerCount = 3;
    c.headCount = 4;
    c.intermediateSize = 36;
    c.typeVocabSize = bert ? 2 : 0;
    c.layerNormEps = bert ? 1e-12 : 1e-5;
    return c;
}

std::shared_ptr<ModelWeights> weightsFor(const ModelConfig &c)
{
    auto reader = std::make_shared<SafetensorsReader>();
    auto weights = std::make_shared<ModelWeights>();
    ModelError error;
    if (!reader->openBytes(DemoModel::safetensorsBytes(c, DemoModel::Options()), &error) ||
        !weights->adopt(c, reader, &error)) {
        qWarning("%s", qPrintable(error.message));
        return nullptr;
    }
    return weights;
}

} // namespace

class tst_ReferenceRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matmulMatchesNaiveOnOddShapes_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("threads");
        QTest::newRow("1x1x1") << 1 << 1 << 1 << 1;
        QTest::newRow("3x5x7") << 3 << 5 << 7 << 1;
        QTest::newRow("17x129x257 (past both blocks)") << 17 << 129 << 257 << 1;
        QTest::newRow("33x64x300 threads") << 33 << 64 << 300 << 2;
        QTest::newRow("64x257x65 threads") << 64 << 257 << 65 << 4;
    }
    void matmulMatchesNaiveOnOddShapes()
    {
        QFETCH(int, m);
        QFETCH(int, k);
        QFETCH(int, n);
        QFETCH(int, threads);
        const auto a = randomVector(std::size_t(m * k), 1);
        const auto b = randomVector(std::size_t(k * n), 2);
        const auto bias = randomVector(std::size_t(n), 3);
        std::vector<float> c(std::size_t(m * n), 42.0f);
        referenceops::matmul(a.data(), b.data(), bias.data(), c.data(), m, k, n, threads);
        std::vector<float> want(std::size_t(m * n));
        std::vector<float> bt(std::size_t(k * n));
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < n; ++j) {
                double s = bias[std::size_t(j)];
                for (int p = 0; p < k; ++p) {
                    s += double(a[std::size_t(i * k + p)]) * b[std::size_t(p * n + j)];
                    bt[std::size_t(j * k + p)] = b[std::size_t(p * n + j)];
                }
                want[std::size_t(i * n + j)] = float(s);
            }
        }
        QVERIFY2(maxAbsDiff(c, want) < 1e-5 * std::sqrt(double(k)),
                 qPrintable(QString::number(maxAbsDiff(c, want))));
        std::vector<float> ct(std::size_t(m * n));
        referenceops::matmulTransposedB(a.data(), bt.data(), ct.data(), m, k, n, threads);
        for (float &x : want) {
            x = 0;
        }
        referenceops::matmul(a.data(), b.data(), nullptr, want.data(), m, k, n, 1);
        QVERIFY(maxAbsDiff(ct, want) < 1e-5 * std::sqrt(double(k)));
    }

    void elementwiseOpsKnownValues()
    {
        const std::vector<float> x = {-3.0f, -1.0f, 0.0f, 0.5f, 2.0f};
        std::vector<float> y(x.size());
        referenceops::geluTanh(x.data(), y.data(), 5);
        // 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) computed independently
        const float tanhRef[] = {-0.0036373920817f, -0.15880800939f, 0.0f, 0.34571400982f, 1.9545976684f};
        for (int i = 0; i < 5; ++i) {
            QVERIFY(std::abs(y[std::size_t(i)] - tanhRef[i]) < 1e-6);
        }
        referenceops::geluErf(x.data(), y.data(), 5);
        const float erfRef[] = {-0.0040496985f, -0.15865525f, 0.0f, 0.34573123f, 1.9544997f};
        for (int i = 0; i < 5; ++i) {
            QVERIFY(std::abs(y[std::size_t(i)] - erfRef[i]) < 1e-6);
        }
        std::vector<float> s = {1.0f, 2.0f, 3.0f, 1000.0f, 1000.0f, -1000.0f};
        referenceops::softmaxRows(s.data(), s.data(), 2, 3);
        QVERIFY(std::abs(s[0] - 0.09003057f) < 1e-7);
        QVERIFY(std::abs(s[2] - 0.66524096f) < 1e-7);
        QCOMPARE(s[3], 0.5f); // no overflow at large logits
        QCOMPARE(s[5], 0.0f);
        const std::vector<float> row = {1.0f, 2.0f, 3.0f, 4.0f};
        const std::vector<float> gamma = {1.0f, 1.0f, 2.0f, 1.0f};
        const std::vector<float> beta = {0.0f, 0.0f, 0.0f, 1.0f};
        std::vector<float> ln(4);
        referenceops::layerNorm(row.data(), gamma.data(), beta.data(), ln.data(), 1, 4, 0.0);
        const float sd = std::sqrt(1.25f);
        QVERIFY(std::abs(ln[0] + 1.5f / sd) < 1e-6);
        QVERIFY(std::abs(ln[2] - 2.0f * 0.5f / sd) < 1e-6);
        QVERIFY(std::abs(ln[3] - (1.5f / sd + 1.0f)) < 1e-6);
    }

    void attentionMatchesSoftmaxComposition_data()
    {
        QTest::addColumn<bool>("causal");
        QTest::newRow("causal") << true;
        QTest::newRow("bidirectional") << false;
    }
    void attentionMatchesSoftmaxComposition()
    {
        QFETCH(bool, causal);
        const int seq = 7;
        const int heads = 3;
        const int dim = 5;
        const int e = heads * dim;
        const auto qkv = randomVector(std::size_t(seq * 3 * e), 9);
        std::vector<float> out(std::size_t(seq * e));
        referenceops::attention(qkv.data(), out.data(), seq, heads, dim, causal);
        for (int h = 0; h < heads; ++h) {
            std::vector<float> scores(std::size_t(seq * seq));
            for (int s = 0; s < seq; ++s) {
                for (int t = 0; t < seq; ++t) {
                    double dot = 0;
                    for (int d = 0; d < dim; ++d) {
                        dot += double(qkv[std::size_t(s * 3 * e + h * dim + d)]) *
                               qkv[std::size_t(t * 3 * e + e + h * dim + d)];
                    }
                    scores[std::size_t(s * seq + t)] =
                        causal && t > s ? -1e30f : float(dot / std::sqrt(double(dim)));
                }
            }
            referenceops::softmaxRows(scores.data(), scores.data(), seq, seq);
            for (int s = 0; s < seq; ++s) {
                for (int d = 0; d < dim; ++d) {
                    double acc = 0;
                    for (int t = 0; t < seq; ++t) {
                        acc += scores[std::size_t(s * seq + t)] *
                               qkv[std::size_t(t * 3 * e + 2 * e + h * dim + d)];
                    }
                    QVERIFY(std::abs(out[std::size_t(s * e + h * dim + d)] - acc) < 1e-6);
                }
            }
        }
    }

    void layerRangesCompose_data()
    {
        QTest::addColumn<bool>("bert");
        QTest::newRow("gpt2") << false;
        QTest::newRow("bert") << true;
    }
    void layerRangesCompose()
    {
        QFETCH(bool, bert);
        const ModelConfig c = smallConfig(bert);
        auto weights = weightsFor(c);
        QVERIFY(weights);
        ReferenceRunner runner(*weights);
        ModelError error;
        const std::vector<int> tokens = {3, 14, 15, 9, 26, 5, 35};
        std::vector<float> whole;
        QVERIFY(runner.embed(tokens, &whole, &error));
        std::vector<float> split = whole;
        QVERIFY(runner.runLayers(&whole, 7, 0, 3, &error));
        QVERIFY(runner.runLayers(&split, 7, 0, 1, &error));
        QVERIFY(runner.runLayers(&split, 7, 1, 3, &error));
        QCOMPARE(split, whole); // same arithmetic, bit for bit
        // Threads split rows only: identical results.
        ReferenceRunner threaded(*weights, 4);
        std::vector<float> t;
        QVERIFY(threaded.embed(tokens, &t, &error));
        QVERIFY(threaded.runLayers(&t, 7, 0, 3, &error));
        QCOMPARE(t, whole);
        // Outputs are O(1), finite, and the layers did something.
        std::vector<float> embedded;
        QVERIFY(runner.embed(tokens, &embedded, &error));
        double norm = 0;
        for (float v : whole) {
            QVERIFY(std::isfinite(v));
            norm += double(v) * v;
        }
        QVERIFY(norm / double(whole.size()) > 0.01 && norm / double(whole.size()) < 100.0);
        QVERIFY(maxAbsDiff(whole, embedded) > 0.1);
        std::vector<float> logits;
        QVERIFY(runner.logits(whole, 7, &logits, &error));
        QCOMPARE(logits.size(), std::size_t(7 * c.vocabSize));
    }

    void causalityDiffersBetweenArchitectures_data()
    {
        QTest::addColumn<bool>("bert");
        QTest::newRow("gpt2: the past ignores the future") << false;
        QTest::newRow("bert: every position sees all") << true;
    }
    void causalityDiffersBetweenArchitectures()
    {
        QFETCH(bool, bert);
        const ModelConfig c = smallConfig(bert);
        auto weights = weightsFor(c);
        QVERIFY(weights);
        ReferenceRunner runner(*weights);
        ModelError error;
        std::vector<float> a;
        std::vector<float> b;
        QVERIFY(runner.embed({1, 2, 3, 4, 5}, &a, &error));
        QVERIFY(runner.embed({1, 2, 3, 4, 42}, &b, &error)); // only the last token differs
        QVERIFY(runner.runLayers(&a, 5, 0, 3, &error));
        QVERIFY(runner.runLayers(&b, 5, 0, 3, &error));
        const std::vector<float> firstA(a.begin(), a.begin() + 4 * c.hiddenSize);
        const std::vector<float> firstB(b.begin(), b.begin() + 4 * c.hiddenSize);
        if (bert) {
            QVERIFY(maxAbsDiff(firstA, firstB) > 1e-4);
        } else {
            QCOMPARE(firstA, firstB);
        }
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<int>("token");
        QTest::addColumn<int>("seqLen");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("last");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("token too large") << 50 << 3 << 0 << 1 << "outside the vocabulary";
        QTest::newRow("negative token") << -1 << 3 << 0 << 1 << "outside the vocabulary";
        QTest::newRow("too long") << 1 << 17 << 0 << 1 << "sequence length 17";
        QTest::newRow("empty") << 1 << 0 << 0 << 1 << "sequence length 0";
        QTest::newRow("range past end") << 1 << 3 << 1 << 4 << "layer range 1:4";
        QTest::newRow("empty range") << 1 << 3 << 2 << 2 << "layer range 2:2";
        QTest::newRow("negative range") << 1 << 3 << -1 << 2 << "layer range -1:2";
    }
    void rejectsBadInput()
    {
        QFETCH(int, token);
        QFETCH(int, seqLen);
        QFETCH(int, first);
        QFETCH(int, last);
        QFETCH(QString, messagePart);
        auto weights = weightsFor(smallConfig(false));
        QVERIFY(weights);
        ReferenceRunner runner(*weights);
        ModelError error;
        std::vector<float> hidden;
        const std::vector<int> tokens(std::size_t(seqLen), token);
        const bool embedded = runner.embed(tokens, &hidden, &error);
        if (embedded) {
            QVERIFY(!runner.runLayers(&hidden, seqLen, first, last, &error));
        }
        QCOMPARE(error.code, ModelErrorCode::BadInput);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
        std::vector<float> wrongSize(5, 0.0f);
        QVERIFY(!runner.runLayers(&wrongSize, 3, 0, 1, &error));
    }
};

QTEST_GUILESS_MAIN(tst_ReferenceRunner)
#include "tst_ReferenceRunner.moc"
