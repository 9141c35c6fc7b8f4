#include "model/ContentStore.h"
#include "model/DemoModel.h"
#include "model/ModelWeights.h"
#include "model/SafetensorsReader.h"

#include <QJsonDocument>
#include <QTest>

using namespace accel;

class tst_ContentStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void chunksAndReassembles_data()
    {
        QTest::addColumn<int>("sizeBytes");
        QTest::addColumn<int>("chunkBytes");
        QTest::addColumn<int>("chunks");
        QTest::newRow("empty") << 0 << 16 << 0;
        QTest::newRow("one short chunk") << 5 << 16 << 1;
        QTest::newRow("exact multiple") << 64 << 16 << 4;
        QTest::newRow("ragged tail") << 65 << 16 << 5;
    }
    void chunksAndReassembles()
    {
        QFETCH(int, sizeBytes);
        QFETCH(int, chunkBytes);
        QFETCH(int, chunks);
        QByteArray bytes(sizeBytes, '\0');
        for (int i = 0; i < sizeBytes; ++i) {
            bytes[i] = char(i * 7 + 3);
        }
        ContentStore store(chunkBytes);
        const TensorManifest m = store.add(QStringLiteral("t"), QStringLiteral("U8"), {sizeBytes}, bytes);
        QCOMPARE(int(m.chunks.size()), chunks);
        QByteArray back;
        ModelError error;
        QVERIFY2(store.assemble(m, &back, &error), qPrintable(error.message));
        QCOMPARE(back, bytes);
        // The manifest survives JSON.
        TensorManifest parsed;
        QVERIFY2(TensorManifest::fromJson(m.toJson(), &parsed, &error), qPrintable(error.message));
        QCOMPARE(int(parsed.chunks.size()), chunks);
        QVERIFY(store.assemble(parsed, &back, &error));
        QCOMPARE(back, bytes);
    }

    void knownHash()
    {
        QCOMPARE(ContentStore::sha256Hex("abc"),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void identicalChunksAreStoredOnceAndNotResent()
    {
        ContentStore store(8);
        const QByteArray a = QByteArray("AAAAAAAABBBBBBBBCCCCCCCC");
        const QByteArray b = QByteArray("CCCCCCCCAAAAAAAADDDD"); // shares two chunks with a
        const TensorManifest ma = store.add(QStringLiteral("a"), QStringLiteral("U8"), {24}, a);
        const TensorManifest mb = store.add(QStringLiteral("b"), QStringLiteral("U8"), {20}, b);
        QCOMPARE(store.chunkCount(), 4); // AAAAAAAA, BBBBBBBB, CCCCCCCC, DDDD
        QCOMPARE(store.storedBytes(), qint64(28));
        // A new host needs all four chunks once.
        const auto fresh = ContentStore::missing({ma, mb}, {});
        QCOMPARE(int(fresh.size()), 4);
        QCOMPARE(store.bytesFor(fresh), qint64(28)); // not 44: shared chunks travel once
        // A host that cached tensor a only needs D.
        QSet<QByteArray> held;
        for (const ChunkRef &c : ma.chunks) {
            held.insert(c.sha256Hex);
        }
        const auto rest = ContentStore::missing({ma, mb}, held);
        QCOMPARE(int(rest.size()), 1);
        QCOMPARE(store.chunk(rest.front()), QByteArray("DDDD"));
        QVERIFY(ContentStore::missing({ma}, held).empty());
    }

    void demoModelLayersShareNothingButReloadIsFree()
    {
        auto reader = std::make_shared<SafetensorsReader>();
        ModelWeights weights;
        ModelError error;
        QVERIFY(reader->openBytes(DemoModel::safetensorsBytes(DemoModel::config(), DemoModel::Options()),
                                  &error));
        QVERIFY(weights.adopt(DemoModel::config(), reader, &error));
        ContentStore store(256 * 1024);
        std::vector<TensorManifest> manifests;
        QVERIFY(store.addModelTensors(weights, ModelWeights::layerTensorNames(weights.config(), 0),
                                      &manifests, &error));
        QCOMPARE(int(manifests.size()), 12);
        QSet<QByteArray> held;
        for (const QByteArray &h : ContentStore::missing(manifests, {})) {
            held.insert(h);
        }
        // Adding the same layer again (another shard plan) stores nothing new and sends nothing.
        const int before = store.chunkCount();
        std::vector<TensorManifest> again;
        QVERIFY(store.addModelTensors(weights, ModelWeights::layerTensorNames(weights.config(), 0), &again,
                                      &error));
        QCOMPARE(store.chunkCount(), before);
        QVERIFY(ContentStore::missing(again, held).empty());
        QByteArray qkv;
        QVERIFY(store.assemble(again.at(2), &qkv, &error));
        std::vector<float> values;
        QVERIFY(weights.tensor(QStringLiteral("h.0.qkv.w"), &values, &error));
        QCOMPARE(qkv,
                 QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * 4)));
    }

    void rejectsBadManifests_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("messagePart");
        const QByteArray h(64, 'a');
        QTest::newRow("no name") << QByteArray(R"({"dtype":"F32","size":0,"chunks":[]})") << "name and dtype";
        QTest::newRow("short hash")
            << QByteArray(
                   R"({"name":"t","dtype":"F32","size":4,"chunks":[{"sha256":"ab","offset":0,"size":4}]})")
            << "malformed";
        QTest::newRow("gap") << (R"({"name":"t","dtype":"F32","size":8,"chunks":[{"sha256":")" + h +
                                 R"(","offset":4,"size":4}]})")
                             << "out of order";
        QTest::newRow("short cover") << (R"({"name":"t","dtype":"F32","size":8,"chunks":[{"sha256":")" + h +
                                         R"(","offset":0,"size":4}]})")
                                     << "cover 4 of 8";
    }
    void rejectsBadManifests()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, messagePart);
        TensorManifest m;
        ModelError error;
        QVERIFY(!TensorManifest::fromJson(QJsonDocument::fromJson(json).object(), &m, &error));
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
    }

    void assembleDetectsMissingAndCorruptChunks()
    {
        ContentStore store(4);
        TensorManifest m = store.add(QStringLiteral("t"), QStringLiteral("U8"), {8}, QByteArray("12345678"));
        ContentStore empty(4);
        QByteArray out;
        ModelError error;
        QVERIFY(!empty.assemble(m, &out, &error));
        QVERIFY(error.message.contains(QStringLiteral("not in the store")));
        m.chunks[1].offsetBytes = 3;
        QVERIFY(!store.assemble(m, &out, &error));
        QVERIFY(error.message.contains(QStringLiteral("does not match")));
    }
};

QTEST_GUILESS_MAIN(tst_ContentStore)
#include "tst_ContentStore.moc"
