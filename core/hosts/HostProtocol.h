#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>
#include <variant>

namespace accel {

/// Wire format of the host protocol (docs/host-protocol.md), version 1.
///
/// Two kinds of WebSocket messages travel between the app and a runtime page:
/// - control messages: UTF-8 JSON objects in text frames, `{"v": 1, "type": "...", ...}`;
/// - tensor frames: binary frames with a small little-endian header (magic, version, frame kind,
///   dtype, rank, request id, dims) followed by the raw element bytes.
///
/// HostProtocol is a pure codec: bytes in, values or an error out. It owns no socket and never
/// throws; every malformed input yields a HostProtocol::Error with a stable wire code.
namespace hostproto {

inline constexpr int kVersion = 1;
/// Largest request id: ids travel as JSON numbers, so they stay exactly representable in a double.
inline constexpr quint64 kMaxRequestId = (quint64(1) << 53) - 1;
inline constexpr int kMaxRank = 8;
/// Upper bound of a `model` message's optional `threads` (compute threads for the model's backend).
inline constexpr int kMaxModelThreads = 64;
/// Longest link name (`link`, `linked`, `run.forward.link`).
inline constexpr int kMaxLinkNameChars = 128;
inline constexpr int kFrameFixedHeaderBytes = 16;
inline constexpr char kFrameMagic[4] = {'A', 'C', 'T', 'F'};

/// WebSocket close codes the app uses (4000-4999 is the application range of RFC 6455).
namespace closecode {
inline constexpr int UnsupportedVersion = 4001;
inline constexpr int ProtocolViolation = 4002;
inline constexpr int HeartbeatTimeout = 4003;
inline constexpr int Replaced = 4004;
inline constexpr int HelloTimeout = 4008;
inline constexpr int BadRequest = 4400;
inline constexpr int InvalidToken = 4401;
inline constexpr int BadOrigin = 4403;
} // namespace closecode

enum class MessageType {
    Hello = 1,    // host -> app: first message, carries capabilities
    Welcome,      // app -> host: session accepted, heartbeat interval, frame limit
    Heartbeat,    // host -> app
    Load,         // app -> host: content-addressed weight chunks follow as WeightChunk frames
    Loaded,       // host -> app: chunks verified and cached
    Run,          // app -> host: layer range; Activation frames follow
    Cancel,       // app -> host
    Error,        // both directions
    Metrics,      // host -> app
    Goodbye,      // both directions
    Model,        // app -> host: deploy a model's layer range from cached chunks (tensor manifests)
    ModelReady,   // host -> app: the model's tensors are loaded on a compute backend
    ModelMissing, // host -> app: chunks the page lacks for a `model` request (send `load`, retry)
    RunTiming,    // host -> app: where the page spent a timed run's time (after its Result frame)
    Link,         // app -> host: open a direct port from this page's compute worker to a peer page's
    Linked,       // host -> app: the link is attached to the compute worker (runs may forward on it)
};

enum class FrameKind : quint8 {
    Activation = 1, // app -> host: input of a run request
    Result = 2,     // host -> app: output of a run or echo request
    Echo = 3,       // app -> host: transport test, answered by a Result frame with the same bytes
    WeightChunk = 4 // app -> host: one chunk of a load request, in the order the load listed them
};

/// A `runTiming` message: milliseconds the page spent on one run, measured with performance.now().
struct RunTiming
{
    double queuedMs = 0;  ///< Activation frame received -> the run started (earlier runs ahead of it)
    double computeMs = 0; ///< the backend's layer/embedding call, upload and download included
    double hostMs = 0;    ///< Activation frame received -> Result frame handed to the socket
    /// Wall-clock times on the page (ms since the Unix epoch, performance.timeOrigin + now()), so a
    /// hop between two pages of one machine can be timed end to end; 0 when the page did not say.
    double receivedAtMs = 0;  ///< the input arrived (from the app or over a link)
    double forwardedAtMs = 0; ///< the output was posted to the next page over a link (forwarded runs)
};

enum class DType : quint8 { F32 = 1, F16 = 2, BF16 = 3, I32 = 4, I8 = 5, U8 = 6 };

/// Stable error codes; errorCode() gives the wire spelling used in `error` messages.
enum class ErrorCode {
    MalformedJson = 1,
    NotAnObject,
    MissingField,
    WrongType,
    UnknownType,
    UnsupportedVersion,
    MessageTooLarge,
    FrameTooLarge,
    FrameTooShort,
    BadMagic,
    BadFrameKind,
    BadDType,
    BadRank,
    ShapeMismatch,
    BadRequestId,
};

struct Error
{
    ErrorCode code;
    QString detail;
};

struct ControlMessage
{
    MessageType type = MessageType::Error;
    /// The whole validated object, including "v" and "type".
    QJsonObject body;
};

struct TensorFrame
{
    FrameKind kind = FrameKind::Activation;
    quint64 requestId = 0;
    DType dtype = DType::F32;
    QList<quint32> shape;
    QByteArray payload;
};

struct Limits
{
    qint64 maxControlBytes = 256 * 1024;
    qint64 maxFrameBytes = 64 * 1024 * 1024; // header + payload
};

template<typename T> using Result = std::variant<T, Error>;

QString errorCode(ErrorCode code);
QString messageTypeName(MessageType type);
std::optional<MessageType> messageTypeFromName(const QString &name);
int dtypeSizeBytes(DType dtype);
QString dtypeName(DType dtype);

/// Validates a text frame: size, JSON, version, type and the fields each type requires.
Result<ControlMessage> decodeControl(const QByteArray &utf8, const Limits &limits = {});
/// Builds a control message: adds "v" and "type" to `fields`.
QByteArray encodeControl(MessageType type, QJsonObject fields = {});
/// Convenience: an `error` message (id 0 means "not about a request").
QByteArray encodeError(ErrorCode code, const QString &message, quint64 requestId = 0);
QByteArray encodeError(const QString &code, const QString &message, quint64 requestId = 0);

/// Validates a binary frame: size, magic, version, kind, dtype, rank, request id and that the
/// payload holds exactly product(shape) elements.
Result<TensorFrame> decodeFrame(const QByteArray &bytes, const Limits &limits = {});
/// Encodes a frame. Returns an Error if the frame itself is inconsistent (shape vs payload).
Result<QByteArray> encodeFrame(const TensorFrame &frame, const Limits &limits = {});

/// Header size of a frame of the given rank (payload starts there, 4-byte aligned).
constexpr int frameHeaderBytes(int rank)
{
    return kFrameFixedHeaderBytes + 4 * rank;
}

} // namespace hostproto
} // namespace accel

Q_DECLARE_METATYPE(accel::hostproto::TensorFrame)
Q_DECLARE_METATYPE(accel::hostproto::RunTiming)
