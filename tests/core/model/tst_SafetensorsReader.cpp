#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace accel;

namespace {

/// A file from a literal JSON header and a data section of `dataBytes` bytes (value = index).
QByteArray fileWith(const QByteArray &json, int dataBytes)
{
    QByteArray out;
    quint64 n = quint64(json.size());
    for (int i = 0; i < 8; ++i) {
        out.append(char(n & 0xff));
        n >>= 8;
    }
    out.append(json);
    for (int i = 0; i < dataBytes; ++i) {
        out.append(char(i));
    }
    return out;
}

} // namespace

class tst_SafetensorsReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripsEveryFloatDtype_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("F32") << int(Dtype::F32) << 0.0;
        QTest::newRow("F16") << int(Dtype::F16) << 1e-3;   // 11-bit mantissa: rel 2^-11
        QTest::newRow("BF16") << int(Dtype::BF16) << 8e-3; // 8-bit mantissa: rel 2^-8
    }
    void roundTripsEveryFloatDtype()
    {
        QFETCH(int, dtype);
        QFETCH(double, tolerance);
        const std::vector<float> values = {0.0f, 1.0f, -2.5f, 3.14159f, 1e-3f, -65504.0f, 6.1e-5f, 0.33333f};
        SafetensorsWriter w;
        w.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
        w.addFloat(QStringLiteral("a"), {2, 4}, values, Dtype(dtype));
        w.addFloat(QStringLiteral("b.empty"), {0, 3}, {}, Dtype(dtype));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("m.safetensors"));
        ModelError error;
        QVERIFY(w.write(path, &error));
        SafetensorsReader reader;
        QVERIFY2(reader.open(path, &error), qPrintable(error.message));
        QCOMPARE(reader.tensors().size(), std::size_t(2));
        QCOMPARE(reader.index().metadata.value(QStringLiteral("format")), QStringLiteral("pt"));
        QCOMPARE(reader.index().dataStartBytes % 8, 0); // header padded for aligned mapping
        const TensorInfo *a = reader.find(QStringLiteral("a"));
        QVERIFY(a);
        QCOMPARE(a->shape, (std::vector<std::int64_t>{2, 4}));
        QCOMPARE(int(a->dtype), dtype);
        std::vector<float> back;
        QVERIFY(reader.toFloat32(*a, &back, &error));
        QCOMPARE(back.size(), values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            QVERIFY2(std::abs(back[i] - values[i]) <= tolerance * std::abs(values[i]) + 1e-7,
                     qPrintable(QStringLiteral("%1 vs %2").arg(back[i]).arg(values[i])));
        }
        const TensorInfo *empty = reader.find(QStringLiteral("b.empty"));
        QVERIFY(empty);
        QCOMPARE(empty->elementCount(), 0);
        QVERIFY(!reader.find(QStringLiteral("missing")));
    }

    void halfConversionEdgeCases()
    {
        QCOMPARE(dtype::halfToFloat(0x3c00), 1.0f);
        QCOMPARE(dtype::halfToFloat(0xc000), -2.0f);
        QCOMPARE(dtype::halfToFloat(0x7bff), 65504.0f);
        QCOMPARE(dtype::halfToFloat(0x0001), 5.960464477539063e-08f); // smallest subnormal
        QVERIFY(std::isinf(dtype::halfToFloat(0x7c00)));
        QVERIFY(std::isnan(dtype::halfToFloat(0x7e00)));
        QCOMPARE(dtype::floatToHalf(1.0f), quint16(0x3c00));
        QCOMPARE(dtype::floatToHalf(1e6f), quint16(0x7c00)); // overflow to inf
        QCOMPARE(dtype::floatToHalf(5.960464477539063e-08f), quint16(0x0001));
        for (quint32 h = 0; h < 0x7c00; ++h) { // every finite positive half survives a round trip
            QCOMPARE(dtype::floatToHalf(dtype::halfToFloat(quint16(h))), quint16(h));
        }
        QCOMPARE(dtype::bfloat16ToFloat(0x3f80), 1.0f);
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("messagePart");
        const QByteArray good = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        QTest::newRow("empty") << QByteArray() << int(ModelErrorCode::Truncated) << "too short";
        QTest::newRow("seven bytes") << QByteArray(7, '\0') << int(ModelErrorCode::Truncated) << "too short";
        QTest::newRow("zero header") << QByteArray(8, '\0') << int(ModelErrorCode::BadHeader)
                                     << "absurd header length";
        QByteArray huge(8, '\xff');
        QTest::newRow("absurd header") << huge << int(ModelErrorCode::BadHeader) << "absurd header length";
        QTest::newRow("header past end")
            << fileWith(good, 8).left(30) << int(ModelErrorCode::Truncated) << "only";
        QTest::newRow("not json") << fileWith("{not json}", 0) << int(ModelErrorCode::BadHeader)
                                  << "not a JSON";
        QTest::newRow("json array") << fileWith("[1,2]", 0) << int(ModelErrorCode::BadHeader)
                                    << "start with '{'";
        QTest::newRow("truncated data")
            << fileWith(good, 4) << int(ModelErrorCode::Truncated) << "runs past the end";
        QTest::newRow("trailing bytes") << fileWith(good, 12) << int(ModelErrorCode::BadOffsets) << "cover 8";
        QTest::newRow("unknown dtype")
            << fileWith(R"({"a":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}})", 8)
            << int(ModelErrorCode::BadDtype) << "unknown dtype 'F12'";
        QTest::newRow("size mismatch")
            << fileWith(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)
            << int(ModelErrorCode::BadShape) << "needs 12 bytes";
        QTest::newRow("negative dim")
            << fileWith(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)
            << int(ModelErrorCode::BadShape) << "non-negative";
        QTest::newRow("fractional dim")
            << fileWith(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", 8)
            << int(ModelErrorCode::BadShape) << "non-negative integers";
        QTest::newRow("overflowing shape")
            << fileWith(
                   R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})",
                   8)
            << int(ModelErrorCode::BadShape) << "more than the file";
        QTest::newRow("end before begin")
            << fileWith(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}})", 8)
            << int(ModelErrorCode::BadOffsets) << "before begin";
        QTest::newRow("overlap") << fileWith(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                             R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                             8)
                                 << int(ModelErrorCode::BadOffsets) << "overlaps";
        QTest::newRow("hole") << fileWith(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8)
                              << int(ModelErrorCode::BadOffsets) << "hole";
        QTest::newRow("missing offsets") << fileWith(R"({"a":{"dtype":"F32","shape":[2]}})", 8)
                                         << int(ModelErrorCode::BadHeader) << "data_offsets";
        QTest::newRow("offsets not pair")
            << fileWith(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}})", 8)
            << int(ModelErrorCode::BadHeader) << "[begin, end]";
        QTest::newRow("entry not object")
            << fileWith(R"({"a":5})", 0) << int(ModelErrorCode::BadHeader) << "not a JSON object";
        QTest::newRow("bad metadata")
            << fileWith(R"({"__metadata__":{"k":1}})", 0) << int(ModelErrorCode::BadHeader) << "not a string";
        QTest::newRow("rank too high")
            << fileWith(R"({"a":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]}})", 1)
            << int(ModelErrorCode::BadShape) << "rank 9";
    }
    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        QFETCH(QString, messagePart);
        SafetensorsReader reader;
        ModelError error;
        QVERIFY(!reader.openBytes(bytes, &error));
        QVERIFY(!reader.isOpen());
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
        QCOMPARE(int(error.code), code);
    }

    void acceptsMinimalAndUnalignedFiles()
    {
        // Header length 3 ("{} " is not needed): data starts at byte 10, so F32 data is unaligned.
        const QByteArray bytes = fileWith(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 0) +
                                 QByteArray("\x00\x00\x80\x3f", 4);
        SafetensorsReader reader;
        ModelError error;
        QVERIFY2(reader.openBytes(bytes, &error), qPrintable(error.message));
        std::vector<float> v;
        QVERIFY(reader.toFloat32(*reader.find(QStringLiteral("a")), &v, &error));
        QCOMPARE(v, std::vector<float>{1.0f});
        SafetensorsReader empty;
        QVERIFY(empty.openBytes(fileWith("{}", 0), &error));
        QVERIFY(empty.tensors().empty());
    }

    void refusesNonFloatConversion()
    {
        SafetensorsWriter w;
        w.addRaw(QStringLiteral("ids"), Dtype::I64, {2}, QByteArray(16, '\0'));
        SafetensorsReader reader;
        ModelError error;
        QVERIFY(reader.openBytes(w.toBytes(), &error));
        std::vector<float> v;
        QVERIFY(!reader.toFloat32(*reader.find(QStringLiteral("ids")), &v, &error));
        QCOMPARE(error.code, ModelErrorCode::BadDtype);
        QVERIFY(error.message.contains(QStringLiteral("I64")));
    }

    void missingAndTruncatedFilesOnDisk()
    {
        QTemporaryDir dir;
        SafetensorsReader reader;
        ModelError error;
        QVERIFY(!reader.open(dir.filePath(QStringLiteral("nope.safetensors")), &error));
        QCOMPARE(error.code, ModelErrorCode::Io);
        SafetensorsWriter w;
        w.addFloat(QStringLiteral("x"), {16}, std::vector<float>(16, 1.0f));
        QByteArray bytes = w.toBytes();
        bytes.chop(5);
        QFile f(dir.filePath(QStringLiteral("cut.safetensors")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        QVERIFY(!reader.open(f.fileName(), &error));
        QCOMPARE(error.code, ModelErrorCode::Truncated);
        QVERIFY2(error.message.contains(f.fileName()), qPrintable(error.message)); // names the file
    }
};

QTEST_GUILESS_MAIN(tst_SafetensorsReader)
#include "tst_SafetensorsReader.moc"
