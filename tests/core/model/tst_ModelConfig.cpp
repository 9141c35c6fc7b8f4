#include "model/DemoModel.h"
#include "model/ModelConfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace accel;

class tst_ModelConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsGpt2SmallConfig()
    {
        // The config.json of Hugging Face's "gpt2" (GPT-2 small), abridged to the keys we read plus
        // some we ignore.
        const QByteArray json = R"({"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"],
            "attn_pdrop": 0.1, "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256,
            "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024,
            "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1,
            "vocab_size": 50257})";
        ModelError error;
        const std::optional<ModelConfig> c = ModelConfig::fromJson(json, &error);
        QVERIFY2(c, qPrintable(error.message));
        QCOMPARE(c->architecture, ModelConfig::Architecture::DecoderGpt2);
        QCOMPARE(c->family, ModelConfig::Family::Text);
        QCOMPARE(c->activation, ModelConfig::Activation::GeluTanh);
        QCOMPARE(c->vocabSize, 50257);
        QCOMPARE(c->maxPositions, 1024);
        QCOMPARE(c->hiddenSize, 768);
        QCOMPARE(c->layerCount, 12);
        QCOMPARE(c->headCount, 12);
        QCOMPARE(c->headDim(), 64);
        QCOMPARE(c->intermediateSize, 3072); // n_inner absent: 4 x n_embd
        QCOMPARE(c->layerNormEps, 1e-5);
        QVERIFY(c->isCausal());
        QCOMPARE(c->layerParameterCount(), qint64(7087872)); // GPT-2 small: 7,087,872 per block
    }

    void readsBertBaseConfig()
    {
        const QByteArray json = R"({"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1,
            "hidden_act": "gelu", "hidden_size": 768, "intermediate_size": 3072, "layer_norm_eps": 1e-12,
            "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
            "num_hidden_layers": 12, "type_vocab_size": 2, "vocab_size": 30522})";
        ModelError error;
        const std::optional<ModelConfig> c = ModelConfig::fromJson(json, &error);
        QVERIFY2(c, qPrintable(error.message));
        QCOMPARE(c->architecture, ModelConfig::Architecture::EncoderBert);
        QCOMPARE(c->activation, ModelConfig::Activation::GeluErf);
        QCOMPARE(c->typeVocabSize, 2);
        QCOMPARE(c->layerNormEps, 1e-12);
        QVERIFY(!c->isCausal());
    }

    void familyHint_data()
    {
        QTest::addColumn<QString>("family");
        QTest::addColumn<bool>("ok");
        QTest::newRow("vision") << "vision" << true;
        QTest::newRow("audio") << "audio" << true;
        QTest::newRow("text") << "text" << true;
        QTest::newRow("smell") << "smell" << false;
    }
    void familyHint()
    {
        QFETCH(QString, family);
        QFETCH(bool, ok);
        QJsonObject o = DemoModel::config().toJson();
        o.insert(QStringLiteral("accel_family"), family);
        ModelError error;
        const std::optional<ModelConfig> c = ModelConfig::fromJson(QJsonDocument(o).toJson(), &error);
        QCOMPARE(bool(c), ok);
        if (ok) {
            QCOMPARE(ModelConfig::familyName(c->family), family);
            // And it survives a round trip.
            const std::optional<ModelConfig> again =
                ModelConfig::fromJson(QJsonDocument(c->toJson()).toJson(), &error);
            QVERIFY(again);
            QCOMPARE(again->family, c->family);
        } else {
            QVERIFY(error.message.contains(QStringLiteral("accel_family")));
        }
    }

    void rejectsBadConfigs_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("not json") << QByteArray("{") << "not a JSON object";
        QTest::newRow("array") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("no type") << QByteArray("{}") << "missing 'model_type'";
        QTest::newRow("llama") << QByteArray(R"({"model_type":"llama"})") << "not supported";
        QTest::newRow("missing key") << QByteArray(R"({"model_type":"gpt2","vocab_size":10})")
                                     << "missing 'n_positions'";
        QTest::newRow("heads do not divide")
            << QByteArray(
                   R"({"model_type":"gpt2","vocab_size":10,"n_positions":8,"n_embd":10,"n_layer":1,"n_head":3})")
            << "multiple of the head count";
        QTest::newRow("negative layers")
            << QByteArray(
                   R"({"model_type":"gpt2","vocab_size":10,"n_positions":8,"n_embd":8,"n_layer":-1,"n_head":2})")
            << "'n_layer' must be an integer";
        QTest::newRow("string size")
            << QByteArray(
                   R"({"model_type":"gpt2","vocab_size":"10","n_positions":8,"n_embd":8,"n_layer":1,"n_head":2})")
            << "'vocab_size' must be an integer";
        QTest::newRow("fractional")
            << QByteArray(
                   R"({"model_type":"gpt2","vocab_size":10.5,"n_positions":8,"n_embd":8,"n_layer":1,"n_head":2})")
            << "'vocab_size' must be an integer";
        QTest::newRow("huge") << QByteArray(
                                     R"({"model_type":"gpt2","vocab_size":1e300,"n_positions":8,"n_embd":8,)"
                                     R"("n_layer":1,"n_head":2})")
                              << "'vocab_size' must be an integer";
        QTest::newRow("bad activation")
            << QByteArray(
                   R"({"model_type":"gpt2","vocab_size":10,"n_positions":8,"n_embd":8,"n_layer":1,"n_head":2,)"
                   R"("activation_function":"relu"})")
            << "activation_function 'relu'";
        QTest::newRow("bad eps") << QByteArray(
                                        R"({"model_type":"bert","vocab_size":10,"max_position_embeddings":8,)"
                                        R"("hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,)"
                                        R"("intermediate_size":16,"layer_norm_eps":0})")
                                 << "layer_norm_eps";
        QTest::newRow("too large") << QByteArray(2 * 1024 * 1024, ' ') << "larger than 1 MiB";
    }
    void rejectsBadConfigs()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, messagePart);
        ModelError error;
        QVERIFY(!ModelConfig::fromJson(json, &error));
        QCOMPARE(error.code, ModelErrorCode::BadConfig);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
    }

    void demoConfigRoundTrips()
    {
        const ModelConfig demo = DemoModel::config();
        ModelError error;
        const std::optional<ModelConfig> c =
            ModelConfig::fromJson(QJsonDocument(demo.toJson()).toJson(), &error);
        QVERIFY2(c, qPrintable(error.message));
        QCOMPARE(c->hiddenSize, demo.hiddenSize);
        QCOMPARE(c->layerCount, demo.layerCount);
        QCOMPARE(c->intermediateSize, demo.intermediateSize);
        QCOMPARE(c->vocabSize, demo.vocabSize);
    }
};

QTEST_GUILESS_MAIN(tst_ModelConfig)
#include "tst_ModelConfig.moc"
