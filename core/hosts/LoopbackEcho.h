#pragma once

#include <QObject>

class QThread;

namespace accel {

/// The reference a pipeline hop is judged against: a bare Qt WebSocket echo over loopback, with
/// the echo server on its own thread (so each round trip wakes another thread, as a hop does) and
/// no protocol at all. `accelctl bench pipeline` measures it in the same run as the hop, hot and
/// after the same idle gap, so the machine's own floor is printed beside the hop.
///
/// Thread: create and use on a thread with an event loop; the server thread ends with the object.
class LoopbackEcho : public QObject
{
    Q_OBJECT
public:
    explicit LoopbackEcho(QObject *parent = nullptr);
    ~LoopbackEcho() override;

    /// Median of `count` round trips of a `bytes`-byte binary message (after 3 warm-ups); with
    /// `idleGapMs` the connection idles that long before each one. 0 if the echo failed.
    double roundTripMs(int bytes, int count, int idleGapMs = 0);

private:
    class Server;
    QThread *m_thread;
    Server *m_server = nullptr;
    quint16 m_port = 0;
};

} // namespace accel
