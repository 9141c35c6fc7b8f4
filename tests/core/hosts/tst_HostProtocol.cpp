#include "hosts/HostProtocol.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>
#include <QtEndian>

#include <initializer_list>
#include <utility>

using namespace accel::hostproto;

Q_DECLARE_METATYPE(accel::hostproto::ErrorCode)
Q_DECLARE_METATYPE(accel::hostproto::MessageType)

namespace {

// JSON written with single quotes (readable in tables); J() turns them into double quotes.
QByteArray J(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QByteArray header(quint8 version, quint8 kind, quint8 dtype, quint8 rank, quint64 id, QList<quint32> dims)
{
    QByteArray out("ACTF");
    out.append(char(version)).append(char(kind)).append(char(dtype)).append(char(rank));
    char buf[8];
    qToLittleEndian<quint64>(id, buf);
    out.append(buf, 8);
    for (quint32 d : dims) {
        qToLittleEndian<quint32>(d, buf);
        out.append(buf, 4);
    }
    return out;
}

QByteArray fixture(const QString &name)
{
    QFile f(qEnvironmentVariable("ACCEL_HOSTS_FIXTURES") + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly)) {
        qFatal("missing fixture %s", qPrintable(name));
    }
    return f.readAll();
}

} // namespace

class tst_HostProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decodesValidControl_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<MessageType>("type");
        QTest::newRow("hello fixture")
            << fixture(QStringLiteral("hello_embedded.json")) << MessageType::Hello;
        QTest::newRow("heartbeat") << (J("{'v':1,'type':'heartbeat','seq':7}")) << MessageType::Heartbeat;
        QTest::newRow("error with id")
            << (J("{'v':1,'type':'error','id':3,'code':'unsupported','message':'no backend'}"))
            << MessageType::Error;
        QTest::newRow("error without id")
            << (J("{'v':1,'type':'error','code':'device_lost','message':'lost'}")) << MessageType::Error;
        QTest::newRow("metrics") << (J("{'v':1,'type':'metrics','values':{'framesIn':3,'uptimeMs':12.5}}"))
                                 << MessageType::Metrics;
        QTest::newRow("goodbye") << (J("{'v':1,'type':'goodbye','reason':'page unloading'}"))
                                 << MessageType::Goodbye;
        QTest::newRow("run") << (J("{'v':1,'type':'run','id':9,'model':'demo','firstLayer':0,'lastLayer':3}"))
                             << MessageType::Run;
        QTest::newRow("timed run")
            << (J("{'v':1,'type':'run','id':9,'model':'demo','firstLayer':0,'lastLayer':3,'timing':true}"))
            << MessageType::Run;
        QTest::newRow("runTiming")
            << (J("{'v':1,'type':'runTiming','id':9,'queuedMs':0.05,'computeMs':12.5,'hostMs':13.1}"))
            << MessageType::RunTiming;
        QTest::newRow("runTiming with page clocks")
            << (J("{'v':1,'type':'runTiming','id':9,'queuedMs':0,'computeMs':1,'hostMs':1,"
                  "'receivedAt':1795000000000.125,'forwardedAt':1795000000001.5}"))
            << MessageType::RunTiming;
        QTest::newRow("run with forward")
            << (J("{'v':1,'type':'run','id':9,'model':'demo','firstLayer':0,'lastLayer':1,'embed':true,"
                  "'forward':{'link':'p-0-1','run':{'id':4,'model':'demo','firstLayer':2,'lastLayer':3,"
                  "'embed':false,'timing':true}}}"))
            << MessageType::Run;
        QTest::newRow("link") << (J("{'v':1,'type':'link','id':3,'link':'p-0-1','peer':'embedded-1'}"))
                              << MessageType::Link;
        QTest::newRow("linked") << (J("{'v':1,'type':'linked','id':3,'link':'p-0-1'}"))
                                << MessageType::Linked;
        QTest::newRow("load") << fixture(QStringLiteral("load.json")) << MessageType::Load;
        QTest::newRow("loaded") << (J("{'v':1,'type':'loaded','id':2,'chunks':['"
                                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']}"))
                                << MessageType::Loaded;
        QTest::newRow("cancel") << (J("{'v':1,'type':'cancel','id':4}")) << MessageType::Cancel;
        QTest::newRow("welcome") << (J("{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1000,'"
                                       "maxFrameBytes':1048576}"))
                                 << MessageType::Welcome;
        QTest::newRow("welcome with dataKey") << (J("{'v':1,'type':'welcome','sessionId':'s','"
                                                    "heartbeatIntervalMs':1000,'maxFrameBytes':1048576,"
                                                    "'dataKey':'0123456789abcdef0123456789abcdef'}"))
                                              << MessageType::Welcome;
        QTest::newRow("welcome with dataPort") << (J("{'v':1,'type':'welcome','sessionId':'s','"
                                                     "heartbeatIntervalMs':1000,'maxFrameBytes':1048576,"
                                                     "'dataKey':'k','dataPort':40123}"))
                                               << MessageType::Welcome;
        QTest::newRow("model, threads absent (auto)")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'backend':'wasm'}"))
            << MessageType::Model;
        QTest::newRow("model, 1 thread")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':1}"))
            << MessageType::Model;
        QTest::newRow("model, 64 threads")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':64}"))
            << MessageType::Model;
        QTest::newRow("model, 2.0 threads")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':2.0}"))
            << MessageType::Model;
        QTest::newRow("welcome with weight cap")
            << (J("{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1000,'"
                  "maxFrameBytes':1048576,'weightLimitBytes':4194304}"))
            << MessageType::Welcome;
        QTest::newRow("welcome with largest weight cap")
            << (J("{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1000,'"
                  "maxFrameBytes':1048576,'weightLimitBytes':9007199254740991}"))
            << MessageType::Welcome;
        QTest::newRow("metrics with weights")
            << (J("{'v':1,'type':'metrics','values':{'weightBytes':0,'weightLimitBytes':2147483648}}"))
            << MessageType::Metrics;
    }
    void decodesValidControl()
    {
        QFETCH(QByteArray, json);
        QFETCH(MessageType, type);
        const Result<ControlMessage> r = decodeControl(json);
        if (const Error *e = std::get_if<Error>(&r)) {
            QFAIL(qPrintable(errorCode(e->code) + QStringLiteral(": ") + e->detail));
        }
        QCOMPARE(std::get<ControlMessage>(r).type, type);
    }

    void rejectsBadControl_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<ErrorCode>("code");
        QTest::newRow("garbage") << QByteArray("{\"v\":1,\"type\":") << ErrorCode::MalformedJson;
        QTest::newRow("binary garbage") << QByteArray("\xff\xfe\x00{{", 5) << ErrorCode::MalformedJson;
        QTest::newRow("empty") << QByteArray() << ErrorCode::MalformedJson;
        QTest::newRow("array") << QByteArray("[1,2]") << ErrorCode::NotAnObject;
        QTest::newRow("no version") << (J("{'type':'heartbeat','seq':1}")) << ErrorCode::MissingField;
        QTest::newRow("version 2") << (J("{'v':2,'type':'heartbeat','seq':1}"))
                                   << ErrorCode::UnsupportedVersion;
        QTest::newRow("version 0") << (J("{'v':0,'type':'heartbeat','seq':1}"))
                                   << ErrorCode::UnsupportedVersion;
        QTest::newRow("version string")
            << (J("{'v':'1','type':'heartbeat','seq':1}")) << ErrorCode::WrongType;
        QTest::newRow("version fraction")
            << (J("{'v':1.5,'type':'heartbeat','seq':1}")) << ErrorCode::WrongType;
        QTest::newRow("no type") << (J("{'v':1}")) << ErrorCode::MissingField;
        QTest::newRow("unknown type") << (J("{'v':1,'type':'teleport'}")) << ErrorCode::UnknownType;
        QTest::newRow("heartbeat no seq") << (J("{'v':1,'type':'heartbeat'}")) << ErrorCode::MissingField;
        QTest::newRow("heartbeat negative seq")
            << (J("{'v':1,'type':'heartbeat','seq':-1}")) << ErrorCode::WrongType;
        const char *welcome = "{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1000,"
                              "'maxFrameBytes':1048576,'weightLimitBytes':%1}";
        for (const auto &[name, value] : std::initializer_list<std::pair<const char *, const char *>>{
                 {"welcome weight cap 0", "0"},
                 {"welcome weight cap negative", "-4096"},
                 {"welcome weight cap fraction", "1048576.5"},
                 {"welcome weight cap string", "'4194304'"},
                 {"welcome weight cap null", "null"},
                 {"welcome weight cap above 2^53", "9007199254740993"},
                 {"welcome weight cap object", "{}"}}) {
            QTest::newRow(name) << J(qPrintable(QString::fromLatin1(welcome).arg(QLatin1String(value))))
                                << ErrorCode::WrongType;
        }
        QTest::newRow("metrics weightBytes negative")
            << (J("{'v':1,'type':'metrics','values':{'weightBytes':-1,'weightLimitBytes':10}}"))
            << ErrorCode::WrongType;
        QTest::newRow("metrics weightLimitBytes fraction")
            << (J("{'v':1,'type':'metrics','values':{'weightBytes':1,'weightLimitBytes':10.25}}"))
            << ErrorCode::WrongType;
        QTest::newRow("metrics weightBytes string")
            << (J("{'v':1,'type':'metrics','values':{'weightBytes':'1'}}")) << ErrorCode::WrongType;
        QTest::newRow("hello no caps")
            << (J("{'v':1,'type':'hello','hostId':'a'}")) << ErrorCode::MissingField;
        QTest::newRow("hello caps array")
            << (J("{'v':1,'type':'hello','hostId':'a','capabilities':[]}")) << ErrorCode::WrongType;
        QTest::newRow("hello empty id")
            << (J("{'v':1,'type':'hello','hostId':'','capabilities':{}}")) << ErrorCode::WrongType;
        QTest::newRow("run id 0")
            << (J("{'v':1,'type':'run','id':0,'model':'m','firstLayer':0,'lastLayer':1}"))
            << ErrorCode::BadRequestId;
        QTest::newRow("run id too big")
            << (J("{'v':1,'type':'run','id':9007199254740993,'model':'m','firstLayer':0,'lastLayer':1}"))
            << ErrorCode::BadRequestId;
        QTest::newRow("run reversed layers")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':4,'lastLayer':1}"))
            << ErrorCode::WrongType;
        QTest::newRow("run timing not bool")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':0,'lastLayer':1,'timing':1}"))
            << ErrorCode::WrongType;
        QTest::newRow("runTiming negative")
            << (J("{'v':1,'type':'runTiming','id':1,'queuedMs':0,'computeMs':-1,'hostMs':1}"))
            << ErrorCode::WrongType;
        QTest::newRow("runTiming missing hostMs")
            << (J("{'v':1,'type':'runTiming','id':1,'queuedMs':0,'computeMs':1}")) << ErrorCode::MissingField;
        QTest::newRow("runTiming no id")
            << (J("{'v':1,'type':'runTiming','queuedMs':0,'computeMs':1,'hostMs':1}"))
            << ErrorCode::MissingField;
        QTest::newRow("runTiming receivedAt negative")
            << (J("{'v':1,'type':'runTiming','id':1,'queuedMs':0,'computeMs':1,'hostMs':1,'receivedAt':-5}"))
            << ErrorCode::WrongType;
        QTest::newRow("runTiming forwardedAt a string") << (J("{'v':1,'type':'runTiming','id':1,'queuedMs':0,"
                                                              "'computeMs':1,'hostMs':1,'forwardedAt':'1'}"))
                                                        << ErrorCode::WrongType;
        QTest::newRow("run forward not an object")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':0,'lastLayer':1,'forward':'x'}"))
            << ErrorCode::WrongType;
        QTest::newRow("run forward without link")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':0,'lastLayer':1,"
                  "'forward':{'run':{'id':2,'model':'m','firstLayer':1,'lastLayer':1}}}"))
            << ErrorCode::MissingField;
        QTest::newRow("run forward without run") << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':"
                                                       "0,'lastLayer':1,'forward':{'link':'l'}}"))
                                                 << ErrorCode::MissingField;
        QTest::newRow("run forward run without id")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':0,'lastLayer':1,"
                  "'forward':{'link':'l','run':{'model':'m','firstLayer':1,'lastLayer':1}}}"))
            << ErrorCode::MissingField;
        QTest::newRow("run forward forwards again")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':0,'lastLayer':1,"
                  "'forward':{'link':'l','run':{'id':2,'model':'m','firstLayer':1,'lastLayer':1,"
                  "'forward':{'link':'l','run':{'id':3,'model':'m','firstLayer':1,'lastLayer':1}}}}}"))
            << ErrorCode::WrongType;
        QTest::newRow("run forward link too long")
            << (J("{'v':1,'type':'run','id':1,'model':'m','firstLayer':0,'lastLayer':1,'forward':{'link':'") +
                QByteArray(129, 'x') + J("','run':{'id':2,'model':'m','firstLayer':1,'lastLayer':1}}}"))
            << ErrorCode::WrongType;
        QTest::newRow("link without peer")
            << (J("{'v':1,'type':'link','id':3,'link':'l'}")) << ErrorCode::MissingField;
        QTest::newRow("link without id")
            << (J("{'v':1,'type':'link','link':'l','peer':'p'}")) << ErrorCode::MissingField;
        QTest::newRow("link empty name")
            << (J("{'v':1,'type':'link','id':3,'link':'','peer':'p'}")) << ErrorCode::WrongType;
        QTest::newRow("linked link a number")
            << (J("{'v':1,'type':'linked','id':3,'link':7}")) << ErrorCode::WrongType;
        QTest::newRow("welcome dataKey not a string")
            << (J("{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1,'maxFrameBytes':1,'"
                  "dataKey':7}"))
            << ErrorCode::WrongType;
        QTest::newRow("welcome dataPort 0") << (J("{'v':1,'type':'welcome','sessionId':'s','"
                                                  "heartbeatIntervalMs':1,'maxFrameBytes':1,'dataPort':0}"))
                                            << ErrorCode::WrongType;
        QTest::newRow("welcome dataPort too big")
            << (J("{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1,'maxFrameBytes':1,'"
                  "dataPort':65536}"))
            << ErrorCode::WrongType;
        QTest::newRow("welcome dataPort a string")
            << (J("{'v':1,'type':'welcome','sessionId':'s','heartbeatIntervalMs':1,'maxFrameBytes':1,'"
                  "dataPort':'80'}"))
            << ErrorCode::WrongType;
        QTest::newRow("load bad hash")
            << (J("{'v':1,'type':'load','id':1,'chunks':[{'sha256':'ABC','sizeBytes':1}]}"))
            << ErrorCode::WrongType;
        QTest::newRow("metrics non-number")
            << (J("{'v':1,'type':'metrics','values':{'a':'x'}}")) << ErrorCode::WrongType;
        QTest::newRow("error without message")
            << (J("{'v':1,'type':'error','code':'x'}")) << ErrorCode::MissingField;
        QTest::newRow("model threads 0")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':0}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads negative")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':-2}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads fraction")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':1.5}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads 65")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':65}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads huge")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':1e300}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads string")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':'2'}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads 'auto'")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':'auto'}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads null")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':null}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads bool")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':true}"))
            << ErrorCode::WrongType;
        QTest::newRow("model threads array")
            << (J("{'v':1,'type':'model','id':5,'name':'demo','config':{},'tensors':[],'threads':[2]}"))
            << ErrorCode::WrongType;
    }
    void rejectsBadControl()
    {
        QFETCH(QByteArray, json);
        QFETCH(ErrorCode, code);
        const Result<ControlMessage> r = decodeControl(json);
        QVERIFY2(std::holds_alternative<Error>(r), "bad input was accepted");
        const Error &e = std::get<Error>(r);
        QCOMPARE(errorCode(e.code), errorCode(code));
        QVERIFY(!e.detail.isEmpty());
        if (QByteArray(QTest::currentDataTag()).startsWith("model threads")) { // names the field and range
            QVERIFY2(e.detail.contains(QLatin1String("'threads'")) && e.detail.contains(QLatin1String("64")),
                     qPrintable(e.detail));
        }
    }

    void rejectsOversizedControl()
    {
        Limits limits;
        limits.maxControlBytes = 64;
        const QByteArray json = J("{'v':1,'type':'goodbye','reason':'") + QByteArray(100, 'x') + J("'}");
        const Result<ControlMessage> r = decodeControl(json, limits);
        QVERIFY(std::holds_alternative<Error>(r));
        QCOMPARE(std::get<Error>(r).code, ErrorCode::MessageTooLarge);
    }

    void encodeControlRoundTrips()
    {
        const QByteArray bytes = encodeError(ErrorCode::FrameTooLarge, QStringLiteral("too big"), 42);
        const Result<ControlMessage> r = decodeControl(bytes);
        QVERIFY(std::holds_alternative<ControlMessage>(r));
        const QJsonObject o = std::get<ControlMessage>(r).body;
        QCOMPARE(o.value(QLatin1String("code")).toString(), QStringLiteral("frame_too_large"));
        QCOMPARE(o.value(QLatin1String("id")).toInteger(), 42);
        QCOMPARE(o.value(QLatin1String("v")).toInt(), kVersion);
    }

    void frameFixtureDecodes()
    {
        // f32 tensor [2,3] = 0..5, request 7, kind Activation, written by hand in the spec.
        const Result<TensorFrame> r = decodeFrame(fixture(QStringLiteral("frame_f32_2x3.bin")));
        if (const Error *e = std::get_if<Error>(&r)) {
            QFAIL(qPrintable(e->detail));
        }
        const TensorFrame &f = std::get<TensorFrame>(r);
        QCOMPARE(f.kind, FrameKind::Activation);
        QCOMPARE(f.requestId, quint64(7));
        QCOMPARE(f.dtype, DType::F32);
        QCOMPARE(f.shape, (QList<quint32>{2, 3}));
        QCOMPARE(f.payload.size(), 24);
        const float *values = reinterpret_cast<const float *>(f.payload.constData());
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(values[i], float(i));
        }
    }

    void frameRoundTrips_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<QList<quint32>>("shape");
        QTest::newRow("f32 scalar") << int(DType::F32) << QList<quint32>{};
        QTest::newRow("f32 1x1MiB") << int(DType::F32) << QList<quint32>{1, 262144};
        QTest::newRow("f16 rank 8") << int(DType::F16) << QList<quint32>{1, 2, 1, 2, 1, 2, 1, 2};
        QTest::newRow("u8 empty") << int(DType::U8) << QList<quint32>{0, 5};
        QTest::newRow("i32") << int(DType::I32) << QList<quint32>{3, 3};
    }
    void frameRoundTrips()
    {
        QFETCH(int, dtype);
        QFETCH(QList<quint32>, shape);
        TensorFrame in;
        in.kind = FrameKind::Echo;
        in.requestId = kMaxRequestId;
        in.dtype = DType(dtype);
        in.shape = shape;
        qint64 elements = 1;
        for (quint32 d : shape) {
            elements *= d;
        }
        in.payload.resize(elements * dtypeSizeBytes(in.dtype));
        for (qsizetype i = 0; i < in.payload.size(); ++i) {
            in.payload[i] = char(i * 31);
        }
        const Result<QByteArray> encoded = encodeFrame(in);
        QVERIFY(std::holds_alternative<QByteArray>(encoded));
        QCOMPARE(std::get<QByteArray>(encoded).size(),
                 frameHeaderBytes(int(shape.size())) + in.payload.size());
        const Result<TensorFrame> decoded = decodeFrame(std::get<QByteArray>(encoded));
        QVERIFY(std::holds_alternative<TensorFrame>(decoded));
        const TensorFrame &out = std::get<TensorFrame>(decoded);
        QCOMPARE(out.kind, in.kind);
        QCOMPARE(out.requestId, in.requestId);
        QCOMPARE(out.dtype, in.dtype);
        QCOMPARE(out.shape, in.shape);
        QCOMPARE(out.payload, in.payload);
    }

    void rejectsBadFrames_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<ErrorCode>("code");
        const QByteArray fourFloats(16, '\0');
        QTest::newRow("empty") << QByteArray() << ErrorCode::FrameTooShort;
        QTest::newRow("short") << QByteArray("ACTF\x01") << ErrorCode::FrameTooShort;
        QTest::newRow("magic") << QByteArray("XCTF").append(header(1, 1, 1, 0, 1, {}).mid(4)) +
                                      QByteArray(4, 0)
                               << ErrorCode::BadMagic;
        QTest::newRow("version 2") << header(2, 1, 1, 1, 1, {4}) + fourFloats
                                   << ErrorCode::UnsupportedVersion;
        QTest::newRow("kind 0") << header(1, 0, 1, 1, 1, {4}) + fourFloats << ErrorCode::BadFrameKind;
        QTest::newRow("kind 9") << header(1, 9, 1, 1, 1, {4}) + fourFloats << ErrorCode::BadFrameKind;
        QTest::newRow("dtype 0") << header(1, 1, 0, 1, 1, {4}) + fourFloats << ErrorCode::BadDType;
        QTest::newRow("dtype 200") << header(1, 1, 200, 1, 1, {4}) + fourFloats << ErrorCode::BadDType;
        QTest::newRow("rank 9") << header(1, 1, 1, 9, 1, {1, 1, 1, 1, 1, 1, 1, 1, 1}) + QByteArray(4, 0)
                                << ErrorCode::BadRank;
        QTest::newRow("id 0") << header(1, 1, 1, 1, 0, {4}) + fourFloats << ErrorCode::BadRequestId;
        QTest::newRow("id 2^63") << header(1, 1, 1, 1, quint64(1) << 63, {4}) + fourFloats
                                 << ErrorCode::BadRequestId;
        QTest::newRow("truncated dims") << header(1, 1, 1, 3, 1, {4}) << ErrorCode::FrameTooShort;
        QTest::newRow("payload short") << header(1, 1, 1, 1, 1, {5}) + fourFloats << ErrorCode::ShapeMismatch;
        QTest::newRow("payload long") << header(1, 1, 1, 1, 1, {3}) + fourFloats << ErrorCode::ShapeMismatch;
        QTest::newRow("huge shape") << header(1, 1, 1, 4, 1,
                                              {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}) +
                                           fourFloats
                                    << ErrorCode::ShapeMismatch;
    }
    void rejectsBadFrames()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(ErrorCode, code);
        const Result<TensorFrame> r = decodeFrame(bytes);
        QVERIFY2(std::holds_alternative<Error>(r), "bad frame was accepted");
        QCOMPARE(errorCode(std::get<Error>(r).code), errorCode(code));
    }

    void enforcesFrameLimit()
    {
        Limits limits;
        limits.maxFrameBytes = 1024;
        TensorFrame f{FrameKind::Echo, 1, DType::U8, {2000}, QByteArray(2000, 'x')};
        const Result<QByteArray> encoded = encodeFrame(f, limits);
        QVERIFY(std::holds_alternative<Error>(encoded));
        QCOMPARE(std::get<Error>(encoded).code, ErrorCode::FrameTooLarge);
        const QByteArray big = std::get<QByteArray>(encodeFrame(f));
        const Result<TensorFrame> decoded = decodeFrame(big, limits);
        QVERIFY(std::holds_alternative<Error>(decoded));
        QCOMPARE(std::get<Error>(decoded).code, ErrorCode::FrameTooLarge);
    }

    void encodeRejectsInconsistentFrames()
    {
        QVERIFY(std::holds_alternative<Error>(
            encodeFrame({FrameKind::Result, 1, DType::F32, {3}, QByteArray(8, 0)})));
        QVERIFY(std::holds_alternative<Error>(
            encodeFrame({FrameKind::Result, 0, DType::F32, {2}, QByteArray(8, 0)})));
        QVERIFY(std::holds_alternative<Error>(
            encodeFrame({FrameKind::Result, 1, DType::U8, QList<quint32>(9, 1), QByteArray(1, 0)})));
    }
};

QTEST_GUILESS_MAIN(tst_HostProtocol)
#include "tst_HostProtocol.moc"
