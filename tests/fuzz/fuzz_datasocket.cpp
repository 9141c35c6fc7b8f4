// libFuzzer target for DataSocket (core/hosts), the server end of host data connections, over a
// real loopback connection: a QTcpServer accepts, the accepted socket is wrapped in a DataSocket
// that echoes every message, and a QTcpSocket writes the input to it.
//
// The first input byte picks how the rest reaches the server:
//   bit 0 clear: a valid upgrade request is written first and the rest follows as frames;
//   bit 0 set:   the rest is the upgrade request itself (and whatever comes after it);
//   bits 1-3:    0 writes the rest at once, 1-7 in pieces of 1, 2, 3, 5, 8, 13 or 64 bytes with an
//                event loop round between them, so frames and requests arrive split.
// The client then shuts its sending side down, so the server sees the end of the stream and the
// connection ends either way; the event loop runs a bounded number of rounds.
//
// Invariants (std::abort() when broken): delivered text is valid UTF-8, nothing is delivered
// before the upgrade or after a protocol error, bytesReceived() is the sum of what was delivered
// (plus the refused message after a 1007), the connection always ends (no hang), the
// refusal statuses and close codes are the documented ones, and what the server wrote is a 101
// or an HTTP error followed by well-formed server frames (unmasked, FIN, no RSV bits, control
// payloads up to 125 bytes, nothing after a close frame) whose data frames are exactly the echoes.
#include "hosts/DataSocket.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QStringDecoder>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <sys/socket.h>

using accel::DataSocket;

namespace {

constexpr size_t kMaxInputBytes = 64 * 1024;
constexpr int kMaxRounds = 400; // event loop rounds to wait for the connection to end
constexpr int kPieceBytes[] = {0, 1, 2, 3, 5, 8, 13, 64};

const QByteArray kUpgrade =
    "GET /data?host=fuzz HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://127.0.0.1:1234\r\n\r\n";

// Stops at a broken invariant, saying which (the replay driver prints no input otherwise).
#define CHECK(condition)                                                                                     \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "fuzz_datasocket.cpp:%d: CHECK(%s) failed\n", __LINE__, #condition);        \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)

// A strict UTF-8 check written out here, independent of the decoder DataSocket uses: no overlong
// forms, no surrogates, nothing above U+10FFFF, no truncated sequence.
bool validUtf8(const QByteArray &bytes)
{
    const auto *s = reinterpret_cast<const uchar *>(bytes.constData());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const uchar c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        // Continuation bytes after the lead byte, its payload bits, the smallest code point.
        int extra = 0;
        quint32 cp = 0;
        quint32 min = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        if (i + extra >= n) {
            return false;
        }
        for (int k = 1; k <= extra; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

struct Harness
{
    Harness()
        : app(argc, argv)
    {
        // Every refused request and protocol error is logged; thousands of them are noise here.
        QLoggingCategory::setFilterRules(QStringLiteral("accel.hosts.warning=false"));
        wake.setInterval(2);
        CHECK(server.listen(QHostAddress::LocalHost, 0));
    }
    // Runs the event loop until `done` or kMaxRounds rounds; a timer wakes every round up.
    template<typename Done> bool spin(Done done)
    {
        wake.start();
        bool ok = false;
        for (int i = 0; i < kMaxRounds && !(ok = done()); ++i) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        }
        wake.stop();
        return ok;
    }

    int argc = 1;
    char name[16] = "fuzz_datasocket";
    char *argv[2] = {name, nullptr};
    QCoreApplication app;
    QTcpServer server;
    QTimer wake;
};

// What the DataSocket emitted, in order.
struct Observed
{
    bool upgraded = false;
    int refusedStatus = 0;
    int protocolErrorCode = 0;
    bool disconnected = false;
    QList<QPair<bool, QByteArray>> messages; // (text, payload)
    qint64 deliveredBytes = 0;
};

// Checks what the server wrote: an HTTP response head, then (after a 101) server frames. When
// the client could not send everything (`complete` false), the output may be cut short.
void checkOutput(QByteArray output, bool complete, const Observed &seen, DataSocket &socket)
{
    const qsizetype headEnd = output.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        // Only a connection that ended before its request was complete gets no answer.
        CHECK(!complete || (!seen.upgraded && seen.refusedStatus == 0 && output.isEmpty()));
        return;
    }
    const QByteArray head = output.left(headEnd);
    output.remove(0, headEnd + 4);
    if (seen.refusedStatus != 0) {
        CHECK(!seen.upgraded &&
              head.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(seen.refusedStatus) + ' ')));
        return; // the body is the reason
    }
    CHECK(seen.upgraded && head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    QList<QPair<bool, QByteArray>> echoes;
    bool closed = false;
    while (output.size() >= 2) {
        const auto *b = reinterpret_cast<const uchar *>(output.constData());
        const quint8 opcode = b[0] & 0x0F;
        CHECK((b[0] & 0xF0) == 0x80); // FIN, no RSV bits
        CHECK((b[1] & 0x80) == 0);    // servers never mask
        CHECK(!closed);               // nothing after a close frame
        quint64 length = b[1] & 0x7F;
        qsizetype offset = 2;
        if (length == 126) {
            if (output.size() < 4) {
                break;
            }
            length = qFromBigEndian<quint16>(b + 2);
            CHECK(length >= 126); // the shortest length encoding
            offset = 4;
        } else if (length == 127) {
            if (output.size() < 10) {
                break;
            }
            length = qFromBigEndian<quint64>(b + 2);
            CHECK(length > 0xFFFF && !(length >> 63));
            offset = 10;
        }
        if (quint64(output.size() - offset) < length) {
            break;
        }
        const QByteArray payload = output.mid(offset, qsizetype(length));
        output.remove(0, offset + qsizetype(length));
        switch (opcode) {
        case 0x1:
        case 0x2:
            echoes.append({opcode == 0x1, payload});
            break;
        case 0x8: {
            CHECK(payload.size() <= 125 && payload.size() != 1);
            if (payload.size() >= 2) {
                const quint16 code = qFromBigEndian<quint16>(payload.constData());
                CHECK(code == socket.closeCode());
                CHECK(validUtf8(payload.mid(2)));
            } else {
                CHECK(socket.closeCode() == 1005);
            }
            closed = true;
            break;
        }
        case 0xA:
            CHECK(payload.size() <= 125);
            break;
        default:
            CHECK(false); // the server sends no pings, no fragments, no reserved opcodes
        }
    }
    if (complete) {
        CHECK(output.isEmpty());                      // no frame cut short
        CHECK(echoes == seen.messages);               // every message was echoed, once, in order
        CHECK(closed || seen.protocolErrorCode == 0); // a protocol error is answered with a close frame
    } else {
        CHECK(echoes == seen.messages.mid(0, echoes.size()));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Harness harness;
    if (size == 0) {
        return 0;
    }
    const bool handshakeMode = data[0] & 1;
    const int pieceBytes = kPieceBytes[(data[0] >> 1) & 7];
    const QByteArray input(reinterpret_cast<const char *>(data + 1),
                           qsizetype(qMin(size, kMaxInputBytes) - 1));

    QTcpSocket client;
    QByteArray output;
    QObject context;
    QObject::connect(&client, &QTcpSocket::readyRead, &context, [&] { output += client.readAll(); });
    client.connectToHost(QHostAddress::LocalHost, harness.server.serverPort());
    // Loopback connections do not fail.
    CHECK(harness.spin([&] {
        return client.state() == QAbstractSocket::ConnectedState && harness.server.hasPendingConnections();
    }));

    DataSocket::Options options;
    options.maxMessageBytes = 4096;
    options.requiredOrigin = QStringLiteral("http://127.0.0.1:1234");
    options.handshakeTimeoutMs = 10000;
    options.maxHandshakeBytes = 1024;
    DataSocket socket(harness.server.nextPendingConnection(), options);
    Observed seen;
    QObject::connect(&socket, &DataSocket::upgraded, &context, [&] {
        CHECK(!seen.upgraded && seen.refusedStatus == 0);
        CHECK(socket.state() == DataSocket::State::Open);
        seen.upgraded = true;
    });
    QObject::connect(&socket, &DataSocket::handshakeFailed, &context, [&](int status, const QString &) {
        CHECK(!seen.upgraded && seen.refusedStatus == 0);
        CHECK(status == 400 || status == 403 || status == 405 || status == 426 || status == 431);
        seen.refusedStatus = status;
    });
    const auto onMessage = [&](bool text, const QByteArray &payload) {
        CHECK(seen.upgraded && seen.protocolErrorCode == 0 && !seen.disconnected);
        CHECK(payload.size() <= options.maxMessageBytes && payload.size() <= input.size());
        CHECK(!text || validUtf8(payload));
        seen.messages.append({text, payload});
        seen.deliveredBytes += payload.size();
        CHECK(socket.bytesReceived() == seen.deliveredBytes);
        CHECK(text ? socket.sendText(payload) : socket.sendBinary(payload));
    };
    QObject::connect(&socket, &DataSocket::textReceived, &context,
                     [&](const QByteArray &utf8) { onMessage(true, utf8); });
    QObject::connect(&socket, &DataSocket::binaryReceived, &context,
                     [&](const QByteArray &payload) { onMessage(false, payload); });
    QObject::connect(&socket, &DataSocket::protocolError, &context, [&](quint16 code, const QString &) {
        CHECK(seen.upgraded && seen.protocolErrorCode == 0);
        CHECK(code == 1002 || code == 1007 || code == 1009);
        CHECK(socket.closeCode() == code);
        seen.protocolErrorCode = code;
    });
    QObject::connect(&socket, &DataSocket::disconnected, &context, [&] {
        CHECK(!seen.disconnected);
        seen.disconnected = true;
    });

    // Writes `bytes` as configured; false if the server hung up before all of it was sent (after a
    // refusal or a protocol error), in which case the client's end may drop what the server wrote
    // last (a write into a reset connection aborts the socket, unread data and all).
    const auto write = [&](const QByteArray &bytes) {
        for (qsizetype at = 0; at < bytes.size();) {
            if (client.state() != QAbstractSocket::ConnectedState) {
                return false;
            }
            const qsizetype n =
                pieceBytes == 0 ? bytes.size() : qMin<qsizetype>(pieceBytes, bytes.size() - at);
            client.write(bytes.constData() + at, n);
            client.flush();
            at += n;
            if (client.state() != QAbstractSocket::ConnectedState) {
                return false;
            }
            if (pieceBytes != 0) {
                QCoreApplication::processEvents();
            }
        }
        // What the kernel did not take at once is written later, and may fail then.
        const bool pending = client.bytesToWrite() > 0;
        return harness.spin([&] { return client.bytesToWrite() == 0; }) &&
               (!pending || client.state() == QAbstractSocket::ConnectedState);
    };
    bool complete = true;
    if (!handshakeMode) {
        // Frames follow the 101: a client that sends them earlier is refused (covered by mode 1).
        complete = write(kUpgrade) && harness.spin([&] { return output.contains("\r\n\r\n"); });
        CHECK(complete && seen.upgraded);
    }
    complete = complete && write(input);
    // The end of the stream: the server reads what was sent, then sees the connection end.
    ::shutdown(int(client.socketDescriptor()), SHUT_WR);
    // The connection must end: a DataSocket that never lets go is a hang.
    CHECK(harness.spin(
        [&] { return seen.disconnected && client.state() == QAbstractSocket::UnconnectedState; }));
    CHECK(socket.state() == DataSocket::State::Closed);
    // Only delivered messages count (a text refused for its UTF-8 does not).
    CHECK(socket.bytesReceived() == seen.deliveredBytes);
    checkOutput(output, complete, seen, socket);
    return 0;
}
